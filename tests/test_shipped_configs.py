"""Every config the README tells users to pass still validates and plans a complete run.

The configs are complete files (a --configfile stands alone), so a schema change or a renamed
option would otherwise surface only when a user runs them; a dry run parses the workflow, runs
the config validation in `common.smk` and builds the whole job graph without computing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from workflow_helpers import snakemake

REPO = Path(__file__).resolve().parent.parent
CONFIGS = sorted((REPO / "config").glob("*.yaml"))

# The rule that makes each task's dataset: the one a dry run must plan for that task.
DATASET_RULE = {"crystal": "crystal_dataset", "architecture": "architecture_dataset"}


@pytest.mark.slow
@pytest.mark.parametrize("config_file", CONFIGS, ids=[c.stem for c in CONFIGS])
def test_shipped_config_plans_the_whole_run(tmp_path: Path, config_file: Path) -> None:
    (tmp_path / "resources").symlink_to(REPO / "resources")  # configs name shipped inputs
    proc = snakemake(tmp_path, "-n", "--quiet", "rules", configfile=config_file, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "Traceback" not in out and "error:" not in out, out
    rule_line = out.split("output files have to be generated:")[1].strip().splitlines()[0]
    planned = {rule.strip() for rule in rule_line.split(",")}
    tasks = yaml.safe_load(config_file.read_text())["tasks"]
    expected = {"summarize", "tables", "localize"} | {
        DATASET_RULE.get(task, "split") for task in tasks
    }
    assert expected <= planned, f"{config_file.name}: {sorted(expected - planned)} not planned"
