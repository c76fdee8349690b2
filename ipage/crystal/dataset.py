"""A DFT dataset folder (design.csv + chunks/chunk_NNNN.csv): check it, sign it, describe it.

`verify_dataset` reads every file with the csv module rather than pandas, so that a truncated or
corrupted chunk becomes one problem naming the file and the row, never a parser traceback.
`export_dataset` writes what a release of the folder needs from the rows present: SHA256SUMS
(`sha256sum -c` format), stats.json, gap_histogram.png and the statistics block of README.md.
A folder may be partial (the chunks computed so far, a random subset of the design); checksums
then cover the files that were present at the last export.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ipage.crystal.audit import AUDIT_DIR, audit_stats
from ipage.crystal.dft import RESULT_COLUMNS, get_preset
from ipage.crystal.structure import PARAM_NAMES, DesignBox
from ipage.errors import IpageError

DESIGN_COLUMNS = ("id", "chunk", *PARAM_NAMES)
CHUNK_NAME = re.compile(r"chunk_(\d{4})\.csv")
SUMS = "SHA256SUMS"
STATS = "stats.json"
HISTOGRAM = "gap_histogram.png"
README = "README.md"
BEGIN, END = "<!-- stats:begin -->", "<!-- stats:end -->"
TOL = 1e-9  # parameters and band edges are written with 17 digits: equal up to rounding


@dataclass(frozen=True)
class DatasetSpec:
    """What the folder claims to be: seed of its Latin hypercube, design box, DFT preset."""

    seed: int = 0
    preset: str = "fast"
    box: DesignBox = field(default_factory=DesignBox)


@dataclass
class Report:
    """Outcome of verify_dataset: problems (each one line) and what was found."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    n_design: int = 0
    chunk_size: int = 0
    n_chunks: int = 0
    chunk_files: int = 0
    complete_chunks: int = 0
    checked_sums: int = 0
    audits: dict[str, list[dict]] = field(default_factory=dict)  # preset -> audit rows

    @property
    def ok(self) -> bool:
        return not self.problems


class _Bad(Exception):
    """One problem of one file (internal: turned into a Report line)."""


def _read_table(path: Path, columns: tuple[str, ...]) -> list[list[str]]:
    """Rows of a CSV file whose header must be `columns`; raises _Bad naming the row."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Bad(f"not UTF-8 text (byte {exc.start})") from None
    if not text:
        raise _Bad("empty file (no header)")
    lines = list(csv.reader(text.splitlines()))
    if tuple(lines[0]) != columns:
        raise _Bad(f"header {','.join(lines[0])!r}, expected {','.join(columns)!r}")
    rows = lines[1:]
    for i, row in enumerate(rows, start=1):
        if len(row) != len(columns):
            where = f"row {i} ({row[0] if row else ''})"
            raise _Bad(f"{where}: {len(row)} fields, the header has {len(columns)} (truncated?)")
    if not text.endswith("\n"):
        last = rows[-1][0] if rows else ""
        raise _Bad(f"row {len(rows)} ({last}): no line end after the last row (truncated?)")
    return rows


def _number(row: dict, key: str) -> float:
    try:
        return float(row[key])
    except ValueError:
        raise _Bad(f"{key}={row[key]!r} is not a number") from None


def _read_design(path: Path, spec: DatasetSpec, report: Report) -> dict[str, tuple[int, list]]:
    """id -> (chunk, parameters) after checking design.csv is the spec's Latin hypercube."""
    rows = _read_table(path, DESIGN_COLUMNS)
    if not rows:
        raise _Bad("no designed cell")
    n = len(rows)
    chunks = [int(r[1]) if r[1].isdigit() else -1 for r in rows]
    size = chunks.count(0)
    expected = spec.box.sample_lhs(n, rng=spec.seed)
    design = {}
    for i, r in enumerate(rows):
        where = f"row {i + 1} ({r[0]})"
        if r[0] != f"s{i:06d}":
            raise _Bad(f"{where}: id should be s{i:06d}")
        if size == 0 or chunks[i] != i // size:
            raise _Bad(f"{where}: chunk {r[1]!r}, expected {i // max(size, 1)}")
        try:
            params = [float(v) for v in r[2:]]
        except ValueError:
            raise _Bad(f"{where}: a lattice parameter is not a number") from None
        if not np.allclose(params, expected[i], rtol=0, atol=TOL):
            raise _Bad(
                f"{where}: parameters differ from the seed-{spec.seed} Latin hypercube of "
                f"{n} cells (DesignBox.sample_lhs)"
            )
        design[r[0]] = (chunks[i], params)
    report.n_design, report.chunk_size = n, size
    report.n_chunks = max(chunks) + 1
    return design


def _check_row(row: dict, chunk: int, design: dict, spec: DatasetSpec) -> None:
    """One result row against the design, the box and the preset; raises _Bad."""
    preset = get_preset(spec.preset)
    sid = row["id"]
    if sid not in design:
        raise _Bad("id not in design.csv")
    want_chunk, want = design[sid]
    if want_chunk != chunk:
        raise _Bad(f"belongs to chunk {want_chunk}, not to this file")
    params = np.array([_number(row, k) for k in PARAM_NAMES])
    lo, hi = spec.box.lower, spec.box.upper
    outside = [
        k
        for k, p, a, b in zip(PARAM_NAMES, params, lo, hi, strict=True)
        if not a - TOL <= p <= b + TOL
    ]
    if outside:
        k = outside[0]
        j = PARAM_NAMES.index(k)
        raise _Bad(f"{k}={params[j]:g} outside the design box [{lo[j]:g}, {hi[j]:g}]")
    if not np.allclose(params, want, rtol=0, atol=TOL):
        k = PARAM_NAMES[int(np.argmax(np.abs(params - want)))]
        raise _Bad(f"{k}={row[k]} differs from design.csv")
    if row["preset"] != preset.name or row["preset_settings"] != preset.describe():
        raise _Bad(
            f"preset {row['preset']!r} ({row['preset_settings']!r}) is not the "
            f"{preset.name} preset ({preset.describe()!r})"
        )
    if not row["gpaw_version"]:
        raise _Bad("no gpaw_version")
    for key in ("wall_s", "cpu_s"):
        if not _number(row, key) >= 0:
            raise _Bad(f"{key}={row[key]!r} must be a number >= 0")
    if row["status"] == "failed":
        if not row["error"]:
            raise _Bad("failed row without an error message")
    elif row["status"] == "ok":
        gap, vbm, cbm = (_number(row, k) for k in ("gap", "vbm", "cbm"))
        if not all(map(math.isfinite, (gap, vbm, cbm))):
            raise _Bad(f"ok row with gap={row['gap']!r}, vbm={row['vbm']!r}, cbm={row['cbm']!r}")
        if abs(cbm - vbm - gap) > TOL:
            raise _Bad(f"gap={row['gap']} is not cbm - vbm = {cbm - vbm!r}")
    else:
        raise _Bad(f"status={row['status']!r}; allowed: ok, failed")


def _check_chunk(path: Path, design: dict, spec: DatasetSpec, seen: set, report: Report) -> None:
    m = CHUNK_NAME.fullmatch(path.name)
    if not m or int(m.group(1)) >= report.n_chunks:
        raise _Bad(
            f"not a chunk of the design (chunk_0000.csv .. chunk_{report.n_chunks - 1:04d}.csv)"
        )
    chunk = int(m.group(1))
    rows = [dict(zip(RESULT_COLUMNS, r, strict=True)) for r in _read_table(path, RESULT_COLUMNS)]
    for i, row in enumerate(rows, start=1):
        try:
            if row["id"] in seen:
                raise _Bad("duplicate id")
            _check_row(row, chunk, design, spec)
        except _Bad as exc:
            raise _Bad(f"row {i} ({row['id']}): {exc}") from None
        seen.add(row["id"])
    report.rows.extend(rows)
    report.chunk_files += 1
    size = sum(1 for c, _ in design.values() if c == chunk)
    report.complete_chunks += len(rows) == size


def _check_audit(path: Path, design: dict) -> list[dict]:
    """Rows of audit/<preset>.csv: cells of the design, computed with that preset."""
    rows = [dict(zip(RESULT_COLUMNS, r, strict=True)) for r in _read_table(path, RESULT_COLUMNS)]
    try:
        preset = get_preset(path.stem)
    except IpageError:
        raise _Bad("the file name is not a DFT preset (fast, accurate, reference)") from None
    for i, row in enumerate(rows, start=1):
        where = f"row {i} ({row['id']})"
        if row["id"] not in design:
            raise _Bad(f"{where}: id not in design.csv")
        params = [_number(row, k) for k in PARAM_NAMES]
        if not np.allclose(params, design[row["id"]][1], rtol=0, atol=TOL):
            raise _Bad(f"{where}: lattice parameters differ from design.csv")
        if row["preset_settings"] != preset.describe():
            raise _Bad(f"{where}: not computed with the {preset.name} preset")
        if row["status"] not in ("ok", "failed"):
            raise _Bad(f"{where}: status={row['status']!r}; allowed: ok, failed")
    return rows


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_files(folder: Path) -> list[Path]:
    """design.csv, every chunk file and every preset audit: the files SHA256SUMS covers."""
    return [
        folder / "design.csv",
        *sorted((folder / "chunks").glob("chunk_*.csv")),
        *sorted((folder / AUDIT_DIR).glob("*.csv")),
    ]


def _check_sums(folder: Path, bad_files: set[str], strict: bool, report: Report) -> None:
    path = folder / SUMS
    if not path.exists():
        report.problems.append(
            f"{path}: missing: run python -m ipage.crystal export --dir {folder}"
        )
        return
    listed = {}
    for i, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
        m = re.fullmatch(r"([0-9a-f]{64}) [ *](\S+)", line)
        if not m:
            report.problems.append(f"{path}: line {i}: not '<sha256>  <file>'")
            return
        listed[m.group(2)] = m.group(1)
    for name, digest in listed.items():
        f = folder / name
        if not f.exists():
            report.problems.append(f"{f}: listed in {SUMS} but missing")
        elif name in bad_files:
            continue  # already reported, by row
        elif sha256(f) != digest:
            report.problems.append(f"{f}: sha256 differs from {SUMS} (file changed or corrupted)")
        else:
            report.checked_sums += 1
    for f in data_files(folder):
        name = f.relative_to(folder).as_posix()
        if name not in listed and f.exists():
            line = f"{f}: not in {SUMS}: run python -m ipage.crystal export --dir {folder}"
            (report.problems if strict else report.warnings).append(line)


def verify_dataset(
    folder: str | Path,
    spec: DatasetSpec | None = None,
    *,
    strict: bool = False,
    checksums: bool = True,
) -> Report:
    """Check a dataset folder; every problem is one line '<file>: row <n> (<id>): <what>'.

    strict: a data file not covered by SHA256SUMS is a problem (default: a warning, since a
    growing folder gets new chunks between exports).
    """
    folder, spec, report = Path(folder), spec or DatasetSpec(), Report()
    design_path = folder / "design.csv"
    if not design_path.exists():
        report.problems.append(f"{design_path}: missing (not a dataset folder)")
        return report
    try:
        design = _read_design(design_path, spec, report)
    except _Bad as exc:
        report.problems.append(f"{design_path}: {exc}")
        return report
    seen: set[str] = set()
    bad_files = set()
    for path in sorted((folder / "chunks").glob("chunk_*.csv")):
        try:
            _check_chunk(path, design, spec, seen, report)
        except _Bad as exc:
            report.problems.append(f"{path}: {exc}")
            bad_files.add(path.relative_to(folder).as_posix())
    for path in sorted((folder / AUDIT_DIR).glob("*.csv")):
        try:
            report.audits[path.stem] = _check_audit(path, design)
        except _Bad as exc:
            report.problems.append(f"{path}: {exc}")
            bad_files.add(path.relative_to(folder).as_posix())
    if checksums:
        _check_sums(folder, bad_files, strict, report)
    return report


def summary(folder: str | Path, report: Report) -> str:
    ok = sum(r["status"] == "ok" for r in report.rows)
    return (
        f"{folder}: {len(report.rows)} of {report.n_design} designed cells ({ok} converged, "
        f"{len(report.rows) - ok} failed) in {report.chunk_files} chunk files, "
        f"{report.complete_chunks} of {report.n_chunks} chunks complete; "
        f"{report.checked_sums} files match {SUMS}"
    )


def dataset_stats(report: Report, spec: DatasetSpec) -> dict:
    """Numbers for stats.json and the README: counts, gap distribution, DFT cost."""
    ok = [r for r in report.rows if r["status"] == "ok"]
    gaps = np.array([float(r["gap"]) for r in ok])
    cpu = np.array([float(r["cpu_s"]) for r in report.rows])

    def r4(v: float) -> float:
        return round(float(v), 4)

    gap = None
    if len(gaps):
        gap = {
            "min": r4(gaps.min()),
            "p05": r4(np.percentile(gaps, 5)),
            "median": r4(np.median(gaps)),
            "mean": r4(gaps.mean()),
            "std": r4(gaps.std(ddof=1)) if len(gaps) > 1 else None,
            "p95": r4(np.percentile(gaps, 95)),
            "max": r4(gaps.max()),
        }
    preset = get_preset(spec.preset)
    return {
        "seed": spec.seed,
        "box": {"a0": spec.box.a0, "strain": spec.box.strain, "angle": spec.box.angle},
        "preset": preset.name,
        "preset_settings": preset.describe(),
        "gpaw_versions": sorted({r["gpaw_version"] for r in report.rows}),
        "n_design": report.n_design,
        "chunk_size": report.chunk_size,
        "n_chunks": report.n_chunks,
        "complete_chunks": report.complete_chunks,
        "n_cells": len(report.rows),
        "n_ok": len(ok),
        "n_failed": len(report.rows) - len(ok),
        "gap_ev": gap,
        "cpu_s_per_cell_median": r4(np.median(cpu)) if len(cpu) else None,
        "cpu_s_total": round(float(cpu.sum()), 1),
        "audits": {
            name: audit_stats(report.rows, rows) for name, rows in sorted(report.audits.items())
        },
    }


def _histogram(path: Path, report: Report, stats: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    gaps = [float(r["gap"]) for r in report.rows if r["status"] == "ok"]
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=100)
    if gaps:
        width = 0.02  # eV; edges on multiples of the width, so refreshed figures line up
        lo, hi = math.floor(min(gaps) / width), math.ceil(max(gaps) / width) + 1
        bins = np.arange(lo, hi) * width
        ax.hist(gaps, bins=bins, color="tab:blue", edgecolor="white")
        ax.axvline(stats["gap_ev"]["median"], color="k", ls="--", lw=1, label="median")
        ax.legend(frameon=False)
    else:
        ax.text(0.5, 0.5, "no converged cell yet", ha="center", transform=ax.transAxes)
    ax.set_xlabel("PBE band gap (eV)")
    ax.set_ylabel("cells")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(
        f"{stats['n_ok']} strained SrTiO$_3$ cells, GPAW {stats['preset']} preset", fontsize=10
    )
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})  # no version stamp: same data, same bytes
    plt.close(fig)


def stats_markdown(stats: dict) -> str:
    """The README's generated statistics block (between BEGIN and END)."""
    g = stats["gap_ev"]
    lines = [
        BEGIN,
        "<!-- generated by python -m ipage.crystal export; do not edit by hand -->",
        "",
        f"{stats['n_cells']} of {stats['n_design']} designed cells present "
        f"({stats['complete_chunks']} of {stats['n_chunks']} chunks complete): "
        f"{stats['n_ok']} converged, {stats['n_failed']} failed. "
        f"GPAW {', '.join(stats['gpaw_versions']) or '-'}.",
        "",
        "| quantity | value |",
        "|---|---|",
    ]
    if g:
        std = "-" if g["std"] is None else f"{g['std']:.3f}"
        lines += [
            f"| gap min / median / max (eV) | {g['min']:.3f} / {g['median']:.3f} / "
            f"{g['max']:.3f} |",
            f"| gap mean ± std (eV) | {g['mean']:.3f} ± {std} |",
            f"| gap 5–95 % (eV) | {g['p05']:.3f}–{g['p95']:.3f} |",
        ]
    if stats["cpu_s_per_cell_median"] is not None:
        lines += [
            f"| CPU-s per cell, median | {stats['cpu_s_per_cell_median']:.1f} |",
            f"| CPU-s in total | {stats['cpu_s_total']:.0f} |",
        ]
    for audit in filter(None, stats["audits"].values()):
        scatter = "-" if audit["scatter_ev"] is None else f"{audit['scatter_ev']:.3f}"
        lines += [
            f"| {stats['preset']} − {audit['preset']} gap on {audit['n_cells']} random cells "
            f"(eV): mean / std / max abs | {audit['offset_ev']:+.3f} / {scatter} / "
            f"{audit['max_abs_ev']:.3f} |",
            f"| CPU-s per {audit['preset']} cell, median | {audit['cpu_s_per_cell_median']:.1f} |",
        ]
    lines += ["", f"![gap histogram]({HISTOGRAM})", "", END]
    return "\n".join(lines)


def export_dataset(folder: str | Path, spec: DatasetSpec | None = None) -> tuple[Report, dict]:
    """Check the rows, then write SHA256SUMS, stats.json, gap_histogram.png and the README block.

    Refuses (IpageError, first problem) to sign a folder whose rows do not verify.
    """
    folder, spec = Path(folder), spec or DatasetSpec()
    report = verify_dataset(folder, spec, checksums=False)
    if not report.ok:
        raise IpageError(f"{report.problems[0]} (nothing exported)")
    sums = [f"{sha256(f)}  {f.relative_to(folder).as_posix()}" for f in data_files(folder)]
    (folder / SUMS).write_text("\n".join(sums) + "\n")
    report.checked_sums = len(sums)
    stats = dataset_stats(report, spec)
    (folder / STATS).write_text(json.dumps(stats, indent=2) + "\n")
    _histogram(folder / HISTOGRAM, report, stats)
    readme = folder / README
    if readme.exists():
        text = readme.read_text()
        if BEGIN not in text or END not in text:
            raise IpageError(f"{readme}: no {BEGIN} ... {END} block for the statistics")
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        readme.write_text(head + stats_markdown(stats) + tail)
    return report, stats
