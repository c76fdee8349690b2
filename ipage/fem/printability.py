"""Can a periodic density layout be printed? Per-layout checks and the diversity of a set.

A layout is a periodic unit cell rho (N, N) (stacks: (n, N, N)), rows = y, columns = x, values
in [0, 1] (others are clipped). Its solid phase is rho > 0.5 - the threshold `binarize` uses -
and its void phase the rest. The checks, one value per layout:

* grey_fraction: share of pixels with 0.05 < rho < 0.95 (0 for a 0/1 layout);
* volume_fraction: mean rho;
* connected_x / connected_y: the periodic tiling of the solid has an infinite 4-connected path
  along x (y), i.e. some solid component of the cell has a cycle winding around the period in
  x (y). A horizontal bar is connected in x only, a diagonal stripe that wraps in both;
* connected_xy: one solid component whose cycles wind in two independent directions, so the
  tiling's solid is a single network spanning the plane - the load-bearing network the design
  generator keeps (a cross: yes; a diagonal stripe: no, its copies are parallel lines);
* min_solid_px / min_void_px: minimum length scale of the phase in pixels, the largest k such
  that a morphological opening with a k x k square (periodic) leaves the phase unchanged, i.e.
  every pixel of the phase lies in a k x k square of the phase (the opening-based definition
  of Lazarov, Wang & Sigmund 2016, Arch. Appl. Mech. 86:189, with a square as the pixel ball).
  A bar k px wide scores k; a full phase scores N; an absent phase NaN.

`diversity` of a set is the mean pairwise Hamming distance (fraction of differing pixels) of the
thresholded layouts; `near_target` picks the training designs within +-5 % of y* to compare it
with.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from ipage.fem.designs import torus_windings

THRESHOLD = 0.5
GREY = (0.05, 0.95)
CHECKS = (
    "grey_fraction",
    "volume_fraction",
    "connected_x",
    "connected_y",
    "connected_xy",
    "min_solid_px",
    "min_void_px",
)


def _cells(rho: np.ndarray) -> np.ndarray:
    """(n, N, N) float layouts clipped to [0, 1] (a single (N, N) layout becomes n = 1)."""
    rho = np.clip(np.asarray(rho, dtype=float), 0.0, 1.0)
    return rho[None] if rho.ndim == 2 else rho


def solid(rho: np.ndarray) -> np.ndarray:
    """Solid phase (n, N, N) of layouts rho: rho > 0.5."""
    return _cells(rho) > THRESHOLD


def grey_fraction(rho: np.ndarray) -> np.ndarray:
    """Share of pixels per layout strictly between 0.05 and 0.95: (n,)."""
    rho = _cells(rho)
    return ((rho > GREY[0]) & (rho < GREY[1])).mean(axis=(1, 2))


def volume_fraction(rho: np.ndarray) -> np.ndarray:
    """Mean density per layout: (n,)."""
    return _cells(rho).mean(axis=(1, 2))


def connectivity(rho: np.ndarray) -> np.ndarray:
    """(n, 3) booleans per layout: connected across the period in x, in y, in both by one
    network (definitions in the module docstring)."""
    out = np.zeros((len(_cells(rho)), 3), dtype=bool)
    for k, cell in enumerate(solid(rho)):
        for w in torus_windings(cell)[1].values():
            out[k, :2] |= (w != 0).any(axis=0)
            out[k, 2] |= len(w) > 0 and np.linalg.matrix_rank(w) == 2
    return out


def periodic_opening(phase: np.ndarray, k: int) -> np.ndarray:
    """Opening of boolean cells (n, N, N) by a k x k square, periodic in both directions."""
    size = (1, k, k)
    eroded = ndimage.minimum_filter(phase, size=size, mode="wrap")
    # an even square has no centre: dilate by its reflection (window shifted by one pixel)
    origin = (0, k % 2 - 1, k % 2 - 1)
    return ndimage.maximum_filter(eroded, size=size, mode="wrap", origin=origin)


def min_feature_size(phase: np.ndarray) -> np.ndarray:
    """Minimum length scale (px) of boolean cells (n, N, N): the largest k <= N whose k x k
    opening leaves the phase unchanged; NaN where the phase is empty. Openings by larger
    squares remove more, so k grows until the first change."""
    phase = np.asarray(phase, dtype=bool)
    size = phase.shape[-1]
    out = np.full(len(phase), np.nan)
    open_ = np.flatnonzero(phase.any(axis=(1, 2)))  # layouts whose scale is not found yet
    for k in range(2, size + 1):
        if open_.size == 0:
            break
        changed = (periodic_opening(phase[open_], k) != phase[open_]).any(axis=(1, 2))
        out[open_[changed]] = k - 1
        open_ = open_[~changed]
    out[open_] = size
    return out


def checks(rho: np.ndarray) -> dict[str, np.ndarray]:
    """All per-layout checks (`CHECKS`) of layouts rho (n, N, N): name -> (n,) floats."""
    phase = solid(rho)
    conn = connectivity(rho)
    return {
        "grey_fraction": grey_fraction(rho),
        "volume_fraction": volume_fraction(rho),
        "connected_x": conn[:, 0].astype(float),
        "connected_y": conn[:, 1].astype(float),
        "connected_xy": conn[:, 2].astype(float),
        "min_solid_px": min_feature_size(phase),
        "min_void_px": min_feature_size(~phase),
    }


def diversity(rho: np.ndarray) -> float:
    """Mean pairwise Hamming distance (fraction of differing pixels) of the thresholded
    layouts (n, N, N); NaN for fewer than two. Pixel by pixel, c solid of n layouts make
    c (n - c) differing pairs, so no pairwise loop is needed."""
    phase = solid(rho).reshape(len(_cells(rho)), -1)
    n = len(phase)
    if n < 2:
        return float("nan")
    c = phase.sum(axis=0, dtype=float)
    return float(np.mean(c * (n - c)) / (n * (n - 1) / 2))


def near_target(y: np.ndarray, y_star: np.ndarray, tolerance: float = 0.05) -> np.ndarray:
    """Rows of y (n, d) within +-tolerance (relative) of y* (d,) in every component: (n,)."""
    y = np.asarray(y, dtype=float).reshape(len(y), -1)
    y_star = np.asarray(y_star, dtype=float).reshape(-1)
    return np.all(np.abs(y - y_star) <= tolerance * np.abs(y_star), axis=1)


def summary(layout_sets: list[np.ndarray]) -> dict[str, float]:
    """Means of the per-layout checks over all layouts of all sets (NaN feature sizes, from an
    absent phase, skipped), n_layouts, and diversity averaged over the sets (e.g. repeats)."""
    cells = np.concatenate([_cells(s) for s in layout_sets])
    values = checks(cells)
    out: dict[str, float] = {"n_layouts": len(cells)}
    for name in CHECKS:
        v = values[name]
        out[name] = float(np.nanmean(v)) if np.isfinite(v).any() else float("nan")
    sets = [diversity(s) for s in layout_sets if len(_cells(s)) >= 2]
    out["diversity"] = float(np.mean(sets)) if sets else float("nan")
    return out
