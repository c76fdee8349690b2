"""The paper's two evaluation scenarios (Tables 2 and 3)."""

from __future__ import annotations

import numpy as np

from ipage.data import Split


def scenario_targets(split: Split, scenario: str, target: np.ndarray, n: int) -> np.ndarray:
    """many_targets: the first n held-out test properties, one solution each;
    single_target: y* repeated n times (n solutions for one target)."""
    if scenario == "many_targets":
        return split.y_test[:n].astype(np.float64)
    if scenario == "single_target":
        return np.tile(np.asarray(target, dtype=np.float64), (n, 1))
    raise ValueError(f"unknown scenario {scenario!r}")


def scenario_seed(seed: int, scenario: str, repeat: int) -> np.random.Generator:
    """Independent, reproducible streams per (seed, scenario, repeat)."""
    return np.random.default_rng([seed, ["many_targets", "single_target"].index(scenario), repeat])
