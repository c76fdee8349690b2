"""Re-simulation error and sinewave mode counting."""

import numpy as np

from ipage.metrics import diversity, modes_covered, resim_errors, solution_modes
from ipage.tasks import get_task

PEAKS = [(a, b) for a in (-0.5, 1 / 6, 5 / 6) for b in (-2 / 3, 0.0, 2 / 3)]


def _ring_points(radius_fraction=1.0):
    """For each of the 9 peaks, a point on {Omega = 1.2} found by bisection along +x1."""
    task = get_task("sinewave")
    points = []
    for a, b in PEAKS:
        lo, hi = 0.0, 1 / 6
        for _ in range(60):
            mid = (lo + hi) / 2
            value = task.forward(np.array([[a + mid, b]]))[0, 0]
            lo, hi = (mid, hi) if value > 1.2 else (lo, mid)
        points.append((a + lo * radius_fraction, b))
    return np.array(points)


def test_nine_modes_at_paper_target():
    grid = solution_modes(get_task("sinewave"), np.array([1.2]))
    assert int(grid[:, 2].max()) == 9


def test_modes_covered_counts_accurate_solutions_per_ring():
    task, target = get_task("sinewave"), np.array([1.2])
    points = _ring_points()
    assert np.all(resim_errors(task, points, target[None]) < 1e-12)
    assert modes_covered(task, points, target) == (9, 9)
    assert modes_covered(task, points[:4], target) == (4, 9)
    assert modes_covered(task, np.repeat(points[:1], 10, axis=0), target) == (1, 9)
    # inaccurate points (the peaks themselves, Omega = 2) count for nothing
    assert modes_covered(task, np.array(PEAKS), target) == (0, 9)


def test_diversity_is_the_mean_pairwise_distance_in_box_units():
    task = get_task("sinewave")  # box [-1, 1]^2: box units halve distances
    assert diversity(task, np.array([[-1.0, -1.0], [1.0, 1.0]])) == np.sqrt(2)
    three = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, 0.0]])
    assert np.isclose(diversity(task, three), (1.0 + 0.5 + 0.5) / 3)
    assert diversity(task, np.zeros((4, 2))) == 0.0 and diversity(task, np.zeros((1, 2))) == 0.0
