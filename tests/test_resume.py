"""Interruption: kill -9 the whole workflow (its process group) in the middle of a dataset step
and, separately, in the middle of training; the rerun completes, finished outputs are not
recomputed, and nothing half-written is taken as done (every script writes temp + rename)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from workflow_helpers import (
    kill_group,
    make_workdir,
    mtimes,
    small_config,
    snakemake,
    start_workflow,
    unlock,
    wait_for_text,
)

from ipage.models.serialize import load_model

pytestmark = pytest.mark.slow


def fake_partial_outputs(paths: list[Path]) -> None:
    """What a writer without temp + rename could leave after kill -9: every output present
    but truncated. Snakemake marked them incomplete when the job started, so the rerun
    (--rerun-incomplete, as in the default profile) must redo the job, not trust them."""
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"partial")


def test_kill_during_dataset_step_then_rerun(tmp_path: Path) -> None:
    work = make_workdir(tmp_path / "work", small_config())
    samples = work / "results/toy/data/samples.npz"
    split = work / "results/toy/data/split.npz"
    proc = start_workflow(work, str(split.relative_to(work)), IPAGE_TEST_SIM_SLEEP="60")
    wait_for_text(work / "logs/toy/tabular_dataset.log", "spot-checking the simulator", proc)
    kill_group(proc)
    assert not samples.exists(), "a killed dataset step must not leave its output"
    fake_partial_outputs([samples, samples.with_name("samples_provenance.json")])
    unlock(work)
    snakemake(work, str(split.relative_to(work)))
    with np.load(samples) as f:
        assert f["x"].shape == (300, 2)
    log = (work / "logs/toy/tabular_dataset.log").read_text()
    assert log.count("simulator vs data on 3 rows") == 1  # the step ran again (fresh log)
    assert split.exists()


def test_kill_during_training_then_rerun(tmp_path: Path) -> None:
    work = make_workdir(tmp_path / "work", small_config(epochs=40, n_samples=1000))
    data = [work / "results/sinewave/data/samples.npz", work / "results/sinewave/data/split.npz"]
    model = work / "results/sinewave/models/inn.pt"
    proc = start_workflow(work, str(model.relative_to(work)))  # simulate, split, train
    train_log = work / "logs/sinewave/train_inn.log"
    wait_for_text(train_log, "epoch 2/40", proc)
    kill_group(proc)
    assert not model.exists(), "a killed training job must not leave a model"
    before = mtimes(data)  # finished (and recorded) before training started
    models = model.parent
    outputs = [model, *(models / n for n in ("inn_surrogate.pt", "inn_history.csv"))]
    fake_partial_outputs([*outputs, models / "inn_provenance.json"])
    unlock(work)
    snakemake(work, str(model.relative_to(work)))
    load_model(model)  # a real model, not the partial file
    assert len(pd.read_csv(models / "inn_history.csv")) == 40
    assert json.loads((models / "inn_provenance.json").read_text())["seeds"] == {"seed": 0}
    assert mtimes(data) == before, "finished dataset files were recomputed"
    assert train_log.read_text().count("epoch 40/40") == 1  # trained again (fresh log)
