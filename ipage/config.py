"""Workflow configuration: JSON-schema validation plus the checks a schema cannot express,
each failing with one line that names the key, the value and what is allowed."""

from __future__ import annotations

import copy
import functools
import operator
import re
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import yaml

from ipage.errors import IpageError, require
from ipage.methods import BASELINE_METHODS, BASELINE_MODELS, INN_METHODS
from ipage.rounds import base_task
from ipage.settings import (
    BaselineSettings,
    EvaluationSettings,
    INNSettings,
    LocalizationSettings,
    NASettings,
    TaskSettings,
    latent_columns,
)
from ipage.tasks import TASKS, get_task, task_capabilities
from ipage.tasks.base import Task

# Package data (pyproject.toml), so a non-editable install finds it too.
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "config.schema.yaml"


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
    if error.validator == "additionalProperties" and error.validator_value is False:
        known = error.schema.get("properties", {})
        unknown = ", ".join(repr(k) for k in sorted(set(error.instance) - set(known)))
        return f"config '{key}': unknown key {unknown}; allowed: {', '.join(sorted(known))}"
    return f"config '{key}': {error.message}"


def known_methods() -> list[str]:
    return sorted([*INN_METHODS, *BASELINE_METHODS])


def _yaml_scalar(text: str) -> Any:
    """`text` as a YAML number, boolean or null ('1e-3' too, which YAML 1.1 leaves a
    string), else `text` unchanged."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if value is None or isinstance(value, bool | int | float):
        return value
    try:
        return float(text)
    except ValueError:
        return text


def coerce_strings(config: dict, validator: jsonschema.Draft7Validator) -> dict:
    """A copy of `config` with each string the schema refuses as a string read as a YAML
    scalar: Snakemake hands nested `--config` values over as strings (`--config
    dataset='{n_samples: 50}'` gives '50'), strings where a string is allowed stay."""
    out = copy.deepcopy(config)
    for error in list(validator.iter_errors(out)):
        if error.validator != "type" or not isinstance(error.instance, str):
            continue
        if error.absolute_path:
            *parents, leaf = error.absolute_path
            functools.reduce(operator.getitem, parents, out)[leaf] = _yaml_scalar(error.instance)
    return out


def validate(config: dict) -> dict:
    """Validate (and fill defaults into) a config dict; raise IpageError with one line."""
    schema = load_schema()
    validator = jsonschema.Draft7Validator(schema)
    config = coerce_strings(config, validator)
    errors = sorted(validator.iter_errors(config), key=lambda e: -len(e.absolute_path))
    if errors:
        raise IpageError(_schema_message(jsonschema.exceptions.best_match(errors)))
    config = _with_defaults(config, schema)
    tabular = config.get("tabular", {})
    for name in tabular:
        require(
            name not in TASKS,
            f"config 'tabular': {name!r} is a built-in task name; allowed: any other name",
        )
        require(
            bool(TABULAR_NAME.match(name)),
            f"config 'tabular': task name {name!r} is not allowed; allowed: a letter, then "
            "letters, digits or '_'",
        )
    _check_task_names(config, "tasks")
    _check_task_names(config, "overrides")  # their sections and keys: the schema
    methods = known_methods()
    for method in config["methods"]:
        require(
            method in methods,
            f"config 'methods': unknown method {method!r}; allowed: {', '.join(methods)}",
        )
    for task in config["tasks"]:
        target = config["targets"].get(task)
        if task in tabular:
            _check_tabular(config, task)
        elif target is not None:
            y_dim = make_task(config, task).y_dim
            require(
                len(target) == y_dim,
                f"config 'targets.{task}': {target} has "
                f"{len(target)} values but task {task!r} has y_dim = {y_dim}",
            )
    rounds = config["loop"]["rounds"]
    for task in config["tasks"]:  # a loop round's new rows come from the simulator
        require(
            rounds == 1 or task not in tabular or tabular[task].get("simulator") is not None,
            f"config 'loop.rounds': {rounds} rounds need a simulator, but tabular task "
            f"{task!r} has none; allowed: 1 (no loop), or set tabular.{task}.simulator",
        )
    for task in config["tasks"]:  # draws are told apart by the padding they come back with
        draws = section(config, task, "evaluation")["latent_draws"]
        if draws == 1:  # nothing to check: no task is built (a tabular one reads its table)
            continue
        t = make_task(config, task)
        x_dim, dim_total = t.x_dim, _inn_dims(section(config, task, "inn"), t, task)[1]
        require(
            dim_total > x_dim,
            f"config 'evaluation.latent_draws': {draws} draws per sample need INN padding, "
            f"but {task!r} has dim_total = x_dim = {x_dim}; allowed: 1, or inn.pad > 0 for "
            f"{task!r} (overrides.{task}.inn.pad)",
        )
    n_test = round(config["dataset"]["n_samples"] * config["dataset"]["test_fraction"])
    n_solutions = config["evaluation"]["n_solutions"]
    require(
        n_solutions <= n_test or all(task in tabular for task in config["tasks"]),
        f"config 'evaluation.n_solutions': {n_solutions} exceeds "
        f"the {n_test} held-out test targets (dataset.n_samples * dataset.test_fraction)",
    )
    return config


def _check_task_names(config: dict, key: str) -> None:
    """Every task named under `key` (a list or a mapping by task) is built in or tabular."""
    tabular = config.get("tabular", {})
    for task in config[key]:
        require(
            task in TASKS or task in tabular,
            f"config '{key}': unknown task {task!r}; allowed: "
            f"{', '.join(sorted([*TASKS, *tabular]))} (or a name defined under 'tabular')",
        )


# A tabular task's name becomes a wildcard value and a results/ directory.
TABULAR_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# A tabular task needs at least this many training rows (besides validation and test rows).
MIN_TRAIN_ROWS = 10


def _split_sizes(n: int, val_fraction: float, test_fraction: float) -> tuple[int, int, int]:
    n_val, n_test = int(round(val_fraction * n)), int(round(test_fraction * n))
    return n - n_val - n_test, n_val, n_test


def _check_tabular(config: dict, task: str) -> None:
    """Load a tabular task's data (every data error surfaces here) and check it is enough."""
    t = make_task(config, task)
    if config["targets"].get(task) is not None:
        t.encode_target(config["targets"][task], f"config 'targets.{task}'")
    ds, ev = section(config, task, "dataset"), section(config, task, "evaluation")
    fractions = (ds["val_fraction"], ds["test_fraction"])
    n, k = len(t.raw_x), ev["n_solutions"]

    def enough(rows: int) -> bool:
        n_train, n_val, n_test = _split_sizes(rows, *fractions)
        return n_train >= MIN_TRAIN_ROWS and n_val >= 1 and n_test >= k

    if not enough(n):
        need = next((m for m in range(n, 10**7) if enough(m)), None)
        raise IpageError(
            f"config 'tabular.{task}': {n} usable rows are too few; training needs "
            f"{MIN_TRAIN_ROWS}+ training rows, 1+ validation row and evaluation.n_solutions = {k} "
            f"held-out test rows at dataset.test_fraction = {fractions[1]}, i.e. at least "
            f"{need} rows"
        )


def task_options(config: dict, task: str) -> dict:
    """Keyword options for get_task: task_options.<task>, or the tabular spec and seed
    (a loop round, 'T/round_<r>...', has task T's)."""
    task = base_task(task)
    if task in config.get("tabular", {}):
        return {"tabular": config["tabular"][task], "seed": config["seed"]}
    return config.get("task_options", {}).get(task, {})


def warnings(config: dict) -> list[str]:
    """Non-fatal findings about a valid config (printed as 'warning: ...' lines)."""
    out = []
    if config.get("device") == "cuda":
        import torch  # only now: parsing the workflow does not need torch otherwise

        if not torch.cuda.is_available():
            out.append(
                "config 'device': 'cuda' but no CUDA GPU is visible here; jobs that run on "
                "this machine will stop with an error (use auto or cpu, or run them on GPU nodes)"
            )
    for task in config["tasks"]:
        if task in config.get("tabular", {}):
            t = make_task(config, task)
            raw = config["targets"].get(task)
            raw = t.raw_target if raw is None else np.asarray(raw, float)
            out += [f"tabular.{task}: {w}" for w in t.warnings + t.target_warnings(raw)]
    return out


def _with_defaults(config: dict, schema: dict) -> dict:
    """Fill schema defaults for missing keys, recursively through nested objects."""
    out = copy.deepcopy(config)
    for key, sub in schema.get("properties", {}).items():
        if key not in out and "default" in sub:
            out[key] = copy.deepcopy(sub["default"])
        if sub.get("type") == "object" and isinstance(out.get(key), dict):
            out[key] = _with_defaults(out[key], sub)
    return out


def section(config: dict, task: str, name: str) -> dict[str, Any]:
    """config[name] with config['overrides'][task][name] laid over it (per-task settings;
    a loop round has its task's)."""
    task = base_task(task)
    merged = copy.deepcopy(config[name])
    merged.update(config.get("overrides", {}).get(task, {}).get(name, {}))
    return merged


def make_task(config: dict, task: str):
    return get_task(task, **task_options(config, task))


def target(config: dict, task: str) -> np.ndarray:
    """The single-target scenario's y*: the config's override or the task's paper default
    (learning coordinates: a tabular task's y* is given in data units and transformed).
    Every loop round of a task designs for the same y*."""
    task = base_task(task)
    value = config["targets"].get(task)
    if value is not None and task in config.get("tabular", {}):
        return make_task(config, task).encode_target(value, f"config 'targets.{task}'")
    return np.asarray(value, float) if value is not None else make_task(config, task).default_target


def scenario_target(config: dict, task: str, scenario: str) -> list[float] | None:
    """y* as a parameter of single_target jobs only: many_targets jobs use held-out test y's,
    so a new targets.<task> must not rerun them."""
    return target(config, task).tolist() if scenario == "single_target" else None


def resolve(config: dict, task: str) -> TaskSettings:
    """The typed settings of `task` from a validated config: each section with
    overrides.<task> laid over it."""
    return TaskSettings(
        inn=INNSettings.from_section(section(config, task, "inn"), inn_dims(config, task)),
        localization=LocalizationSettings(**section(config, task, "localization")),
        evaluation=EvaluationSettings(**section(config, task, "evaluation")),
        na=NASettings(**section(config, task, "na")),
        baselines={
            model: BaselineSettings.from_section(section(config, task, name))
            for model, name in BASELINE_MODELS.items()
        },
    )


def latent_dim(config: dict, task: str) -> int:
    """Columns of the INN's latent draws (INN.latent_dim, which the trained model answers
    the same): z, plus the output padding when the likelihood L_z gives it a density."""
    inn, t = section(config, task, "inn"), make_task(config, task)
    settings = INNSettings.from_section(inn, _inn_dims(inn, t, task))
    return latent_columns(settings.z_dim, settings.dim_total, t.y_dim, settings.output_pad_std)


def uses_layout_surrogate(config: dict, task: str) -> bool:
    """Whether iPage's localization and NA search `task` through the layout CNN: its designs
    map to pixel layouts (capability layout_map) and layout_surrogate.enabled."""
    layout_map = task_capabilities(base_task(task), **task_options(config, task)).layout_map
    return layout_map and section(config, task, "layout_surrogate")["enabled"]


def inn_size(config: dict, task: str) -> dict[str, int]:
    """What the INN's parameter count depends on (blocks, hidden, layers, z_dim, dim_total):
    the parameter-matched baselines' only input from the INN, so a change to the INN's loss
    or training does not retrain them."""
    inn = section(config, task, "inn")
    z_dim, dim_total = inn_dims(config, task)
    size = {key: inn[key] for key in ("blocks", "hidden", "layers")}
    return {**size, "z_dim": z_dim, "dim_total": dim_total}


def inn_dims(config: dict, task: str) -> tuple[int, int]:
    """(z_dim, dim_total) of the task's INN: defaults z = x_dim - y_dim (at least 1) and
    dim_total = max(x_dim, y_dim + z_dim) + pad."""
    return _inn_dims(section(config, task, "inn"), make_task(config, task), task)


def _inn_dims(inn: dict, t: Task, task: str) -> tuple[int, int]:
    """inn_dims from the task's resolved `inn` section and its built task t."""
    z_dim = inn["z_dim"] or max(1, t.x_dim - t.y_dim)
    dim_total = inn["dim_total"] or max(t.x_dim, t.y_dim + z_dim) + inn["pad"]
    require(
        dim_total >= max(t.x_dim, t.y_dim + z_dim),
        f"config 'inn.dim_total': {dim_total} "
        f"must be >= max(x_dim, y_dim + z_dim) = {max(t.x_dim, t.y_dim + z_dim)} for {task!r}",
    )
    return int(z_dim), int(dim_total)
