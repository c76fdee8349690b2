"""Rule figure_architecture_solutions: single-target solution layouts of one method, each titled
with its re-simulated E_x/E_s; solid black, void white, one unit cell per panel (repeat 0, the
first `columns` solutions, i.e. the lowest surrogate losses). Grey (pixel) designs get a second
row with their binarized layouts (what would be manufactured) when the method has a '_binary'
row. The last row shows the training designs whose E_x/E_s is closest to the target, for
comparison with what the prior looks like."""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ipage.artifacts import Resim, Solutions, Split
from ipage.atomic import atomic_output
from ipage.tasks import get_task
from ipage.workflow_io import run


def solution_row(task, label, solutions_path, resim_path, k):
    """(label, layouts of the first k solutions of repeat 0, their E, all E, notes)."""
    solutions = Solutions.load(solutions_path)
    valid = None if solutions.valid is None else solutions.valid[0]
    y_all = Resim.load(resim_path).y[..., 0]
    cells = np.clip(task.cells(solutions.x[0][:k]), 0.0, 1.0)
    notes = ["" if valid is None or valid[j] else " (no network)" for j in range(k)]
    return label, cells, y_all[0, :k], y_all, notes


def main(smk, log):
    task = get_task("architecture", **smk.params.options)
    solutions = Solutions.load(smk.input.solutions)
    targets, n = solutions.targets, solutions.x.shape[1]
    k = min(int(smk.params.columns), n)
    target = float(smk.params.target[0])
    first = "grey" if task.grey_designs else "layout"
    rows = [solution_row(task, first, smk.input.solutions, smk.input.resim, k)]
    if "binary" in smk.input.keys():  # pixel layouts, like the grey ones
        rows.append(solution_row(task, "binary", smk.input.binary, smk.input.binary_resim, k))
    split = Split.load(smk.input.split)
    near = np.argsort(np.abs(split.y_train[:, 0] - target), kind="stable")[:k]
    rows.append(
        ("training data", task.cells(split.x_train[near]), split.y_train[near, 0], None, [""] * k)
    )
    fig = Figure(figsize=(1.9 * k + 0.9, 2.4 * len(rows) - 0.1), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(rows), k, squeeze=False)
    t = targets[:, 0]
    for row, (label, cells, e, y_all, notes) in enumerate(rows):
        for j in range(k):
            ax = axes[row, j]
            ax.imshow(
                cells[j], cmap="gray_r", vmin=0.0, vmax=1.0, origin="lower", interpolation="nearest"
            )
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"E = {e[j]:.3f}{notes[j]}", fontsize=9)
        if y_all is None:
            axes[row, 0].set_ylabel(f"{label}\nclosest to target", fontsize=9)
        else:
            mse = float(np.mean((y_all - t[None]) ** 2))
            axes[row, 0].set_ylabel(f"{label}\nMSE {mse:.2e}", fontsize=9)
    fig.suptitle(
        f"architecture ({task.representation}), {smk.params.method}, single target "
        f"E_x/E_s = {target:g}: solutions 1-{k} of repeat 1 ({' / '.join(r[0] for r in rows[:-1])}"
        f"), MSE over all {rows[0][3].size} solutions; bottom: training designs with E closest "
        "to the target",
        fontsize=10,
    )
    with atomic_output(smk.output[0]) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    log(
        f"{k} layouts -> {smk.output[0]}: "
        + ", ".join(f"E {r[0]} {np.round(r[2], 3).tolist()}" for r in rows[:-1])
        + f", target {target:g}"
    )


run(snakemake, main)  # noqa: F821
