"""Which solutions an expensive simulator (DFT) re-simulates: a diverse subset, chosen by
greedy farthest-point selection from the most promising solution."""

from __future__ import annotations

import numpy as np


def farthest_points(u: np.ndarray, k: int, start: int) -> np.ndarray:
    """Greedy max-min selection of k row indices of u (n, d), beginning with `start`: each
    next row is the one farthest from all rows chosen so far (the first on ties)."""
    chosen = [start]
    dist = np.linalg.norm(u - u[start], axis=1)
    while len(chosen) < k:
        nxt = int(np.argmax(dist))
        chosen.append(nxt)
        dist = np.minimum(dist, np.linalg.norm(u - u[nxt], axis=1))
    return np.array(chosen)


def lowest_loss_index(loss: np.ndarray | None) -> int:
    """The row with the lowest finite loss; 0 without a loss (or with none finite)."""
    if loss is None or not np.isfinite(loss).any():
        return 0
    return int(np.nanargmin(np.where(np.isfinite(loss), loss, np.nan)))
