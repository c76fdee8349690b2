"""Task registry: a new simulator is one module plus one entry here."""

from __future__ import annotations

from ipage.rounds import base_task
from ipage.tasks.architecture import Architecture
from ipage.tasks.ballistics import Ballistics
from ipage.tasks.base import Capabilities, Task
from ipage.tasks.crystal import Crystal
from ipage.tasks.robot_arm import RobotArm
from ipage.tasks.sinewave import SineWave

TASKS: dict[str, type[Task]] = {
    "sinewave": SineWave,
    "robot_arm": RobotArm,
    "ballistics": Ballistics,
    "architecture": Architecture,
    "crystal": Crystal,
}


def get_task(name: str, **options) -> Task:
    """Instantiate a registered task; `options` are task-specific settings from the config
    (ipage.config.task_options: {"tabular": spec, "seed": seed} for a tabular task).
    A loop round's name ('sinewave/round_1') is its task's simulator."""
    name = base_task(name)
    if "tabular" in options:  # a task defined under the config's `tabular:` key
        from ipage.tasks.tabular import Tabular

        return Tabular(name, options["tabular"], options.get("seed", 0))
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; allowed: {', '.join(sorted(TASKS))}")
    return TASKS[name](**options)


def task_capabilities(name: str, **options) -> Capabilities:
    """What the workflow may do with a task, known without building it (building a tabular
    task reads its table); `options` as for get_task."""
    if "tabular" in options:
        from ipage.tasks.tabular import tabular_capabilities

        return tabular_capabilities(options["tabular"])
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; allowed: {', '.join(sorted(TASKS))}")
    return TASKS[name].capabilities_for(**options)
