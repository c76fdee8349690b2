"""Rule sample_baseline: posterior draws of MDN / cINN / cVAE for every repeat (timed)."""

import time

import numpy as np

from ipage.artifacts import Solutions, Split
from ipage.device import select_device
from ipage.models.serialize import load_model
from ipage.posterior import sample_conditional, torch_generator
from ipage.scenarios import scenario_seed, scenario_targets
from ipage.workflow_io import run, save_solutions


def main(smk, log):
    t_start = time.perf_counter()
    device = select_device(smk.params.device)
    w = smk.wildcards
    n_solutions, repeats = smk.params.evaluation["n_solutions"], smk.params.evaluation["repeats"]
    model = load_model(smk.input.model, device)
    targets = scenario_targets(
        Split.load(smk.input.split), w.scenario, np.asarray(smk.params.target), n_solutions
    )
    xs, seconds = [], []
    for repeat in range(repeats):
        rng = scenario_seed(smk.params.seed, w.scenario, repeat)
        gen = torch_generator(rng, device)
        start = time.perf_counter()
        x = sample_conditional(model, targets, gen)
        seconds.append(time.perf_counter() - start)
        xs.append(x)
        log(f"repeat {repeat + 1}/{repeats}: {len(x)} {w.generative} samples, "
            f"{seconds[-1]:.3f} s")  # fmt: skip
    no_loss = np.full((len(xs), len(targets)), np.nan)
    solutions = Solutions(np.stack(xs), targets, np.asarray(seconds), surrogate_loss=no_loss)
    save_solutions(smk, solutions, t_start, device)


run(snakemake, main)  # noqa: F821
