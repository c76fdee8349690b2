"""Rule crystal_dataset: the DFT rows merged into dataset.csv (every row, failed ones with their
error) and samples.npz (x (n, 6) lattice parameters in Angstrom and degrees, y (n, 1) PBE gap in
eV) of the converged rows; failed rows are dropped and counted.

The rows come from the workflow's own chunks (in design order) or, with crystal.dataset_dir,
from a directory made by `python -m ipage.crystal generate` (possibly still growing: the cells
computed so far, checked against this config's DFT preset and design box)."""

import time

import numpy as np
import pandas as pd

from ipage.artifacts import Samples
from ipage.crystal.chunks import load_generated
from ipage.crystal.io import write_csv_atomic
from ipage.crystal.structure import PARAM_NAMES
from ipage.errors import require
from ipage.tasks import get_task
from ipage.workflow_io import run, write_provenance


def workflow_rows(smk) -> pd.DataFrame:
    plan = pd.read_csv(smk.input.design, dtype={"id": str})
    parts = [pd.read_csv(p, keep_default_na=False, dtype={"id": str}) for p in smk.input.chunks]
    df = pd.concat(parts, ignore_index=True)
    missing = sorted(set(plan.id) - set(df.id))
    require(
        not missing,
        f"chunks lack {len(missing)} designed cell(s) ({', '.join(missing[:5])}); delete "
        "results/crystal/data/chunks/ and rerun",
    )
    return df.set_index("id").loc[plan.id].reset_index()  # design order


def external_rows(smk, log) -> pd.DataFrame:
    task = get_task("crystal", **smk.params.options)
    df, planned = load_generated(
        smk.params.dataset_dir, task.preset.describe(), task.lower, task.upper
    )
    partial = "" if len(df) == planned else " (a partial dataset: a random subset of the design)"
    log(f"rows from {smk.params.dataset_dir}: {len(df)} of {planned} designed cells{partial}")
    return df


def main(smk, log):
    start = time.perf_counter()
    df = external_rows(smk, log) if smk.params.dataset_dir else workflow_rows(smk)
    write_csv_atomic(smk.output.table, df)
    ok = df.status == "ok"
    failed = df[~ok]
    for r in failed.itertuples(index=False):
        log(f"dropped {r.id}: {r.error}")
    log(f"{len(df)} cells, {int(ok.sum())} converged, {len(failed)} failed rows dropped")
    require(ok.sum() > 0, f"no converged DFT row: see the errors in {smk.output.table}")
    x = df.loc[ok, list(PARAM_NAMES)].to_numpy(float)
    y = df.loc[ok, ["gap"]].to_numpy(float)
    Samples(x, y).save(smk.output.samples)
    log(
        f"samples.npz: x {x.shape}, y {y.shape}; gap {y.min():.3f}..{y.max():.3f} eV, "
        f"median {np.median(y):.3f} eV; DFT {df.cpu_s.astype(float).sum():.0f} CPU-s, "
        f"{df.wall_s.astype(float).sum():.0f} s wall in total"
    )
    write_provenance(
        smk.output.provenance,
        smk.config,
        {"seed": smk.params.seed, "dataset_dir": smk.params.dataset_dir},
        time.perf_counter() - start,
        {
            "n_cells": len(df),
            "n_ok": int(ok.sum()),
            "n_failed": len(failed),
            "gpaw_versions": sorted(set(df.gpaw_version.astype(str))),
            "presets": sorted(set(df.preset_settings.astype(str))),
            "dft_cpu_s": round(float(df.cpu_s.astype(float).sum()), 3),
        },
    )


run(snakemake, main)  # noqa: F821
