"""Tabular tasks: file formats, cleaning facts, transforms, simulators (numpy and ASE), and
the shipped MoS2 configuration."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from ipage import config as ipage_config
from ipage.tasks import get_task, task_capabilities
from ipage.tasks.base import Capabilities

REPO = Path(__file__).resolve().parent.parent


def config_with(spec: dict, **top) -> dict:
    cfg = {
        "tasks": ["t"],
        "tabular": {"t": spec},
        "evaluation": {"n_solutions": 2, "repeats": 1},
    }
    cfg.update(top)
    return ipage_config.validate(cfg)


def make_rows(n: int = 60, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).uniform(0.5, 2.0, size=(n, 2))
    return np.column_stack([x, x[:, 0] * x[:, 1]])


def test_headerless_files_joined_column_wise(in_tmp_dir: Path) -> None:
    rows = make_rows()
    np.savetxt("x.csv", rows[:, :2], delimiter=",")
    np.savetxt("y.csv", rows[:, 2:], delimiter=",")
    cfg = config_with(
        {
            "path": ["x.csv", "y.csv"],
            "columns": ["a", "b", "p"],
            "x_columns": ["a", "b"],
            "y_columns": ["p"],
        }
    )
    task = ipage_config.make_task(cfg, "t")
    np.testing.assert_allclose(task.raw_x, rows[:, :2])
    np.testing.assert_allclose(task.raw_y, rows[:, 2:])
    np.testing.assert_allclose(task.lower, rows[:, :2].min(0))  # default box: data range
    assert task.default_target[0] == pytest.approx(np.median(rows[:, 2]))


@pytest.mark.parametrize("suffix", [".tsv", ".txt", ".parquet"])
def test_other_formats(in_tmp_dir: Path, suffix: str) -> None:
    import pandas as pd

    rows = make_rows()
    frame = pd.DataFrame(rows, columns=["a", "b", "p"])
    path = f"data{suffix}"
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
        frame.to_parquet(path)
    else:
        frame.to_csv(path, sep="\t" if suffix == ".tsv" else " ", index=False)
    cfg = config_with({"path": path, "x_columns": ["a", "b"], "y_columns": ["p"]})
    np.testing.assert_allclose(ipage_config.make_task(cfg, "t").raw_y[:, 0], rows[:, 2])


def test_duplicates_point_mass_and_ambiguous_labels_are_reported(in_tmp_dir: Path) -> None:
    rows = make_rows(60)
    rows[:40, 2] = 0.0  # a point mass at 0
    rows = np.vstack([rows, rows[:5]])  # 5 exact duplicates
    noisy = rows[10].copy()
    noisy[2] = 7.0  # same x, another y
    rows = np.vstack([rows, noisy])
    np.savetxt("d.csv", rows, delimiter=",", header="a,b,p", comments="")
    spec = {"path": "d.csv", "x_columns": ["a", "b"], "y_columns": ["p"]}
    task = ipage_config.make_task(config_with(spec), "t")
    assert len(task.raw_x) == 61
    assert "dropped 5 exact duplicate rows (same x and y; kept the first of each)" in task.facts
    assert any("40 rows (65.6 %) are exactly 0" in line for line in task.facts)
    assert task.warnings == [
        "2 rows share their x with another row but have a different y "
        "(noisy or ambiguous labels; kept)"
    ]
    kept = ipage_config.make_task(config_with({**spec, "duplicates": "keep"}), "t")
    assert len(kept.raw_x) == 66


def test_max_rows_is_a_seeded_subset(in_tmp_dir: Path) -> None:
    np.savetxt("d.csv", make_rows(200), delimiter=",", header="a,b,p", comments="")
    spec = {"path": "d.csv", "x_columns": ["a", "b"], "y_columns": ["p"], "max_rows": 50}
    first = ipage_config.make_task(config_with(spec, seed=3), "t")
    again = ipage_config.make_task(config_with(spec, seed=3), "t")
    other = ipage_config.make_task(config_with(spec, seed=4), "t")
    assert len(first.raw_x) == 50
    np.testing.assert_array_equal(first.raw_x, again.raw_x)
    assert not np.array_equal(first.raw_x, other.raw_x)


def test_log_transform_bounds_target_and_empirical_prior(in_tmp_dir: Path) -> None:
    np.savetxt("d.csv", make_rows(), delimiter=",", header="a,b,p", comments="")
    spec = {
        "path": "d.csv",
        "x_columns": ["a", "b"],
        "y_columns": ["p"],
        "transforms": {"a": "log", "p": "log10"},
        "bounds": {"a": [0.5, 4.0]},
        "target": [1.0],
    }
    task = ipage_config.make_task(config_with(spec), "t")
    assert task.lower[0] == pytest.approx(np.log(0.5))
    assert task.upper[0] == pytest.approx(np.log(4.0))
    assert task.default_target[0] == pytest.approx(0.0)  # log10(1)
    x = task.sample_prior(10, np.random.default_rng(0))
    encoded = {tuple(row) for row in task.dataset()[0].round(12)}
    assert all(tuple(row) in encoded for row in x.round(12))


ASE_MODULE = """
from ase import Atoms
from ase.calculators.emt import EMT


def dimer(row):
    return Atoms("Cu2", positions=[[0, 0, 0], [row[0], 0, 0]])


def emt():
    return EMT()
"""


def test_ase_calculator_as_simulator(in_tmp_dir: Path) -> None:
    pytest.importorskip("ase")
    from ase import Atoms
    from ase.calculators.emt import EMT

    (in_tmp_dir / "cu_dimer.py").write_text(ASE_MODULE)
    d = np.linspace(2.0, 3.0, 40)
    energies = []
    for value in d:
        atoms = Atoms("Cu2", positions=[[0, 0, 0], [value, 0, 0]])
        atoms.calc = EMT()
        energies.append(atoms.get_potential_energy())
    np.savetxt("cu.csv", np.column_stack([d, energies]), delimiter=",", header="d,e", comments="")
    spec = {
        "path": "cu.csv",
        "x_columns": ["d"],
        "y_columns": ["e"],
        "simulator": {"atoms": "cu_dimer:dimer", "calculator": "cu_dimer:emt"},
    }
    task = ipage_config.make_task(config_with(spec), "t")
    x, y = task.dataset()
    np.testing.assert_allclose(task.forward(x[:5]), y[:5], rtol=1e-10)


def test_resimulation_needs_a_simulator(in_tmp_dir: Path) -> None:
    """Without a simulator a tabular task declares no re-simulation; the workflow reads that
    from the config entry alone, and the built task agrees."""
    np.savetxt("d.csv", make_rows(), delimiter=",", header="a,b,p", comments="")
    (in_tmp_dir / "product.py").write_text("def p(x):\n    return x[:, 0] * x[:, 1]\n")
    spec = {"path": "d.csv", "x_columns": ["a", "b"], "y_columns": ["p"]}
    for simulator, resimulation in ((None, "none"), ("product:p", "all")):
        cfg = config_with({**spec, "simulator": simulator})
        options = ipage_config.task_options(cfg, "t")
        declared = task_capabilities("t", **options)
        assert declared == Capabilities(dataset="table", resimulation=resimulation)
        assert get_task("t", **options).capabilities == declared


def test_shipped_mos2_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """config/mos2.yaml loads the bundled data: duplicates dropped, the point mass reported."""
    monkeypatch.chdir(REPO)
    cfg = ipage_config.validate(yaml.safe_load((REPO / "config/mos2.yaml").read_text()))
    task = get_task("mos2", **ipage_config.task_options(cfg, "mos2"))
    assert (task.x_dim, task.y_dim, len(task.raw_x)) == (7, 1, 10430)
    assert "dropped 368 exact duplicate rows (same x and y; kept the first of each)" in task.facts
    assert any("6593 rows (63.2 %) are exactly 0" in line for line in task.facts)
    assert task.capabilities.resimulation == "none"
    assert ipage_config.target(cfg, "mos2").tolist() == [1.0]
    assert ipage_config.warnings(cfg) == []
