"""Rule resimulate: the true forward model on every solution, and every solution's distance
to the nearest training design (box-normalised). A task without a simulator (a tabular task
with no `simulator`) is not re-simulated: y is all-NaN and `simulated` is False."""

import time

import numpy as np
from scipy.spatial import cKDTree

from ipage.artifacts import Resim, Solutions, Split
from ipage.tasks import get_task
from ipage.workflow_io import run

# A simulator of the user's is called in this many chunks, with a progress line for each.
PROGRESS_CHUNKS = 10


def main(smk, log):
    task = get_task(smk.wildcards.task, **smk.params.options)
    task.use_workers(int(smk.threads))  # FEM: one worker process per thread of the rule
    x = Solutions.load(smk.input[0]).x
    repeats, n, x_dim = x.shape
    flat = x.reshape(-1, x_dim)
    width = task.upper - task.lower
    split = Split.load(smk.input.split)
    tree = cKDTree((split.x_train - task.lower) / width)
    nearest, _ = tree.query((flat - task.lower) / width)
    reference, _ = tree.query((split.x_test - task.lower) / width)
    capabilities = task.capabilities
    simulated = capabilities.resimulation != "none"
    if not simulated:
        log(f"{task.name} has no simulator: {repeats} x {n} solutions are NOT re-simulated")
        y = np.full((len(flat), task.y_dim), np.nan)
    elif capabilities.dataset == "table":  # the user's simulator, of unknown cost: progress
        log(f"re-simulating {repeats} x {n} solutions with {task.simulator_ref!r}")
        start, parts = time.perf_counter(), []
        for i, chunk in enumerate(np.array_split(flat, min(PROGRESS_CHUNKS, len(flat)))):
            parts.append(task.forward(chunk))
            log(
                f"chunk {i + 1}: {sum(map(len, parts))}/{len(flat)} rows, "
                f"{time.perf_counter() - start:.1f} s"
            )
        y = np.concatenate(parts)
    else:
        log(f"re-simulating {repeats} x {n} solutions with the true {task.name} simulator")
        y = task.forward(flat)
    log(
        f"median distance to the nearest training design (box units): {np.median(nearest):.3g}"
        f" (held-out test designs, for reference: {np.median(reference):.3g})"
    )
    Resim(y.reshape(repeats, n, -1), nearest.reshape(repeats, n), simulated).save(smk.output[0])


run(snakemake, main)  # noqa: F821
