"""The contract every forward simulator (task) fulfils.

All arrays are float64 numpy, x of shape (n, x_dim) in the task's *learning coordinates*
(the coordinates the networks see and the box is given in), y of shape (n, y_dim).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np


class Task(ABC):
    """A forward model Omega: x -> y with a prior over x, a design box and a default target."""

    name: str
    x_dim: int
    y_dim: int
    lower: np.ndarray  # (x_dim,) lower corner of the design box
    upper: np.ndarray  # (x_dim,) upper corner of the design box
    default_target: np.ndarray  # (y_dim,) the paper's y*
    # Expensive simulators (DFT, FEM) build their dataset with their own chunked rules;
    # cheap ones use the generic `simulate` rule.
    expensive: bool = False

    @abstractmethod
    def sample_prior(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Draw n designs from the data-generating prior p(x)."""

    @abstractmethod
    def forward(self, x: np.ndarray) -> np.ndarray:
        """The true simulator Omega(x), vectorised over rows."""
