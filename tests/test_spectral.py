"""The spectral design representation: coefficients -> printable 0/1 layout."""

from __future__ import annotations

import numpy as np
import pytest

from ipage.fem import spectral
from ipage.fem.designs import (
    clean,
    coefficient_box,
    grow_until_spanning,
    layouts,
    sample_coefficients,
)
from ipage.fem.printability import connectivity

WAVENUMBERS = spectral.modes(6)


@pytest.fixture(scope="module")
def prior() -> tuple[np.ndarray, np.ndarray]:
    return sample_coefficients(30, np.random.default_rng(5), WAVENUMBERS)


@pytest.fixture(scope="module")
def box_draws() -> np.ndarray:
    """Coefficients anywhere in the design box: what localization and NA may propose."""
    lower, upper = coefficient_box(WAVENUMBERS, 32, (3.0, 5.0))
    return np.random.default_rng(6).uniform(lower, upper, size=(40, len(lower)))


def test_modes_quarter_disc_mean_first():
    k = spectral.modes(6)
    assert len(k) == 35 and k[0].tolist() == [0, 0]
    assert ((k**2).sum(axis=1) <= 36).all() and len(np.unique(k, axis=0)) == 35


def test_field_is_periodic_cosine_series():
    """The basis functions repeat with the cell (positions p and p + N agree), so the field
    and its threshold tile the plane without seams."""
    p = np.arange(64)
    c = spectral.cosines(WAVENUMBERS[:, 1], 32, p)
    np.testing.assert_allclose(c[:, :32], c[:, 32:], atol=1e-12)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, len(WAVENUMBERS)))
    g = spectral.field(a, WAVENUMBERS, 32)
    cy = spectral.cosines(WAVENUMBERS[:, 0], 32, np.arange(32))
    cx = spectral.cosines(WAVENUMBERS[:, 1], 32, np.arange(32))
    direct = np.einsum("nm,my,mx->nyx", a, cy, cx)
    np.testing.assert_allclose(g, direct, atol=1e-12)


def test_amplitudes_give_unit_variance_fields():
    a = np.random.default_rng(1).standard_normal((400, len(WAVENUMBERS)))
    for ell in (3.0, 5.0):
        g = spectral.field(a * spectral.amplitudes(WAVENUMBERS, 32, ell), WAVENUMBERS, 32)
        assert 0.9 < g.var() < 1.1


def test_map_gives_0_1_mirror_symmetric_connected_layouts(box_draws):
    cells, at_level = layouts(box_draws, WAVENUMBERS, 32)
    assert set(np.unique(cells)) <= {0.0, 1.0}
    assert np.array_equal(cells, cells[:, ::-1, :]) and np.array_equal(cells, cells[:, :, ::-1])
    assert connectivity(cells)[:, 2].all()  # one network spanning the period in x and y
    assert 0 < at_level.sum() < len(at_level)  # box draws: both cases occur
    g = spectral.field(box_draws, WAVENUMBERS, 32)
    assert np.array_equal(cells[at_level], clean(g[at_level] > 0)[0])


def test_growth_lowers_the_level_until_a_network_spans():
    g = np.full((16, 16), -1.0)
    g[:, 7:9] = -0.5  # a vertical bar, below level 0
    g[4:6, :] = 1.0  # a horizontal bar: at level 0 it spans along x only
    cross = g >= -0.5
    assert np.array_equal(grow_until_spanning(g), cross)


def test_map_is_deterministic_and_row_independent(box_draws):
    cells = layouts(box_draws, WAVENUMBERS, 32)[0]
    again = np.stack([layouts(row[None], WAVENUMBERS, 32)[0][0] for row in box_draws[::-1]])
    assert np.array_equal(cells, again[::-1])


def test_generator_coefficients_reproduce_its_layouts(prior):
    coefficients, cells = prior
    assert np.array_equal(layouts(coefficients, WAVENUMBERS, 32)[0], cells)
    vf = cells.mean(axis=(1, 2))
    assert ((vf >= 0.45) & (vf <= 0.8)).all() and connectivity(cells)[:, 2].all()
    lower, upper = coefficient_box(WAVENUMBERS, 32, (3.0, 5.0))
    assert ((coefficients >= lower) & (coefficients <= upper)).all()


def test_mean_coefficient_sets_the_volume_fraction(prior):
    """x[0] is minus the threshold: raising it grows the solid."""
    coefficients = prior[0][:5].copy()
    before = layouts(coefficients, WAVENUMBERS, 32)[0].mean(axis=(1, 2))
    coefficients[:, 0] += 0.5
    after = layouts(coefficients, WAVENUMBERS, 32)[0].mean(axis=(1, 2))
    assert (after > before).all()
