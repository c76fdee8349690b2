"""Periodic FEM homogenization (ipage.fem) and the architected-material task."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from ipage.errors import IpageError
from ipage.fem.designs import (
    binarize,
    fill_corner_contacts,
    sample_designs,
    torus_components,
)
from ipage.fem.homogenize import (
    NU,
    constitutive_matrix,
    homogenize,
    homogenize_moduli,
    homogenize_sparse,
    simp_moduli,
    youngs_moduli,
)
from ipage.tasks import get_task


@pytest.fixture(scope="module")
def designs() -> np.ndarray:
    return sample_designs(40, np.random.default_rng(7))


def hs_bulk_bounds(f1: np.ndarray, e1: float, e2: float, nu: float = NU):
    """2-D Hashin-Shtrikman bounds on the (plane-stress) bulk modulus, phase 1 the stiffer."""
    k1, k2 = e1 / (2 * (1 - nu)), e2 / (2 * (1 - nu))
    m1, m2 = e1 / (2 * (1 + nu)), e2 / (2 * (1 + nu))
    f2 = 1 - f1
    upper = k1 + f2 / (1 / (k2 - k1) + f1 / (k1 + m1))
    lower = k2 + f1 / (1 / (k1 - k2) + f2 / (k2 + m2))
    return lower, upper


def test_full_solid_is_the_solid():
    c = homogenize(np.ones((1, 32, 32)))[0]
    assert np.abs(c - constitutive_matrix()).max() < 1e-14
    assert youngs_moduli(c) == pytest.approx([1.0, 1.0], abs=1e-14)


@pytest.mark.parametrize("along_x", [True, False])
def test_stripe_laminate_exact(along_x):
    e2, nu, n = 0.1, NU, 32
    e = np.ones((n, n))
    e[: n // 2] = e2  # layers stacked along y: stripes run along x
    if not along_x:
        e = e.T
    ex, ey = youngs_moduli(homogenize_moduli(e[None]))[0]
    voigt = 0.5 * (1 + e2)
    reuss = 1 / (0.5 + 0.5 / e2)
    transverse = 1 / ((1 - nu**2) / reuss + nu**2 / voigt)
    assert voigt == pytest.approx(0.55) and transverse == pytest.approx(0.193475, abs=1e-6)
    parallel, across = (ex, ey) if along_x else (ey, ex)
    assert parallel == pytest.approx(voigt, abs=1e-13)
    assert across == pytest.approx(transverse, abs=1e-13)


def test_matches_sparse_reference(designs):
    e = simp_moduli(designs[:3])  # 0/1 layouts: contrast E_min / E0 = 1e-9
    assert np.abs(homogenize_moduli(e) - homogenize_sparse(e)).max() < 1e-13
    rng = np.random.default_rng(0)
    for n in (2, 4, 8, 16, 32):
        e = simp_moduli(rng.uniform(size=(2, n, n)))
        assert np.abs(homogenize_moduli(e) - homogenize_sparse(e)).max() < 1e-13
    # a grid size that is not a power of two takes the sparse path
    e = simp_moduli(rng.uniform(size=(2, 12, 12)))
    assert np.abs(homogenize_moduli(e) - homogenize_sparse(e)).max() == 0.0


def test_symmetric_positive_and_inside_voigt_reuss(designs):
    rng = np.random.default_rng(1)
    rho = np.concatenate([designs[:10], rng.uniform(size=(10, 32, 32))])
    e = simp_moduli(rho)
    c = homogenize_moduli(e)
    assert np.abs(c - c.transpose(0, 2, 1)).max() < 1e-14
    assert (np.linalg.eigvalsh(c) > 0).all()
    # energy bounds: eps^T C_H eps <= <E> eps^T D0 eps, sigma^T S_H sigma <= <1/E> sig^T S0 sig
    d0 = constitutive_matrix()
    voigt = e.mean(axis=(1, 2))[:, None, None] * d0
    reuss_s = (1 / e).mean(axis=(1, 2))[:, None, None] * np.linalg.inv(d0)
    assert (np.linalg.eigvalsh(voigt - c) > -1e-12).all()
    assert (np.linalg.eigvalsh(reuss_s - np.linalg.inv(c)) > -1e-12 * reuss_s.max()).all()


def test_two_phase_cells_inside_hashin_shtrikman(designs):
    rng = np.random.default_rng(2)
    noise = rng.standard_normal((20, 32, 32))
    field = ndimage.gaussian_filter(noise, sigma=(0, 2, 2), mode="wrap")  # not mirror-symmetric
    cells = np.concatenate([designs, (field > 0).astype(float)])
    e2 = 0.1
    c = homogenize_moduli(np.where(cells > 0.5, 1.0, e2))
    s = np.linalg.inv(c)
    k_voigt = (c[:, 0, 0] + c[:, 1, 1] + 2 * c[:, 0, 1]) / 4
    k_reuss = 1 / (s[:, 0, 0] + s[:, 1, 1] + 2 * s[:, 0, 1])
    lower, upper = hs_bulk_bounds(cells.mean(axis=(1, 2)), 1.0, e2)
    assert (k_reuss >= lower).all() and (k_voigt <= upper).all()


def test_mirror_symmetric_cells_are_orthotropic(designs):
    assert np.array_equal(designs, designs[:, ::-1, :])
    assert np.array_equal(designs, designs[:, :, ::-1])
    c = homogenize(designs)
    assert np.abs(c[:, :2, 2]).max() < 1e-13


def test_invariant_under_periodic_translation(designs):
    rng = np.random.default_rng(3)
    rho = np.concatenate([designs[:3], rng.uniform(size=(3, 32, 32))])
    c = homogenize(rho)
    for shift in [(5, 0), (0, 11), (17, 29)]:
        c_shift = homogenize(np.roll(rho, shift, axis=(1, 2)))
        assert np.abs(c_shift - c).max() < 1e-13


def test_process_pool_matches_serial(designs):
    a = homogenize(designs[:20], batch=2)
    b = homogenize(designs[:20], batch=2, n_workers=2)
    assert np.abs(a - b).max() < 1e-15


def test_generator_outputs_connected_clean_designs(designs):
    rng_a, rng_b = np.random.default_rng(7), np.random.default_rng(7)
    assert np.array_equal(sample_designs(5, rng_a), sample_designs(5, rng_b))
    assert designs.shape == (40, 32, 32)
    assert set(np.unique(designs)) <= {0.0, 1.0}
    vf = designs.mean(axis=(1, 2))
    assert (vf >= 0.45).all() and (vf <= 0.8).all()
    solid = designs > 0.5
    # no corner-only contacts, a single solid component that spans the period in x and y
    assert np.array_equal(fill_corner_contacts(solid), solid)
    for cell in solid:
        labels, rank = torus_components(cell)
        assert list(rank.values()) == [2]
    assert np.array_equal(binarize(designs), designs)  # the clean-up is idempotent


def test_torus_components_windings():
    n = 16
    stripe = np.zeros((n, n), bool)
    stripe[3:6] = True
    assert list(torus_components(stripe)[1].values()) == [1]
    cross = stripe.copy()
    cross[:, 8:10] = True
    assert list(torus_components(cross)[1].values()) == [2]
    island = np.zeros((n, n), bool)
    island[0:2, 14:16] = island[0:2, 0:3] = True  # one island split by the x wrap
    labels, rank = torus_components(island)
    assert list(rank.values()) == [0] and len(np.unique(labels[island])) == 1


def test_binarize_fills_corners_and_drops_islands():
    n = 16
    rho = np.full((n, n), 0.2)
    rho[4:6, :] = 0.9  # a bar along x
    rho[:, 8] = 0.7  # a bar along y: together a spanning network
    rho[11, 2] = rho[12, 3] = 0.8  # a corner-contact pair floating free: an island
    out, valid = binarize(rho, return_valid=True)
    assert valid and out[11, 2] == 0 and out[12, 3] == 0
    assert out[4:6].all() and out[:, 8].all() and out.sum() == 2 * n + n - 2
    checker = np.indices((n, n)).sum(axis=0) % 2 == 0
    assert fill_corner_contacts(checker).all()
    assert not binarize(np.zeros((n, n)), return_valid=True)[1]


def test_architecture_task_pixels():
    task = get_task("architecture", representation="pixels")
    assert task.x_dim == 1024 and task.y_dim == 1 and task.grey_designs
    assert (task.lower == 0).all() and (task.upper == 1).all()
    x = task.sample_prior(120, np.random.default_rng(0))
    assert x.shape == (120, 1024) and ((x == 0) | (x == 1)).all()
    y = task.forward(x)
    assert y.shape == (120, 1) and (y > 0).all() and (y <= 1).all()
    lo, hi = np.percentile(y, [10, 90])
    assert lo < task.default_target[0] < hi
    grey = task.forward(np.full((1, 1024), 0.5))
    assert grey[0, 0] == pytest.approx(0.125 + 1e-9 * (1 - 0.125), rel=1e-9)  # 0.5^3 E_s
    assert np.array_equal(task.binarize(x), x)
    small = get_task("architecture", size=8, k_max=4, representation="pixels")
    assert small.x_dim == 64 and small.forward(np.ones((2, 64))) == pytest.approx(1.0)
    checker = (np.indices((32, 32)).sum(axis=0) % 2).reshape(1, 1024).astype(float)
    raw = task.forward(checker)[0, 0]
    binarized = get_task("architecture", representation="pixels", evaluate="binarized")
    assert raw > 0.01 and binarized.forward(checker)[0, 0] == pytest.approx(1.0)
    with pytest.raises(IpageError, match=r"\(n, 1024\)"):
        task.forward(np.ones((2, 100)))
    with pytest.raises(IpageError, match="non-finite"):
        task.forward(np.full((1, 1024), np.nan))


def test_architecture_task_spectral_same_prior_as_pixels():
    """The default x is 35 spectral coefficients inside the box; the same seed draws the same
    designs as the pixel representation, and both score their layouts alike."""
    task = get_task("architecture")
    assert task.representation == "spectral" and not task.grey_designs
    assert task.x_dim == 35 and task.lower.shape == (35,) and (task.lower < task.upper).all()
    x = task.sample_prior(40, np.random.default_rng(0))
    assert x.shape == (40, 35) and ((x >= task.lower) & (x <= task.upper)).all()
    pixels = get_task("architecture", representation="pixels")
    layouts = pixels.sample_prior(40, np.random.default_rng(0))
    assert np.array_equal(task.cells(x).reshape(40, -1), layouts)
    assert np.array_equal(task.forward(x), pixels.forward(layouts))
    with pytest.raises(IpageError, match=r"\(n, 35\)"):
        task.forward(np.ones((2, 1024)))


def test_architecture_options_are_checked():
    with pytest.raises(IpageError, match="size"):
        get_task("architecture", size=2)
    with pytest.raises(IpageError, match="representation"):
        get_task("architecture", representation="voxels")
    with pytest.raises(IpageError, match="k_max"):
        get_task("architecture", k_max=17)
    with pytest.raises(IpageError, match="binarized.*pixels"):
        get_task("architecture", evaluate="binarized")


@pytest.mark.slow
def test_agrees_with_scikit_fem(designs):
    pytest.importorskip("skfem")
    from ipage.fem.skfem_reference import homogenize_skfem

    rng = np.random.default_rng(4)
    e = simp_moduli(np.concatenate([designs[:1], rng.uniform(size=(1, 32, 32))]))
    ref = homogenize_skfem(e)
    assert np.abs(ref - ref.transpose(0, 2, 1)).max() < 1e-12
    assert np.abs(homogenize_moduli(e) - ref).max() < 1e-13
