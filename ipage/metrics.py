"""Scores of a set of inverse solutions: re-simulation error with the true simulator, their
spread over the design box and, for the sine wave, how many disjoint solution modes they
cover."""

from __future__ import annotations

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree
from scipy.spatial.distance import pdist

from ipage.tasks.base import Task


def resim_errors(task: Task, x: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Per-solution squared error ||Omega(x) - y*||^2 with the true forward model."""
    return np.sum((task.forward(x) - targets) ** 2, axis=1)


def diversity(task: Task, x: np.ndarray) -> float:
    """Mean pairwise distance between solutions x (n, x_dim), in box units (0 = all equal)."""
    u = (x - task.lower) / (task.upper - task.lower)
    return float(pdist(u).mean()) if len(u) > 1 else 0.0


def solution_modes(task: Task, target: np.ndarray, resolution: int = 801) -> np.ndarray:
    """Label the connected components of the superlevel set {Omega >= y*} on a grid over a
    2-D box (each is enclosed by one ring of the solution set); returns (n_modes, ...)
    grid points as a label image's coordinates: array (m, 3) of (x1, x2, label)."""
    if task.x_dim != 2 or task.y_dim != 1:
        raise ValueError("mode counting is defined for 2-D designs with a scalar property")
    g1 = np.linspace(task.lower[0], task.upper[0], resolution)
    g2 = np.linspace(task.lower[1], task.upper[1], resolution)
    x1, x2 = np.meshgrid(g1, g2, indexing="ij")
    values = task.forward(np.column_stack([x1.ravel(), x2.ravel()])).reshape(x1.shape)
    labels, _ = ndimage.label(values >= target[0])
    inside = labels > 0
    return np.column_stack([x1[inside], x2[inside], labels[inside]])


class ModeCounter:
    """The solution modes of one target, labelled once (grid and KD-tree) for many counts."""

    def __init__(self, task: Task, target: np.ndarray, resolution: int = 801):
        self.task = task
        self.target = np.atleast_1d(np.asarray(target, dtype=float))
        grid = solution_modes(task, self.target, resolution)
        self.labels = grid[:, 2]
        self.n_modes = int(self.labels.max()) if len(grid) else 0
        self.tree = cKDTree(grid[:, :2]) if len(grid) else None

    def covered(self, x: np.ndarray, tol: float = 0.05) -> int:
        """Modes hit by x: a mode is hit by a solution that is accurate (|Omega(x) - y*| <
        tol) and whose nearest superlevel-set component is that mode."""
        accurate = np.sqrt(resim_errors(self.task, x, self.target[None, :])) < tol
        if self.tree is None or not accurate.any():
            return 0
        _, nearest = self.tree.query(x[accurate])
        return len(np.unique(self.labels[nearest]))


def modes_covered(
    task: Task, x: np.ndarray, target: np.ndarray, tol: float = 0.05, resolution: int = 801
) -> tuple[int, int]:
    """(modes hit, modes in total) of solutions x for one target (see ModeCounter)."""
    counter = ModeCounter(task, target, resolution)
    return counter.covered(x, tol), counter.n_modes
