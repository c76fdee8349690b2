"""Rule architecture_printability_table: the methods' printability rows and a reference row,
method 'training' / scenario 'near_target': the training designs within +-tolerance (relative)
of y*, whose diversity is what a method's single-target solutions can be held against."""

import numpy as np
import pandas as pd

from ipage.atomic import atomic_output, write_text_atomic
from ipage.data import Split
from ipage.fem.printability import near_target, summary
from ipage.tasks import get_task
from ipage.workflow_io import run


def main(smk, log):
    task = get_task("architecture", **smk.params.options)
    split = Split.load(smk.input.split)
    near = near_target(split.y_train, np.asarray(smk.params.target), smk.params.tolerance)
    reference = {"method": "training", "scenario": "near_target"}
    reference.update(summary([task.cells(split.x_train[near])]))
    table = pd.concat(
        [*(pd.read_csv(path) for path in smk.input.methods), pd.DataFrame([reference])],
        ignore_index=True,
    )
    with atomic_output(smk.output.csv) as tmp:
        table.to_csv(tmp, index=False)
    shown = table.astype(object).where(table.notna(), None)  # empty cells, not "nan"
    write_text_atomic(
        smk.output.md, shown.to_markdown(index=False, floatfmt=".4g", missingval="") + "\n"
    )
    log(
        f"{len(table) - 1} method rows + {int(near.sum())} training designs within "
        f"{smk.params.tolerance:.0%} of y* = {smk.params.target} -> {smk.output.csv}"
    )


run(snakemake, main)  # noqa: F821
