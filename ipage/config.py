"""Workflow configuration: JSON-schema validation plus the checks a schema cannot express,
each failing with one line that names the key, the value and what is allowed."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import yaml

from ipage.errors import IpageError, require
from ipage.methods import BASELINE_METHODS, INN_METHODS
from ipage.tasks import TASKS, get_task

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "workflow" / "schemas" / "config.schema.yaml"


def load_schema() -> dict:
    with open(SCHEMA_PATH) as f:
        return yaml.safe_load(f)


def _path(error: jsonschema.ValidationError) -> str:
    return ".".join(str(p) for p in error.absolute_path) or "<top level>"


def _schema_message(error: jsonschema.ValidationError) -> str:
    """Turn the most specific jsonschema error into one readable line."""
    key = _path(error)
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return f"config '{key}': {error.instance!r} is not allowed; allowed: {allowed}"
    if error.validator in ("minimum", "exclusiveMinimum"):
        bound = "> " if error.validator == "exclusiveMinimum" else ">= "
        return f"config '{key}': {error.instance!r} must be {bound}{error.validator_value}"
    if error.validator == "maximum":
        return f"config '{key}': {error.instance!r} must be <= {error.validator_value}"
    if error.validator == "type":
        return f"config '{key}': {error.instance!r} is not of type {error.validator_value}"
    if error.validator == "additionalProperties":
        return f"config '{key}': {error.message}"
    return f"config '{key}': {error.message}"


def known_methods() -> list[str]:
    return sorted([*INN_METHODS, *BASELINE_METHODS])


def validate(config: dict) -> dict:
    """Validate (and fill defaults into) a config dict; raise IpageError with one line."""
    schema = load_schema()
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: -len(e.absolute_path))
    if errors:
        raise IpageError(_schema_message(jsonschema.exceptions.best_match(errors)))
    config = _with_defaults(config, schema)
    for task in config["tasks"]:
        require(
            task in TASKS,
            f"config 'tasks': unknown task {task!r}; allowed: {', '.join(sorted(TASKS))}",
        )
    methods = known_methods()
    for method in config["methods"]:
        require(
            method in methods,
            f"config 'methods': unknown method {method!r}; allowed: {', '.join(methods)}",
        )
    for task in config["tasks"]:
        target = config["targets"].get(task)
        if target is not None:
            y_dim = make_task(config, task).y_dim
            require(
                len(target) == y_dim,
                f"config 'targets.{task}': {target} has "
                f"{len(target)} values but task {task!r} has y_dim = {y_dim}",
            )
    n_test = round(config["dataset"]["n_samples"] * config["dataset"]["test_fraction"])
    n_solutions = config["evaluation"]["n_solutions"]
    require(
        n_solutions <= n_test,
        f"config 'evaluation.n_solutions': {n_solutions} exceeds "
        f"the {n_test} held-out test targets (dataset.n_samples * dataset.test_fraction)",
    )
    return config


def _with_defaults(config: dict, schema: dict) -> dict:
    """Fill schema defaults for missing keys, recursively through nested objects."""
    out = copy.deepcopy(config)
    for key, sub in schema.get("properties", {}).items():
        if key not in out and "default" in sub:
            out[key] = copy.deepcopy(sub["default"])
        if sub.get("type") == "object" and isinstance(out.get(key), dict):
            out[key] = _with_defaults(out[key], sub)
    return out


def load(path: str | Path) -> dict:
    path = Path(path)
    require(path.is_file(), f"config file {str(path)!r} does not exist")
    with open(path) as f:
        return validate(yaml.safe_load(f) or {})


def section(config: dict, task: str, name: str) -> dict[str, Any]:
    """config[name] with config['overrides'][task][name] laid over it (per-task settings)."""
    merged = copy.deepcopy(config[name])
    merged.update(config.get("overrides", {}).get(task, {}).get(name, {}))
    return merged


def make_task(config: dict, task: str):
    return get_task(task, **config.get("task_options", {}).get(task, {}))


def target(config: dict, task: str) -> np.ndarray:
    """The single-target scenario's y*: the config's override or the task's paper default."""
    value = config["targets"].get(task)
    return np.asarray(value, float) if value is not None else make_task(config, task).default_target


def inn_dims(config: dict, task: str) -> tuple[int, int]:
    """(z_dim, dim_total) of the task's INN: defaults z = x_dim - y_dim (at least 1) and
    dim_total = max(x_dim, y_dim + z_dim) + pad."""
    inn = section(config, task, "inn")
    t = make_task(config, task)
    z_dim = inn["z_dim"] or max(1, t.x_dim - t.y_dim)
    dim_total = inn["dim_total"] or max(t.x_dim, t.y_dim + z_dim) + inn["pad"]
    require(
        dim_total >= max(t.x_dim, t.y_dim + z_dim),
        f"config 'inn.dim_total': {dim_total} "
        f"must be >= max(x_dim, y_dim + z_dim) = {max(t.x_dim, t.y_dim + z_dim)} for {task!r}",
    )
    return int(z_dim), int(dim_total)
