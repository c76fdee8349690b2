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


def test_architecture_solutions_draws_at_most_the_solutions_there_are(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.uniform(size=(40, 16)), rng.uniform(size=(40, 1))  # 4 x 4 cells
    split = split_rows(x, y, (0.1, 0.1), rng)
    grey = rng.uniform(size=(5, 16))
    common = dict(
        method="ipage",
        target=0.3,
        grey=grey,
        binary=(grey > 0.5).astype(float),
        valid=np.array([True, False, True, True, True]),
        y_grey=rng.uniform(size=(2, 5)),
        y_binary=rng.uniform(size=(2, 5)),
        split=split,
    )
    assert design_figures.architecture_solutions(tmp_path / "a.png", columns=3, **common) == 3
    assert _drawn(tmp_path / "a.png").shape[:2] == (781, 726)  # (7.1, 1.9 * 3 + 0.9) * 110
    assert design_figures.architecture_solutions(tmp_path / "b.png", columns=8, **common) == 5


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
