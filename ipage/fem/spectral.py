"""Smooth periodic mirror-symmetric fields from a few low-frequency cosine coefficients.

A field on the N x N pixel grid (rows = y, columns = x, pixel centres at p + 1/2) that is
periodic and symmetric under both mirrors x -> N-1-x and y -> N-1-y is a double cosine series

    g(y, x) = sum_k a_k cos(2 pi k_y (y + 1/2) / N) cos(2 pi k_x (x + 1/2) / N),

over wavenumbers k = (k_y, k_x) >= 0 (sine terms are odd under a mirror). `modes(k_max)` keeps
the quarter disc k_x^2 + k_y^2 <= k_max^2 in a fixed order, (0, 0) first: the mean of the field,
which is minus the threshold level when the layout is g > 0. A smooth Gaussian random field of
correlation length ell carries almost nothing above |k| = N / (pi ell): for ell >= 3 px and
N = 32, k_max = 6 (35 coefficients) reproduces the pixels of full-spectrum layouts to 0.4 %
(measured in docs/benchmarks.md).

`amplitudes(ell)` is the standard deviation of each coefficient for a Gaussian covariance
exp(-r^2 / 2 ell^2) scaled to unit field variance: a_k = xi_k * amplitude_k with white xi_k
gives the random fields the design generator thresholds.
"""

from __future__ import annotations

import numpy as np


def modes(k_max: int) -> np.ndarray:
    """Wavenumbers (m, 2) = (k_y, k_x) with k_y^2 + k_x^2 <= k_max^2, row-major, (0, 0) first."""
    k = np.arange(k_max + 1)
    ky, kx = np.meshgrid(k, k, indexing="ij")
    inside = ky**2 + kx**2 <= k_max**2
    return np.stack([ky[inside], kx[inside]], axis=1)


def cosines(wavenumbers: np.ndarray, size: int, positions: np.ndarray) -> np.ndarray:
    """cos(2 pi k (p + 1/2) / size) per wavenumber k (m,) and pixel position p: (m, len(p))."""
    return np.cos(2 * np.pi * np.outer(wavenumbers, np.asarray(positions) + 0.5) / size)


def field(coefficients: np.ndarray, wavenumbers: np.ndarray, size: int) -> np.ndarray:
    """Fields (n, size, size) of coefficient rows (n, m).

    Computed on one quadrant and mirrored, so the symmetry is exact in floating point (ties at
    a threshold fall the same way on both sides of a mirror), and summed mode by mode, so a
    row's field is the same bits whatever rows come with it (a stored design reproduces its
    layout)."""
    half = (size + 1) // 2
    quadrant = np.arange(half)
    cy = cosines(wavenumbers[:, 0], size, quadrant)  # (m, half)
    cx = cosines(wavenumbers[:, 1], size, quadrant)
    basis = (cy[:, :, None] * cx[:, None, :]).reshape(len(wavenumbers), half * half)
    coefficients = np.asarray(coefficients, dtype=float)
    part = np.zeros((len(coefficients), half * half))
    for a, b in zip(coefficients.T, basis, strict=True):  # not BLAS: a row's sum must not
        part += a[:, None] * b[None]  # depend on how many rows come with it
    part = part.reshape(-1, half, half)
    fold = np.minimum(np.arange(size), size - 1 - np.arange(size))  # pixel -> quadrant index
    return part[:, fold[:, None], fold[None, :]]


def basis(wavenumbers: np.ndarray, size: int) -> np.ndarray:
    """The field as one matrix product: (m, size * size), row k = mode k on the whole grid
    (row-major pixels), so g = coefficients @ basis. For a differentiable (torch) field; the
    exact layouts use `field`, whose sums do not depend on the batch."""
    pixels = np.arange(size)
    cy = cosines(wavenumbers[:, 0], size, pixels)
    cx = cosines(wavenumbers[:, 1], size, pixels)
    return (cy[:, :, None] * cx[:, None, :]).reshape(len(wavenumbers), size * size)


def amplitudes(wavenumbers: np.ndarray, size: int, ell: np.ndarray | float) -> np.ndarray:
    """Coefficient standard deviations (n, m) of a unit-variance Gaussian-covariance field.

    The power spectrum of covariance exp(-r^2 / 2 ell^2) is exp(-2 pi^2 ell^2 |f|^2); a cosine
    pair cos(k_y) cos(k_x) gathers the 2^(#nonzero components) Fourier modes (+-k_y, +-k_x),
    and averages to cos^2 = 1/2 per nonzero component, so the two factors cancel in the field
    variance, which is the sum of the spectrum over k != 0. The mean (0, 0) gets amplitude 0:
    the generator sets it from the volume fraction."""
    ell = np.atleast_1d(np.asarray(ell, dtype=float))
    f2 = (wavenumbers.astype(float) ** 2).sum(axis=1) / size**2
    multiplicity = 2.0 ** (wavenumbers > 0).sum(axis=1)
    spectrum = np.exp(-2 * np.pi**2 * ell[:, None] ** 2 * f2[None]) * (f2 > 0)
    return np.sqrt(multiplicity * spectrum / spectrum.sum(axis=1, keepdims=True))
