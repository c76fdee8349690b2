"""Rule figure_crystal_solutions: what the DFT re-simulation says about each method's
single-target SrTiO3 solutions. Left: the DFT gap of every re-simulated solution (all repeats)
against y*, over the histogram of the training gaps. Right: the same solutions' lattice
parameters in box units (parallel coordinates, one line per cell): spread = diversity of the
designs that hit the target; the training cells whose gap is within 0.05 eV of y* in grey."""

import numpy as np

from ipage.artifacts import Resim, Solutions, Split
from ipage.crystal.structure import PARAM_NAMES
from ipage.report import design_figures
from ipage.tasks import get_task
from ipage.workflow_io import run


def main(smk, log):
    task = get_task("crystal", **smk.params.options)
    target = float(smk.params.target[0])
    split = Split.load(smk.input.split)
    solutions = []
    for method, sol_path, resim_path in zip(
        smk.params.methods, smk.input.solutions, smk.input.resim, strict=True
    ):
        x = Solutions.load(sol_path).x.reshape(-1, len(PARAM_NAMES))
        gap = Resim.load(resim_path).y.reshape(-1)
        solutions.append((method, x, gap))
        ok = np.isfinite(gap)
        mse = float(np.mean((gap[ok] - target) ** 2)) if ok.any() else float("nan")
        log(f"{method}: {ok.sum()} DFT gaps, MSE {mse:.3e} eV^2, {int((~ok).sum())} failed")
    design_figures.crystal_solutions(
        smk.output[0], task=task, target=target, split=split, solutions=solutions
    )


run(snakemake, main)  # noqa: F821
