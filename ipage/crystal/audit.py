"""Preset audit of a dataset folder: random converged cells recomputed with a finer preset.

A dataset computed with the `fast` preset is only as useful as its distance to a converged
calculation is known. The audit recomputes cells drawn at random (seeded) from the folder's
converged rows with another preset (`accurate` by default) and states the systematic offset and
the scatter of the dataset's gaps against it. Its rows live in `<folder>/audit/<preset>.csv`
(the columns of a chunk file), are covered by SHA256SUMS and summarised by `export`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ipage.crystal.chunks import run_chunk
from ipage.crystal.structure import PARAM_NAMES
from ipage.errors import IpageError

AUDIT_DIR = "audit"


def audit_path(folder: str | os.PathLike, preset: str) -> Path:
    return Path(folder) / AUDIT_DIR / f"{preset}.csv"


def read_audit(path: str | os.PathLike) -> list[dict]:
    path = Path(path)
    if not path.exists():
        return []
    return pd.read_csv(path, keep_default_na=False, dtype={"id": str}).to_dict("records")


def pick_cells(rows: list[dict], n: int, seed: int, audited: list[str]) -> list[dict]:
    """The cells to audit: those already audited, topped up to n by a seeded permutation of the
    other converged rows (sorted by id first, so the draw does not depend on file order). A
    growing dataset thus keeps its audited cells instead of drawing a new set."""
    ok = {r["id"]: r for r in rows if r["status"] == "ok"}
    keep = [ok[i] for i in audited if i in ok]
    others = sorted(i for i in ok if i not in set(audited))
    order = np.random.default_rng(seed).permutation(len(others))
    return keep + [ok[others[j]] for j in order[: max(n - len(keep), 0)]]


def run_audit(
    rows: list[dict],
    out_csv: str | os.PathLike,
    *,
    n: int = 20,
    seed: int = 0,
    preset: str = "accurate",
    workers: int = 1,
    progress: Callable[[str], None] = print,
) -> pd.DataFrame:
    """Recompute n random converged rows with `preset` into out_csv (resumable: a rerun
    computes only the cells without a row)."""
    if n < 1:
        raise IpageError(f"n={n} must be >= 1")
    audited = [r["id"] for r in read_audit(out_csv)]
    cells = pick_cells(rows, n, seed, audited)
    if not cells:
        raise IpageError("no converged row to audit")
    designs = pd.DataFrame(
        [{"id": c["id"], **{k: float(c[k]) for k in PARAM_NAMES}} for c in cells]
    )
    return run_chunk(
        designs, out_csv, preset, workers=workers, label=f"audit {preset}", progress=progress
    )


def audit_stats(rows: list[dict], audit_rows: list[dict]) -> dict | None:
    """Dataset gap minus audit gap over the cells converged in both: mean (the systematic
    offset), standard deviation (the scatter) and the largest absolute difference, in eV."""
    gap = {r["id"]: float(r["gap"]) for r in rows if r["status"] == "ok"}
    pairs = [
        (gap[r["id"]], float(r["gap"]))
        for r in audit_rows
        if r["status"] == "ok" and r["id"] in gap
    ]
    if not pairs:
        return None
    diff = np.array([d - a for d, a in pairs])
    return {
        "preset": audit_rows[0]["preset"],
        "preset_settings": audit_rows[0]["preset_settings"],
        "n_cells": len(pairs),
        "n_failed": sum(r["status"] != "ok" for r in audit_rows),
        "offset_ev": round(float(diff.mean()), 4),
        "scatter_ev": round(float(diff.std(ddof=1)), 4) if len(diff) > 1 else None,
        "max_abs_ev": round(float(np.abs(diff).max()), 4),
        "cpu_s_per_cell_median": round(
            float(np.median([float(r["cpu_s"]) for r in audit_rows])), 1
        ),
    }
