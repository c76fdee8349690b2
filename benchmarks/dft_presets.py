"""Benchmark the `fast` and `accurate` DFT presets against the converged `reference` preset.

One command (repository root, GPAW installed; ~46 CPU-minutes; --jobs 2 halves the wall time):

    python benchmarks/dft_presets.py [--n 5] [--seed 2023] [--jobs 1]
                                     [--out benchmarks/out/dft_presets.csv]

Computes the PBE gap of the unstrained cubic cell and of n strained cells (Latin hypercube over
the default design box: +-4 % on a, b, c, +-4 deg on the angles) with every preset, one thread
per process, one structure per process (--jobs processes side by side, default 1), and writes
one row per (structure, preset) with CPU seconds and the deviation from the reference gap.
Structures already complete in the output file are reused (resumable); --force recomputes.
Prints a summary and exits non-zero if `fast` misses its targets (<= 30 CPU s per strained
cell, |gap - reference| <= 0.1 eV on every structure).
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ipage.crystal.dft import RESULT_COLUMNS, run_structure  # noqa: E402
from ipage.crystal.io import write_csv_atomic  # noqa: E402
from ipage.crystal.structure import A0, DesignBox  # noqa: E402

PRESETS = ("fast", "accurate", "reference")
FAST_CPU_S = 30.0
FAST_GAP_TOL = 0.1


def _run_structure_presets(sid: str, params, presets: list[str]) -> list[dict]:
    """All presets for one structure, in one single-threaded process."""
    rows = []
    for preset in presets:
        row = run_structure(params, preset, structure_id=sid)
        print(
            f"{sid:10s} {preset:9s} gap={row['gap']:.4f} eV cpu={row['cpu_s']:.1f} s "
            f"wall={row['wall_s']:.1f} s ibz={row['n_ibz_kpts']} it={row['scf_iterations']} "
            f"{row['status']} {row['error']}",
            flush=True,
        )
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5, help="number of strained structures")
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("--out", default="benchmarks/out/dft_presets.csv")
    ap.add_argument("--presets", default=",".join(PRESETS))
    ap.add_argument("--force", action="store_true", help="ignore rows already in --out")
    ap.add_argument("--jobs", type=int, default=1, help="structures computed side by side")
    args = ap.parse_args(argv)

    designs = {"cubic": np.array([A0] * 3 + [90.0] * 3)}
    for i, p in enumerate(DesignBox().sample_lhs(args.n, rng=args.seed)):
        designs[f"strained{i + 1}"] = p

    done = pd.DataFrame(columns=RESULT_COLUMNS)
    if os.path.exists(args.out) and not args.force:
        done = pd.read_csv(args.out, keep_default_na=False)
    rows = done.to_dict("records")
    have = {(r["id"], r["preset"]) for r in rows if r["status"] == "ok"}
    rows = [r for r in rows if (r["id"], r["preset"]) in have]

    todo = [
        (sid, params, [p for p in args.presets.split(",") if (sid, p) not in have])
        for sid, params in designs.items()
    ]
    todo = [t for t in todo if t[2]]
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(_run_structure_presets, *t) for t in todo]
        for fut in as_completed(futures):
            for row in fut.result():
                rows.append(row)
            write_csv_atomic(args.out, pd.DataFrame(rows, columns=RESULT_COLUMNS))

    df = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    df["gap"] = pd.to_numeric(df["gap"], errors="coerce")
    ref = df[df.preset == "reference"].set_index("id")["gap"]
    df["ref_gap"] = df["id"].map(ref)
    df["dev_vs_reference"] = df["gap"] - df["ref_gap"]
    write_csv_atomic(args.out, df)

    summary = df.pivot_table(index="id", columns="preset", values=["gap", "cpu_s"], aggfunc="first")
    print(summary.round(3).to_string())
    fast = df[(df.preset == "fast") & df.id.str.startswith("strained")]
    ok = (
        len(fast) == args.n
        and (fast.status == "ok").all()
        and (fast.cpu_s.astype(float) <= FAST_CPU_S).all()
        and (fast.dev_vs_reference.abs() <= FAST_GAP_TOL).all()
    )
    print(
        f"fast: max CPU {fast.cpu_s.astype(float).max():.1f} s, "
        f"max |gap - ref| {fast.dev_vs_reference.abs().max():.3f} eV -> "
        f"{'targets met' if ok else 'TARGETS MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
