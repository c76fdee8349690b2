"""Architected material: 32 x 32 two-phase unit cell -> effective Young's modulus.

x: the N x N pixel densities rho in [0, 1] (N = `size`, default 32), flattened row-major with
   rows = y and columns = x (x[k] = rho[k // N, k % N]); design box [0, 1]^(N^2).
y: y = E_x / E_s, the homogenized Young's modulus along x of the periodic cell made of a solid
   of modulus E_s = E0 = 1 (nu = 0.3, plane stress) divided by E_s - dimensionless, in (0, 1].
   Computed by periodic FEM homogenization (`ipage.fem.homogenize`, Q4 elements, one per pixel)
   with SIMP stiffness E_e = E_min + rho_e^3 (E0 - E_min), E_min = 1e-9, so grey designs are
   valid inputs. E_x = 1 / (C_H^-1)_11.
prior: `ipage.fem.sample_designs` - mirror-symmetric (orthotropic) thresholded periodic Gaussian
   random fields, correlation length U(3, 5) px, volume fraction U(0.45, 0.8), corner-only
   contacts filled, non-spanning solid removed, cells without a network spanning the period in
   both x and y rejected.
default target: y* = 0.34, the median of the prior rounded to two decimals. Measured on 2000
   prior cells (seed 0, `benchmarks/fem_throughput.py`): median E_x / E_s = 0.337, 5 % / 95 %
   percentiles 0.100 / 0.584 (1 % / 99 %: 0.052 / 0.653), so the target sits in the middle of
   the data distribution, as in the paper's tasks. (E_y has the same distribution: the prior
   is invariant under swapping x and y.)

`binarize(x)` turns (grey) proposals into manufacturable 0/1 layouts with the same clean-up
as the prior (threshold 0.5, corner contacts filled, only the spanning network kept).
Option `evaluate="binarized"` makes `forward` score that layout instead of the raw densities,
so that grey pixels and one-pixel checkerboards (corner-only contacts, which Q4 elements make
spuriously stiff) cannot be exploited by the localization step; default "raw" (SIMP on x).
"""

from __future__ import annotations

import numpy as np

from ipage.errors import require
from ipage.fem.designs import binarize, sample_designs
from ipage.fem.homogenize import NU, PENAL, homogenize, youngs_moduli
from ipage.tasks.base import Capabilities, Task

DEFAULT_TARGET = 0.34


class Architecture(Task):
    name = "architecture"
    y_dim = 1
    # FEM labels: the dataset comes from the chunked architecture_chunk / architecture_dataset
    # rules (workflow/rules/architecture.smk); solutions also give '<method>_binary' rows.
    capabilities = Capabilities(dataset="chunks", projection="binarize")

    def __init__(
        self,
        size: int = 32,
        n_workers: int = 1,
        target: float = DEFAULT_TARGET,
        vf_range: tuple[float, float] | list[float] = (0.45, 0.8),
        corr_length: tuple[float, float] | list[float] = (3.0, 5.0),
        nu: float = NU,
        penal: float = PENAL,
        batch: int = 4,
        evaluate: str = "raw",
    ) -> None:
        require(
            isinstance(size, int) and size >= 4,
            f"task_options.size: {size!r}; allowed: integer >= 4 (32 = the paper's cell)",
        )
        require(
            isinstance(n_workers, int) and n_workers >= 1,
            f"task_options.n_workers: {n_workers!r}; allowed: integer >= 1",
        )
        require(
            len(vf_range) == 2 and 0 < vf_range[0] <= vf_range[1] <= 1,
            f"task_options.vf_range: {vf_range!r}; allowed: [low, high] with 0 < low <= high <= 1",
        )
        require(
            len(corr_length) == 2 and 0 < corr_length[0] <= corr_length[1],
            f"task_options.corr_length: {corr_length!r}; allowed: [low, high] pixels, 0 < low",
        )
        require(0 < float(target) <= 1, f"task_options.target: {target!r}; allowed: (0, 1]")
        require(-1 < nu < 0.5, f"task_options.nu: {nu!r}; allowed: -1 < nu < 0.5")
        require(penal >= 1, f"task_options.penal: {penal!r}; allowed: >= 1")
        require(
            evaluate in ("raw", "binarized"),
            f"task_options.evaluate: {evaluate!r}; allowed: raw, binarized",
        )
        self.evaluate = evaluate
        self.size = size
        self.n_workers = n_workers
        self.vf_range = (float(vf_range[0]), float(vf_range[1]))
        self.corr_length = (float(corr_length[0]), float(corr_length[1]))
        self.nu = float(nu)
        self.penal = float(penal)
        self.batch = int(batch)
        self.x_dim = size * size
        self.lower = np.zeros(self.x_dim)
        self.upper = np.ones(self.x_dim)
        self.default_target = np.array([float(target)])

    def sample_prior(self, n: int, rng: np.random.Generator) -> np.ndarray:
        cells = sample_designs(
            n, rng, size=self.size, vf_range=self.vf_range, ell_range=self.corr_length
        )
        return cells.reshape(n, self.x_dim)

    def cells(self, x: np.ndarray) -> np.ndarray:
        """(n, N, N) density cells of rows x (n, N^2)."""
        x = np.asarray(x, dtype=float)
        require(
            x.ndim == 2 and x.shape[1] == self.x_dim,
            f"architecture x: shape {x.shape}; allowed: (n, {self.x_dim})",
        )
        require(np.isfinite(x).all(), "architecture x: non-finite densities; allowed: [0, 1]")
        return x.reshape(len(x), self.size, self.size)

    def stiffness(self, x: np.ndarray) -> np.ndarray:
        """Homogenized C_H (n, 3, 3) in units of E_s (of binarize(x) if evaluate="binarized")."""
        cells = self.cells(x)
        if self.evaluate == "binarized":
            cells = binarize(cells)
        return homogenize(
            cells, nu=self.nu, penal=self.penal, n_workers=self.n_workers, batch=self.batch
        )

    def forward(self, x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.zeros((0, 1))
        return youngs_moduli(self.stiffness(x))[:, :1]

    def use_workers(self, n: int) -> None:
        self.n_workers = max(self.n_workers, n)

    def binarize(self, x: np.ndarray) -> np.ndarray:
        """Manufacturable 0/1 layouts (n, N^2) of proposals x (n, N^2)."""
        return binarize(self.cells(x)).reshape(len(x), self.x_dim)
