"""Rule figure_crystal_solutions: what the DFT re-simulation says about each method's
single-target SrTiO3 solutions. Left: the DFT gap of every re-simulated solution (all repeats)
against y*, over the histogram of the training gaps. Right: the same solutions' lattice
parameters in box units (parallel coordinates, one line per cell): spread = diversity of the
designs that hit the target; the training cells whose gap is within 0.05 eV of y* in grey."""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ipage.artifacts import Resim, Solutions, Split
from ipage.atomic import atomic_output
from ipage.crystal.structure import PARAM_NAMES
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

    fig = Figure(figsize=(12, 4.8), layout="constrained")
    FigureCanvasAgg(fig)
    ax_gap, ax_par = fig.subplots(1, 2, width_ratios=[1, 1.6])
    ax_hist = ax_gap.twinx()
    ax_hist.hist(split.y_train[:, 0], bins=30, color="0.88", zorder=0)
    ax_hist.set_ylabel("training cells per bin", color="0.5")
    ax_gap.set_zorder(ax_hist.get_zorder() + 1)
    ax_gap.patch.set_visible(False)
    ax_gap.axvline(target, color="k", ls="--", lw=1)
    near = np.abs(split.y_train[:, 0] - target) <= NEAR_TARGET_EV
    axes_pos = np.arange(len(PARAM_NAMES))
    for cell in box_units(split.x_train[near]):
        ax_par.plot(axes_pos, cell, color="0.8", lw=0.6, zorder=1)
    rng = np.random.default_rng(0)  # vertical jitter of the gap markers only
    labels = []
    for i, (method, sol_path, resim_path) in enumerate(
        zip(smk.params.methods, smk.input.solutions, smk.input.resim, strict=True)
    ):
        x = Solutions.load(sol_path).x.reshape(-1, len(PARAM_NAMES))
        gap = Resim.load(resim_path).y.reshape(-1)
        ok = np.isfinite(gap)
        mse = float(np.mean((gap[ok] - target) ** 2)) if ok.any() else float("nan")
        color = f"C{i}"
        jitter = rng.uniform(-0.15, 0.15, ok.sum())
        ax_gap.scatter(gap[ok], i + jitter, s=14, color=color, alpha=0.8)
        labels.append(f"{method}\n{ok.sum()} by DFT\nMSE {mse:.2e} eV²")
        for cell in box_units(x[ok]):
            ax_par.plot(axes_pos, cell, color=color, lw=1.0, alpha=0.7, zorder=2)
        ax_par.plot([], [], color=color, label=method)
        log(f"{method}: {ok.sum()} DFT gaps, MSE {mse:.3e} eV^2, {int((~ok).sum())} failed")
    ax_gap.set_yticks(np.arange(len(labels)), labels, fontsize=8)
    ax_gap.set_ylim(-0.6, len(labels) - 0.4)
    ax_gap.set_xlabel(f"PBE band gap (eV); dashed: y* = {target:g} eV")
    ax_par.plot([], [], color="0.8", label=f"training, |gap - y*| <= {NEAR_TARGET_EV} eV")
    ax_par.axhspan(0.0, 1.0, color="0.96", zorder=0)
    ax_par.set_xticks(
        axes_pos,
        [
            f"{n}\n{lo:.3g}..{hi:.3g}"
            for n, lo, hi in zip(PARAM_NAMES, task.lower, task.upper, strict=True)
        ],
    )
    ax_par.set_ylabel("position in the design box (shaded)")
    ax_par.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.suptitle(
        f"SrTiO3, single target {target:g} eV: DFT re-simulated solutions (all repeats), "
        f"preset {task.preset.name}",
        fontsize=10,
    )
    with atomic_output(smk.output[0]) as tmp:
        fig.savefig(tmp, dpi=110, format="png")


run(snakemake, main)  # noqa: F821
