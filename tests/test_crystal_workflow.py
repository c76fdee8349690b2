"""The crystal part of the workflow end to end with real (coarse) DFT: LHS structures ->
chunked GPAW gaps -> dataset -> INN -> iPage solutions -> DFT re-simulation of a diverse
subset -> summary rows.

Coarse preset: PW(250 eV), Gamma-centred 2x2x2 k-points (contains Gamma and R, the band
edges of the cubic cell), ~4 CPU-s per cell. Chunk 0 is first computed with maxiter=1: its
SCFs do not converge, and those failed rows travel through the workflow (dropped from the
dataset with a count in the log) without failing it.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest
import yaml
from workflow_helpers import kill_group, snakemake, start_workflow, unlock, wait_for_text

HAVE_GPAW = importlib.util.find_spec("gpaw") is not None
pytestmark = [
    pytest.mark.dft,
    pytest.mark.slow,
    pytest.mark.skipif(
        not HAVE_GPAW, reason="gpaw is not installed (run .ci/install_gpaw.sh to enable DFT tests)"
    ),
]

COARSE = {"preset": "fast", "ecut": 250.0, "kpts": 2}
TINY_CRYSTAL = {
    "tasks": ["crystal"],
    "methods": ["ipage"],
    "seed": 0,
    "device": "cpu",
    "task_options": {"crystal": COARSE},
    "targets": {"crystal": [1.2]},  # inside the coarse preset's gaps
    # 12 cells in 6 chunks of 2; chunk 0 fails (maxiter=1), 10 converge: 5 train, 2 val, 3 test
    "dataset": {"n_samples": 12, "val_fraction": 0.2, "test_fraction": 0.3},
    "crystal": {"chunk_size": 2, "resim_solutions": 2},
    "inn": {"blocks": 2, "hidden": 16, "epochs": 2, "batch_size": 4},
    "localization": {"steps": 5},
    "evaluation": {"n_solutions": 3, "repeats": 1, "oversample": 2},
}
FIGURE = "results/figures/crystal_solutions.png"
FAILING = {**TINY_CRYSTAL, "task_options": {"crystal": {**COARSE, "maxiter": 1}}}


def run(workdir, config_name, *targets, timeout=3600):
    """Snakemake with mtime-only rerun triggers: the chunk computed with maxiter=1 is kept."""
    mtime_only = ("--rerun-triggers", "mtime")
    return snakemake(
        workdir, *targets, *mtime_only, configfile=config_name, cores=2, timeout=timeout
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    path = tmp_path_factory.mktemp("crystal")
    (path / "config.yaml").write_text(yaml.safe_dump(TINY_CRYSTAL))
    (path / "failing.yaml").write_text(yaml.safe_dump(FAILING))
    run(path, "failing.yaml", "results/crystal/data/chunks/0.csv")
    run(path, "config.yaml", "results/tables/summary.csv", FIGURE)
    return path


def test_failed_scf_rows_do_not_stop_the_workflow(workdir):
    data = workdir / "results/crystal/data"
    chunk0 = pd.read_csv(data / "chunks/0.csv", keep_default_na=False)
    assert list(chunk0.status) == ["failed", "failed"]
    assert chunk0.error.str.contains("ConvergenceError", regex=False).all()
    assert (chunk0.gpaw_version != "missing").all() and (chunk0.wall_s.astype(float) > 0).all()
    assert chunk0.preset_settings.str.contains("PW(250) 2x2x2", regex=False).all()
    table = pd.read_csv(data / "dataset.csv", keep_default_na=False)
    assert len(table) == 12 and (table.status == "ok").sum() == 10
    assert "2 failed rows dropped" in (workdir / "logs/crystal/crystal_dataset.log").read_text()
    with np.load(data / "samples.npz") as f:
        x, y = f["x"], f["y"]
    assert x.shape == (10, 6) and y.shape == (10, 1)
    assert np.all((y > 0.3) & (y < 3.0))  # PBE gaps of SrTiO3 cells, eV
    assert (data / "structures/s000011.extxyz").exists()
    assert not (workdir / "logs/crystal/simulate.log").exists()  # not the generic rule


def test_summary_rows_from_dft_resimulation(workdir):
    summary = pd.read_csv(workdir / "results/tables/summary.csv")
    rows = summary[summary.task == "crystal"]
    assert sorted(zip(rows.method, rows.scenario, strict=True)) == [
        ("ipage", "many_targets"),
        ("ipage", "single_target"),
    ]
    assert (rows.n_solutions == 2).all()  # re-simulated by DFT (of 3 solutions)
    assert np.isfinite(rows.resim_mse_mean).all() and (rows.resim_mse_mean < 10).all()  # eV^2
    for scenario in ("many_targets", "single_target"):
        d = workdir / "results/crystal/ipage" / scenario
        resim = pd.read_csv(d / "dft_rows.csv", keep_default_na=False)
        assert len(resim) == 2 and (resim.status == "ok").all()
        assert (resim.preset_settings == resim.preset_settings.iloc[0]).all()
        assert "PW(250) 2x2x2" in resim.preset_settings.iloc[0]  # the dataset's preset
        assert all((d / "dft_structures" / f"{sid}.extxyz").exists() for sid in resim.id)
        with np.load(d / "resim.npz") as f:
            assert f["y"].shape == (1, 3, 1) and np.isfinite(f["y"]).sum() == 2


def test_solutions_figure_shows_the_dft_gaps(workdir):
    assert (workdir / FIGURE).stat().st_size > 20_000
    log = (workdir / "logs/report/crystal/figure_crystal_solutions.log").read_text()
    assert "ipage: 2 DFT gaps" in log and "0 failed" in log


def test_dataset_dir_reuses_generated_rows(workdir, tmp_path):
    """crystal.dataset_dir: rows in the layout of `python -m ipage.crystal generate` give the
    same samples as the workflow's own chunks; another preset is refused with one line."""
    data = workdir / "results/crystal/data"
    (tmp_path / "ext/chunks").mkdir(parents=True)
    (tmp_path / "ext/design.csv").write_text((data / "design.csv").read_text())
    rows = pd.read_csv(data / "dataset.csv", keep_default_na=False, dtype={"id": str})
    rows.to_csv(tmp_path / "ext/chunks/chunk_0000.csv", index=False)
    config = {**TINY_CRYSTAL, "crystal": {**TINY_CRYSTAL["crystal"], "dataset_dir": "ext"}}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    run(tmp_path, "config.yaml", "results/crystal/data/samples.npz", timeout=600)
    for name in ("x", "y"):
        with (
            np.load(data / "samples.npz") as a,
            np.load(tmp_path / data.relative_to(workdir) / "samples.npz") as b,
        ):
            np.testing.assert_array_equal(a[name], b[name])
    assert "12 of 12 designed cells" in (tmp_path / "logs/crystal/crystal_dataset.log").read_text()
    assert not (tmp_path / "results/crystal/data/chunks").exists()  # no DFT here
    other = {**config, "task_options": {"crystal": {**COARSE, "ecut": 300.0}}}
    (tmp_path / "other.yaml").write_text(yaml.safe_dump(other))
    samples = "results/crystal/data/samples.npz"
    result = snakemake(tmp_path, samples, configfile="other.yaml", check=False)
    assert result.returncode != 0
    log = (tmp_path / "logs/crystal/crystal_dataset.log").read_text()
    assert "use the dataset's preset" in log and "PW(300)" in log


def test_deleted_chunk_is_rebuilt_from_its_journal(workdir):
    """A missing chunk file is remade from its journal's converged rows (no DFT), the dataset
    merged again; the other chunks are left alone."""
    data = workdir / "results/crystal/data"
    before = pd.read_csv(data / "chunks/3.csv", keep_default_na=False)
    kept = (data / "chunks/2.csv").stat().st_mtime_ns
    (data / "chunks/3.csv").unlink()
    # (a missing input of an up-to-date file is not remade on its own: ask for the chunk)
    targets = ["results/crystal/data/chunks/3.csv", "results/crystal/data/samples.npz"]
    run(workdir, "config.yaml", *targets, timeout=600)
    after = pd.read_csv(data / "chunks/3.csv", keep_default_na=False)
    pd.testing.assert_frame_equal(before, after)
    assert (data / "chunks/2.csv").stat().st_mtime_ns == kept
    assert "2 converged rows reused" in (workdir / "logs/crystal/chunks/3.log").read_text()
    with np.load(data / "samples.npz") as f:
        assert f["x"].shape == (10, 6)


def test_killed_chunk_job_resumes_from_its_journal(workdir):
    """kill -9 after the first cell of a chunk: the rerun computes only the second cell."""
    data = workdir / "results/crystal/data"
    before = pd.read_csv(data / "chunks/5.csv", keep_default_na=False)
    (data / "chunks/5.csv").unlink()
    (data / "journal/5.csv").unlink()
    log = workdir / "logs/crystal/chunks/5.log"
    log.unlink()
    proc = start_workflow(workdir, "results/crystal/data/chunks/5.csv")
    wait_for_text(log, "structure 1/2", proc, timeout=600)
    kill_group(proc)
    assert not (data / "chunks/5.csv").exists()
    unlock(workdir)
    snakemake(workdir, "results/crystal/data/chunks/5.csv", timeout=600)
    text = log.read_text()
    assert "1 converged rows reused" in text and "structure 2/2" in text
    after = pd.read_csv(data / "chunks/5.csv", keep_default_na=False)
    assert list(after.id) == list(before.id) and (after.status == "ok").all()
    np.testing.assert_allclose(after.gap, before.gap, atol=1e-4)  # same machine
