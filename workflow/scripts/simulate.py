"""Rule simulate: prior draws and true-simulator labels for a cheap task."""

import time

import numpy as np

from ipage.artifacts import Samples
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
    Samples(x, y).save(smk.output[0])
    write_provenance(
        smk.output.provenance, smk.config, {"seed": smk.params.seed}, time.perf_counter() - start
    )


run(snakemake, main)  # noqa: F821
