"""Ballistics with linear drag (BDIMNNA benchmark): where does the projectile land?

x = (x0, y0, angle, v0 / V0_SCALE). The launch speed is learned in units of its prior mean
(15) so that all four coordinates are O(1); `forward` undoes the scaling.
The landing point has a closed form: y(t) = 0 is A e^{-s} = C - B s in s = k t / m, solved by
the principal branch of the Lambert W function (the root after the apex).
"""

from __future__ import annotations

import numpy as np
from scipy.special import lambertw

from ipage.tasks.base import Capabilities, Task

G, DRAG, MASS = 9.81, 0.25, 0.2
V0_SCALE = 15.0


def landing_x(x0, y0, angle, v0) -> np.ndarray:
    """Horizontal position where the trajectory meets y = 0 after its apex (SI units)."""
    vx, vy = v0 * np.cos(angle), v0 * np.sin(angle)
    a = G * MASS + vy * DRAG
    b = G * MASS
    c = y0 * DRAG**2 / MASS + a
    s = c / b + np.real(lambertw(-(a / b) * np.exp(-c / b), k=0))
    t = s * MASS / DRAG
    return x0 - vx * MASS / DRAG * (np.exp(-DRAG * t / MASS) - 1)


class Ballistics(Task):
    name = "ballistics"
    capabilities = Capabilities(dataset="simulate")
    x_dim = 4
    y_dim = 1
    lower = np.array([-1.5, 0.0, 0.1 * np.pi / 2, 5 / V0_SCALE])
    upper = np.array([1.5, 3.0, 0.9 * np.pi / 2, 27 / V0_SCALE])
    default_target = np.array([5.0])

    def sample_prior(self, n: int, rng: np.random.Generator) -> np.ndarray:
        x0 = rng.normal(0.0, 0.5, n)
        y0 = np.maximum(rng.normal(1.5, 0.5, n), 0.0)
        angle = rng.uniform(0.1 * np.pi / 2, 0.9 * np.pi / 2, n)
        v0 = rng.poisson(15, n) / V0_SCALE
        return np.stack([x0, y0, angle, v0], axis=1)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return landing_x(x[:, 0], x[:, 1], x[:, 2], x[:, 3] * V0_SCALE)[:, None]
