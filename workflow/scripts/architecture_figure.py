"""Rule figure_architecture_solutions: single-target solution layouts of one method, each titled
with its re-simulated E_x/E_s; solid black, void white, one unit cell per panel (repeat 0, the
first `columns` solutions, i.e. the lowest surrogate losses). Grey (pixel) designs get a second
row with their binarized layouts (what would be manufactured) when the method has a '_binary'
row. The last row shows the training designs whose E_x/E_s is closest to the target, for
comparison with what the prior looks like."""

import numpy as np

from ipage.artifacts import Resim, Solutions, Split
from ipage.report.design_figures import LayoutRow, architecture_solutions
from ipage.tasks import get_task
from ipage.workflow_io import run


def solution_row(task, label: str, solutions: Solutions, resim: Resim, k: int) -> LayoutRow:
    """The first k layouts of repeat 0 with their re-simulated E."""
    valid = None if solutions.valid is None else solutions.valid[0]
    y_all = resim.y[..., 0]
    cells = np.clip(task.cells(solutions.x[0][:k]), 0.0, 1.0)
    notes = ["" if valid is None or valid[j] else " (no network)" for j in range(k)]
    return LayoutRow(label, cells, y_all[0, :k], y_all, notes)


def main(smk, log):
    task = get_task("architecture", **smk.params.options)
    solutions = Solutions.load(smk.input.solutions)
    k = min(int(smk.params.columns), solutions.x.shape[1])
    target = float(smk.params.target[0])
    first = "grey" if task.grey_designs else "layout"
    rows = [solution_row(task, first, solutions, Resim.load(smk.input.resim), k)]
    if "binary" in smk.input.keys():  # the method's '_binary' row (grey designs only)
        binary = Solutions.load(smk.input.binary), Resim.load(smk.input.binary_resim)
        rows.append(solution_row(task, "binary", *binary, k))
    split = Split.load(smk.input.split)
    near = np.argsort(np.abs(split.y_train[:, 0] - target), kind="stable")[:k]
    cells = task.cells(split.x_train[near])
    rows.append(LayoutRow("training data", cells, split.y_train[near, 0], None, [""] * k))
    shown = " / ".join(row.label for row in rows[:-1])
    architecture_solutions(
        smk.output[0],
        title=(
            f"architecture ({task.representation}), {smk.params.method}, single target "
            f"E_x/E_s = {target:g}: solutions 1-{k} of repeat 1 ({shown}), MSE over all "
            f"{rows[0].y_all.size} solutions; bottom: training designs with E closest to the "
            "target"
        ),
        target=target,
        rows=rows,
    )
    log(
        f"{k} layouts -> {smk.output[0]}: "
        + ", ".join(f"E {row.label} {np.round(row.e, 3).tolist()}" for row in rows[:-1])
        + f", target {target:g}"
    )


run(snakemake, main)  # noqa: F821
