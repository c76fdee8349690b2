"""Bad input gets one clear line: a table of mistakes (bad_configs.yaml) and the exact
message each one gets.

Most cases go through `ipage.config.validate` (what `workflow/rules/common.smk` runs when
Snakemake parses the workflow); a few are only detectable when a job runs (a simulator's
output shape, a GPU that is not there) and call the code that job calls. Two end-to-end
checks run `snakemake -n` on a bad config and on no config at all.
"""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path

import jsonschema
import numpy as np
import pytest
import yaml
from workflow_helpers import snakemake

from ipage import config as ipage_config
from ipage.device import select_device
from ipage.errors import IpageError
from ipage.tasks import TASKS, get_task

REPO = Path(__file__).resolve().parent.parent
N_ROWS = 100

SIMULATOR_MODULE = """
import numpy as np


def good(x):
    return x[:, 0] + x[:, 1]


def wrong_shape(x):
    return x  # (n, 2) for a task with one y column


def words(x):
    return ["a"] * len(x)
"""


def write_csv(path: Path, rows: list[list], header: str = "x1,x2,y,c") -> None:
    lines = [header] + [",".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")


def good_rows(n: int = N_ROWS) -> list[list]:
    rng = np.random.default_rng(0)
    x = rng.uniform(0.1, 1.0, size=(n, 2))
    return [[a, b, a + b, 1.0] for a, b in x]


@pytest.fixture()
def data_dir(in_tmp_dir: Path) -> Path:
    """A working directory with good and bad data files and a simulator module."""
    write_csv(in_tmp_dir / "data.csv", good_rows())
    write_csv(in_tmp_dir / "short.csv", good_rows(30))
    rows = good_rows()
    rows[3][1] = "abc"
    write_csv(in_tmp_dir / "text.csv", rows)
    rows = good_rows()
    rows[5][2] = "nan"
    write_csv(in_tmp_dir / "nan.csv", rows)
    rows = good_rows()
    rows[7][0] = "inf"
    write_csv(in_tmp_dir / "inf.csv", rows)
    rows = good_rows()
    rows[2][2] = -1.0
    write_csv(in_tmp_dir / "negative.csv", rows)
    (in_tmp_dir / "binary.csv").write_bytes(bytes(range(128, 256)) * 20)
    (in_tmp_dir / "adir.csv").mkdir()
    write_csv(in_tmp_dir / "x_only.csv", [r[:2] for r in good_rows()], header="x1,x2")
    write_csv(in_tmp_dir / "y_short.csv", [[r[2]] for r in good_rows(50)], header="y")
    (in_tmp_dir / "toysim.py").write_text(SIMULATOR_MODULE)
    return in_tmp_dir


def base_config() -> dict:
    return {
        "tasks": ["toy"],
        "methods": ["ipage"],
        "seed": 0,
        "device": "cpu",
        "tabular": {"toy": {"path": "data.csv", "x_columns": ["x1", "x2"], "y_columns": ["y"]}},
        "dataset": {"n_samples": 600, "val_fraction": 0.1, "test_fraction": 0.1},
        "inn": {"blocks": 2, "hidden": 16, "epochs": 2},
        "evaluation": {"n_solutions": 5, "repeats": 1, "oversample": 2},
    }


def with_(changes: dict, toy: dict | None = None) -> dict:
    """base_config() with top-level `changes` and `toy` keys laid over tabular.toy."""
    cfg = copy.deepcopy(base_config())
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(cfg.get(key), dict):
            cfg[key].update(value)
        else:
            cfg[key] = value
    for key, value in (toy or {}).items():
        if value is None:
            cfg["tabular"]["toy"].pop(key, None)
        else:
            cfg["tabular"]["toy"][key] = value
    return cfg


def toy(**keys) -> dict:
    return with_({}, keys)


def known_methods() -> str:
    return ", ".join(ipage_config.known_methods())


def forward(simulator: str) -> None:
    cfg = ipage_config.validate(toy(simulator=simulator))
    ipage_config.make_task(cfg, "toy").forward(np.full((4, 2), 0.5))


def cuda_without_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    select_device("cuda")


TOP_LEVEL_KEYS = sorted(ipage_config.load_schema()["properties"])
INN_KEYS = sorted(ipage_config.load_schema()["properties"]["inn"]["properties"])
# Config mistakes `ipage.config.validate` reports (a table of data: bad_configs.yaml).
BAD_CONFIGS = yaml.safe_load((Path(__file__).parent / "bad_configs.yaml").read_text())


def expected_error(message: str, cwd: Path) -> str:
    """A bad_configs.yaml error with its placeholders filled in."""
    lists = {
        "{cwd}": str(cwd),
        "{methods}": known_methods(),
        "{allowed_tasks}": ", ".join(sorted([*TASKS, "toy"])),  # the registry and the table
        "{top_level_keys}": ", ".join(TOP_LEVEL_KEYS),
        "{inn_keys}": ", ".join(INN_KEYS),
    }
    for placeholder, value in lists.items():
        message = message.replace(placeholder, value)
    return message


def error_line(action, *args) -> str:
    """The one-line IpageError message `action(*args)` stops with."""
    with pytest.raises(IpageError) as info:
        action(*args)
    assert "\n" not in str(info.value)
    return str(info.value)


@pytest.mark.parametrize("case", BAD_CONFIGS, ids=[case["id"] for case in BAD_CONFIGS])
def test_bad_config_message(data_dir: Path, case: dict) -> None:
    config = with_(case.get("config", {}), case.get("toy"))
    assert error_line(ipage_config.validate, config) == expected_error(case["error"], data_dir)


TABULAR_NAME_ERRORS = {
    "sinewave": "config 'tabular': 'sinewave' is a built-in task name; allowed: any other name",
    "my-data": "config 'tabular': task name 'my-data' is not allowed; allowed: a letter, then "
    "letters, digits or '_'",
}


@pytest.mark.parametrize("name", TABULAR_NAME_ERRORS)
def test_bad_tabular_task_name(data_dir: Path, name: str) -> None:
    config = with_({"tasks": [name], "tabular": {name: base_config()["tabular"]["toy"]}})
    assert error_line(ipage_config.validate, config) == TABULAR_NAME_ERRORS[name]


# A simulator's output is checked when a job calls it.
SIMULATOR_OUTPUT_ERRORS = {
    "toysim:wrong_shape": "config 'tabular.toy.simulator': 'toysim:wrong_shape' returned shape "
    "(4, 2) for 4 input rows; expected (4, 1)",
    "toysim:words": "config 'tabular.toy.simulator': 'toysim:words' did not return numbers for "
    "4 rows (ValueError: could not convert string to float: 'a')",
}


@pytest.mark.parametrize("simulator", SIMULATOR_OUTPUT_ERRORS)
def test_bad_simulator_output(data_dir: Path, simulator: str) -> None:
    assert error_line(forward, simulator) == SIMULATOR_OUTPUT_ERRORS[simulator]


def test_gpu_requested_without_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """device: cuda on a CPU machine stops the job that selects the device."""
    assert error_line(cuda_without_gpu, monkeypatch) == (
        "config 'device': 'cuda' requested but no CUDA GPU is visible; use auto or cpu"
    )


def test_cuda_without_gpu_warns_when_the_workflow_is_parsed(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    cfg = ipage_config.validate(with_({"device": "cuda"}))
    assert ipage_config.warnings(cfg) == [
        "config 'device': 'cuda' but no CUDA GPU is visible here; jobs that run on this "
        "machine will stop with an error (use auto or cpu, or run them on GPU nodes)"
    ]


def test_nonfinite_drop_warns_and_keeps_the_rest(data_dir: Path) -> None:
    cfg = ipage_config.validate(toy(path="nan.csv", nonfinite="drop"))
    task = ipage_config.make_task(cfg, "toy")
    assert len(task.raw_x) == N_ROWS - 1
    assert ipage_config.warnings(cfg) == [
        "tabular.toy: dropped 1 of 100 rows with non-numeric or non-finite values "
        "(nonfinite: drop): 'y': 1 (first at data row 5: value nan)"
    ]


def test_target_outside_data_range_warns(data_dir: Path) -> None:
    cfg = ipage_config.validate(toy(target=[5.0]))
    (line,) = ipage_config.warnings(cfg)
    assert line.startswith("tabular.toy: target 5 for 'y' is outside the data range [")
    assert line.endswith("]: it may be unreachable")


def test_good_simulator_and_transforms_round_trip(data_dir: Path) -> None:
    cfg = ipage_config.validate(
        toy(simulator="toysim:good", transforms={"x1": "log", "y": "standardize"}, target=[1.0])
    )
    task = get_task("toy", **ipage_config.task_options(cfg, "toy"))
    x, y = task.dataset()
    np.testing.assert_allclose(task.forward(x), y, atol=1e-12)
    np.testing.assert_allclose(task.decode_x(x), task.raw_x)
    assert task.default_target[0] == pytest.approx((1.0 - task.raw_y.mean()) / task.raw_y.std())


def test_nested_config_strings_are_read_as_numbers_where_the_schema_wants_them() -> None:
    """Snakemake hands `--config dataset='{n_samples: 50}'` over as {'n_samples': '50'}."""
    from_cli = {
        "tasks": ["sinewave", "1"],
        "dataset": {"n_samples": "50", "test_fraction": "0.2"},
        "targets": {"sinewave": ["-0.5"]},
        "inn": {"z_dim": "null", "lr": "1e-3"},
        "overrides": {"sinewave": {"inn": {"epochs": "3"}, "na": {"plateau_decay": "false"}}},
    }
    validator = jsonschema.Draft7Validator(ipage_config.load_schema())
    assert ipage_config.coerce_strings(from_cli, validator) == {
        "tasks": ["sinewave", "1"],  # a string where strings are allowed stays one
        "dataset": {"n_samples": 50, "test_fraction": 0.2},
        "targets": {"sinewave": [-0.5]},
        "inn": {"z_dim": None, "lr": 0.001},
        "overrides": {"sinewave": {"inn": {"epochs": 3}, "na": {"plateau_decay": False}}},
    }


def one_error_line(result: subprocess.CompletedProcess) -> str:
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in out
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, out
    return errors[0]


@pytest.mark.slow
def test_snakemake_bad_config_prints_one_error_line(data_dir: Path) -> None:

    (data_dir / "bad_task.yaml").write_text(yaml.safe_dump(with_({"tasks": ["nope"]})))
    (data_dir / "bad_column.yaml").write_text(yaml.safe_dump(toy(x_columns=["x1", "x9"])))
    line = one_error_line(snakemake(data_dir, "-n", configfile="bad_task.yaml", check=False))
    assert line.startswith("error: config 'tasks': unknown task 'nope'; allowed: ")
    line = one_error_line(snakemake(data_dir, "-n", configfile="bad_column.yaml", check=False))
    assert line == (
        "error: config 'tabular.toy.x_columns': column 'x9' is not in data.csv; "
        "columns: x1, x2, y, c"
    )


@pytest.mark.slow
def test_snakemake_without_config_says_what_to_pass(tmp_path: Path) -> None:
    line = one_error_line(snakemake(tmp_path, "-n", configfile=None, check=False))
    assert line == (
        f"error: no configuration: config/config.yaml is not in {tmp_path}; pass --configfile "
        "<file>.yaml (examples: config/*.yaml in the repository)"
    )


@pytest.mark.slow
def test_crystal_dataset_dir_without_chunks_is_one_error_line(tmp_path: Path) -> None:

    config = {"tasks": ["crystal"], "methods": ["ipage"], "crystal": {"dataset_dir": "nowhere"}}
    (tmp_path / "crystal.yaml").write_text(yaml.safe_dump(config))
    line = one_error_line(snakemake(tmp_path, "-n", configfile="crystal.yaml", check=False))
    assert line == (
        "error: crystal.dataset_dir nowhere holds no chunks/chunk_*.csv: make it with "
        "python -m ipage.crystal generate --out DIR"
    )


@pytest.fixture()
def sinewave_config(tmp_path: Path) -> Path:
    """A small sinewave config for dry runs with --config on top."""

    path = tmp_path / "sinewave.yaml"
    config = {"tasks": ["sinewave"], "methods": ["ipage"], "device": "cpu"}
    path.write_text(yaml.safe_dump({**config, "evaluation": {"n_solutions": 5}}))
    return path


@pytest.mark.slow
@pytest.mark.parametrize("value", ["targets={sinewave: [-0.5]}", "dataset={n_samples: 50}"])
def test_snakemake_nested_numbers_from_the_command_line(sinewave_config: Path, value: str) -> None:
    result = snakemake(
        sinewave_config.parent, "-n", "--config", value, configfile=sinewave_config, check=False
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "error:" not in out, out


OVERRIDE_ERRORS = [
    (
        "overrides={robot_arm: {inn: {epochz: 3}}}",
        "error: config 'overrides.robot_arm.inn': unknown key 'epochz'; allowed: "
        + ", ".join(INN_KEYS),
    ),
    (
        "overrides={robot_arm: {inn: {epochs: many}}}",
        "error: config 'overrides.robot_arm.inn.epochs': 'many' is not of type integer",
    ),
    (
        "overrides={robotarm: {inn: {epochs: 3}}}",
        "error: config 'overrides': unknown task 'robotarm'; allowed: "
        f"{', '.join(sorted(TASKS))} (or a name defined under 'tabular')",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("value", "line"), OVERRIDE_ERRORS, ids=["typo", "type", "task"])
def test_snakemake_bad_override_is_one_error_line(
    sinewave_config: Path, value: str, line: str
) -> None:
    result = snakemake(
        sinewave_config.parent, "-n", "--config", value, configfile=sinewave_config, check=False
    )
    assert one_error_line(result) == line
