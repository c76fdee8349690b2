"""Bad input gets one clear line: a table of mistakes and the exact message each one gets.

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

from ipage import config as ipage_config
from ipage.device import select_device
from ipage.errors import IpageError
from ipage.tasks import TASKS, get_task
from tests.workflow_helpers import snakemake_dry_run

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
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with good and bad data files and a simulator module."""
    write_csv(tmp_path / "data.csv", good_rows())
    write_csv(tmp_path / "short.csv", good_rows(30))
    rows = good_rows()
    rows[3][1] = "abc"
    write_csv(tmp_path / "text.csv", rows)
    rows = good_rows()
    rows[5][2] = "nan"
    write_csv(tmp_path / "nan.csv", rows)
    rows = good_rows()
    rows[7][0] = "inf"
    write_csv(tmp_path / "inf.csv", rows)
    rows = good_rows()
    rows[2][2] = -1.0
    write_csv(tmp_path / "negative.csv", rows)
    (tmp_path / "binary.csv").write_bytes(bytes(range(128, 256)) * 20)
    (tmp_path / "adir.csv").mkdir()
    write_csv(tmp_path / "x_only.csv", [r[:2] for r in good_rows()], header="x1,x2")
    write_csv(tmp_path / "y_short.csv", [[r[2]] for r in good_rows(50)], header="y")
    (tmp_path / "toysim.py").write_text(SIMULATOR_MODULE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


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


def validate(cfg: dict) -> None:
    ipage_config.validate(cfg)


def forward(simulator: str) -> None:
    cfg = ipage_config.validate(toy(simulator=simulator))
    ipage_config.make_task(cfg, "toy").forward(np.full((4, 2), 0.5))


def cuda_without_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    select_device("cuda")


CWD = "{cwd}"  # replaced by the test's working directory
ALLOWED_TASKS = ", ".join(sorted([*TASKS, "toy"]))  # the registry plus the tabular task
TOP_LEVEL_KEYS = sorted(ipage_config.load_schema()["properties"])
INN_KEYS = sorted(ipage_config.load_schema()["properties"]["inn"]["properties"])

# (id, what to run, the exact one-line message)
CASES = [
    (
        "unknown task",
        lambda: validate(with_({"tasks": ["nope"]})),
        f"config 'tasks': unknown task 'nope'; allowed: {ALLOWED_TASKS} "
        "(or a name defined under 'tabular')",
    ),
    (
        "unknown method",
        lambda: validate(with_({"methods": ["magic"]})),
        "config 'methods': unknown method 'magic'; allowed: {methods}",
    ),
    (
        "missing data file",
        lambda: validate(toy(path="missing.csv")),
        f"config 'tabular.toy.path': 'missing.csv' (relative to the working directory {CWD}) "
        "does not exist",
    ),
    (
        "data path is a directory",
        lambda: validate(toy(path="adir.csv")),
        "config 'tabular.toy.path': 'adir.csv' is not a file",
    ),
    (
        "unreadable data file",
        lambda: validate(toy(path="binary.csv")),
        "config 'tabular.toy.path': 'binary.csv' could not be read as CSV (UnicodeDecodeError)",
    ),
    (
        "unsupported file type",
        lambda: validate(toy(path="data.xlsx")),
        "config 'tabular.toy.path': 'data.xlsx' has an unsupported file type '.xlsx'; "
        "allowed: .csv, .tsv, .txt, .parquet",
    ),
    (
        "files with different row counts",
        lambda: validate(toy(path=["x_only.csv", "y_short.csv"])),
        "config 'tabular.toy.path': the files have different row counts "
        "(x_only.csv: 100, y_short.csv: 50); allowed: equal counts",
    ),
    (
        "wrong number of column names",
        lambda: validate(toy(columns=["x1", "x2", "y"])),
        "config 'tabular.toy.columns': 3 names for 4 columns in data.csv; "
        "allowed: one name per column",
    ),
    (
        "missing x column",
        lambda: validate(toy(x_columns=["x1", "x9"])),
        "config 'tabular.toy.x_columns': column 'x9' is not in data.csv; columns: x1, x2, y, c",
    ),
    (
        "missing y column",
        lambda: validate(toy(y_columns=["gap"])),
        "config 'tabular.toy.y_columns': column 'gap' is not in data.csv; columns: x1, x2, y, c",
    ),
    (
        "column both x and y",
        lambda: validate(toy(y_columns=["x2"])),
        "config 'tabular.toy.y_columns': column(s) 'x2' are also x_columns; "
        "allowed: disjoint x and y columns",
    ),
    (
        "missing required key",
        lambda: validate(toy(y_columns=None)),
        "config 'tabular.toy': 'y_columns' is a required property",
    ),
    (
        "non-numeric value (nonfinite: fail)",
        lambda: validate(toy(path="text.csv")),
        "config 'tabular.toy': column 'x2' of text.csv has 1 non-numeric or non-finite value(s), "
        "first at data row 3: non-numeric value 'abc'; allowed: finite numbers "
        "(or set tabular.toy.nonfinite: drop)",
    ),
    (
        "NaN value (nonfinite: fail)",
        lambda: validate(toy(path="nan.csv")),
        "config 'tabular.toy': column 'y' of nan.csv has 1 non-numeric or non-finite value(s), "
        "first at data row 5: value nan; allowed: finite numbers "
        "(or set tabular.toy.nonfinite: drop)",
    ),
    (
        "inf value (nonfinite: fail)",
        lambda: validate(toy(path="inf.csv")),
        "config 'tabular.toy': column 'x1' of inf.csv has 1 non-numeric or non-finite value(s), "
        "first at data row 7: value inf; allowed: finite numbers "
        "(or set tabular.toy.nonfinite: drop)",
    ),
    (
        "unknown nonfinite policy",
        lambda: validate(toy(nonfinite="skip")),
        "config 'tabular.toy.nonfinite': 'skip' is not allowed; allowed: fail, drop",
    ),
    (
        "fewer rows than needed to train",
        lambda: validate(toy(path="short.csv")),
        "config 'tabular.toy': 30 usable rows are too few; training needs 10+ training rows, "
        "1+ validation row and evaluation.n_solutions = 5 held-out test rows at "
        "dataset.test_fraction = 0.1, i.e. at least 46 rows",
    ),
    (
        "y* with the wrong dimension (tabular target)",
        lambda: validate(toy(target=[1.0, 2.0])),
        "config 'tabular.toy.target': [1.0, 2.0] has 2 values but y_columns has 1 (y)",
    ),
    (
        "y* with the wrong dimension (targets:)",
        lambda: validate(with_({"targets": {"toy": [1.0, 2.0]}})),
        "config 'targets.toy': [1.0, 2.0] has 2 values but y_columns has 1 (y)",
    ),
    (
        "y* with the wrong dimension (built-in task)",
        lambda: validate(with_({"tasks": ["sinewave"], "targets": {"sinewave": [1.0, 2.0]}})),
        "config 'targets.sinewave': [1.0, 2.0] has 2 values but task 'sinewave' has y_dim = 1",
    ),
    (
        "bounds with min >= max",
        lambda: validate(toy(bounds={"x1": [1.0, 0.0]})),
        "config 'tabular.toy.bounds.x1': [1, 0] has min >= max; allowed: [min, max] with min < max",
    ),
    (
        "bounds for a column that is not an x column",
        lambda: validate(toy(bounds={"y": [0.0, 1.0]})),
        "config 'tabular.toy.bounds': 'y' is not an x column; allowed: x1, x2",
    ),
    (
        "bounds with one number",
        lambda: validate(toy(bounds={"x1": [0.0]})),
        "config 'tabular.toy.bounds.x1': [0.0] is too short",
    ),
    (
        "constant x column without bounds",
        lambda: validate(toy(x_columns=["x1", "c"])),
        "config 'tabular.toy': x column 'c' is constant (1), so its data range is empty; "
        "give tabular.toy.bounds.c or drop it from x_columns",
    ),
    (
        "log transform of a column with values <= 0",
        lambda: validate(toy(path="negative.csv", transforms={"y": "log"})),
        "config 'tabular.toy.transforms.y': log needs positive values but column 'y' has "
        "1 value(s) <= 0 (min -1); allowed: none, standardize for such columns",
    ),
    (
        "unknown transform",
        lambda: validate(toy(transforms={"x1": "sqrt"})),
        "config 'tabular.toy.transforms.x1': 'sqrt' is not allowed; "
        "allowed: none, log, log10, standardize",
    ),
    (
        "tabular name clashes with a built-in task",
        lambda: validate(
            with_({"tasks": ["sinewave"], "tabular": {"sinewave": base_config()["tabular"]["toy"]}})
        ),
        "config 'tabular': 'sinewave' is a built-in task name; allowed: any other name",
    ),
    (
        "tabular name that is not an identifier",
        lambda: validate(
            with_({"tasks": ["my-data"], "tabular": {"my-data": base_config()["tabular"]["toy"]}})
        ),
        "config 'tabular': task name 'my-data' is not allowed; allowed: a letter, then letters, "
        "digits or '_'",
    ),
    (
        "simulator not of the form module:function",
        lambda: validate(toy(simulator="toysim.good")),
        "config 'tabular.toy.simulator': 'toysim.good' is not of the form 'module:function'",
    ),
    (
        "simulator module does not import",
        lambda: validate(toy(simulator="nosuchmodule:f")),
        "config 'tabular.toy.simulator': module 'nosuchmodule' does not import "
        "(ModuleNotFoundError: No module named 'nosuchmodule')",
    ),
    (
        "simulator function missing",
        lambda: validate(toy(simulator="toysim:nothere")),
        "config 'tabular.toy.simulator': module 'toysim' has no function 'nothere'",
    ),
    (
        "simulator returns the wrong shape",
        lambda: forward("toysim:wrong_shape"),
        "config 'tabular.toy.simulator': 'toysim:wrong_shape' returned shape (4, 2) "
        "for 4 input rows; expected (4, 1)",
    ),
    (
        "simulator returns non-numbers",
        lambda: forward("toysim:words"),
        "config 'tabular.toy.simulator': 'toysim:words' did not return numbers for 4 rows "
        "(ValueError: could not convert string to float: 'a')",
    ),
    (
        "negative dataset size",
        lambda: validate(with_({"tasks": ["sinewave"], "dataset": {"n_samples": -5}})),
        "config 'dataset.n_samples': -5 must be >= 10",
    ),
    (
        "zero repeats",
        lambda: validate(with_({"evaluation": {"repeats": 0}})),
        "config 'evaluation.repeats': 0 must be >= 1",
    ),
    (
        "zero epochs",
        lambda: validate(with_({"inn": {"epochs": 0}})),
        "config 'inn.epochs': 0 must be >= 1",
    ),
    (
        "negative number of solutions",
        lambda: validate(with_({"evaluation": {"n_solutions": -3}})),
        "config 'evaluation.n_solutions': -3 must be >= 1",
    ),
    (
        "max_rows too small",
        lambda: validate(toy(max_rows=0)),
        "config 'tabular.toy.max_rows': 0 must be >= 10",
    ),
    (
        "unknown device",
        lambda: validate(with_({"device": "tpu"})),
        "config 'device': 'tpu' is not allowed; allowed: auto, cpu, cuda",
    ),
    (
        "unknown top-level key",
        lambda: validate(with_({"tasx": ["toy"]})),
        "config '<top level>': unknown key 'tasx'; allowed: " + ", ".join(TOP_LEVEL_KEYS),
    ),
    (
        "unknown key in an override",
        lambda: validate(with_({"overrides": {"robot_arm": {"inn": {"epochz": 3}}}})),
        "config 'overrides.robot_arm.inn': unknown key 'epochz'; allowed: " + ", ".join(INN_KEYS),
    ),
    (
        "override of an unknown section",
        lambda: validate(with_({"overrides": {"toy": {"innn": {"epochs": 3}}}})),
        "config 'overrides.toy': unknown key 'innn'; allowed: cinn, cvae, dataset, evaluation, "
        "inn, localization, loop, mdn, na, na_surrogate",
    ),
    (
        "closed loop on a tabular task without a simulator",
        lambda: validate(with_({"loop": {"rounds": 2}})),
        "config 'loop.rounds': 2 rounds need a simulator, but tabular task 'toy' has none; "
        "allowed: 1 (no loop), or set tabular.toy.simulator",
    ),
    (
        "loop tolerance that is neither a number nor a percentage",
        lambda: validate(with_({"loop": {"tolerance": "2 percent"}})),
        "config 'loop.tolerance': '2 percent' does not match '^[0-9]+([.][0-9]+)?%$'",
    ),
    (
        "loop rounds per task",
        lambda: validate(with_({"overrides": {"toy": {"loop": {"rounds": 3}}}})),
        "config 'overrides.toy.loop': unknown key 'rounds'; allowed: tolerance",
    ),
    (
        "override with a value of the wrong type",
        lambda: validate(with_({"overrides": {"robot_arm": {"inn": {"epochs": "many"}}}})),
        "config 'overrides.robot_arm.inn.epochs': 'many' is not of type integer",
    ),
    (
        "override with a value out of range",
        lambda: validate(with_({"overrides": {"toy": {"evaluation": {"repeats": 0}}}})),
        "config 'overrides.toy.evaluation.repeats': 0 must be >= 1",
    ),
    (
        "override of an unknown task",
        lambda: validate(with_({"overrides": {"robotarm": {"inn": {"epochs": 3}}}})),
        f"config 'overrides': unknown task 'robotarm'; allowed: {ALLOWED_TASKS} "
        "(or a name defined under 'tabular')",
    ),
    (
        "--config string that is not a number",
        lambda: validate(with_({"dataset": {"n_samples": "lots"}})),
        "config 'dataset.n_samples': 'lots' is not of type integer",
    ),
]

RUNTIME_CASES = [
    (
        "GPU requested without one (device: cuda on a CPU machine)",
        cuda_without_gpu,
        "config 'device': 'cuda' requested but no CUDA GPU is visible; use auto or cpu",
    ),
]


@pytest.mark.parametrize(("action", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_message(data_dir: Path, action, message: str) -> None:
    expected = message.replace(CWD, str(data_dir)).replace("{methods}", known_methods())
    with pytest.raises(IpageError) as info:
        action()
    assert str(info.value) == expected
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("action", "message"), [c[1:] for c in RUNTIME_CASES], ids=[c[0] for c in RUNTIME_CASES]
)
def test_bad_runtime_input_message(monkeypatch: pytest.MonkeyPatch, action, message: str) -> None:
    with pytest.raises(IpageError) as info:
        action(monkeypatch)
    assert str(info.value) == message


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


def test_table_size() -> None:
    assert len(CASES) + len(RUNTIME_CASES) >= 20


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
    import yaml

    (data_dir / "bad_task.yaml").write_text(yaml.safe_dump(with_({"tasks": ["nope"]})))
    (data_dir / "bad_column.yaml").write_text(yaml.safe_dump(toy(x_columns=["x1", "x9"])))
    line = one_error_line(snakemake_dry_run(data_dir, "--configfile", "bad_task.yaml"))
    assert line.startswith("error: config 'tasks': unknown task 'nope'; allowed: ")
    line = one_error_line(snakemake_dry_run(data_dir, "--configfile", "bad_column.yaml"))
    assert line == (
        "error: config 'tabular.toy.x_columns': column 'x9' is not in data.csv; "
        "columns: x1, x2, y, c"
    )


@pytest.mark.slow
def test_snakemake_without_config_says_what_to_pass(tmp_path: Path) -> None:
    line = one_error_line(snakemake_dry_run(tmp_path))
    assert line == (
        f"error: no configuration: config/config.yaml is not in {tmp_path}; pass --configfile "
        "<file>.yaml (examples: config/*.yaml in the repository)"
    )


@pytest.mark.slow
def test_crystal_dataset_dir_without_chunks_is_one_error_line(tmp_path: Path) -> None:
    import yaml

    config = {"tasks": ["crystal"], "methods": ["ipage"], "crystal": {"dataset_dir": "nowhere"}}
    (tmp_path / "crystal.yaml").write_text(yaml.safe_dump(config))
    line = one_error_line(
        snakemake_dry_run(tmp_path, "--configfile", str(tmp_path / "crystal.yaml"))
    )
    assert line == (
        "error: crystal.dataset_dir nowhere holds no chunks/chunk_*.csv: make it with "
        "python -m ipage.crystal generate --out DIR"
    )


@pytest.fixture()
def sinewave_config(tmp_path: Path) -> Path:
    """A small sinewave config for dry runs with --config on top."""
    import yaml

    path = tmp_path / "sinewave.yaml"
    config = {"tasks": ["sinewave"], "methods": ["ipage"], "device": "cpu"}
    path.write_text(yaml.safe_dump({**config, "evaluation": {"n_solutions": 5}}))
    return path


@pytest.mark.slow
@pytest.mark.parametrize("value", ["targets={sinewave: [-0.5]}", "dataset={n_samples: 50}"])
def test_snakemake_nested_numbers_from_the_command_line(sinewave_config: Path, value: str) -> None:
    result = snakemake_dry_run(
        sinewave_config.parent, "--configfile", str(sinewave_config), "--config", value
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
    result = snakemake_dry_run(
        sinewave_config.parent, "--configfile", str(sinewave_config), "--config", value
    )
    assert one_error_line(result) == line
