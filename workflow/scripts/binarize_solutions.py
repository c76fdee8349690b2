"""Rule binarize_solutions: a method's solutions projected to manufacturable 0/1 layouts
(task.binarize: threshold 0.5, corner-only contacts filled, only the network spanning the period
kept; all-void where none spans). The result is the '<method>_binary' method: resimulate and
evaluate treat it like any other; its seconds include the projection."""

import time

import numpy as np

from ipage.artifacts import Solutions
from ipage.fem.designs import binarize
from ipage.tasks import get_task
from ipage.workflow_io import run


def main(smk, log):
    task = get_task(smk.wildcards.task, **smk.params.options)
    grey_solutions = Solutions.load(smk.input[0])
    x = grey_solutions.x
    repeats, n, x_dim = x.shape
    out, valid, took = [], [], []
    for xr in x:
        start = time.perf_counter()
        cells, ok = binarize(task.cells(xr), return_valid=True)
        took.append(time.perf_counter() - start)
        out.append(cells.reshape(n, x_dim))
        valid.append(ok)
    out, valid = np.stack(out), np.stack(valid)
    grey = np.clip(x, 0.0, 1.0)
    log(
        f"{repeats} x {n} solutions binarized in {sum(took):.2f} s: "
        f"{valid.mean():.1%} keep a network spanning the period (else all void); "
        f"mean |binary - grey| {np.abs(out - grey).mean():.3f} per pixel; pixels strictly "
        f"between 0.05 and 0.95 before: {np.mean((grey > 0.05) & (grey < 0.95)):.1%}; "
        f"volume fraction grey {grey.mean():.3f}, binary {out.mean():.3f}"
    )
    Solutions(
        x=out,
        targets=grey_solutions.targets,
        seconds=np.asarray(grey_solutions.seconds, dtype=float) + np.array(took),
        valid=valid,
    ).save(smk.output[0])


run(snakemake, main)  # noqa: F821
