"""The train / validation / test split every model and scenario of a task shares.

The files themselves (samples.npz, split.npz) are owned by `ipage.artifacts.Samples` and
`ipage.artifacts.Split`.
"""

from __future__ import annotations

import numpy as np

from ipage.artifacts import Split


def split_rows(
    x: np.ndarray, y: np.ndarray, fractions: tuple[float, float], rng: np.random.Generator
) -> Split:
    """Shuffle rows and cut them into train / val / test by (val, test) fractions."""
    n = len(x)
    order = rng.permutation(n)
    n_val, n_test = int(round(fractions[0] * n)), int(round(fractions[1] * n))
    val, test, train = np.split(order, [n_val, n_val + n_test])
    return Split(x[train], y[train], x[val], y[val], x[test], y[test])
