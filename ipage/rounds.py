"""Names of closed-loop design rounds.

A round r >= 1 of task T is the task name `T/round_<r>` (every loop method's solutions added,
`loop.add: all`) or `T/round_<r>_<method>` (only that method's own, `loop.add: method`). Used
as the {task} wildcard, it gives round r its own tree results/T/round_<r>[_<method>]/... that
every generic rule serves unchanged; round 0 is the plain task, today's results/T/....
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SUFFIX = r"/round_[1-9][0-9]*(?:_[A-Za-z0-9_]+)?"
_ROUND = re.compile(r"^(?P<task>[^/]+)/round_(?P<number>[1-9][0-9]*)(?:_(?P<method>\w+))?$")


@dataclass(frozen=True)
class Round:
    task: str  # the plain task name (round 0's)
    number: int  # 0 = the ordinary pipeline
    method: str | None = None  # only this method's solutions are added (add: method)

    @classmethod
    def parse(cls, name: str) -> Round:
        """The round a {task} wildcard value names ('sinewave' is round 0 of sinewave)."""
        match = _ROUND.match(name)
        if match is None:
            return cls(name, 0)
        return cls(match["task"], int(match["number"]), match["method"])

    @property
    def name(self) -> str:
        """The {task} wildcard value of this round."""
        if self.number == 0:
            return self.task
        return f"{self.task}/round_{self.number}" + (f"_{self.method}" if self.method else "")

    def previous(self) -> Round:
        """The round whose training set and re-simulated solutions this one starts from."""
        if self.number == 0:
            raise ValueError(f"{self.name} is round 0: it has no previous round")
        return Round(self.task, self.number - 1, self.method if self.number > 1 else None)


def base_task(name: str) -> str:
    """The plain task behind a {task} wildcard value (config sections, the simulator)."""
    return Round.parse(name).task


def task_pattern(tasks: list[str]) -> str:
    """Wildcard constraint for {task}: the given tasks and their loop rounds."""
    return f"(?:{'|'.join(map(re.escape, tasks)) or '(?!)'})(?:{SUFFIX})?"
