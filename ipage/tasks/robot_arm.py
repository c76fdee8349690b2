"""Planar robot arm on a vertical rail (Kruse et al. 2021 / BDIMNNA benchmark).

x = (rail height, three joint angles); y = (horizontal reach, height) of the end effector.
"""

from __future__ import annotations

import numpy as np

from ipage.tasks.base import Capabilities, Task

SEGMENT_LENGTHS = np.array([0.5, 0.5, 1.0])
PRIOR_STD = np.sqrt([1 / 16, 1 / 4, 1 / 4, 1 / 4])


class RobotArm(Task):
    name = "robot_arm"
    capabilities = Capabilities(dataset="simulate")
    x_dim = 4
    y_dim = 2
    # The prior is Gaussian; the design box is its +-3 sigma region (99.7 % per coordinate).
    lower = -3 * PRIOR_STD
    upper = 3 * PRIOR_STD
    default_target = np.array([1.5, 0.0])

    def sample_prior(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return rng.normal(0.0, PRIOR_STD, size=(n, self.x_dim))

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        phi = np.stack([x[:, 1], x[:, 2] - x[:, 1], x[:, 3] - x[:, 2] - x[:, 1]], axis=1)
        reach = (SEGMENT_LENGTHS * np.cos(phi)).sum(axis=1)
        height = x[:, 0] + (SEGMENT_LENGTHS * np.sin(phi)).sum(axis=1)
        return np.stack([reach, height], axis=1)
