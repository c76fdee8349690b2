"""Rule architecture_printability: one method's solutions checked for printability (grey
pixels, connectivity across the period, minimum solid / void feature, volume fraction) and
their diversity, one row per scenario (means over repeats x solutions; diversity within each
repeat, averaged over repeats)."""

import time

import pandas as pd

from ipage.artifacts import Solutions
from ipage.atomic import atomic_output
from ipage.fem.printability import summary
from ipage.tasks import get_task
from ipage.workflow_io import run


def main(smk, log):
    task = get_task("architecture", **smk.params.options)
    rows = []
    for scenario, path in zip(smk.params.scenarios, smk.input, strict=True):
        start = time.perf_counter()
        x = Solutions.load(path).x
        row = {"method": smk.wildcards.method, "scenario": scenario}
        row.update(summary([task.cells(xr) for xr in x]))
        rows.append(row)
        log(
            f"{scenario}: {row['n_layouts']} layouts checked in "
            f"{time.perf_counter() - start:.2f} s: grey {row['grey_fraction']:.3f}, "
            f"connected in x and y {row['connected_xy']:.0%}, diversity {row['diversity']:.3f}"
        )
    with atomic_output(smk.output[0]) as tmp:
        pd.DataFrame(rows).to_csv(tmp, index=False)


run(snakemake, main)  # noqa: F821
