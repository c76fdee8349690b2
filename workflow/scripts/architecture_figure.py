"""Rule figure_architecture_solutions: single-target solution layouts of one method, grey
(as generated and localized) above binarized (what would be manufactured), each titled with its
re-simulated E_x/E_s; solid black, void white, one 32 x 32 unit cell per panel (repeat 0, the
first `columns` solutions, i.e. the lowest surrogate losses). A third row shows the training
designs whose E_x/E_s is closest to the target, for comparison with what the prior looks like."""

import numpy as np

from ipage.data import Split
from ipage.report import design_figures
from ipage.workflow_io import run


def main(smk, log):
    with np.load(smk.input.grey) as f:
        grey = np.clip(f["x"][0], 0.0, 1.0)
    with np.load(smk.input.binary) as f:
        binary = f["x"][0]
        valid = f["valid"][0] if "valid" in f else np.ones(len(binary), bool)
    with np.load(smk.input.grey_resim) as f:
        y_all_grey, e_grey = f["y"][..., 0], f["y"][0, :, 0]
    with np.load(smk.input.binary_resim) as f:
        y_all_binary, e_binary = f["y"][..., 0], f["y"][0, :, 0]
    target = float(smk.params.target[0])
    split = Split.load(smk.input.split)
    k = design_figures.architecture_solutions(
        smk.output[0],
        method=smk.params.method,
        target=target,
        grey=grey,
        binary=binary,
        valid=valid,
        y_grey=y_all_grey,
        y_binary=y_all_binary,
        split=split,
        columns=smk.params.columns,
    )
    log(
        f"{k} layouts -> {smk.output[0]}: E grey {np.round(e_grey[:k], 3).tolist()}, "
        f"binary {np.round(e_binary[:k], 3).tolist()}, target {target:g}"
    )


run(snakemake, main)  # noqa: F821
