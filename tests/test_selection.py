"""Farthest-point selection of the solutions DFT re-simulates."""

import numpy as np

from ipage.selection import farthest_points, lowest_loss_index


def test_farthest_points_picks_the_point_farthest_from_all_chosen():
    u = np.array([[0.0], [0.1], [0.2], [1.0], [0.55]])
    # from 0: 1.0 is farthest; then 0.55 (0.45 from both) beats 0.2 (0.2 from 0)
    assert farthest_points(u, 3, 0).tolist() == [0, 3, 4]
    assert farthest_points(u, 1, 2).tolist() == [2]
    order = farthest_points(np.random.default_rng(0).uniform(size=(20, 3)), 20, 5)
    assert order[0] == 5 and sorted(order) == list(range(20))  # every row once


def test_selection_starts_at_the_lowest_finite_loss():
    assert lowest_loss_index(np.array([0.3, np.nan, 0.1, np.inf])) == 2
    assert lowest_loss_index(np.array([np.nan, np.nan])) == 0
    assert lowest_loss_index(None) == 0
