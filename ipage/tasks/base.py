"""The contract every forward simulator (task) fulfils.

All arrays are float64 numpy, x of shape (n, x_dim) in the task's *learning coordinates*
(the coordinates the networks see and the box is given in), y of shape (n, y_dim).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Literal

import numpy as np

# How the dataset is made: the generic `simulate` rule (a simulator cheap enough for one job,
# and for the posterior diagnostics' 10^6-call reference), the task's own chunked rules
# (architecture.smk, crystal.smk), or the user's table (tabular.smk).
DatasetSource = Literal["simulate", "chunks", "table"]
# Which solutions the true simulator scores: every one (`resimulate`), a diverse subset per
# repeat (the task's own rule, e.g. crystal_resimulate), or none (no simulator: evaluate
# reports surrogate predictions and distances to the training data instead).
Resimulation = Literal["all", "subset", "none"]
# Extra solution rows '<method>_binary': solutions projected to manufacturable layouts by
# Task.binarize (binarize_solutions), re-simulated and evaluated like any method.
Projection = Literal["binarize", "none"]
# Single-target mode coverage: `superlevel` counts the connected components of {Omega >= y*}
# hit by accurate solutions (ipage.metrics.modes_covered, 2-D designs, scalar y).
ModeCounting = Literal["superlevel", "none"]


@dataclass(frozen=True, kw_only=True)
class Capabilities:
    """What the workflow may do with a task; its rules read this instead of probing."""

    dataset: DatasetSource
    resimulation: Resimulation = "all"
    projection: Projection = "none"
    modes: ModeCounting = "none"
    # Designs are coefficients of a field whose thresholded level set is a pixel layout
    # (Task.layout_basis, Task.cells): a layout CNN can be searched through the relaxed map.
    layout_map: bool = False


class Task(ABC):
    """A forward model Omega: x -> y with a prior over x, a design box and a default target."""

    name: str
    x_dim: int
    y_dim: int
    lower: np.ndarray  # (x_dim,) lower corner of the design box
    upper: np.ndarray  # (x_dim,) upper corner of the design box
    default_target: np.ndarray  # (y_dim,) the paper's y*
    capabilities: Capabilities  # a class attribute; see capabilities_for

    @classmethod
    def capabilities_for(cls, **options) -> Capabilities:
        """The capabilities under these constructor options, known without building the task
        (a task whose capabilities depend on its options overrides this)."""
        return cls.capabilities

    @abstractmethod
    def sample_prior(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Draw n designs from the data-generating prior p(x)."""

    @abstractmethod
    def forward(self, x: np.ndarray) -> np.ndarray:
        """The true simulator Omega(x), vectorised over rows."""

    def use_workers(self, n: int) -> None:  # noqa: B027 (a hook; most simulators ignore it)
        """Let `forward` run up to n worker processes (the rule's threads); a simulator that
        runs in the calling process ignores it."""
