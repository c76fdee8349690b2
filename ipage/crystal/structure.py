"""Strained cubic SrTiO3 cells: design box, LHS sampling, pymatgen/ASE structures, files.

A design is the six lattice parameters (a, b, c, alpha, beta, gamma) in Angstrom and degrees.
These raw values are also the learning coordinates of the crystal task. The atoms keep their
cubic fractional coordinates (Sr at 0,0,0; Ti at the body centre; O at the face centres): only
the cell is strained, the internal positions are not relaxed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ipage.atomic import atomic_output
from ipage.errors import require

A0 = 3.905  # Angstrom, cubic SrTiO3 (experimental lattice constant)
PARAM_NAMES = ("a", "b", "c", "alpha", "beta", "gamma")
SPECIES = ("Sr", "Ti", "O", "O", "O")
FRAC_COORDS = np.array(
    [
        [0.0, 0.0, 0.0],
        [0.5, 0.5, 0.5],
        [0.5, 0.5, 0.0],
        [0.5, 0.0, 0.5],
        [0.0, 0.5, 0.5],
    ]
)


@dataclass(frozen=True)
class DesignBox:
    """Box around the cubic cell: lengths a0 * (1 +- strain), angles 90 +- angle degrees."""

    a0: float = A0
    strain: float = 0.04
    angle: float = 4.0

    def __post_init__(self) -> None:
        require(self.a0 > 0, f"crystal a0={self.a0} must be > 0 Angstrom")
        require(0 <= self.strain < 0.5, f"crystal strain={self.strain}: allowed 0 <= strain < 0.5")
        require(0 <= self.angle < 30, f"crystal angle={self.angle}: allowed 0 <= angle < 30 deg")

    @property
    def center(self) -> np.ndarray:
        return np.array([self.a0] * 3 + [90.0] * 3)

    @property
    def lower(self) -> np.ndarray:
        return np.array([self.a0 * (1 - self.strain)] * 3 + [90.0 - self.angle] * 3)

    @property
    def upper(self) -> np.ndarray:
        return np.array([self.a0 * (1 + self.strain)] * 3 + [90.0 + self.angle] * 3)

    def sample_lhs(self, n: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
        """n designs from a Latin hypercube over the box, shape (n, 6)."""
        from scipy.stats import qmc

        require(n >= 1, f"number of structures n={n} must be >= 1")
        unit = qmc.LatinHypercube(d=6, rng=rng).random(n)
        return self.lower + unit * (self.upper - self.lower)


def cubic_structure(a0: float = A0):
    """The cubic perovskite SrTiO3 (Pm-3m) as a pymatgen Structure."""
    from pymatgen.core import Lattice, Structure

    return Structure(Lattice.cubic(a0), list(SPECIES), FRAC_COORDS)


def strained_structure(params):
    """The 5-atom cell with lattice (a, b, c, alpha, beta, gamma), cubic fractional coordinates."""
    from pymatgen.core import Lattice, Structure

    p = np.asarray(params, dtype=float).reshape(-1)
    require(p.shape == (6,), f"lattice parameters must be 6 numbers {PARAM_NAMES}, got {p.size}")
    require(np.all(p[:3] > 0), f"lattice lengths must be > 0 Angstrom, got {p[:3].tolist()}")
    lattice = Lattice.from_parameters(*p)
    require(lattice.volume > 1e-6, f"lattice parameters {p.tolist()} give no valid cell")
    return Structure(lattice, list(SPECIES), FRAC_COORDS)


def to_atoms(structure):
    """pymatgen Structure -> ase.Atoms (periodic in all three directions)."""
    from pymatgen.io.ase import AseAtomsAdaptor

    atoms = AseAtomsAdaptor.get_atoms(structure)
    atoms.pbc = True
    return atoms


def strained_atoms(params):
    return to_atoms(strained_structure(params))


def lattice_parameters(atoms) -> np.ndarray:
    """(a, b, c, alpha, beta, gamma) read back from an ase.Atoms cell."""
    return np.asarray(atoms.cell.cellpar(), dtype=float)


def write_structure(path: str | os.PathLike, atoms, params, **info) -> Path:
    """Write atoms as extended XYZ with the design parameters in the comment line (atomic)."""
    from ase.io import write

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atoms = atoms.copy()
    atoms.info.update({k: float(v) for k, v in zip(PARAM_NAMES, np.asarray(params), strict=True)})
    atoms.info.update(info)
    with atomic_output(path) as tmp:
        write(tmp, atoms, format="extxyz")
    return path
