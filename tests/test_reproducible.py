"""Reproducibility: the same config and seed give byte-identical datasets, latent samples,
solutions and re-simulations on CPU, and every result directory carries a provenance JSON.
The runs are of a tabular task without a simulator, which they check end to end as well:
solutions, empty re-simulation columns, surrogate / nearest-training-point columns instead."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from workflow_helpers import make_workdir, small_config, start_workflow

pytestmark = pytest.mark.slow

# The whole workflow for `nosim`, plus the datasets of a built-in and a tabular task that has
# a simulator (their later steps run the same code as nosim's).
TARGETS = [
    "results/tables/summary.csv",
    "results/sinewave/data/samples.npz",
    "results/toy/data/samples.npz",
]
TIMINGS = {"seconds", "design_seconds"}  # wall-clock arrays: the only entries allowed to differ


def arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path) as f:
        return {k: f[k] for k in f.files if k not in TIMINGS}


def test_same_config_same_bytes(tmp_path: Path) -> None:
    config = small_config(epochs=3, n_samples=400)
    config["tabular"]["nosim"] = {**config["tabular"]["toy"], "simulator": None}
    config["tasks"] = ["nosim"]  # the toy table without a simulator
    runs = [make_workdir(tmp_path / name, config) for name in ("a", "b")]
    procs = [start_workflow(work, *TARGETS) for work in runs]
    for proc, work in zip(procs, runs, strict=True):  # the two runs share the machine's cores
        assert proc.wait(timeout=240) == 0, (work / "snakemake.out").read_text()[-3000:]
    a, b = runs
    files = sorted(p.relative_to(a) for p in (a / "results").rglob("*.npz"))
    kinds = {p.name for p in files}
    assert {"samples.npz", "split.npz", "latent.npz", "solutions.npz", "resim.npz"} <= kinds
    for rel in files:
        left, right = arrays(a / rel), arrays(b / rel)
        assert left.keys() == right.keys(), rel
        for key in left:
            assert left[key].dtype == right[key].dtype, (rel, key)
            assert left[key].shape == right[key].shape, (rel, key)
            assert left[key].tobytes() == right[key].tobytes(), f"{rel}:{key} differs"

    result_dirs = {p.parent for p in (a / "results").rglob("*") if p.is_file()}
    result_dirs = {d for d in result_dirs if d.name != "benchmarks"}
    for directory in result_dirs:
        provenance = sorted(directory.glob("*provenance.json"))
        assert provenance, f"no provenance JSON in {directory.relative_to(a)}"
        record = json.loads(provenance[0].read_text())
        for key in ("ipage_version", "git_commit", "config_sha256_16", "seeds", "libraries"):
            assert key in record, (provenance[0], key)
        assert record["seeds"]["seed"] == 0
        assert "wall_seconds" in record and "torch" in record["libraries"]
    nosim = pd.read_csv(a / "results/tables/summary.csv")  # solutions, plainly not re-simulated
    assert set(nosim["task"]) == {"nosim"} and len(nosim) == 2
    assert not nosim["resimulated"].any()
    assert nosim["resim_mse_mean"].isna().all() and nosim["resim_mse_std"].isna().all()
    assert nosim["note"].str.startswith("not re-simulated (no simulator)").all()
    for column in ("surrogate_mse_mean", "nearest_train_dist_median", "diversity"):
        assert np.isfinite(nosim[column]).all(), column
    log = (a / "logs/nosim/ipage/evaluate.log").read_text()
    assert "re-sim MSE" not in log and "not re-simulated (no simulator)" in log

    hashes = {
        json.loads(p.read_text())["config_sha256_16"]
        for run in runs
        for p in (run / "results").rglob("*provenance.json")
    }
    assert len(hashes) == 1, "same config, different config hashes"
