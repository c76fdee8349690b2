"""2-D sine wave: y = sin(3 pi x1) + cos(3 pi x2) on [-1, 1]^2 (nine solution rings at y* = 1.2)."""

from __future__ import annotations

import numpy as np

from ipage.tasks.base import Capabilities, Task


class SineWave(Task):
    name = "sinewave"
    x_dim = 2
    y_dim = 1
    lower = np.array([-1.0, -1.0])
    upper = np.array([1.0, 1.0])
    default_target = np.array([1.2])
    capabilities = Capabilities(dataset="simulate", modes="superlevel")

    def sample_prior(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return rng.uniform(self.lower, self.upper, size=(n, self.x_dim))

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return (np.sin(3 * np.pi * x[:, 0]) + np.cos(3 * np.pi * x[:, 1]))[:, None]
