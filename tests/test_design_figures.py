"""The design figures (architecture unit cells, crystal lattice parameters) on synthetic
solutions: the PNG has the figure's size and shows something."""

import numpy as np
from matplotlib.image import imread

from ipage.data import split_rows
from ipage.report import design_figures
from ipage.tasks import get_task


def _drawn(path) -> np.ndarray:
    image = imread(path)
    assert image.std() > 0.05  # not a blank canvas
    return image


def test_architecture_solutions_draws_one_row_per_layout_row(tmp_path):
    rng = np.random.default_rng(0)
    grey = rng.uniform(size=(3, 4, 4))
    y_all = rng.uniform(size=(2, 5))
    solutions = design_figures.LayoutRow("grey", grey, y_all[0, :3], y_all, ["", "", ""])
    binary = design_figures.LayoutRow(
        "binary", (grey > 0.5).astype(float), y_all[0, :3], y_all, ["", " (no network)", ""]
    )
    training = design_figures.LayoutRow("training data", grey, rng.uniform(size=3), None, [""] * 3)
    for name, rows, inches in (
        ("a", [solutions, training], 4.7),
        ("b", [solutions, binary, training], 7.1),
    ):
        design_figures.architecture_solutions(
            tmp_path / f"{name}.png", title="t", target=0.3, rows=rows
        )
        assert _drawn(tmp_path / f"{name}.png").shape[:2] == (round(inches * 110), 726)


def test_crystal_solutions_with_a_failed_method(tmp_path):
    task = get_task("crystal")
    rng = np.random.default_rng(0)
    x = task.sample_prior(60, rng)
    split = split_rows(x, rng.uniform(0.5, 2.5, size=(60, 1)), (0.1, 0.1), rng)
    solutions = [
        ("ipage", task.sample_prior(8, rng), rng.uniform(1.0, 1.4, 8)),
        ("na", task.sample_prior(4, rng), np.full(4, np.nan)),  # every DFT run failed
    ]
    path = tmp_path / "crystal.png"
    design_figures.crystal_solutions(path, task=task, target=1.2, split=split, solutions=solutions)
    assert _drawn(path).shape[:2] == (528, 1320)  # (4.8, 12) inches at 110 dpi
