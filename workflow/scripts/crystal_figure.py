"""Rule figure_crystal_solutions: what the DFT re-simulation says about each method's
single-target SrTiO3 solutions. Left: the DFT gap of every re-simulated solution (all repeats)
against y*, over the histogram of the training gaps. Right: the same solutions' lattice
parameters in box units (parallel coordinates, one line per cell): spread = diversity of the
designs that hit the target; the training cells whose gap is within 0.05 eV of y* in grey."""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ipage.atomic import atomic_output
from ipage.crystal.structure import PARAM_NAMES
from ipage.data import Split
from ipage.tasks import get_task
from ipage.workflow_io import run

NEAR_TARGET_EV = 0.05


def main(smk, log):
    task = get_task("crystal", **smk.params.options)
    target = float(smk.params.target[0])
    split = Split.load(smk.input.split)
    width = task.upper - task.lower

    def box_units(x: np.ndarray) -> np.ndarray:
        return (x - task.lower) / width

    fig = Figure(figsize=(12, 4.6), layout="constrained")
    FigureCanvasAgg(fig)
    ax_gap, ax_par = fig.subplots(1, 2, width_ratios=[1, 1.6])
    ax_gap.hist(split.y_train[:, 0], bins=30, color="0.85", label="training gaps")
    ax_gap.axvline(target, color="k", ls="--", label=f"y* = {target:g} eV")
    near = np.abs(split.y_train[:, 0] - target) <= NEAR_TARGET_EV
    axes_pos = np.arange(len(PARAM_NAMES))
    for cell in box_units(split.x_train[near]):
        ax_par.plot(axes_pos, cell, color="0.8", lw=0.6, zorder=1)
    top = ax_gap.get_ylim()[1]
    for i, (method, sol_path, resim_path) in enumerate(
        zip(smk.params.methods, smk.input.solutions, smk.input.resim, strict=True)
    ):
        with np.load(sol_path) as f:
            x = f["x"].reshape(-1, len(PARAM_NAMES))
        with np.load(resim_path) as f:
            gap = f["y"].reshape(-1)
        ok = np.isfinite(gap)
        mse = float(np.mean((gap[ok] - target) ** 2)) if ok.any() else float("nan")
        color = f"C{i}"
        ax_gap.scatter(
            gap[ok],
            np.full(ok.sum(), top * (0.9 - 0.08 * i)),
            marker="|",
            s=300,
            color=color,
            label=f"{method}: {ok.sum()} by DFT, MSE {mse:.2e} eV²",
        )
        for cell in box_units(x[ok]):
            ax_par.plot(axes_pos, cell, color=color, lw=1.0, alpha=0.7, zorder=2)
        ax_par.plot([], [], color=color, label=method)
        log(f"{method}: {ok.sum()} DFT gaps, MSE {mse:.3e} eV^2, {int((~ok).sum())} failed")
    ax_par.plot([], [], color="0.8", label=f"training, |gap - y*| <= {NEAR_TARGET_EV} eV")
    ax_gap.set_xlabel("PBE band gap (eV)")
    ax_gap.set_ylabel("training cells")
    ax_gap.legend(fontsize=8, loc="upper left")
    ax_par.set_xticks(
        axes_pos,
        [
            f"{n}\n{lo:.3g}..{hi:.3g}"
            for n, lo, hi in zip(PARAM_NAMES, task.lower, task.upper, strict=True)
        ],
    )
    ax_par.set_ylim(-0.02, 1.02)
    ax_par.set_ylabel("position in the design box")
    ax_par.legend(fontsize=8, loc="upper right")
    fig.suptitle(
        f"SrTiO3, single target {target:g} eV: DFT re-simulated solutions (all repeats), "
        f"preset {task.preset.name}",
        fontsize=10,
    )
    with atomic_output(smk.output[0]) as tmp:
        fig.savefig(tmp, dpi=110, format="png")


run(snakemake, main)  # noqa: F821
