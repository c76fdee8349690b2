"""The architecture part of the workflow end to end on a tiny configuration (the default
spectral representation): chunked FEM dataset -> INN -> iPage solutions -> FEM re-simulation of
their layouts -> summary rows, the solutions figure and the printability table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
import yaml
from workflow_helpers import snakemake

from ipage.artifacts import Solutions
from ipage.models.serialize import load_model
from ipage.tasks import get_task

TASK = get_task("architecture")  # spectral: x = 35 coefficients, layouts 32 x 32

TINY_ARCHITECTURE = {
    "tasks": ["architecture"],
    "methods": ["ipage"],
    "seed": 0,
    "device": "cpu",
    "dataset": {"n_samples": 64, "val_fraction": 0.125, "test_fraction": 0.125},
    "architecture": {"chunk_size": 40},  # two chunks: 40 + 24 cells
    "inn": {"blocks": 2, "hidden": 16, "epochs": 2, "batch_size": 32},
    "layout_surrogate": {"width": 4, "epochs": 2, "batch_size": 32},
    "localization": {"steps": 5},
    "evaluation": {"n_solutions": 8, "repeats": 2, "oversample": 2},
}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    path = tmp_path_factory.mktemp("architecture")
    (path / "config.yaml").write_text(yaml.safe_dump(TINY_ARCHITECTURE))
    targets = [
        "results/tables/summary.csv",
        "results/figures/architecture_solutions.png",
        "results/tables/architecture_printability.csv",
    ]
    snakemake(path, *targets, timeout=900)
    return path


@pytest.mark.slow
def test_chunked_dataset(workdir):
    data = workdir / "results/architecture/data"
    sizes = []
    for i in (0, 1):
        with np.load(data / f"chunks/{i}.npz") as f:
            sizes.append(len(f["x"]))
        assert "cells/s" in (workdir / f"logs/architecture/chunks/{i}.log").read_text()
    assert sizes == [40, 24]
    with np.load(data / "samples.npz") as f:
        x, y = f["x"], f["y"]
    assert x.shape == (64, TASK.x_dim) and y.shape == (64, 1)
    assert set(np.unique(TASK.cells(x))) <= {0.0, 1.0}  # prior cells are 0/1 layouts
    assert np.all((y > 0) & (y <= 1))  # E_x / E_s
    assert not (workdir / "logs/architecture/simulate.log").exists()  # not the generic rule


@pytest.mark.slow
def test_summary_rows_are_printable_layouts(workdir):
    """Spectral solutions are printable as they stand: one row per scenario, no '_binary'."""
    summary = pd.read_csv(workdir / "results/tables/summary.csv")
    rows = summary[summary["task"] == "architecture"]
    assert sorted(zip(rows["method"], rows["scenario"], strict=True)) == [
        ("ipage", "many_targets"),
        ("ipage", "single_target"),
    ]
    assert (rows["n_solutions"] == 8).all()
    assert np.isfinite(rows["resim_mse_mean"]).all()
    assert (rows["resim_mse_mean"] < 1).all()  # E_x / E_s and its targets lie in (0, 1]
    single = workdir / "results/architecture/ipage/single_target"
    with np.load(single / "solutions.npz") as sol, np.load(single / "resim.npz") as res:
        assert sol["x"].shape == (2, 8, TASK.x_dim)
        # re-simulation is FEM of the layouts the coefficients map to
        layouts = TASK.cells(sol["x"][0][:2])
        assert set(np.unique(layouts)) <= {0.0, 1.0}
        np.testing.assert_allclose(res["y"][0, :2], TASK.forward(sol["x"][0][:2]), rtol=1e-9)
    assert (workdir / "results/figures/architecture_solutions.png").stat().st_size > 10_000


@pytest.mark.slow
def test_printability_table(workdir):
    table = pd.read_csv(workdir / "results/tables/architecture_printability.csv")
    assert list(zip(table["method"], table["scenario"], strict=True)) == [
        ("ipage", "many_targets"),
        ("ipage", "single_target"),
        ("training", "near_target"),
    ]
    solutions = table[table["method"] != "training"]
    assert (solutions["n_layouts"] == 16).all()  # 2 repeats x 8 solutions
    assert solutions["diversity"].between(0, 1).all()
    assert (table["grey_fraction"] == 0).all()  # every layout is 0/1 by construction
    assert (table.loc[table["method"] == "training", "connected_xy"] == 1).all()
    assert (workdir / "results/tables/architecture_printability.md").stat().st_size > 0


@pytest.mark.slow
def test_lost_chunk_is_remade_identically(workdir):
    """A chunk is seeded by (seed, chunk index): deleting one and rerunning the dataset rule
    remakes exactly the same cells and labels (and leaves the other chunk alone)."""
    data = workdir / "results/architecture/data"
    with np.load(data / "samples.npz") as f:
        x_before, y_before = f["x"], f["y"]
    kept = (data / "chunks/0.npz").stat().st_mtime_ns
    (data / "chunks/1.npz").unlink()
    snakemake(workdir, "results/architecture/data/samples.npz", timeout=300)
    with np.load(data / "samples.npz") as f:
        np.testing.assert_array_equal(f["x"], x_before)
        np.testing.assert_array_equal(f["y"], y_before)
    assert (data / "chunks/0.npz").stat().st_mtime_ns == kept


@pytest.mark.slow
def test_ipage_localizes_through_the_layout_cnn(workdir):
    """The surrogate predictions stored with the solutions are the layout CNN's on the
    solutions' built layouts, not the INN's f_y: the default search surrogate of spectral
    designs, and what their candidates were ranked by."""
    surrogate = load_model(workdir / "results/architecture/models/layout_cnn.pt")
    solutions = Solutions.load(workdir / "results/architecture/ipage/single_target/solutions.npz")
    with torch.no_grad():
        built = torch.as_tensor(TASK.cells(solutions.x[0]), dtype=torch.float32)
        predicted = surrogate.cnn(built).numpy()
    np.testing.assert_allclose(solutions.surrogate_y[0], predicted, rtol=1e-5, atol=1e-6)
    loss = np.sum((solutions.surrogate_y[0] - solutions.targets) ** 2, axis=1)
    np.testing.assert_allclose(solutions.surrogate_loss[0], loss, rtol=1e-6)
    log = (workdir / "logs/architecture/train_layout_cnn.log").read_text()
    assert "through the relaxed map" in log
