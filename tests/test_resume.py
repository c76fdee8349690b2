"""Interruption: kill -9 the whole workflow (its process group) in the middle of a dataset step
and, separately, in the middle of training; the rerun completes, finished outputs are not
recomputed, and nothing half-written is taken as done (every script writes temp + rename)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from workflow_helpers import (
    kill_group,
    make_workdir,
    mtimes,
    run_workflow,
    small_config,
    start_workflow,
    unlock,
    wait_for_text,
)

pytestmark = pytest.mark.slow


def leftovers(directory: Path) -> list[Path]:
    """Temp files of atomic writes (never taken for outputs: their names differ)."""
    return [p for p in directory.rglob("*") if ".tmp" in p.name]


def test_kill_during_dataset_step_then_rerun(tmp_path: Path) -> None:
    work = make_workdir(tmp_path / "work", small_config())
    samples = work / "results/toy/data/samples.npz"
    split = work / "results/toy/data/split.npz"
    proc = start_workflow(work, [str(split.relative_to(work))], IPAGE_TEST_SIM_SLEEP="60")
    wait_for_text(work / "logs/toy/tabular_dataset.log", "spot-checking the simulator", proc)
    kill_group(proc)
    assert not samples.exists(), "a killed dataset step must not leave its output"
    unlock(work)
    run_workflow(work, [str(split.relative_to(work))])
    with np.load(samples) as f:
        assert f["x"].shape == (300, 2)
    log = (work / "logs/toy/tabular_dataset.log").read_text()
    assert log.count("simulator vs data on 3 rows") == 1  # the step ran again (fresh log)
    assert split.exists()


def test_kill_during_training_then_rerun(tmp_path: Path) -> None:
    work = make_workdir(tmp_path / "work", small_config(epochs=40, n_samples=1000))
    data = [work / "results/sinewave/data/samples.npz", work / "results/sinewave/data/split.npz"]
    model = work / "results/sinewave/models/inn.pt"
    proc = start_workflow(work, [str(model.relative_to(work))])  # simulate, split, train
    train_log = work / "logs/sinewave/train_inn.log"
    wait_for_text(train_log, "epoch 2/40", proc)
    kill_group(proc)
    assert not model.exists(), "a killed training job must not leave a model"
    before = mtimes(data)  # finished (and recorded) before training started
    unlock(work)
    run_workflow(work, [str(model.relative_to(work))])
    assert model.exists()
    assert (work / "results/sinewave/models/inn_provenance.json").exists()
    assert mtimes(data) == before, "finished dataset files were recomputed"
    assert train_log.read_text().count("epoch 40/40") == 1  # trained again (fresh log)
    assert all(".tmp" in p.name for p in leftovers(work / "results"))
