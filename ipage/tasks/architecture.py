"""Architected material: 32 x 32 two-phase unit cell -> effective Young's modulus.

Two representations of a design (option `representation`), the same prior and simulator:

* "spectral" (default): x = the m = 35 low-frequency cosine coefficients of a smooth periodic
  mirror-symmetric field (`ipage.fem.spectral`, wavenumbers |k| <= k_max = 6, x[0] = the field's
  mean, i.e. minus the threshold level and so the volume fraction). The layout of x is the
  cleaned solid field > 0, the level lowered where no network spans (`designs.layouts`): 0/1,
  periodic, mirror-symmetric, corner contacts filled, one network spanning the period. Every
  x is a printable layout, so the networks, localization and NA search a 35-d space of
  printable designs. Design box: +-4 prior standard deviations per coefficient
  (`designs.coefficient_box`).
* "pixels": x = the N x N pixel densities rho in [0, 1] (N = `size`), flattened row-major with
  rows = y and columns = x (x[k] = rho[k // N, k % N]); design box [0, 1]^(N^2) - the paper's
  1024-d showcase. Proposals may be grey: SIMP scores them (option `evaluate`), and `binarize`
  projects them to a manufacturable layout (the workflow's '<method>_binary' rows).

The spectral one is the default because it is what a user of this task wants - designs that
can be printed; the price is a forward map that is harder to learn from the coefficients than
from the pixels of the same cells (docs/benchmarks.md). `cells(x)` is the layout (n, N, N) of
either.

y: y = E_x / E_s, the homogenized Young's modulus along x of the periodic cell made of a solid
   of modulus E_s = E0 = 1 (nu = 0.3, plane stress) divided by E_s - dimensionless, in (0, 1].
   Computed by periodic FEM homogenization (`ipage.fem.homogenize`, Q4 elements, one per pixel)
   with SIMP stiffness E_e = E_min + rho_e^3 (E0 - E_min), E_min = 1e-9. E_x = 1 / (C_H^-1)_11.
prior: `ipage.fem.designs.sample_coefficients` - thresholded Gaussian random fields of
   correlation length U(3, 5) px truncated to |k| <= k_max, volume fraction U(0.45, 0.8), cells
   without a network spanning the period in both x and y rejected; the pixel representation
   stores the same draws' layouts.
default target: y* = 0.34, the median of the prior rounded to two decimals when the generator
   drew full-spectrum fields (2000 cells, `benchmarks/fem_throughput.py`: 0.337). The truncated
   spectrum's default dataset (4000 cells, seed 0) has median 0.35, 5 % / 95 % percentiles
   0.10 / 0.59 (1 % / 99 %: 0.053 / 0.67) and volume fractions 0.50 / 0.68 / 0.79 (5 / 50 /
   95 %), so the target still sits in the middle of the data distribution, as in the paper's
   tasks. (E_y has the same distribution: the prior is invariant under swapping x and y.)
"""

from __future__ import annotations

import numpy as np

from ipage.errors import require
from ipage.fem import spectral
from ipage.fem.designs import binarize, coefficient_box, layouts, sample_coefficients
from ipage.fem.homogenize import NU, PENAL, homogenize, youngs_moduli
from ipage.tasks.base import Capabilities, Task

DEFAULT_TARGET = 0.34
REPRESENTATIONS = ("spectral", "pixels")


class Architecture(Task):
    name = "architecture"
    y_dim = 1
    # FEM labels: the dataset comes from the chunked architecture_chunk / architecture_dataset
    # rules (workflow/rules/architecture.smk); grey (pixel) solutions also give
    # '<method>_binary' rows, spectral designs are 0/1 layouts already.
    capabilities = Capabilities(dataset="chunks")

    @classmethod
    def capabilities_for(cls, **options) -> Capabilities:
        pixels = options.get("representation", "spectral") == "pixels"
        return Capabilities(
            dataset="chunks", projection="binarize" if pixels else "none", layout_map=not pixels
        )

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
        representation: str = "spectral",
        k_max: int = 6,
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
        require(
            representation in REPRESENTATIONS,
            f"task_options.representation: {representation!r}; allowed: "
            + ", ".join(REPRESENTATIONS),
        )
        require(
            representation == "pixels" or evaluate == "raw",
            "task_options.evaluate: 'binarized' applies to representation 'pixels' only "
            "(spectral designs are 0/1 layouts already)",
        )
        require(
            isinstance(k_max, int) and 1 <= k_max <= size // 2,
            f"task_options.k_max: {k_max!r}; allowed: integer in [1, size / 2]",
        )
        self.evaluate = evaluate
        self.representation = representation
        self.capabilities = self.capabilities_for(representation=representation)
        # Grey proposals need a projection to be printed ('<method>_binary' rows).
        self.grey_designs = representation == "pixels"
        self.k_max = k_max
        self.wavenumbers = spectral.modes(k_max)
        self.size = size
        self.n_workers = n_workers
        self.vf_range = (float(vf_range[0]), float(vf_range[1]))
        self.corr_length = (float(corr_length[0]), float(corr_length[1]))
        self.nu = float(nu)
        self.penal = float(penal)
        self.batch = int(batch)
        if representation == "spectral":
            self.x_dim = len(self.wavenumbers)
            self.lower, self.upper = coefficient_box(self.wavenumbers, size, self.corr_length)
        else:
            self.x_dim = size * size
            self.lower, self.upper = np.zeros(self.x_dim), np.ones(self.x_dim)
        self.default_target = np.array([float(target)])

    def sample_prior(self, n: int, rng: np.random.Generator) -> np.ndarray:
        coefficients, cells = sample_coefficients(
            n, rng, self.wavenumbers, self.size, self.vf_range, self.corr_length
        )
        return coefficients if self.representation == "spectral" else cells.reshape(n, -1)

    def cells(self, x: np.ndarray) -> np.ndarray:
        """(n, N, N) layouts of rows x (n, x_dim): densities (pixels) or 0/1 cells (spectral)."""
        x = np.asarray(x, dtype=float)
        require(
            x.ndim == 2 and x.shape[1] == self.x_dim,
            f"architecture x: shape {x.shape}; allowed: (n, {self.x_dim})",
        )
        require(np.isfinite(x).all(), "architecture x: non-finite values")
        if self.representation == "spectral":
            return layouts(x, self.wavenumbers, self.size)[0]
        return x.reshape(len(x), self.size, self.size)

    def layout_basis(self) -> np.ndarray:
        """Spectral: the field g = x @ basis (m, N^2) whose cleaned level set g > 0 is the
        layout `cells(x)` (the map a layout surrogate is searched through)."""
        require(self.representation == "spectral", "layout_basis: spectral designs only")
        return spectral.basis(self.wavenumbers, self.size)

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
        """Manufacturable 0/1 layouts (n, N^2) of proposals x (n, x_dim)."""
        return binarize(self.cells(x)).reshape(len(x), -1)
