"""End to end: the real Snakemake workflow on a tiny config, all rules, all benchmark tasks."""

import math
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml
from workflow_helpers import make_workdir, snakemake

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("tiny")
    shutil.copy(ROOT / "tests/configs/tiny.yaml", workdir / "tiny.yaml")
    snakemake(workdir, configfile="tiny.yaml", cores=2)
    return workdir


@pytest.mark.slow
def test_summary_contract_and_localization_beats_plain_inn(tiny_run):
    summary = pd.read_csv(tiny_run / "results/tables/summary.csv")
    leading = "task method scenario n_solutions resim_mse_mean resim_mse_std modes_covered seconds"
    assert list(summary.columns[:8]) == leading.split()
    assert set(summary.task) == {"sinewave", "robot_arm", "ballistics"}
    assert len(summary) == 3 * 2 * 2
    assert summary.resim_mse_mean.map(math.isfinite).all()
    mse = summary.set_index(["task", "scenario", "method"]).resim_mse_mean
    for task in ("sinewave", "robot_arm", "ballistics"):
        for scenario in ("many_targets", "single_target"):
            assert mse[task, scenario, "ipage"] < mse[task, scenario, "inn"], (task, scenario)
    sine = summary[(summary.task == "sinewave") & (summary.scenario == "single_target")]
    assert sine.modes_covered.between(0, 9).all()
    assert (tiny_run / "results/tables/summary.md").read_text().startswith("| task")


@pytest.mark.slow
def test_changing_a_training_parameter_reruns_training_not_simulation(tiny_run):
    config = tiny_run / "tiny.yaml"
    text = config.read_text().replace("epochs: 20", "epochs: 19")
    changed = tiny_run / "changed.yaml"
    changed.write_text(text)
    proc = snakemake(tiny_run, "-n", "--quiet", "rules", configfile=changed)
    jobs = {line.split()[0] for line in proc.stdout.splitlines() if line.strip()}
    assert {"train_inn", "localize", "resimulate"} <= jobs
    assert not {"simulate", "split"} & jobs


@pytest.mark.slow
def test_posterior_diagnostics_table(tiny_run):
    table = pd.read_csv(tiny_run / "results/tables/posterior.csv")
    leading = "task model n_solutions resim_mse_single resim_mse_many r_1 r_10 r_50"
    assert list(table.columns[:8]) == leading.split()
    assert set(zip(table.task, table.model, strict=True)) == {
        (task, model)
        for task in ("sinewave", "robot_arm", "ballistics")
        for model in ("inn", "prior")
    }
    assert (table.r_1 >= table.r_10).all() and (table.r_10 >= table.r_50).all()
    assert table.in_box_single.between(0, 1).all()
    assert (table.reference_epsilon > 0).all()
    assert (tiny_run / "results/figures/posterior.png").stat().st_size > 0


# Each INN and baseline rule with a {scenario} wildcard: iPage, a generative baseline, NA.
RERUN_TARGETS = [f"results/sinewave/{method}/metrics.csv" for method in ("ipage", "mdn", "na")]


def planned_outputs(result: subprocess.CompletedProcess) -> set[str]:
    """The output files of the jobs a `snakemake -n` run lists."""
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    lines = [line.strip() for line in result.stdout.splitlines()]
    return {
        path.strip()
        for line in lines
        if line.startswith("output:")
        for path in line.removeprefix("output:").split(",")
    }


def touched_run(workdir: Path, config: dict) -> Path:
    """A run that looks finished: every output made empty, then recorded by --touch (its
    params stored as a real run stores them), in seconds instead of a real run. --forceall:
    every job is touched and recorded, whatever order the empty files got their mtimes in
    (without it a job whose output happened to be newer than its inputs went unrecorded, and
    a later params change could not rerun it)."""
    make_workdir(workdir, config)
    for path in planned_outputs(snakemake(workdir, "-n", *RERUN_TARGETS)):
        (workdir / path).parent.mkdir(parents=True, exist_ok=True)
        (workdir / path).touch()
    snakemake(workdir, *RERUN_TARGETS, "--touch", "--forceall", timeout=120)
    return workdir


@pytest.mark.slow
def test_a_new_single_target_reruns_only_single_target_jobs(tmp_path: Path) -> None:
    config = {"tasks": ["sinewave"], "methods": ["ipage", "mdn", "na"], "device": "cpu"}
    config["evaluation"] = {"n_solutions": 5, "repeats": 1}
    workdir = touched_run(tmp_path / "run", config)
    same = snakemake(workdir, "-n", *RERUN_TARGETS)
    assert planned_outputs(same) == set()
    changed = workdir / "changed.yaml"
    changed.write_text(yaml.safe_dump({**config, "targets": {"sinewave": [-0.5]}}))
    rerun = planned_outputs(snakemake(workdir, "-n", *RERUN_TARGETS, configfile=changed))
    assert {
        "results/sinewave/ipage/single_target/latent.npz",
        "results/sinewave/mdn/single_target/solutions.npz",
        "results/sinewave/na/single_target/solutions.npz",
    } <= rerun
    assert not [path for path in rerun if "many_targets" in path]


@pytest.mark.slow
def test_an_inn_loss_setting_retrains_the_inn_not_the_parameter_matched_baselines(tmp_path):
    config = {"tasks": ["sinewave"], "methods": ["ipage", "mdn", "na"], "device": "cpu"}
    config["evaluation"] = {"n_solutions": 5, "repeats": 1}
    workdir = touched_run(tmp_path / "run", config)
    changed = workdir / "changed.yaml"
    for inn, baselines_retrained in (({"y_sigma": 0.03}, False), ({"blocks": 4}, True)):
        changed.write_text(yaml.safe_dump({**config, "inn": inn}))
        rerun = planned_outputs(snakemake(workdir, "-n", *RERUN_TARGETS, configfile=changed))
        assert "results/sinewave/models/inn.pt" in rerun, inn
        for baseline in ("mdn", "mlp"):
            retrained = f"results/sinewave/models/{baseline}.pt" in rerun
            assert retrained is baselines_retrained, (inn, baseline)


@pytest.mark.slow
def test_latent_draws_rerun_the_ipage_searches_not_na_or_the_generative_baselines(tmp_path):
    config = {"tasks": ["sinewave"], "methods": ["ipage", "mdn", "na"], "device": "cpu"}
    config |= {"inn": {"pad": 1}, "evaluation": {"n_solutions": 5, "repeats": 1}}
    workdir = touched_run(tmp_path / "run", config)
    changed = workdir / "changed.yaml"
    evaluation = {**config["evaluation"], "latent_draws": 3}
    changed.write_text(yaml.safe_dump({**config, "evaluation": evaluation}))
    rerun = planned_outputs(snakemake(workdir, "-n", *RERUN_TARGETS, configfile=changed))
    assert "results/sinewave/ipage/single_target/solutions.npz" in rerun
    searches = [p for p in rerun if p.endswith(("solutions.npz", "resim.npz", ".pt"))]
    assert not [p for p in searches if "/na/" in p or "/mdn/" in p or "/models/" in p]
