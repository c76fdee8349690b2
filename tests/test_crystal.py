"""Crystal task: structures, strain, chunked runner (no GPAW needed) and real DFT (marked dft)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from ipage.artifacts import Samples
from ipage.crystal.chunks import generate, load_generated, merge_chunks, plan_dataset, run_chunk
from ipage.crystal.dft import RESULT_COLUMNS, get_preset, run_structure
from ipage.crystal.structure import (
    A0,
    DesignBox,
    cubic_structure,
    lattice_parameters,
    strained_atoms,
    strained_structure,
    write_structure,
)
from ipage.errors import IpageError
from ipage.tasks import TASKS, get_task

HAVE_GPAW = importlib.util.find_spec("gpaw") is not None
needs_gpaw = pytest.mark.skipif(
    not HAVE_GPAW, reason="gpaw is not installed (run .ci/install_gpaw.sh to enable DFT tests)"
)

# Unstrained cubic SrTiO3 at the `fast` preset (PW(400), Gamma-centred 4x4x4, PBE), measured
# with GPAW 26.7.0 and the gpaw-data 1.2.1 setups: 1.8963 eV. The tolerance covers BLAS /
# GPAW-version noise; a wrong k-mesh (2x2x2: 1.51 eV) or cutoff (350 eV) is far outside it.
CUBIC_FAST_GAP_EV = 1.896
CUBIC_FAST_TOL_EV = 0.02

STRAINED = np.array([A0 * 1.03, A0 * 0.97, A0 * 1.01, 87.0, 92.5, 91.0])


def test_unstrained_structure_is_cubic_pm3m():
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    s = cubic_structure()
    assert s.composition.reduced_formula == "SrTiO3"
    np.testing.assert_allclose(s.lattice.abc, [3.905] * 3)
    np.testing.assert_allclose(s.lattice.angles, [90.0] * 3)
    sga = SpacegroupAnalyzer(s, symprec=1e-3)
    assert sga.get_space_group_symbol() == "Pm-3m"
    assert sga.get_space_group_number() == 221
    # the design-box centre builds the same cell
    sc = strained_structure(DesignBox().center)
    assert SpacegroupAnalyzer(sc, symprec=1e-3).get_space_group_number() == 221


def test_strain_is_applied_as_specified(tmp_path):
    from ase.io import read

    s = strained_structure(STRAINED)
    np.testing.assert_allclose(s.lattice.parameters, STRAINED, atol=1e-8)
    np.testing.assert_allclose(s.frac_coords, cubic_structure().frac_coords, atol=1e-12)
    atoms = strained_atoms(STRAINED)
    assert atoms.get_chemical_symbols() == ["Sr", "Ti", "O", "O", "O"]
    assert atoms.pbc.all()
    np.testing.assert_allclose(lattice_parameters(atoms), STRAINED, atol=1e-8)
    np.testing.assert_allclose(
        atoms.get_scaled_positions() % 1.0, cubic_structure().frac_coords, atol=1e-10
    )
    path = write_structure(tmp_path / "x.extxyz", atoms, STRAINED, id="x")
    back = read(path)
    np.testing.assert_allclose(lattice_parameters(back), STRAINED, atol=1e-6)
    np.testing.assert_allclose([back.info[k] for k in ("a", "b", "alpha")], STRAINED[[0, 1, 3]])


def test_design_box_and_lhs():
    box = DesignBox()
    np.testing.assert_allclose(box.lower, [A0 * 0.96] * 3 + [86.0] * 3)
    np.testing.assert_allclose(box.upper, [A0 * 1.04] * 3 + [94.0] * 3)
    x = box.sample_lhs(40, rng=1)
    assert x.shape == (40, 6)
    assert np.all(x >= box.lower) and np.all(x <= box.upper)
    # Latin hypercube: every one of the 40 strata holds exactly one point per coordinate
    strata = np.floor((x - box.lower) / (box.upper - box.lower) * 40).astype(int)
    for j in range(6):
        assert sorted(strata[:, j]) == list(range(40))
    np.testing.assert_allclose(box.sample_lhs(5, rng=3), box.sample_lhs(5, rng=3))
    with pytest.raises(IpageError):
        DesignBox(strain=-0.1)


def test_crystal_task_registered_and_samples_in_box():
    assert TASKS["crystal"].__name__ == "Crystal"
    task = get_task("crystal", strain=0.02, angle=2.0, preset="accurate")
    assert task.x_dim == 6 and task.y_dim == 1
    np.testing.assert_allclose(task.upper[:3], A0 * 1.02)
    np.testing.assert_allclose(task.lower[3:], 88.0)
    x = task.sample_prior(16, np.random.default_rng(0))
    assert x.shape == (16, 6) and np.all(x >= task.lower) and np.all(x <= task.upper)
    assert task.default_target.shape == (1,)
    assert task.preset.ecut == 600 and task.preset.kpts == 6
    with pytest.raises(IpageError):
        get_task("crystal", preset="nope")
    with pytest.raises(IpageError):
        get_task("crystal", not_a_field=1)


def test_bad_cell_is_a_failed_row_not_an_exception():
    row = run_structure([-1.0, 3.9, 3.9, 90, 90, 90], "fast", structure_id="bad")
    assert list(row) == list(RESULT_COLUMNS)
    assert row["status"] == "failed" and "lattice lengths" in row["error"]
    assert np.isnan(row["gap"])


def _fake_runner(params, preset, structure_id, structure_dir=None, log_dir=None):
    calls.append(structure_id)
    ok = not structure_id.endswith("3")
    return {
        **dict.fromkeys(RESULT_COLUMNS, ""),
        "id": structure_id,
        **dict(zip(("a", "b", "c", "alpha", "beta", "gamma"), params, strict=True)),
        "gap": float(np.mean(params[:3])) if ok else float("nan"),
        "status": "ok" if ok else "failed",
        "error": "" if ok else "KohnShamConvergenceError: fake",
        "wall_s": 0.1,
        "preset": get_preset(preset).name,
        "preset_settings": get_preset(preset).describe(),
    }


calls: list[str] = []


def test_chunked_generation_resumes_and_merges(tmp_path):
    calls.clear()
    plan = plan_dataset(tmp_path, n=10, chunk_size=4, seed=0)
    assert list(plan.chunk) == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2]
    lines: list[str] = []
    generate(tmp_path, "fast", chunks=[0], runner=_fake_runner, progress=lines.append)
    assert calls == ["s000000", "s000001", "s000002", "s000003"]
    assert "structure 3/4 s000002 gap=" in lines[2] and lines[3].count("FAILED") == 1
    # an interrupted chunk (rows missing from its CSV) resumes where it stopped
    part = pd.read_csv(tmp_path / "chunks" / "chunk_0000.csv")
    part.iloc[:2].to_csv(tmp_path / "chunks" / "chunk_0000.csv", index=False)
    calls.clear()
    generate(tmp_path, "fast", runner=_fake_runner, progress=lines.append)
    assert calls == ["s000002", "s000003"] + [f"s{i:06d}" for i in range(4, 10)]
    calls.clear()
    generate(tmp_path, "fast", runner=_fake_runner, progress=lines.append)
    assert calls == []  # everything complete
    assert not list((tmp_path / "chunks").glob("*.tmp"))
    df = merge_chunks(tmp_path)
    assert len(df) == 10 and (df.status == "failed").sum() == 1
    samples = Samples.load(tmp_path / "samples.npz")
    assert samples.x.shape == (9, 6) and samples.y.shape == (9, 1)
    # the same directory cannot be reused for a different plan
    with pytest.raises(IpageError):
        plan_dataset(tmp_path, n=11)


def test_run_chunk_accepts_plain_arrays(tmp_path):
    calls.clear()
    x = DesignBox().sample_lhs(3, rng=0)
    out = run_chunk(x, tmp_path / "c.csv", runner=_fake_runner, progress=lambda s: None)
    assert list(out.id.astype(str)) == ["0", "1", "2"]
    assert pd.read_csv(tmp_path / "c.csv").shape[0] == 3


@pytest.mark.dft
@pytest.mark.slow
@needs_gpaw
def test_fast_dft_unstrained_gap(tmp_path):
    row = run_structure([A0] * 3 + [90.0] * 3, "fast", structure_id="cubic", structure_dir=tmp_path)
    assert row["status"] == "ok", row["error"]
    assert abs(row["gap"] - CUBIC_FAST_GAP_EV) < CUBIC_FAST_TOL_EV
    assert row["cbm"] > row["vbm"] and row["n_ibz_kpts"] == 10
    assert row["gpaw_version"] != "missing" and "PW(400)" in row["preset_settings"]
    assert (tmp_path / "cubic.extxyz").exists()


@pytest.mark.dft
@needs_gpaw
def test_failed_scf_is_a_failed_row():
    row = run_structure(STRAINED, "fast", structure_id="f", maxiter=1)
    assert row["status"] == "failed"
    assert "ConvergenceError" in row["error"]
    assert np.isnan(row["gap"]) and row["wall_s"] > 0


@pytest.mark.dft
@needs_gpaw
def test_task_forward_records_failures_as_nan():
    task = get_task("crystal", maxiter=1)
    y = task.forward(STRAINED[None, :])
    assert y.shape == (1, 1) and np.isnan(y[0, 0])
    assert task.last_results[0]["status"] == "failed"


def test_run_chunk_with_worker_processes(tmp_path):
    x = DesignBox().sample_lhs(5, rng=0)
    lines: list[str] = []
    out = run_chunk(x, tmp_path / "c.csv", workers=2, runner=_fake_runner, progress=lines.append)
    assert list(out.id.astype(str)) == ["0", "1", "2", "3", "4"]  # design order kept
    assert len(lines) == 5 and lines[-1].startswith("structure 5/5")
    np.testing.assert_allclose(out.gap.astype(float)[:3], x[:3, :3].mean(axis=1))


def test_partly_generated_dataset_is_loaded_and_checked(tmp_path):
    """crystal.dataset_dir: the rows computed so far, refused for another preset or box."""
    plan_dataset(tmp_path, n=10, chunk_size=4, seed=0)
    generate(tmp_path, "fast", chunks=[0, 2], runner=_fake_runner, progress=lambda s: None)
    box = DesignBox()
    df, planned = load_generated(tmp_path, get_preset("fast").describe(), box.lower, box.upper)
    assert planned == 10 and list(df.id) == [
        "s000000",
        "s000001",
        "s000002",
        "s000003",
        "s000008",
        "s000009",
    ]
    with pytest.raises(IpageError, match="computed with preset .*use the dataset's preset"):
        load_generated(tmp_path, get_preset("accurate").describe(), box.lower, box.upper)
    narrow = DesignBox(strain=0.01, angle=1.0)
    with pytest.raises(IpageError, match="lie outside the configured design box"):
        load_generated(tmp_path, get_preset("fast").describe(), narrow.lower, narrow.upper)
