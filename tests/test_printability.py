"""Printability checks of periodic layouts (ipage.fem.printability) on hand-made cells."""

from __future__ import annotations

import time

import numpy as np
import pytest

from ipage.fem.designs import sample_designs
from ipage.fem.printability import (
    checks,
    connectivity,
    diversity,
    grey_fraction,
    min_feature_size,
    near_target,
    periodic_opening,
    summary,
    volume_fraction,
)

N = 32


def rows(*index: int) -> np.ndarray:
    """A layout whose solid is the given rows: horizontal bars running along x."""
    cell = np.zeros((N, N))
    cell[list(index)] = 1.0
    return cell


def test_grey_and_volume_fraction():
    binary = rows(3, 4, 5)
    assert grey_fraction(binary)[0] == 0.0
    assert volume_fraction(binary)[0] == pytest.approx(3 / N)
    rho = np.full((N, N), 0.5)
    rho[:, :8] = 0.04  # not grey: below 0.05
    rho[:, 8:16] = 0.96  # not grey: above 0.95
    assert grey_fraction(rho)[0] == pytest.approx(0.5)
    assert volume_fraction(np.full((2, N, N), 1.3)) == pytest.approx([1.0, 1.0])  # clipped


def test_connectivity_of_hand_made_layouts():
    bar = rows(10, 11)
    cross = bar.copy()
    cross[:, 20] = 1.0
    blob = np.zeros((N, N))
    blob[8:14, 8:14] = 1.0
    diagonal = np.zeros((N, N))  # a 2 px staircase x - y = 0, 1 (mod N): winds (1, 1)
    for i in range(N):
        diagonal[i, [i, (i + 1) % N]] = 1.0
    cases = [bar, bar.T, cross, blob, diagonal]
    expected = [
        [True, False, False],
        [False, True, False],
        [True, True, True],
        [False, False, False],
        [True, True, False],
    ]
    assert connectivity(np.stack(cases)).tolist() == expected


def test_connectivity_across_the_wrap():
    assert connectivity(rows(N - 1, 0)).tolist() == [[True, False, False]]  # bar split by y wrap
    broken = rows(5)
    broken[5, N - 1] = 0.0  # one gap: the bar no longer closes around x
    assert connectivity(broken).tolist() == [[False, False, False]]
    corner = np.zeros((N, N))  # one blob split into four by both wraps
    corner[:2, :2] = corner[:2, -2:] = corner[-2:, :2] = corner[-2:, -2:] = 1.0
    assert connectivity(corner).tolist() == [[False, False, False]]
    checker = (np.indices((N, N)).sum(axis=0) % 2).astype(float)  # corner contacts only
    assert connectivity(checker).tolist() == [[False, False, False]]
    grey_bar = rows(7) * 0.5  # rho = 0.5 is void (solid is rho > 0.5)
    assert connectivity(grey_bar).tolist() == [[False, False, False]]


@pytest.mark.parametrize("width", [1, 2, 3, 4, 7])
def test_feature_size_of_bars(width):
    bar = rows(*range(10, 10 + width))
    wrapped = rows(*[(N - 2 + i) % N for i in range(width)])  # split by the y wrap
    for cell in (bar, wrapped, bar.T):
        solid = cell[None] > 0.5
        assert min_feature_size(solid)[0] == width
        assert min_feature_size(~solid)[0] == N - width


def test_feature_size_is_the_thinnest_part():
    cell = rows(*range(4, 12))  # an 8 px bar
    cell[20:23, 5:25] = 1.0  # and a 3 px one
    found = checks(cell)
    assert found["min_solid_px"][0] == 3
    assert found["min_void_px"][0] == 20 - 12
    cell[28, 3] = 1.0  # a single pixel
    assert checks(cell)["min_solid_px"][0] == 1
    full = np.ones((1, N, N), bool)
    assert min_feature_size(full)[0] == N and np.isnan(min_feature_size(~full)[0])


def test_even_opening_keeps_its_square():
    cell = np.zeros((1, N, N), bool)
    cell[0, 30:, 29:] = cell[0, :2, 29:] = True  # a 4 x 3 block across the y wrap
    assert np.array_equal(periodic_opening(cell, 3), cell)
    assert not periodic_opening(cell, 4).any()


def test_diversity():
    cell = rows(1, 2, 3)
    assert diversity(np.stack([cell, cell, cell])) == 0.0
    assert diversity(np.stack([cell, 1.0 - cell])) == 1.0
    a, b, c = np.zeros((N, N)), np.zeros((N, N)), np.zeros((N, N))
    b[:, : N // 2] = 1.0
    c[:, : N // 4] = 0.9  # thresholded to solid
    assert diversity(np.stack([a, b, c])) == pytest.approx((0.5 + 0.25 + 0.25) / 3)
    assert np.isnan(diversity(cell[None]))


def test_near_target_is_relative():
    y = np.array([[0.30], [0.33], [0.34], [0.357], [0.40]])
    assert near_target(y, np.array([0.34])).tolist() == [False, True, True, True, False]


def test_summary_of_designs_and_speed():
    designs = sample_designs(50, np.random.default_rng(3))
    out = summary([designs[:25], designs[25:]])
    assert out["n_layouts"] == 50 and out["grey_fraction"] == 0.0
    assert out["connected_xy"] == out["connected_x"] == out["connected_y"] == 1.0
    assert out["min_solid_px"] >= 1 and out["min_void_px"] >= 1
    assert 0.45 <= out["volume_fraction"] <= 0.8 and 0 < out["diversity"] < 1
    noise = np.random.default_rng(0).uniform(size=(1000, N, N))
    start = time.perf_counter()
    found = checks(noise)
    assert time.perf_counter() - start < 10
    assert np.all(found["min_solid_px"] == 1) and found["grey_fraction"].mean() > 0.85


def test_summary_of_no_layouts_is_empty():
    out = summary([np.zeros((0, N, N))])
    assert out["n_layouts"] == 0
    assert all(np.isnan(out[name]) for name in out if name != "n_layouts")
