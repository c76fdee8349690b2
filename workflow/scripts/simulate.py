"""Rule simulate: prior draws and true-simulator labels for a cheap task."""

import time

import numpy as np

from ipage.data import save_npz_atomic
from ipage.tasks import get_task
from ipage.workflow_io import run, write_provenance


def main(smk, log):
    start = time.perf_counter()
    task = get_task(smk.wildcards.task, **smk.params.options)
    n = smk.params.dataset["n_samples"]
    rng = np.random.default_rng(smk.params.seed)
    x = task.sample_prior(n, rng)
    y = task.forward(x)
    log(f"{task.name}: {n} samples, x_dim={task.x_dim}, y in [{y.min():.3g}, {y.max():.3g}]")
    save_npz_atomic(smk.output[0], x=x, y=y)
    write_provenance(
        smk.output.provenance, smk.config, {"seed": smk.params.seed}, time.perf_counter() - start
    )


run(snakemake, main)  # noqa: F821
