"""Resumable, chunked dataset generation: plan -> chunks of result rows -> merged dataset.

Layout of a dataset directory (the --out DIR of generate; resources/srtio3_pbe_fast ships one):

    design.csv              every planned structure: id, chunk, a, b, c, alpha, beta, gamma
    chunks/chunk_0003.csv   result rows of chunk 3 (rewritten atomically after every structure)
    structures/s000078.extxyz   each cell, parameters in the comment line
    logs/                   GPAW text output (only with keep_logs)
    dataset.csv, samples.npz    written by `merge_chunks`

A chunk is complete when its CSV holds a row for every id of the chunk in design.csv; an
interrupted run resumes at the first structure without a row.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np
import pandas as pd

from ipage.artifacts import Samples
from ipage.crystal.dft import RESULT_COLUMNS, run_structure
from ipage.crystal.io import write_csv_atomic
from ipage.crystal.structure import PARAM_NAMES, DesignBox
from ipage.errors import require

Runner = Callable[..., dict]


def _read_rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return pd.read_csv(path, keep_default_na=False).to_dict("records")


def run_chunk(
    designs: pd.DataFrame | Sequence,
    out_csv: str | os.PathLike,
    preset="fast",
    *,
    structure_dir: str | os.PathLike | None = None,
    log_dir: str | os.PathLike | None = None,
    retry_failed: bool = False,
    label: str = "",
    workers: int = 1,
    runner: Runner = run_structure,
    progress: Callable[[str], None] = print,
) -> pd.DataFrame:
    """Compute every design row not yet in `out_csv`; rewrite `out_csv` atomically after each.

    designs: DataFrame with columns id, a, b, c, alpha, beta, gamma (or a sequence of 6-vectors,
    given ids 0, 1, ...). workers: structures computed side by side, each in its own
    single-threaded process (runner must then be a module-level function). Returns all rows of
    the chunk (old and new) in design order.
    """
    if not isinstance(designs, pd.DataFrame):
        arr = np.asarray(designs, dtype=float).reshape(-1, len(PARAM_NAMES))
        designs = pd.DataFrame(arr, columns=list(PARAM_NAMES))
        designs.insert(0, "id", [str(i) for i in range(len(arr))])
    missing = [c for c in ("id", *PARAM_NAMES) if c not in designs.columns]
    require(not missing, f"design table lacks column(s) {missing}")
    out_csv = Path(out_csv)
    rows = {str(r["id"]): r for r in _read_rows(out_csv)}
    if retry_failed:
        rows = {k: r for k, r in rows.items() if r["status"] == "ok"}
    n = len(designs)
    prefix = f"{label} " if label else ""
    todo = [
        (str(d.id), [getattr(d, k) for k in PARAM_NAMES])
        for d in designs.itertuples(index=False)
        if str(d.id) not in rows
    ]
    kwargs = {"structure_dir": structure_dir, "log_dir": log_dir}

    def record(row: dict) -> None:
        rows[str(row["id"])] = row
        order = [str(x) for x in designs["id"] if str(x) in rows]
        write_csv_atomic(out_csv, pd.DataFrame([rows[k] for k in order], columns=RESULT_COLUMNS))
        gap = f"gap={row['gap']:.2f} eV" if row["status"] == "ok" else f"FAILED {row['error']}"
        progress(f"{prefix}structure {len(rows)}/{n} {row['id']} {gap} {row['wall_s']:.1f} s")

    if workers > 1 and len(todo) > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(todo))) as pool:
            futures = [
                pool.submit(runner, p, preset, structure_id=sid, **kwargs) for sid, p in todo
            ]
            for fut in as_completed(futures):
                record(fut.result())
    else:
        for sid, params in todo:
            record(runner(params, preset, structure_id=sid, **kwargs))
    order = [str(x) for x in designs["id"] if str(x) in rows]
    return pd.DataFrame([rows[k] for k in order], columns=RESULT_COLUMNS)


def plan_dataset(
    out_dir: str | os.PathLike,
    n: int,
    chunk_size: int = 25,
    seed: int = 0,
    box: DesignBox | None = None,
) -> pd.DataFrame:
    """Write (or, if present, reuse) design.csv: n LHS designs in the box, cut into chunks."""
    out_dir = Path(out_dir)
    path = out_dir / "design.csv"
    if path.exists():
        plan = pd.read_csv(path, dtype={"id": str})
        require(
            len(plan) == n,
            f"{path} holds {len(plan)} designs, asked for n={n}; use another directory",
        )
        return plan
    require(chunk_size >= 1, f"chunk_size={chunk_size} must be >= 1")
    x = (box or DesignBox()).sample_lhs(n, rng=seed)
    plan = pd.DataFrame(x, columns=list(PARAM_NAMES))
    plan.insert(0, "chunk", np.arange(n) // chunk_size)
    plan.insert(0, "id", [f"s{i:06d}" for i in range(n)])
    write_csv_atomic(path, plan)
    return plan


def chunk_path(out_dir: str | os.PathLike, chunk: int) -> Path:
    return Path(out_dir) / "chunks" / f"chunk_{chunk:04d}.csv"


def generate(
    out_dir: str | os.PathLike,
    preset="fast",
    *,
    chunks: Iterable[int] | None = None,
    keep_logs: bool = False,
    retry_failed: bool = False,
    workers: int = 1,
    runner: Runner = run_structure,
    progress: Callable[[str], None] = print,
) -> None:
    """Run all (or the given) chunks of the plan in out_dir/design.csv, skipping finished ones.

    workers: single-threaded DFT processes side by side within a chunk."""
    out_dir = Path(out_dir)
    plan = pd.read_csv(out_dir / "design.csv", dtype={"id": str})
    todo = sorted(plan.chunk.unique()) if chunks is None else list(chunks)
    t0 = time.perf_counter()
    for c in todo:
        part = plan[plan.chunk == c]
        path = chunk_path(out_dir, c)
        done = {str(r["id"]) for r in _read_rows(path) if not retry_failed or r["status"] == "ok"}
        if set(part.id) <= done:
            continue
        run_chunk(
            part,
            path,
            preset,
            structure_dir=out_dir / "structures",
            log_dir=out_dir / "logs" if keep_logs else None,
            retry_failed=retry_failed,
            label=f"chunk {c}/{plan.chunk.max()}",
            workers=workers,
            runner=runner,
            progress=progress,
        )
        progress(f"chunk {c} complete ({time.perf_counter() - t0:.0f} s since start)")


def generated_rows(out_dir: str | os.PathLike) -> pd.DataFrame:
    """Every result row computed so far in a `generate` directory, one per cell, in id order
    (a partly generated dataset is usable: its cells are a random subset of the design)."""
    files = sorted((Path(out_dir) / "chunks").glob("chunk_*.csv"))
    require(
        files, f"no chunk files in {Path(out_dir) / 'chunks'}: run python -m ipage.crystal generate"
    )
    parts = [pd.read_csv(f, keep_default_na=False, dtype={"id": str}) for f in files]
    df = pd.concat(parts, ignore_index=True)
    return df.drop_duplicates("id", keep="last").sort_values("id").reset_index(drop=True)


def load_generated(
    out_dir: str | os.PathLike, preset_settings: str, lower: np.ndarray, upper: np.ndarray
) -> tuple[pd.DataFrame, int]:
    """(rows computed so far, cells designed) of a `generate` directory that a workflow
    re-simulates with `preset_settings` in the box [lower, upper]; refuses rows made with
    another preset or outside the box (the re-simulated gap must be the learnt one)."""
    df = generated_rows(out_dir)
    found = sorted(set(df.preset_settings[df.status == "ok"].astype(str)))
    require(
        found == [preset_settings],
        f"{out_dir} was computed with preset {found}, the config asks for "
        f"{preset_settings!r}: use the dataset's preset",
    )
    x = df[list(PARAM_NAMES)].to_numpy(float)
    inside = np.all((x >= lower - 1e-9) & (x <= upper + 1e-9), axis=1)
    require(
        inside.all(),
        f"{int((~inside).sum())} cells of {out_dir} lie outside the configured design box "
        "(strain, angle): use the box it was generated with",
    )
    return df, len(pd.read_csv(Path(out_dir) / "design.csv"))


def merge_chunks(out_dir: str | os.PathLike) -> pd.DataFrame:
    """Concatenate chunks/*.csv -> dataset.csv (all rows) and samples.npz (x, y of ok rows).

    samples.npz is an `ipage.artifacts.Samples`: x (n, 6) raw (a, b, c, alpha, beta, gamma) in
    Angstrom and degrees, y (n, 1) the PBE gap in eV.
    """
    out_dir = Path(out_dir)
    df = generated_rows(out_dir)
    write_csv_atomic(out_dir / "dataset.csv", df)
    ok = df[df.status == "ok"]
    Samples(ok[list(PARAM_NAMES)].to_numpy(float), ok[["gap"]].to_numpy(float)).save(
        out_dir / "samples.npz"
    )
    return df


def progress_summary(out_dir: str | os.PathLike) -> str:
    out_dir = Path(out_dir)
    plan = pd.read_csv(out_dir / "design.csv", dtype={"id": str})
    rows = [r for f in sorted((out_dir / "chunks").glob("chunk_*.csv")) for r in _read_rows(f)]
    n_ok = sum(r["status"] == "ok" for r in rows)
    gaps = np.array([float(r["gap"]) for r in rows if r["status"] == "ok"])
    text = f"{len(rows)}/{len(plan)} structures done ({n_ok} ok, {len(rows) - n_ok} failed)"
    if len(gaps):
        text += (
            f"; gap median {np.median(gaps):.3f} eV, range {gaps.min():.3f}..{gaps.max():.3f}; "
            f"median {np.median([float(r['cpu_s']) for r in rows]):.1f} CPU-s per cell"
        )
    return text


def reusable_journal(path: Path, designs: pd.DataFrame, settings: str) -> pd.DataFrame:
    """A journal's reusable rows: those of these designs computed with this preset."""
    if not path.exists():
        return pd.DataFrame(columns=RESULT_COLUMNS)
    old = pd.read_csv(path, keep_default_na=False, dtype={"id": str})
    want = designs.set_index("id")
    keep = []
    for _, row in old.iterrows():
        sid = str(row["id"])
        same_cell = sid in want.index and np.allclose(
            [float(row[k]) for k in PARAM_NAMES],
            want.loc[sid, list(PARAM_NAMES)].to_numpy(float),
            rtol=0,
            atol=1e-9,
        )
        keep.append(same_cell and row["preset_settings"] == settings)
    return old[keep]


def run_journaled(
    designs: pd.DataFrame,
    journal: Path,
    preset,
    structure_dir: Path | None,
    log_dir,
    label: str,
    workers: int,
    log: Callable[[str], None],
) -> pd.DataFrame:
    """run_chunk after keeping the journal's reusable rows (a resumed job redoes no
    converged cell); logs what is reused and how it runs."""
    from ipage.crystal.dft import gpaw_version

    reused = reusable_journal(journal, designs, preset.describe())
    write_csv_atomic(journal, reused)
    log(
        f"{label}: {len(designs)} DFT runs, {int((reused.status == 'ok').sum())} converged rows "
        f"reused from {journal}; GPAW {gpaw_version()}, preset {preset.name}: "
        f"{preset.describe()}; {workers} single-threaded DFT process(es)"
    )
    return run_chunk(
        designs,
        journal,
        preset,
        structure_dir=structure_dir,
        log_dir=log_dir,
        retry_failed=True,
        label=label,
        workers=workers,
        progress=log,
    )
