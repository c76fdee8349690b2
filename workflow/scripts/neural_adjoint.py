"""Rule neural_adjoint: NA search through the frozen forward MLP for every repeat (timed)."""

import time

import numpy as np

from ipage.artifacts import Solutions, Split
from ipage.device import select_device
from ipage.errors import require
from ipage.localize import warm_up
from ipage.models.layout_cnn import built_layout_predictor
from ipage.models.serialize import load_model
from ipage.na import neural_adjoint
from ipage.scenarios import scenario_seed, scenario_targets
from ipage.settings import NASettings
from ipage.tasks import get_task
from ipage.workflow_io import run, save_solutions


def main(smk, log):
    t_start = time.perf_counter()
    device = select_device(smk.params.device)
    w, s = smk.wildcards, NASettings(**smk.params.na)
    n_solutions, repeats = smk.params.evaluation["n_solutions"], smk.params.evaluation["repeats"]
    task = get_task(w.task, **smk.params.options)
    surrogate = load_model(smk.input.surrogate, device)
    # the layout CNN: searched relaxed, ranked on the layouts as built (as iPage's candidates)
    built = built_layout_predictor(surrogate, task.cells) if smk.params.layout_surrogate else None
    targets = scenario_targets(
        Split.load(smk.input.split), w.scenario, np.asarray(smk.params.target), n_solutions
    )
    if w.scenario == "single_target":  # one target: keep the best n of `restarts` starts
        distinct, restarts, keep = targets[:1], s.restarts, len(targets)
        require(
            restarts >= keep,
            f"config 'na.restarts': {restarts} must be >= evaluation.n_solutions = {keep}",
        )
    else:  # one solution per target: the best of `restarts_per_target` starts
        distinct, restarts, keep = targets, s.restarts_per_target, 1
    log(f"{len(distinct)} target(s) x {restarts} restarts, keep {keep} each, {s.steps} steps")
    warm_up(surrogate, task.lower, task.upper)
    xs, losses, seconds = [], [], []
    for repeat in range(repeats):
        rng = scenario_seed(smk.params.seed, w.scenario, repeat)
        start = time.perf_counter()
        result = neural_adjoint(
            surrogate,
            task,
            distinct,
            s,
            restarts=restarts,
            keep=keep,
            rng=rng,
            predict=built,
            log=log,
        )
        seconds.append(time.perf_counter() - start)
        xs.append(result.x)
        losses.append(result.surrogate_loss)
        log(
            f"repeat {repeat + 1}/{repeats}: {len(result.x)} solutions, median surrogate "
            f"loss {np.median(result.surrogate_loss):.2e}, {result.out_of_box} outside the box, "
            f"{seconds[-1]:.2f} s"
        )
    solutions = Solutions(
        np.stack(xs), targets, np.asarray(seconds), surrogate_loss=np.stack(losses)
    )
    save_solutions(smk, solutions, t_start, device)


run(snakemake, main)  # noqa: F821
