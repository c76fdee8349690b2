"""Rule architecture_chunk: prior cells of one dataset chunk labelled by FEM homogenization.

Chunk i draws its cells with the seed (seed, i), so every chunk is reproducible on its own and
chunks can run in any order or in parallel. Labels are computed in parts with a progress line
(cells done, rate, time left) after each; the output is written atomically at the end.
"""

import time

import numpy as np

from ipage.artifacts import ArchitectureChunk
from ipage.tasks import get_task
from ipage.workflow_io import run

# Progress lines per chunk (at least one every PROGRESS_MIN_CELLS cells).
PROGRESS_PARTS = 10
PROGRESS_MIN_CELLS = 8


def main(smk, log):
    i = int(smk.wildcards.i)
    start, stop = smk.params.rows
    n = stop - start
    options = {**smk.params.options, "n_workers": max(1, int(smk.threads))}
    task = get_task("architecture", **options)
    t0 = time.perf_counter()
    x = task.sample_prior(n, np.random.default_rng([smk.params.seed, i]))
    log(
        f"chunk {i}: rows {start}..{stop - 1} ({n} cells of {task.size} x {task.size}), "
        f"drawn in {time.perf_counter() - t0:.1f} s; FEM with {task.n_workers} worker(s)"
    )
    t1, parts, done = time.perf_counter(), [], 0
    n_parts = max(1, min(PROGRESS_PARTS, n // PROGRESS_MIN_CELLS))
    for part in np.array_split(x, n_parts):
        parts.append(task.forward(part))
        done += len(part)
        elapsed = time.perf_counter() - t1
        rate = done / elapsed if elapsed > 0 else float("inf")
        log(
            f"chunk {i}: {done}/{n} cells, {elapsed:.1f} s, {rate:.1f} cells/s, "
            f"about {(n - done) / rate:.0f} s left"
        )
    y = np.concatenate(parts)
    binary = bool(np.isin(x, (0.0, 1.0)).all())  # pixel layouts are 0/1: store as uint8
    ArchitectureChunk(
        x=x.astype(np.uint8) if binary else x,
        y=y,
        rows=np.array([start, stop]),
        seconds=time.perf_counter() - t0,
    ).save(smk.output[0])
    log(f"chunk {i}: E_x/E_s in [{y.min():.3g}, {y.max():.3g}], median {np.median(y):.3g}")


run(snakemake, main)  # noqa: F821
