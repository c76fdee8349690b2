"""Rule architecture_dataset: the chunks merged in row order into samples.npz
(x (n, x_dim): spectral coefficients or pixel densities, y (n, 1) = E_x / E_s)."""

import time

import numpy as np

from ipage.artifacts import ArchitectureChunk, Samples
from ipage.errors import require
from ipage.workflow_io import run, write_provenance


def main(smk, log):
    start = time.perf_counter()
    xs, ys, fem_seconds, expected = [], [], 0.0, 0
    for path in smk.input:
        chunk = ArchitectureChunk.load(path)
        require(
            int(chunk.rows[0]) == expected,
            f"{path}: rows start at {int(chunk.rows[0])}, expected {expected}; "
            "delete results/architecture/data/chunks/ and rerun",
        )
        xs.append(chunk.x.astype(np.float64))
        ys.append(chunk.y)
        fem_seconds += chunk.seconds
        expected = int(chunk.rows[1])
    x, y = np.concatenate(xs), np.concatenate(ys)
    n = smk.params.n_samples
    require(len(x) == n, f"chunks hold {len(x)} cells, dataset.n_samples is {n}")
    Samples(x, y).save(smk.output[0])
    log(
        f"architecture: {n} cells from {len(smk.input)} chunks, x {x.shape}, "
        f"E_x/E_s in [{y.min():.3g}, {y.max():.3g}], median {np.median(y):.3g}; "
        f"chunk jobs took {fem_seconds:.0f} s in total"
    )
    write_provenance(
        smk.output.provenance,
        smk.config,
        {"seed": smk.params.seed, "chunk_seeds": "(seed, chunk index)"},
        time.perf_counter() - start,
        {"chunk_size": smk.params.chunk_size, "chunk_seconds_total": round(fem_seconds, 3)},
    )


run(snakemake, main)  # noqa: F821
