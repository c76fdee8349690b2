"""Random two-phase unit cells, drawn as a few spectral coefficients, and their clean-up.

A design is a coefficient vector a (m,) of a smooth periodic mirror-symmetric field g
(`ipage.fem.spectral`: double cosine series up to wavenumber k_max, a[0] = the field's mean);
its layout (`layouts`) is the solid g > 0, cleaned:

* corner-only contacts (2 x 2 windows that are a checkerboard, periodic) are filled, so solid is
  4-connected wherever it touches - Q4 elements would otherwise transmit load through a node;
* solid components are found on the torus (4-connectivity, periodic wrap with winding numbers);
  only the load-bearing network - the component whose cycles wind around the period in both x
  and y - is kept, floating islands and isolated bars are removed;
* where no network spans at level 0, the level is lowered until one does (the solid grows), so
  every coefficient vector is a connected layout - proposals off the prior (localization, NA)
  would otherwise be all void.

Every step commutes with the two mirror reflections, so layouts stay mirror-symmetric (the cell
is orthotropic). Any coefficient vector gives a 0/1, periodic, mirror-symmetric, connected
layout.

Generator (`sample_coefficients`): a Gaussian random field of covariance exp(-r^2 / 2 ell^2),
correlation length ell ~ U(3, 5) px, scaled to unit variance (white coefficients xi ~ N(0, 1)
clipped to +-XI_MAX times `spectral.amplitudes`), its mean set to minus the quantile that gives a
volume fraction vf ~ U(0.45, 0.8); draws without a spanning network at that level or whose final
volume fraction left [vf_low, vf_high] are rejected and redrawn. Low volume fractions often lack
a spanning network, so accepted cells lean to the solid side (statistics in
ipage/tasks/architecture.py). Arrays of layouts are (n, N, N), rows = y, columns = x, 0.0 / 1.0.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from ipage.fem import spectral

# The prior's white coefficients are clipped to +-XI_MAX; its mean (minus the threshold) lies
# in +-MEAN_MAX: together they make the design box `coefficient_box`.
XI_MAX = 4.0
MEAN_MAX = 3.0
ELL_GRID = 9  # correlation lengths at which the box takes the largest amplitude


def fill_corner_contacts(solid: np.ndarray) -> np.ndarray:
    """Fill both void pixels of every periodic 2 x 2 checkerboard window, until none is left."""
    s = np.asarray(solid, dtype=bool).copy()
    while True:
        a = s
        b = np.roll(s, -1, axis=-1)  # (y, x+1)
        c = np.roll(s, -1, axis=-2)  # (y+1, x)
        d = np.roll(b, -1, axis=-2)  # (y+1, x+1)
        diag = a & d & ~b & ~c  # solid on the main diagonal only
        anti = b & c & ~a & ~d  # solid on the anti-diagonal only
        if not (diag.any() or anti.any()):
            return s
        s = s | anti | np.roll(diag, 1, axis=-1) | np.roll(diag, 1, axis=-2)
        s = s | np.roll(np.roll(anti, 1, axis=-1), 1, axis=-2)


def torus_windings(solid: np.ndarray) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Label the 4-connected solid components of one periodic cell, with their windings.

    Returns (labels, windings): labels (N, N) with 0 = void and one id per torus component,
    and windings[id] (k, 2) = (x, y) winding numbers of a set of that component's cycles
    generating all of them (k = 0 rows: no cycle wraps the period). In the periodic tiling
    the component is unbounded along x iff some winding has x != 0 (likewise y).
    """
    labels, n_lab = ndimage.label(solid)
    parent = list(range(n_lab + 1))
    pot = [np.zeros(2, dtype=int) for _ in range(n_lab + 1)]  # offset of copy w.r.t. parent
    windings: dict[int, list[np.ndarray]] = {}

    def find(u: int) -> tuple[int, np.ndarray]:
        off = np.zeros(2, dtype=int)
        while parent[u] != u:
            off = off + pot[u]
            u = parent[u]
        return u, off

    def union(u: int, v: int, shift: tuple[int, int]) -> None:
        ru, pu = find(u)
        rv, pv = find(v)
        w = pu + np.asarray(shift) - pv  # position of v's root copy relative to u's root copy
        if ru != rv:
            parent[rv] = ru
            pot[rv] = w
            windings.setdefault(ru, []).extend(windings.pop(rv, []))
        elif w.any():
            windings.setdefault(ru, []).append(w)

    n = solid.shape[-1]
    for i in np.flatnonzero(solid[:, n - 1] & solid[:, 0]):  # across x = N | 0
        union(int(labels[i, n - 1]), int(labels[i, 0]), (1, 0))
    for j in np.flatnonzero(solid[n - 1, :] & solid[0, :]):  # across y = N | 0
        union(int(labels[n - 1, j]), int(labels[0, j]), (0, 1))
    roots = np.array([0] + [find(u)[0] for u in range(1, n_lab + 1)])
    found = {
        int(r): np.array(windings.get(int(r), []), dtype=int).reshape(-1, 2)
        for r in np.unique(roots[1:])
    }
    return roots[labels], found


def torus_components(solid: np.ndarray) -> tuple[np.ndarray, dict[int, int]]:
    """Label the 4-connected solid components of one periodic cell.

    Returns (labels, rank): labels as in `torus_windings`, and rank[id] = dimension (0, 1 or
    2) of the lattice of winding vectors of that component's cycles (2: connected across the
    period in both x and y).
    """
    labels, windings = torus_windings(solid)
    rank = {r: int(np.linalg.matrix_rank(w)) if len(w) else 0 for r, w in windings.items()}
    return labels, rank


def keep_network(solid: np.ndarray) -> tuple[np.ndarray, bool]:
    """Keep only the solid component that spans the period in x and y; (cell, found)."""
    labels, rank = torus_components(solid)
    spanning = [r for r, k in rank.items() if k == 2]
    if not spanning:
        return np.zeros_like(solid, dtype=bool), False
    return np.isin(labels, spanning), True


def clean(solid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fill corner contacts and remove non-spanning solid; returns (cells, valid) for (n, N, N)."""
    solid = fill_corner_contacts(solid)
    out = np.zeros_like(solid, dtype=bool)
    valid = np.zeros(len(solid), dtype=bool)
    for k, cell in enumerate(solid):
        out[k], valid[k] = keep_network(cell)
    return out, valid


def binarize(rho: np.ndarray, return_valid: bool = False):
    """Manufacturable layout of density cells rho (n, N, N): threshold at 0.5, fill corner-only
    contacts, keep only the network connected across the period in x and y (all-void where
    none exists; `return_valid=True` also returns that flag per cell). Values 0.0 / 1.0."""
    rho = np.asarray(rho, dtype=float)
    single = rho.ndim == 2
    cells, valid = clean((rho[None] if single else rho) > 0.5)
    cells = cells.astype(float)
    if single:
        cells, valid = cells[0], valid[0]
    return (cells, valid) if return_valid else cells


def layouts(
    coefficients: np.ndarray, wavenumbers: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Cleaned 0/1 layouts (n, size, size) of coefficient rows (n, m), each with a network
    spanning the period, and whether that network exists at the row's own level (field > 0).

    Where it does not, the level is lowered to the highest field value at which the cleaned
    solid spans (`grow_until_spanning`): every coefficient vector is a connected layout."""
    g = spectral.field(coefficients, wavenumbers, size)
    cells, at_level = clean(g > 0)
    for k in np.flatnonzero(~at_level):
        cells[k] = grow_until_spanning(g[k])
    return cells.astype(float), at_level


def grow_until_spanning(g: np.ndarray) -> np.ndarray:
    """Cleaned solid g >= v (N, N) for the highest field value v at which it spans the period.

    Spanning is monotone in v (more solid keeps every cycle), so a bisection over the sorted
    distinct values finds v; at the minimum the cell is all solid, which spans."""
    levels = np.unique(g)[::-1]  # descending: solid grows with the index
    lo, hi = 0, len(levels) - 1  # spans at hi; find the smallest such index
    while lo < hi:
        mid = (lo + hi) // 2
        if keep_network(fill_corner_contacts(g >= levels[mid]))[1]:
            hi = mid
        else:
            lo = mid + 1
    return keep_network(fill_corner_contacts(g >= levels[lo]))[0]


def coefficient_box(
    wavenumbers: np.ndarray, size: int, ell_range: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) (m,) holding every prior draw: +-MEAN_MAX for the mean, +-XI_MAX times the
    largest amplitude over correlation lengths in ell_range for the others."""
    ell = np.linspace(*ell_range, ELL_GRID)
    half = XI_MAX * spectral.amplitudes(wavenumbers, size, ell).max(axis=0)
    half[0] = MEAN_MAX
    return -half, half


def sample_coefficients(
    n: int,
    rng: np.random.Generator,
    wavenumbers: np.ndarray,
    size: int = 32,
    vf_range: tuple[float, float] = (0.45, 0.8),
    ell_range: tuple[float, float] = (3.0, 5.0),
    max_tries: int = 100,
) -> tuple[np.ndarray, np.ndarray]:
    """n accepted designs of the generator above: (coefficients (n, m), layouts (n, N, N))."""
    coefficients, cells = [], []
    got = 0
    for _ in range(max_tries):
        if got >= n:
            break
        k = max(16, int(1.5 * (n - got)))
        ell = rng.uniform(*ell_range, size=k)
        vf = rng.uniform(*vf_range, size=k)
        xi = np.clip(rng.standard_normal((k, len(wavenumbers))), -XI_MAX, XI_MAX)
        a = xi * spectral.amplitudes(wavenumbers, size, ell)
        g = spectral.field(a, wavenumbers, size).reshape(k, -1)
        a[:, 0] = -np.array([np.quantile(gi, 1 - v) for gi, v in zip(g, vf, strict=True)])
        # `layouts` without its growth step: rejected draws need no layout
        c, valid = clean(spectral.field(a, wavenumbers, size) > 0)
        c = c.astype(float)
        frac = c.mean(axis=(1, 2))
        ok = valid & (frac >= vf_range[0]) & (frac <= vf_range[1]) & (np.abs(a[:, 0]) <= MEAN_MAX)
        coefficients.append(a[ok])
        cells.append(c[ok])
        got += int(ok.sum())
    if got < n:
        raise RuntimeError(f"design generator accepted only {got} of {n} cells")
    return np.concatenate(coefficients)[:n], np.concatenate(cells)[:n]


def sample_designs(
    n: int,
    rng: np.random.Generator,
    size: int = 32,
    vf_range: tuple[float, float] = (0.45, 0.8),
    ell_range: tuple[float, float] = (3.0, 5.0),
    k_max: int = 6,
) -> np.ndarray:
    """The layouts (n, size, size) of n generator draws."""
    return sample_coefficients(n, rng, spectral.modes(k_max), size, vf_range, ell_range)[1]
