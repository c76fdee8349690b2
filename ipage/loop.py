"""Closed-loop design rounds: every re-simulated solution is a labelled example
near y*, so round r+1 trains on round r's training rows plus round r's re-simulated
single-target solutions; the loop table answers "how many simulator calls until N verified
designs at y* +- tol?".

Only single-target solutions feed the loop: many_targets is the benchmark over held-out
targets, not a design campaign, so its re-simulations are neither added nor counted.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ipage.artifacts import Resim, Solutions, Split

ADD_MODES = ("all", "method")  # loop.add: every loop method's solutions, or each method's own
_PERCENT = re.compile(r"^(?P<value>[0-9]+(?:\.[0-9]+)?)%$")


@dataclass(frozen=True)
class Resimulated:
    """The designs one method's single-target run sent to the simulator, with the result."""

    x: np.ndarray  # (calls, x_dim)
    y: np.ndarray  # (calls, y_dim), NaN where the simulator run failed

    @classmethod
    def load(cls, solutions: str | os.PathLike, resim: str | os.PathLike) -> Resimulated:
        """From solutions.npz and resim.npz: every repeat's solutions that were simulated
        (a `selected` mask marks them where only a subset was, as for DFT; a task without a
        simulator made no calls)."""
        x, r = Solutions.load(solutions).x, Resim.load(resim)
        selected = np.ones(x.shape[:2], bool) if r.selected is None else r.selected
        if not r.simulated:
            selected = np.zeros(x.shape[:2], bool)
        return cls(x[selected], r.y[selected])

    @property
    def calls(self) -> int:
        return len(self.x)

    def labelled(self) -> tuple[np.ndarray, np.ndarray]:
        """The rows with a finite simulator result: the new training examples."""
        ok = np.isfinite(self.y).all(axis=1)
        return self.x[ok], self.y[ok]


def merge(split: Split, added: Sequence[Resimulated]) -> Split:
    """The next round's split: this round's training rows first, then the labelled rows of
    `added` in order. Validation and test rows stay, so every round is scored on the same
    held-out data."""
    rows = [a.labelled() for a in added]
    x_train = np.concatenate([split.x_train, *(x for x, _ in rows)]).astype(split.x_train.dtype)
    y_train = np.concatenate([split.y_train, *(y for _, y in rows)]).astype(split.y_train.dtype)
    return dataclasses.replace(split, x_train=x_train, y_train=y_train)


def absolute_tolerance(tolerance: float | str, target: np.ndarray) -> float:
    """A config tolerance in y units: a number as given, 'p%' as p % of ||y*||."""
    if isinstance(tolerance, str):
        match = _PERCENT.match(tolerance)
        if match is None:
            raise ValueError(f"tolerance {tolerance!r}: a number or a percentage such as '2%'")
        return float(match["value"]) / 100 * float(np.linalg.norm(target))
    return float(tolerance)


def verified(y: np.ndarray, target: np.ndarray, tolerance: float) -> np.ndarray:
    """Which rows' simulated ||y - y*|| is within `tolerance` (a failed run never is)."""
    distance = np.linalg.norm(y - np.asarray(target)[None], axis=1)
    return np.isfinite(distance) & (distance <= tolerance)


@dataclass(frozen=True)
class RoundRecord:
    """One method's single-target round: what it cost and what it found."""

    task: str
    method: str
    round: int
    calls: int  # simulator runs on this round's solutions
    verified: int  # of them within tolerance of y*
    resim_mse: float  # mean ||Omega(x) - y*||^2 over the simulated solutions

    @classmethod
    def score(
        cls, task: str, method: str, number: int, run: Resimulated, target, tolerance: float
    ) -> RoundRecord:
        squared = np.sum((run.y - np.asarray(target)[None]) ** 2, axis=1)
        return cls(
            task,
            method,
            number,
            run.calls,
            int(verified(run.y, target, tolerance).sum()),
            float(np.mean(squared)) if run.calls else np.nan,
        )


def loop_table(
    records: Sequence[RoundRecord], dataset_calls: dict[str, int], add: str
) -> pd.DataFrame:
    """Per task, method and round: the simulator calls spent so far (dataset + every
    re-simulation that fed this round's training set + this round's own) and the verified
    designs found so far by the method.

    add 'method': a method's loop learns only from its own re-simulations; 'all': from every
    loop method's, so their calls count for each method's later rounds.
    """
    if add not in ADD_MODES:
        raise ValueError(f"add {add!r}; allowed: {', '.join(ADD_MODES)}")
    table = pd.DataFrame([dataclasses.asdict(r) for r in records])
    table = table.sort_values(["task", "method", "round"], ignore_index=True)
    if add == "method":
        spent = table.groupby(["task", "method"]).calls.cumsum()
        fed = spent - table.calls
    else:
        per_round = table.groupby(["task", "round"]).calls.sum()
        before = per_round.groupby(level="task").cumsum() - per_round
        fed = pd.Series(
            [before[t, r] for t, r in zip(table.task, table["round"], strict=True)], table.index
        )
    table.insert(3, "dataset_calls", table.task.map(dataset_calls))
    table["cumulative_calls"] = table.dataset_calls + fed + table.calls
    table["cumulative_verified"] = table.groupby(["task", "method"]).verified.cumsum()
    return table
