"""Helpers for tests that run the real workflow in a scratch directory (subprocess Snakemake)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import yaml

from ipage.threads import THREAD_VARS

REPO = Path(__file__).resolve().parent.parent

# A simulator whose first call sleeps IPAGE_TEST_SIM_SLEEP seconds: a slow dataset step.
SLOW_SIMULATOR = """
import os
import time


def gap(x):
    time.sleep(float(os.environ.get("IPAGE_TEST_SIM_SLEEP", "0")))
    return x[:, 0] * x[:, 1]
"""


def small_config(epochs: int = 3, n_samples: int = 400) -> dict:
    """sinewave (generic simulate rule) + toy (tabular, with a simulator); seconds-scale."""
    return {
        "tasks": ["sinewave", "toy"],
        "methods": ["ipage"],
        "seed": 0,
        "device": "cpu",
        "tabular": {
            "toy": {
                "path": "toy.csv",
                "x_columns": ["u", "v"],
                "y_columns": ["w"],
                "simulator": "toysim:gap",
                "target": [0.5],
            }
        },
        "dataset": {"n_samples": n_samples, "val_fraction": 0.1, "test_fraction": 0.1},
        "inn": {"blocks": 2, "hidden": 16, "epochs": epochs, "batch_size": 64},
        "localization": {"steps": 10},
        "evaluation": {"n_solutions": 10, "repeats": 2, "oversample": 2},
    }


def make_workdir(path: Path, config: dict) -> Path:
    """A scratch working directory: config.yaml, the toy table and its simulator module."""
    path.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    x = rng.uniform(0.1, 1.0, size=(300, 2))
    lines = ["u,v,w"] + [f"{a!r},{b!r},{a * b!r}" for a, b in x.tolist()]
    (path / "toy.csv").write_text("\n".join(lines) + "\n")
    (path / "toysim.py").write_text(SLOW_SIMULATOR)
    (path / "config.yaml").write_text(yaml.safe_dump(config))
    return path


def env(**extra: str) -> dict:
    """This checkout's ipage first on the path; one BLAS thread for Snakemake itself."""
    one_thread = {var: "1" for var in THREAD_VARS}
    return {**os.environ, "PYTHONPATH": str(REPO), **one_thread, **extra}


def snakemake_command(
    workdir: Path, *args: str, configfile: str | Path | None = "config.yaml", cores: int = 1
) -> list[str]:
    """`python -m snakemake *args` on this checkout's Snakefile in `workdir`; configfile is
    relative to workdir (None: no --configfile)."""
    cmd = [sys.executable, "-m", "snakemake", *args, "--cores", str(cores)]
    cmd += ["-s", str(REPO / "Snakefile"), "-d", str(workdir), "--rerun-incomplete"]
    if configfile is not None:  # last: --configfile takes every value up to the next option
        cmd += ["--configfile", str(workdir / configfile)]
    return cmd


def snakemake(
    workdir: Path,
    *args: str,
    configfile: str | Path | None = "config.yaml",
    cores: int = 1,
    timeout: float = 600,
    check: bool = True,
    **extra_env: str,
) -> subprocess.CompletedProcess:
    """The one way the tests run Snakemake to its end (its own process group, output kept);
    check: fail the test with the output's tail unless Snakemake succeeded."""
    result = subprocess.run(
        snakemake_command(workdir, *args, configfile=configfile, cores=cores),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env(**extra_env),
        start_new_session=True,
    )
    if check:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def start_workflow(workdir: Path, *args: str, **extra_env: str) -> subprocess.Popen:
    """Start Snakemake in its own process group (so kill_group reaches every job); its
    output goes to workdir/snakemake.out."""
    log = open(workdir / "snakemake.out", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        snakemake_command(workdir, *args),
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env(**extra_env),
        start_new_session=True,
    )


def wait_for_text(path: Path, text: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    """Wait until `text` appears in the file at `path` (or fail if the run ends first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text():
            return
        if proc.poll() is not None:
            raise AssertionError(f"workflow ended (rc {proc.returncode}) before {text!r}")
        time.sleep(0.2)
    kill_group(proc)
    raise AssertionError(f"{text!r} did not appear in {path} within {timeout} s")


def kill_group(proc: subprocess.Popen) -> None:
    """kill -9 Snakemake and every job it started (one process group), then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def unlock(workdir: Path) -> None:
    """After kill -9 the working directory stays locked; Snakemake's --unlock frees it."""
    snakemake(workdir, "--unlock", timeout=120)


def mtimes(paths: list[Path]) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in paths}
