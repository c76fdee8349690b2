"""Dataset files shared by every rule.

`samples.npz` holds all simulated rows (x, y); `split.npz` holds the train/val/test split
(x_train, y_train, x_val, y_val, x_test, y_test). Files are written atomically (temp file +
rename) so an interrupted job never leaves a file that looks complete.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ipage.atomic import atomic_output


def save_npz_atomic(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    """np.savez to a temp file in the same directory, then rename over `path`."""
    with atomic_output(path) as tmp:
        np.savez(tmp, **arrays)


@dataclass(frozen=True)
class Split:
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @classmethod
    def load(cls, path: str | os.PathLike) -> Split:
        with np.load(path) as f:
            return cls(**{k: f[k] for k in cls.__dataclass_fields__})

    def save(self, path: str | os.PathLike) -> None:
        save_npz_atomic(path, **self.__dict__)


def split_rows(
    x: np.ndarray, y: np.ndarray, fractions: tuple[float, float], rng: np.random.Generator
) -> Split:
    """Shuffle rows and cut them into train / val / test by (val, test) fractions."""
    n = len(x)
    order = rng.permutation(n)
    n_val, n_test = int(round(fractions[0] * n)), int(round(fractions[1] * n))
    val, test, train = np.split(order, [n_val, n_val + n_test])
    return Split(x[train], y[train], x[val], y[val], x[test], y[test])
