"""End to end: two closed-loop rounds of the tiny sinewave config with the real workflow."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from workflow_helpers import REPO, make_workdir, snakemake

from ipage.artifacts import Split

METHODS = ["ipage", "inn"]


def loop_config(rounds: int) -> dict:
    config = yaml.safe_load((REPO / "tests/configs/tiny.yaml").read_text())
    return {
        **config,
        "tasks": ["sinewave"],
        "methods": METHODS,
        "loop": {"rounds": rounds, "add": "all"},
    }


@pytest.mark.slow
def test_round_1_trains_on_round_0_rows_plus_its_resimulated_solutions(tmp_path: Path):
    workdir = make_workdir(tmp_path / "loop", loop_config(rounds=2))
    snakemake(workdir, "results/tables/loop.csv", timeout=1800, cores=2)
    results = workdir / "results/sinewave"
    round_0, round_1 = (
        Split.load(results / "data/split.npz"),
        Split.load(results / "round_1/data/split.npz"),
    )
    added_x, added_y = [], []
    for method in METHODS:  # loop.add: all, in the order of `methods`
        with np.load(results / method / "single_target/solutions.npz") as f:
            added_x.append(f["x"].reshape(-1, 2))
        with np.load(results / method / "single_target/resim.npz") as f:
            added_y.append(f["y"].reshape(-1, 1))
    n_added = sum(map(len, added_x))
    assert n_added == 2 * 2 * 50  # methods x repeats x n_solutions
    assert len(round_1.x_train) == len(round_0.x_train) + n_added
    np.testing.assert_array_equal(round_1.x_train, np.concatenate([round_0.x_train, *added_x]))
    np.testing.assert_array_equal(round_1.y_train, np.concatenate([round_0.y_train, *added_y]))
    for part in ("x_val", "y_val", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(round_1, part), getattr(round_0, part))
    # round 1's models were trained on the merged set, not round 0's
    assert (results / "round_1/models/inn.pt").exists()

    table = pd.read_csv(workdir / "results/tables/loop.csv").set_index(["method", "round"])
    assert table.loc[("ipage", 0), "cumulative_calls"] == 2000 + 100
    assert table.loc[("ipage", 1), "cumulative_calls"] == 2000 + n_added + 100
    assert (workdir / "results/figures/loop.png").stat().st_size > 0

    # a third round reuses rounds 0 and 1: only round 2's jobs and the table are planned
    (workdir / "config.yaml").write_text(yaml.safe_dump(loop_config(rounds=3)))
    dry = snakemake(workdir, "-n", "results/tables/loop.csv", check=False)
    assert dry.returncode == 0, dry.stdout[-3000:] + dry.stderr[-3000:]
    rules = set(re.findall(r"^rule (\w+):", dry.stdout, re.MULTILINE))
    assert rules == {
        "loop_split", "train_inn", "sample_latent", "localize", "resimulate", "loop_table"
    }  # fmt: skip
    assert set(re.findall(r"task=([^,\s]+)", dry.stdout)) == {"sinewave/round_2"}
