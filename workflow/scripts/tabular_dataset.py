"""Rule tabular_dataset: a tabular task's rows from the user's file (see ipage/tasks/tabular.py)."""

import time

import numpy as np

from ipage.artifacts import Samples
from ipage.tasks import get_task
from ipage.workflow_io import run, write_provenance

# Rows on which a configured simulator is compared with the data before anything is trained.
SPOT_CHECK_ROWS = 3


def main(smk, log):
    start = time.perf_counter()
    task = get_task(smk.wildcards.task, **smk.params.options)
    spec = smk.params.options["tabular"]
    log(f"tabular task {task.name!r}: x = {task.x_columns}, y = {task.y_columns}")
    for line in task.facts:
        log(line)
    for line in task.warnings + task.target_warnings(task.raw_target):
        log(f"warning: {line}")
    log("dataset.n_samples does not apply: the rows are the file's usable rows")
    for col, lo, hi in zip(task.x_columns, task.raw_lower, task.raw_upper, strict=True):
        log(f"design box {col!r}: [{lo:.6g}, {hi:.6g}]")
    log(f"target y* = {task.raw_target.tolist()} (data units)")
    if task.capabilities.resimulation != "none":
        n = min(SPOT_CHECK_ROWS, len(task.raw_x))
        log(f"spot-checking the simulator {task.simulator_ref!r} on {n} data rows")
        t0 = time.perf_counter()
        y_sim = task.simulate_raw(task.raw_x[:n])
        diff = np.abs(y_sim - task.raw_y[:n])
        log(
            f"simulator vs data on {n} rows: max |difference| {diff.max():.4g} "
            f"({time.perf_counter() - t0:.2f} s)"
        )
    else:
        log("no simulator: solutions will be reported with surrogate predictions only")
    x, y = task.dataset()
    Samples(x, y).save(smk.output.samples)
    write_provenance(
        smk.output.provenance,
        smk.config,
        {"seed": smk.params.seed},
        time.perf_counter() - start,
        {"rows": len(x), "source": spec["path"], "simulator": task.simulator_ref},
    )
    log(f"{len(x)} rows -> {smk.output.samples}")


run(snakemake, main)  # noqa: F821
