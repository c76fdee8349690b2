"""Rule split: train / validation / test rows."""

import numpy as np

from ipage.artifacts import Samples
from ipage.data import split_rows
from ipage.workflow_io import run


def main(smk, log):
    samples = Samples.load(smk.input[0])
    d = smk.params.dataset
    split = split_rows(
        samples.x,
        samples.y,
        (d["val_fraction"], d["test_fraction"]),
        np.random.default_rng(smk.params.seed),
    )
    log(f"train {len(split.x_train)}, val {len(split.x_val)}, test {len(split.x_test)} rows")
    split.save(smk.output[0])


run(snakemake, main)  # noqa: F821
