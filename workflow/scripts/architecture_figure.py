"""Rule figure_architecture_solutions: single-target solution layouts of one method, grey
(as generated and localized) above binarized (what would be manufactured), each titled with its
re-simulated E_x/E_s; solid black, void white, one 32 x 32 unit cell per panel (repeat 0, the
first `columns` solutions, i.e. the lowest surrogate losses). A third row shows the training
designs whose E_x/E_s is closest to the target, for comparison with what the prior looks like."""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ipage.artifacts import Resim, Solutions, Split
from ipage.atomic import atomic_output
from ipage.workflow_io import run


def main(smk, log):
    grey_solutions = Solutions.load(smk.input.grey)
    binary_solutions = Solutions.load(smk.input.binary)  # binarize_solutions': `valid` is set
    grey, targets = np.clip(grey_solutions.x[0], 0.0, 1.0), grey_solutions.targets
    binary, valid = binary_solutions.x[0], binary_solutions.valid[0]
    y_all_grey = Resim.load(smk.input.grey_resim).y[..., 0]
    y_all_binary = Resim.load(smk.input.binary_resim).y[..., 0]
    e_grey, e_binary = y_all_grey[0], y_all_binary[0]
    target = float(smk.params.target[0])
    split = Split.load(smk.input.split)
    near = np.argsort(np.abs(split.y_train[:, 0] - target), kind="stable")
    k = min(int(smk.params.columns), len(grey))
    size = int(round(np.sqrt(grey.shape[1])))
    fig = Figure(figsize=(1.9 * k + 0.9, 7.1), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(3, k, squeeze=False)
    t = targets[:, 0]
    for row, (label, cells, e, y_all) in enumerate(
        [
            ("grey", grey, e_grey, y_all_grey),
            ("binary", binary, e_binary, y_all_binary),
            ("training data", split.x_train[near], split.y_train[near, 0], None),
        ]
    ):
        for j in range(k):
            ax = axes[row, j]
            ax.imshow(
                cells[j].reshape(size, size),
                cmap="gray_r",
                vmin=0.0,
                vmax=1.0,
                origin="lower",
                interpolation="nearest",
            )
            ax.set_xticks([])
            ax.set_yticks([])
            note = " (no network)" if row == 1 and not valid[j] else ""
            ax.set_title(f"E = {e[j]:.3f}{note}", fontsize=9)
        if y_all is None:
            axes[row, 0].set_ylabel(f"{label}\nclosest to target", fontsize=9)
        else:
            mse = float(np.mean((y_all - t[None]) ** 2))
            axes[row, 0].set_ylabel(f"{label}\nMSE {mse:.2e}", fontsize=9)
    fig.suptitle(
        f"architecture, {smk.params.method}, single target E_x/E_s = {target:g}: "
        f"solutions 1-{k} of repeat 1, grey (top) and binarized (middle), MSE over all "
        f"{y_all_grey.size} solutions; bottom: training designs with E closest to the target",
        fontsize=10,
    )
    with atomic_output(smk.output[0]) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    log(
        f"{k} layouts -> {smk.output[0]}: E grey {np.round(e_grey[:k], 3).tolist()}, "
        f"binary {np.round(e_binary[:k], 3).tolist()}, target {target:g}"
    )


run(snakemake, main)  # noqa: F821
