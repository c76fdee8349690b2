"""Command line: python -m ipage.crystal {generate,merge,status,verify,export} ...

    python -m ipage.crystal generate --out DIR --n 1000 --chunk-size 25
    python -m ipage.crystal status --out DIR
    python -m ipage.crystal merge --out DIR    # -> dataset.csv, samples.npz
    python -m ipage.crystal verify --dir resources/srtio3_pbe_fast
    python -m ipage.crystal export --dir resources/srtio3_pbe_fast   # SHA256SUMS, stats, README
    python -m ipage.crystal audit --dir resources/srtio3_pbe_fast --n 20 --preset accurate

generate and audit are resumable: rerun the same command after an interruption. verify and
export take the design's seed, box and preset (defaults: those of the shipped dataset).
"""

from __future__ import annotations

import argparse
import sys

from ipage.errors import IpageError
from ipage.threads import pin_threads


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ipage.crystal", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="plan (once) and compute the dataset chunk by chunk")
    g.add_argument("--out", required=True, help="dataset directory (outside the repository)")
    g.add_argument("--n", type=int, default=1000)
    g.add_argument("--chunk-size", type=int, default=25)
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--strain", type=float, default=0.04, help="half-width on a, b, c (relative)")
    g.add_argument("--angle", type=float, default=4.0, help="half-width on the angles (deg)")
    g.add_argument("--preset", default="fast")
    g.add_argument("--chunks", default=None, help="comma-separated chunk numbers (default all)")
    g.add_argument("--keep-logs", action="store_true", help="keep GPAW text output per cell")
    g.add_argument("--retry-failed", action="store_true")
    g.add_argument("--workers", type=int, default=1, help="single-threaded DFT processes")
    for name in ("merge", "status"):
        p = sub.add_parser(name)
        p.add_argument("--out", required=True)
    for name, text in (
        ("verify", "check checksums, design, box, preset and every row of a dataset folder"),
        ("export", "write SHA256SUMS, stats.json, gap_histogram.png and the README statistics"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--dir", required=True, help="dataset folder (design.csv, chunks/)")
        p.add_argument("--seed", type=int, default=0, help="seed of the design's LHS")
        p.add_argument("--strain", type=float, default=0.04)
        p.add_argument("--angle", type=float, default=4.0)
        p.add_argument("--preset", default="fast")
        if name == "verify":
            p.add_argument(
                "--strict", action="store_true", help="a file missing from SHA256SUMS is an error"
            )
    a = sub.add_parser("audit", help="recompute n random converged cells with a finer preset")
    a.add_argument("--dir", required=True, help="dataset folder (design.csv, chunks/)")
    a.add_argument("--n", type=int, default=20)
    a.add_argument("--seed", type=int, default=0, help="seed of the random choice of cells")
    a.add_argument("--preset", default="accurate")
    a.add_argument("--workers", type=int, default=1, help="single-threaded DFT processes")
    a.add_argument("--out", default=None, help="result CSV (default DIR/audit/PRESET.csv)")
    args = ap.parse_args(argv)
    if args.cmd in ("verify", "export"):
        return _dataset_command(args)
    if args.cmd == "audit":
        return _audit_command(args)

    from ipage.crystal.chunks import generate, merge_chunks, plan_dataset, progress_summary
    from ipage.crystal.structure import DesignBox

    try:
        if args.cmd == "generate":
            box = DesignBox(strain=args.strain, angle=args.angle)
            plan_dataset(args.out, args.n, args.chunk_size, args.seed, box)
            chunks = None if args.chunks is None else [int(c) for c in args.chunks.split(",")]
            generate(
                args.out,
                args.preset,
                chunks=chunks,
                keep_logs=args.keep_logs,
                retry_failed=args.retry_failed,
                workers=args.workers,
                progress=lambda line: print(line, flush=True),
            )
            print(progress_summary(args.out), flush=True)
        elif args.cmd == "merge":
            df = merge_chunks(args.out)
            print(f"merged {len(df)} rows ({(df.status == 'ok').sum()} ok) into {args.out}")
        else:
            print(progress_summary(args.out))
    except IpageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _dataset_command(args: argparse.Namespace) -> int:
    """verify / export: problems one line each on stderr, exit code 2 if any."""
    from ipage.crystal.dataset import DatasetSpec, export_dataset, summary, verify_dataset
    from ipage.crystal.structure import DesignBox

    try:
        box = DesignBox(strain=args.strain, angle=args.angle)
        spec = DatasetSpec(seed=args.seed, preset=args.preset, box=box)
        if args.cmd == "export":
            report, _ = export_dataset(args.dir, spec)
            print(f"exported {summary(args.dir, report)}")
            return 0
        report = verify_dataset(args.dir, spec, strict=args.strict)
    except IpageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in report.warnings:
        print(f"warning: {line}", file=sys.stderr)
    for line in report.problems:
        print(f"error: {line}", file=sys.stderr)
    if not report.ok:
        return 2
    print(f"ok: {summary(args.dir, report)}")
    return 0


def _audit_command(args: argparse.Namespace) -> int:
    from ipage.crystal.audit import audit_path, run_audit
    from ipage.crystal.dataset import verify_dataset

    try:
        report = verify_dataset(args.dir, checksums=False)
        if not report.ok:
            raise IpageError(f"{report.problems[0]} (fix the dataset before auditing it)")
        out = args.out or audit_path(args.dir, args.preset)
        rows = run_audit(
            report.rows,
            out,
            n=args.n,
            seed=args.seed,
            preset=args.preset,
            workers=args.workers,
            progress=lambda line: print(line, flush=True),
        )
    except IpageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{len(rows)} audited cells ({(rows.status == 'ok').sum()} converged) in {out}")
    return 0


if __name__ == "__main__":
    pin_threads(1)  # one thread per DFT process (generate's workers inherit it)
    sys.exit(main())
