"""Rule crystal_structures: the Latin-hypercube design of the crystal dataset and one extended
XYZ file per cell (design parameters in its comment line)."""

import time
from pathlib import Path

from ipage.crystal.chunks import plan_dataset
from ipage.crystal.structure import PARAM_NAMES, strained_atoms, write_structure
from ipage.tasks import get_task
from ipage.workflow_io import run


def main(smk, log):
    start = time.perf_counter()
    task = get_task("crystal", **smk.params.box)
    out_dir = Path(smk.output.design).parent
    plan = plan_dataset(
        out_dir, smk.params.n_samples, smk.params.chunk_size, smk.params.seed, task.box
    )
    structures = Path(smk.output.structures)
    for row in plan.itertuples(index=False):
        params = [getattr(row, k) for k in PARAM_NAMES]
        write_structure(structures / f"{row.id}.extxyz", strained_atoms(params), params, id=row.id)
    log(
        f"{len(plan)} cells in {plan.chunk.nunique()} chunks of <= {smk.params.chunk_size}; box "
        f"a, b, c in [{task.lower[0]:.4f}, {task.upper[0]:.4f}] A, angles in "
        f"[{task.lower[3]:.2f}, {task.upper[3]:.2f}] deg; "
        f"{time.perf_counter() - start:.1f} s"
    )


run(snakemake, main)  # noqa: F821
