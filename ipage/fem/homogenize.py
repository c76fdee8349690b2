"""Periodic numerical homogenization of pixel unit cells (plane stress, Q4 elements).

Method (Andreassen & Andreasen 2014): an N x N grid of unit-square bilinear elements on the
torus, element modulus E_e = E_min + rho_e^p (E0 - E_min), Poisson ratio nu. For the three unit
macro strains eps^k the periodic fluctuation chi^k solves K chi^k = F^k, and

    C_H = (1/|Y|) sum_e (u0_e - chi_e)^T k_e (u0_e - chi_e),

where u0_e is the element's nodal displacement under the uniform strain. Equivalently, with
the three macro strains appended to every element as extra degrees of freedom
(T_e = [I_8 | u0_e], a_e = E_e T_e^T k0 T_e, 11 x 11), |Y| C_H is the Schur complement of
the assembled 2 N^2 + 3 matrix onto the three macro dofs (one node pinned to remove the rigid
translations). This module computes that Schur complement directly, without a global solve.

Solver: nested dissection by recursive static condensation on the regular grid. Leaf blocks of
4 x 4 elements are assembled by one matrix product (block matrix = moduli @ fixed basis) and
their 9 interior nodes condensed; from then on blocks of s x s elements carry their condensed
(boundary + macro) matrix, four children are merged into a 2s x 2s parent by slice-adds over
precomputed contiguous runs, the parent's interior cross is eliminated by a dense Cholesky, and
at the top the four N/2 x N/2 blocks are glued on the torus and everything but the macro dofs is
eliminated. About 5 ms per 32 x 32 cell on one core (benchmarks/fem_throughput.py).
The structure (index maps) depends only on N and is built once; the numeric work is dense
batched linear algebra over all cells and all blocks of a level at once (numpy, BLAS-3), so
there is no sparse assembly, no ordering and no Python loop over cells. N must be a power of
two; other sizes fall back to a sparse direct solve (`homogenize_sparse`, also the reference
implementation the tests compare against).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ipage.threads import THREAD_VARS, one_thread

E0 = 1.0
E_MIN = 1e-9
PENAL = 3.0
NU = 0.3
LEAF = 4  # elements per side of the leaf blocks assembled directly (by a matrix product)


# --------------------------------------------------------------------------- element matrices


def constitutive_matrix(nu: float = NU, e: float = 1.0) -> np.ndarray:
    """Plane-stress D (Voigt, engineering shear strain) for modulus e."""
    return e / (1 - nu**2) * np.array([[1, nu, 0], [nu, 1, 0], [0, 0, (1 - nu) / 2]], float)


# local node order: (0,0), (1,0), (1,1), (0,1) in (x, y); dofs [u0x, u0y, u1x, ...]
_NODES = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])


def element_matrices(nu: float = NU) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """k0 (8x8), u0 (8x3), D0 (3x3) for a unit-square Q4 element with E = 1.

    u0[:, k] are the nodal displacements of the uniform strain eps^k (eps_xx, eps_yy, gamma_xy).
    """
    d0 = constitutive_matrix(nu)
    g = 1 / np.sqrt(3)
    k0 = np.zeros((8, 8))
    for xi in (-g, g):
        for eta in (-g, g):
            # shape function derivatives w.r.t. x, y on the unit square (Jacobian 1/2)
            dndxi = 0.25 * np.array([-(1 - eta), (1 - eta), (1 + eta), -(1 + eta)])
            dndeta = 0.25 * np.array([-(1 - xi), -(1 + xi), (1 + xi), (1 - xi)])
            dx, dy = 2 * dndxi, 2 * dndeta
            b = np.zeros((3, 8))
            b[0, 0::2] = dx
            b[1, 1::2] = dy
            b[2, 0::2] = dy
            b[2, 1::2] = dx
            k0 += b.T @ d0 @ b * 0.25  # weight 1 * detJ (1/4)
    x, y = _NODES[:, 0], _NODES[:, 1]
    u0 = np.zeros((8, 3))
    u0[0::2, 0] = x  # eps_xx = 1
    u0[1::2, 1] = y  # eps_yy = 1
    u0[0::2, 2] = y / 2  # gamma_xy = 1
    u0[1::2, 2] = x / 2
    return k0, u0, d0


def simp_moduli(rho: np.ndarray, penal: float = PENAL, e0: float = E0, emin: float = E_MIN):
    """E_e = E_min + rho^p (E0 - E_min), rho clipped to [0, 1]."""
    rho = np.clip(np.asarray(rho, dtype=float), 0.0, 1.0)
    return emin + rho**penal * (e0 - emin)


# --------------------------------------------------------------------------- condensation plan


def _perimeter(s: int) -> list[tuple[int, int]]:
    """Perimeter nodes (x, y) of an s x s block: bottom row, top row (both left to right,
    corners included), then left and right columns (bottom to top, corners excluded).

    All edges run in the direction of increasing coordinates, so an edge shared by two
    neighbouring blocks has the same node order in both and maps to contiguous parent dofs.
    """
    bottom = [(a, 0) for a in range(s + 1)]
    top = [(a, s) for a in range(s + 1)]
    left = [(0, b) for b in range(1, s)]
    right = [(s, b) for b in range(1, s)]
    return bottom + top + left + right


def _dofs(nodes: np.ndarray) -> np.ndarray:
    return np.stack([2 * nodes, 2 * nodes + 1], axis=1).ravel()


def _runs(target: np.ndarray) -> tuple[tuple[slice, slice], ...]:
    """Split a child->parent index map into maximal runs target[k:k+L] = t0 + arange(L).

    Returns (child slice, parent slice) pairs; entries with target -1 (pinned) are skipped.
    """
    runs = []
    k = 0
    while k < len(target):
        if target[k] < 0:
            k += 1
            continue
        j = k + 1
        while j < len(target) and target[j] == target[j - 1] + 1:
            j += 1
        runs.append((slice(k, j), slice(int(target[k]), int(target[k]) + j - k)))
        k = j
    return tuple(runs)


@dataclass(frozen=True)
class _Level:
    s: int  # child block size (elements per side)
    runs: tuple  # per child (cy, cx) in order (0,0),(0,1),(1,0),(1,1): (child, parent) slices
    size: int  # parent assembled size (including the 3 macro dofs)
    m: int  # leading dofs to eliminate
    top: bool


def _leaf_size(n: int) -> int:
    return min(LEAF, n // 2)


@lru_cache(maxsize=8)
def _plan(n: int) -> tuple[_Level, ...]:
    levels = []
    s = _leaf_size(n)
    while s < n:
        big = 2 * s
        top = big == n
        child_per = _perimeter(s)
        if top:
            # glue the four blocks on the torus: every node is eliminated except node (0, 0),
            # which is pinned (dropped) to remove the rigid translations
            h = [(a, 0) for a in range(1, n)] + [(a, s) for a in range(n)]
            v = [(0, b) for b in range(1, n) if b != s] + [(s, b) for b in range(1, n) if b != s]
            order = h + v
            n_keep = 0
        else:
            order = (
                [(a, s) for a in range(1, big)]
                + [(s, b) for b in range(1, s)]
                + [(s, b) for b in range(s + 1, big)]
            )
            n_keep = len(_perimeter(big))
            order = order + _perimeter(big)
        pos = {c: i for i, c in enumerate(order)}
        n_nodes = len(order)
        macro = np.arange(2 * n_nodes, 2 * n_nodes + 3)
        runs = []
        for cy in (0, 1):
            for cx in (0, 1):
                nodes = np.array(
                    [pos.get(((a + cx * s) % n, (b + cy * s) % n), -1) for a, b in child_per]
                    if top
                    else [pos[(a + cx * s, b + cy * s)] for a, b in child_per]
                )
                dofs = np.where(np.repeat(nodes, 2) >= 0, _dofs(nodes), -1)
                target = np.concatenate([dofs, macro])
                runs.append(_runs(target))
        m = 2 * (n_nodes - n_keep)
        levels.append(_Level(s, tuple(runs), 2 * n_nodes + 3, m, top))
        s = big
    return tuple(levels)


@lru_cache(maxsize=8)
def _leaf_basis(leaf: int, nu: float) -> np.ndarray:
    """M (leaf^2, D*D): the assembled leaf-block matrix is E_leaf @ M for the leaf's element
    moduli E_leaf (row-major, y then x). Block dofs: interior nodes, then `_perimeter(leaf)`,
    then the 3 macro dofs; element matrices a_e = E_e T^T k0 T with T = [I_8 | u0]."""
    k0, u0, _ = element_matrices(nu)
    t = np.hstack([np.eye(8), u0])
    a0 = t.T @ k0 @ t
    a0 = 0.5 * (a0 + a0.T)
    inner = [(a, b) for b in range(1, leaf) for a in range(1, leaf)]
    order = inner + _perimeter(leaf)
    pos = {c: i for i, c in enumerate(order)}
    size = 2 * len(order) + 3
    basis = np.zeros((leaf, leaf, size, size))
    for ey in range(leaf):
        for ex in range(leaf):
            nodes = np.array([pos[(ex + int(a), ey + int(b))] for a, b in _NODES])
            ix = np.concatenate([_dofs(nodes), np.arange(size - 3, size)])
            basis[ey, ex][np.ix_(ix, ix)] += a0
    return basis.reshape(leaf * leaf, size * size)


def _condense(a: np.ndarray, m: int) -> np.ndarray:
    """Schur complement a_BB - a_BI a_II^-1 a_IB, batched over leading axes (a symmetric)."""
    l_ii = np.linalg.cholesky(a[..., :m, :m])
    if a.shape[-1] - m <= 8:
        w = scipy.linalg.solve_triangular(l_ii, a[..., :m, m:], lower=True, check_finite=False)
    else:
        w = np.linalg.inv(l_ii) @ a[..., :m, m:]
    return a[..., m:, m:] - np.swapaxes(w, -1, -2) @ w


def _homogenize_batch(e: np.ndarray, nu: float) -> np.ndarray:
    """|Y| C_H for element moduli e of shape (b, n, n) via nested static condensation."""
    b, n, _ = e.shape
    leaf = _leaf_size(n)
    nl = n // leaf
    # leaf blocks (b, ny, nx, D, D) by one matrix product, interior nodes condensed at once;
    # rows of e are y, columns x
    e_leaf = e.reshape(b, nl, leaf, nl, leaf).transpose(0, 1, 3, 2, 4).reshape(-1, leaf * leaf)
    basis = _leaf_basis(leaf, nu)
    size = int(round(np.sqrt(basis.shape[1])))
    blocks = (e_leaf @ basis).reshape(b, nl, nl, size, size)
    m_leaf = 2 * (leaf - 1) ** 2
    if m_leaf:
        blocks = _condense(blocks, m_leaf)
    for lev in _plan(n):
        nb = blocks.shape[1] // 2
        d = blocks.shape[-1]
        ch = blocks.reshape(b, nb, 2, nb, 2, d, d)
        parent = np.zeros((b, nb, nb, lev.size, lev.size))
        k = 0
        for cy in (0, 1):
            for cx in (0, 1):
                c = ch[:, :, cy, :, cx]
                for si, pi in lev.runs[k]:
                    for sj, pj in lev.runs[k]:
                        parent[..., pi, pj] += c[..., si, sj]
                k += 1
        blocks = _condense(parent, lev.m)
    return blocks[:, 0, 0]


# --------------------------------------------------------------------------- sparse reference


@lru_cache(maxsize=8)
def _sparse_structure(n: int, nu: float):
    k0, u0, _ = element_matrices(nu)
    iy, ix = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    node = lambda y, x: (y % n) * n + (x % n)  # noqa: E731
    conn = np.stack(
        [node(iy, ix), node(iy, ix + 1), node(iy + 1, ix + 1), node(iy + 1, ix)], axis=-1
    ).reshape(-1, 4)
    edof = np.stack([2 * conn, 2 * conn + 1], axis=-1).reshape(-1, 8)
    rows = np.repeat(edof, 8, axis=1).ravel()
    cols = np.tile(edof, (1, 8)).ravel()
    return k0, k0 @ u0, edof, rows, cols


def homogenize_sparse(e: np.ndarray, nu: float = NU) -> np.ndarray:
    """Reference: C_H from element moduli e (n_cells, n, n) by sparse LU, one cell at a time."""
    e = np.asarray(e, dtype=float)
    n = e.shape[-1]
    k0, fe0, edof, rows, cols = _sparse_structure(n, nu)
    _, u0, d0 = element_matrices(nu)
    ndof = 2 * n * n
    free = np.arange(2, ndof)  # node 0 pinned
    out = np.empty((len(e), 3, 3))
    for c, ec in enumerate(e):
        w = ec.ravel()
        k = sp.csc_matrix(
            (np.outer(w, k0.ravel()).ravel(), (rows, cols)), shape=(ndof, ndof)
        ).tocsc()
        f = np.zeros((ndof, 3))
        np.add.at(f, edof, w[:, None, None] * fe0[None])
        chi = np.zeros((ndof, 3))
        chi[free] = spla.splu(k[free][:, free]).solve(f[free])
        # (1/|Y|) sum_e (u0 - chi_e)^T k_e (u0 - chi_e)
        du = u0[None] - chi[edof]  # (ne, 8, 3)
        out[c] = np.einsum("eik,ij,ejl,e->kl", du, k0, du, w) / w.size
    return out


# --------------------------------------------------------------------------- public API


def _homogenize_moduli_serial(e: np.ndarray, nu: float, batch: int) -> np.ndarray:
    n = e.shape[-1]
    out = np.empty((len(e), 3, 3))
    with one_thread():  # many small dense products: BLAS threading only adds overhead
        if n < 2 or n & (n - 1):
            return homogenize_sparse(e, nu)
        for i in range(0, len(e), batch):
            out[i : i + batch] = _homogenize_batch(e[i : i + batch], nu) / (n * n)
    return out


def _chunk_job(args):
    e, nu, batch = args
    return _homogenize_moduli_serial(e, nu, batch)


def homogenize_moduli(
    e: np.ndarray, nu: float = NU, n_workers: int = 1, batch: int = 4
) -> np.ndarray:
    """C_H (n_cells, 3, 3) from element moduli e (n_cells, n, n) (rows = y, columns = x).

    n_workers > 1 splits the cells over that many processes with one BLAS thread each
    (the dense kernels are small; one thread per process is the efficient layout).
    """
    e = np.asarray(e, dtype=float)
    single = e.ndim == 2
    if single:
        e = e[None]
    if e.ndim != 3 or e.shape[1] != e.shape[2]:
        raise ValueError(f"moduli must have shape (n_cells, n, n), got {e.shape}")
    if n_workers <= 1 or len(e) <= 4 * batch:
        out = _homogenize_moduli_serial(e, nu, batch)
    else:
        chunk = max(batch, -(-len(e) // (4 * n_workers)))
        jobs = [(e[i : i + chunk], nu, batch) for i in range(0, len(e), chunk)]
        saved = {v: os.environ.get(v) for v in THREAD_VARS}
        os.environ.update({v: "1" for v in THREAD_VARS})
        try:
            # fork where available: no re-import and no `__main__` guard needed in callers
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            with ProcessPoolExecutor(n_workers, ctx) as pool:
                out = np.concatenate(list(pool.map(_chunk_job, jobs)))
        finally:
            for v, val in saved.items():
                if val is None:
                    os.environ.pop(v, None)
                else:
                    os.environ[v] = val
    return out[0] if single else out


def homogenize(
    rho: np.ndarray,
    nu: float = NU,
    penal: float = PENAL,
    e0: float = E0,
    emin: float = E_MIN,
    n_workers: int = 1,
    batch: int = 4,
) -> np.ndarray:
    """C_H (n, 3, 3) of density cells rho (n, N, N) in [0, 1] with SIMP interpolation."""
    return homogenize_moduli(simp_moduli(rho, penal, e0, emin), nu, n_workers, batch)


def youngs_moduli(c_h: np.ndarray) -> np.ndarray:
    """(E_x, E_y) = (1 / (C_H^-1)_11, 1 / (C_H^-1)_22), shape (..., 2)."""
    s = np.linalg.inv(c_h)
    return np.stack([1 / s[..., 0, 0], 1 / s[..., 1, 1]], axis=-1)
