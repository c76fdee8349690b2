"""Rule resimulate: the true forward model on every solution."""

import numpy as np

from ipage.data import save_npz_atomic
from ipage.tasks import get_task
from ipage.workflow_io import run


def main(smk, log):
    task = get_task(smk.wildcards.task, **smk.params.options)
    with np.load(smk.input[0]) as f:
        x = f["x"]
    repeats, n, x_dim = x.shape
    log(f"re-simulating {repeats} x {n} solutions with the true {task.name} simulator")
    y = task.forward(x.reshape(-1, x_dim)).reshape(repeats, n, -1)
    save_npz_atomic(smk.output[0], y=y)


run(snakemake, main)  # noqa: F821
