"""The workflow on a real Slurm cluster.

Runs the tiny configuration (one task) through ``workflow/profiles/slurm`` layered with the CI
override ``tests/cluster/profile`` (squeue status, no account, no GPU, CI-sized
resources) and checks that

* every job except the ``all`` target went through sbatch (Slurm job ids in the
  snakemake log, and squeue reports each of them COMPLETED under the run's job name);
* ``results/tables/summary.csv`` equals a local run of the same configuration;
* ``--forcerun evaluate`` resubmits every ``evaluate`` job and what depends on it, and
  nothing upstream;
* a corrupted intermediate file (latent draws) stops the run naming the failing rule
  (``localize``) and its log files, and a rerun after restoring the file resumes from
  the completed outputs (nothing upstream is resubmitted).

The Slurm tests skip (with the reason) when no Slurm controller answers, or fail
instead when IPAGE_REQUIRE_SLURM=1 (CI, after ``bash .ci/start_slurm.sh``). Every
snakemake call runs in its own process group and is killed as a whole (its Slurm jobs
cancelled) when it exceeds its time bound.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SLURM_PROFILE = REPO / "workflow" / "profiles" / "slurm"
LOCAL_PROFILE = REPO / "workflow" / "profiles" / "default"
TEST_PROFILE = Path(__file__).resolve().parent / "profile"
TINY = "tests/configs/tiny.yaml"
# The tiny configuration restricted to one task: every rule still runs (sinewave has the
# extra mode-coverage rules), at a third of the jobs; each Slurm job pays a snakemake
# start-up, so this keeps the test at a few minutes on a 2-CPU CI node.
TASKS_OVERRIDE = "tasks=[sinewave]"
# Rules upstream of evaluate / of the corrupted latent draws: never rerun by the
# --forcerun and resume checks.
UPSTREAM_OF_EVALUATE = {"simulate", "split", "train_inn", "sample_latent", "localize", "resimulate"}
UPSTREAM_OF_LOCALIZE = {"simulate", "split", "train_inn", "sample_latent"}
SUMMARY = Path("results/tables/summary.csv")
# One snakemake call may take at most this long (a full tiny run takes a few minutes).
RUN_TIMEOUT = int(os.environ.get("IPAGE_SLURM_RUN_TIMEOUT", "1200"))


def _is_timing(column: str) -> bool:
    """Columns of summary.csv that are wall-clock measurements (seconds, train_seconds)."""
    return column == "seconds" or column.endswith("_seconds")


SUBMIT_RE = re.compile(
    r"Job \d+ has been submitted with SLURM jobid (\d+) \(log: \S*/slurm_logs/rule_([^/\s]+)/"
)


# ----------------------------------------------------------------------------- helpers
def _slurm_unavailable() -> str | None:
    """Why the Slurm tests cannot run here, or None when a usable node answers."""
    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        return "snakemake-executor-plugin-slurm is not installed (pip install -e '.[slurm]')"
    for tool in ("sinfo", "sbatch", "squeue", "scancel"):
        if shutil.which(tool) is None:
            return f"{tool} not found: no Slurm client here (CI runs .ci/start_slurm.sh)"
    try:
        out = subprocess.run(
            ["sinfo", "-h", "-o", "%T"], capture_output=True, text=True, timeout=20
        )
    except subprocess.TimeoutExpired:
        return "sinfo did not answer within 20 s (slurmctld not running?)"
    if out.returncode != 0:
        return f"sinfo failed: {out.stderr.strip() or out.stdout.strip()}"
    states = out.stdout.split()
    usable = {"idle", "mixed", "allocated", "completing"}
    if not any(s in usable for s in states):  # "idle*" = not responding: unusable
        return f"no responding Slurm node (sinfo states: {states or 'none'})"
    return None


def _copy_workflow(dest: Path, source: Path = REPO) -> Path:
    """A private copy of the workflow and the ipage package, so runs never touch the
    repository's results/ and run the code as it was when the copy was made."""
    ignore = shutil.ignore_patterns("__pycache__", ".snakemake", "results", "logs")
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "Snakefile", dest / "Snakefile")
    for name in ("workflow", "config", "resources", "ipage"):
        if (source / name).is_dir():
            shutil.copytree(source / name, dest / name, ignore=ignore)
    (dest / "tests" / "configs").mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / TINY, dest / TINY)
    return dest


def _slurm_ids(text: str) -> list[str]:
    return [m.group(1) for m in SUBMIT_RE.finditer(text)]


def _submitted_per_rule(text: str) -> Counter:
    return Counter(m.group(2) for m in SUBMIT_RE.finditer(text))


def _job_stats(text: str) -> dict[str, int]:
    """The first 'Job stats' table of a snakemake log, without the total."""
    m = re.search(r"Job stats:\n\s*job\s+count\n[-\s]+\n((?:\s*\S+\s+\d+\n)+)", text)
    assert m, "no 'Job stats' table in the snakemake log"
    rows = dict(line.split() for line in m.group(1).strip().splitlines())
    rows.pop("total", None)
    return {rule: int(count) for rule, count in rows.items()}


def _snakemake(workdir: Path, args: list[str], log_name: str, timeout: int = RUN_TIMEOUT):
    """Run snakemake in its own process group; kill the group and scancel its jobs on
    timeout (the Slurm plugin can ignore SIGTERM). Returns (exit code, log text)."""
    log_path = workdir / log_name
    cmd = [sys.executable, "-m", "snakemake", *args]
    # The copied ipage package first on the path (Slurm jobs inherit it: --export=ALL).
    pythonpath = os.pathsep.join(filter(None, [str(workdir), os.environ.get("PYTHONPATH")]))
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=workdir,
            env={**os.environ, "PYTHONPATH": pythonpath},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            rc = proc.wait(timeout=timeout)
        except KeyboardInterrupt:
            os.killpg(proc.pid, signal.SIGINT)  # snakemake cancels its Slurm jobs
            proc.wait()
            raise
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            text = log_path.read_text(errors="replace")
            ids = _slurm_ids(text)
            if ids:
                subprocess.run(["scancel", *ids], timeout=30, check=False)
            tail = "\n".join(text.splitlines()[-40:])
            pytest.fail(
                f"snakemake {' '.join(args)} did not finish within {timeout} s and was "
                f"killed (cancelled Slurm jobs {ids}); last lines of {log_path}:\n{tail}"
            )
    return rc, log_path.read_text(errors="replace")


def _cluster_args(*extra: str) -> list[str]:
    return [
        "--workflow-profile", "none",
        "--profile", str(SLURM_PROFILE),
        "--profile", str(TEST_PROFILE),
        "--configfile", TINY,
        "--config", TASKS_OVERRIDE,
        *extra,
    ]  # fmt: skip


def _assert_ok(rc: int, text: str, what: str) -> None:
    if rc != 0:
        tail = "\n".join(text.splitlines()[-60:])
        pytest.fail(f"{what} exited {rc}; last lines of its log:\n{tail}")


def _squeue_states(ids: list[str]) -> dict[str, tuple[str, str]]:
    """{job id: (job name, state)} for the ids slurmctld still remembers (MinJobAge)."""
    out = subprocess.run(
        ["squeue", "-h", "--states=all", "-j", ",".join(ids), "-o", "%i|%j|%T"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    states = {}
    for line in out.stdout.splitlines():
        job_id, name, state = line.strip().split("|")
        states[job_id] = (name, state)
    return states


def _load_profile(path: Path) -> dict:
    return yaml.safe_load((path / "config.yaml").read_text())


# ----------------------------------------------------------------------------- no Slurm needed
def test_test_profile_mirrors_slurm_profile():
    """The CI override names the same rules as the real profile and asks for no GPU,
    while the real profile gives every train_* rule one GPU."""
    real, test = _load_profile(SLURM_PROFILE), _load_profile(TEST_PROFILE)
    assert real["executor"] == "slurm"
    assert set(test["set-resources"]) == set(real["set-resources"])
    assert set(test["set-threads"]) == set(real["set-threads"])
    # cpus_per_task would override the threads for every job: --cpus-per-task = threads
    assert "cpus_per_task" not in real["default-resources"]
    train_rules = [r for r in real["set-resources"] if r.startswith("train_")]
    assert train_rules, "the slurm profile gives no train_* rule a GPU"
    for rule in train_rules:
        assert real["set-resources"][rule]["gpu"] == 1, rule
        assert test["set-resources"][rule]["gpu"] == 0, rule
    assert test["slurm-status-command"] == "squeue"  # CI has no accounting (sacct)
    assert test["slurm-no-account"] is True


def test_profiles_name_existing_rules(tmp_path):
    """set-resources keys must be rules of the workflow: a renamed rule would silently
    lose its cluster resources. Every train_* rule of the workflow must be listed."""
    workdir = _copy_workflow(tmp_path / "wf")
    out = subprocess.run(
        [sys.executable, "-m", "snakemake", "--list-rules", "--configfile", TINY],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    # one rule per line, its docstring after it in parentheses (continued indented)
    rules = {line.split()[0] for line in out.stdout.splitlines() if line[:1].strip()}
    profile = _load_profile(SLURM_PROFILE)
    configured = set(profile["set-resources"]) | set(profile["set-threads"])
    # The expensive-simulator chunk rules are sized ahead of their rules landing.
    pending = {"crystal_dft_chunk", "architecture_chunk"} - rules
    assert configured - rules - pending == set(), "profile names unknown rules"
    assert {r for r in rules if r.startswith("train_")} <= configured


# ----------------------------------------------------------------------------- Slurm
@pytest.fixture(scope="module")
def slurm():
    reason = _slurm_unavailable()
    if reason and os.environ.get("IPAGE_REQUIRE_SLURM") == "1":
        pytest.fail(f"IPAGE_REQUIRE_SLURM=1 but {reason}")
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="module")
def snapshot(slurm, tmp_path_factory):
    """One copy of the code both runs start from (the working tree may change meanwhile)."""
    return _copy_workflow(tmp_path_factory.mktemp("snapshot"))


@pytest.fixture(scope="module")
def cluster_run(snapshot, tmp_path_factory):
    """The tiny workflow run once through Slurm: (workdir, log text)."""
    workdir = _copy_workflow(tmp_path_factory.mktemp("slurm") / "wf", snapshot)
    rc, text = _snakemake(workdir, _cluster_args(), "cluster.log")
    _assert_ok(rc, text, "the cluster run")
    return workdir, text


@pytest.fixture(scope="module")
def local_run(snapshot, tmp_path_factory):
    """The same configuration run locally with the default profile: workdir."""
    workdir = _copy_workflow(tmp_path_factory.mktemp("local") / "wf", snapshot)
    args = [
        "--workflow-profile", str(LOCAL_PROFILE),
        "--configfile", TINY,
        "--config", TASKS_OVERRIDE,
    ]  # fmt: skip
    rc, text = _snakemake(workdir, args, "local.log")
    _assert_ok(rc, text, "the local run")
    return workdir


@pytest.mark.slurm
def test_every_job_went_through_sbatch(cluster_run):
    workdir, text = cluster_run
    stats = _job_stats(text)
    expected = {rule: n for rule, n in stats.items() if rule != "all"}
    assert _submitted_per_rule(text) == Counter(expected)
    assert set(re.findall(r"^localrule (\S+):", text, re.M)) <= {"all"}

    ids = _slurm_ids(text)
    assert len(ids) == len(set(ids)) == sum(expected.values())
    states = _squeue_states(ids)
    # slurmctld forgets finished jobs after MinJobAge (600 s on the CI cluster); the
    # last ones must still be known, and every known one completed under one job name.
    assert ids[-1] in states, f"squeue does not know the last job {ids[-1]}"
    assert {state for _, state in states.values()} == {"COMPLETED"}, states
    assert len({name for name, _ in states.values()}) == 1, states


@pytest.mark.slurm
def test_summary_matches_local_run(cluster_run, local_run):
    cluster = pd.read_csv(cluster_run[0] / SUMMARY)
    local = pd.read_csv(local_run / SUMMARY)
    assert list(cluster.columns) == list(local.columns)
    assert len(cluster) == len(local) > 0
    keys = [c for c in cluster.columns if not pd.api.types.is_numeric_dtype(cluster[c])]
    pd.testing.assert_frame_equal(cluster[keys], local[keys])
    for col in cluster.columns:
        if col in keys or _is_timing(col):
            continue
        np.testing.assert_allclose(
            cluster[col].to_numpy(float),
            local[col].to_numpy(float),
            rtol=1e-6,
            atol=1e-9,
            equal_nan=True,
            err_msg=f"summary column {col} differs between Slurm and local runs",
        )


@pytest.mark.slurm
def test_forcerun_resubmits_rule_and_dependants_only(cluster_run):
    workdir, first = cluster_run
    models = sorted(workdir.glob("results/*/models/inn.pt"))
    before = {p: p.stat().st_mtime_ns for p in models}

    rc, text = _snakemake(workdir, _cluster_args("--forcerun", "evaluate"), "forcerun.log")
    _assert_ok(rc, text, "the --forcerun evaluate run")
    submitted = _submitted_per_rule(text)
    planned = {rule: n for rule, n in _job_stats(text).items() if rule != "all"}
    assert submitted == Counter(planned), "not every planned job went through sbatch"
    assert submitted["evaluate"] == _job_stats(first)["evaluate"], "not every evaluate job"
    assert submitted["summarize"] == 1, "a dependant of evaluate was not rerun"
    assert not UPSTREAM_OF_EVALUATE & set(submitted), f"upstream jobs rerun: {submitted}"
    assert {p: p.stat().st_mtime_ns for p in models} == before, "upstream outputs rewritten"


@pytest.mark.slurm
def test_failure_names_rule_and_log_then_rerun_resumes(cluster_run):
    workdir, _ = cluster_run
    # Latent draws are read by localize only: corrupting them fails exactly one job.
    bad = workdir / "results/sinewave/ipage/single_target/latent.npz"
    good = bad.read_bytes()
    bad.write_bytes(b"this is not an npz file\n")  # and newer than solutions.npz

    rc, text = _snakemake(workdir, _cluster_args(), "failing.log")
    assert rc != 0, "a corrupted input did not stop the run"
    assert _submitted_per_rule(text) == Counter({"localize": 1})
    assert "Error in rule localize:" in text
    rule_log = "logs/sinewave/ipage/single_target/localize.log"
    assert re.search(rf"log: {re.escape(rule_log)}, \S*slurm_logs/rule_localize/\S+", text), (
        "the error does not name the rule's log and its Slurm job log"
    )
    assert (workdir / rule_log).exists()
    assert not (workdir / "results/sinewave/ipage/single_target/solutions.npz").exists()

    bad.write_bytes(good)
    rc, text = _snakemake(workdir, _cluster_args(), "resume.log")
    _assert_ok(rc, text, "the rerun after fixing the input")
    submitted = _submitted_per_rule(text)
    # the failed job and what depends on it; everything upstream was kept
    assert submitted["localize"] == 1
    assert not UPSTREAM_OF_LOCALIZE & set(submitted), f"upstream jobs rerun: {submitted}"
    assert submitted == Counter({r: n for r, n in _job_stats(text).items() if r != "all"})
    assert (workdir / SUMMARY).exists()
