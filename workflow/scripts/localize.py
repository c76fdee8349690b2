"""Rule localize: INN posterior samples, gradient localization, best-candidate selection."""

import time

import numpy as np

from ipage.artifacts import Latent, Solutions
from ipage.device import select_device
from ipage.inverse import latent_posterior, solve
from ipage.localize import surrogate_predictor, warm_up
from ipage.methods import INN_METHODS
from ipage.models.inn import ForwardSurrogate
from ipage.models.layout_cnn import built_layout_predictor
from ipage.models.serialize import load_model
from ipage.settings import LocalizationSettings
from ipage.tasks import get_task
from ipage.workflow_io import run, save_solutions


def main(smk, log):
    t_start = time.perf_counter()
    device = select_device(smk.params.device)
    w, loc = smk.wildcards, LocalizationSettings(**smk.params.localization)
    method = INN_METHODS[w.inn_method]
    task = get_task(w.task, **smk.params.options)
    posterior = latent_posterior(load_model(smk.input.posterior, device), method.posterior)
    network = load_model(smk.input.surrogate, device)  # the layout CNN maps x to y already
    if smk.params.layout_surrogate:  # searched relaxed, ranked on the layouts as built
        surrogate, built = network, built_layout_predictor(network, task.cells)
    else:
        surrogate, built = ForwardSurrogate(network), None
    latent = Latent.load(smk.input.latent)
    z_all, targets, per_target = latent.z, latent.targets, latent.per_target
    warm_up(surrogate, task.lower, task.upper)
    xs, losses, steps, seconds = [], [], [], []
    for repeat, z in enumerate(z_all):
        start = time.perf_counter()
        found = solve(
            posterior,
            surrogate,
            task,
            method,
            targets,
            z,
            per_target=per_target,
            single_target=w.scenario == "single_target",
            localization=loc,
            draws=latent.draws,
            predict=built,
            log=log,
        )
        seconds.append(time.perf_counter() - start)  # inference + localization (paper Fig. 7)
        xs.append(found.x)
        losses.append(found.surrogate_loss)
        steps.append(found.steps)
        log(
            f"repeat {repeat + 1}/{len(z_all)}: {len(found.x)} solutions, median surrogate loss "
            f"{np.median(found.surrogate_loss):.2e}, localization steps mean "
            f"{found.steps.mean():.1f} / max {found.steps.max()}, {seconds[-1]:.2f} s"
        )
    predict = built or surrogate_predictor(surrogate)
    predicted = [predict(x) for x in xs]  # the surrogate's prediction for every solution
    solutions = Solutions(
        x=np.stack(xs),
        targets=targets,
        seconds=np.asarray(seconds),
        surrogate_loss=np.stack(losses),
        surrogate_y=np.stack(predicted).astype(np.float64),
        steps=np.stack(steps),
        design_seconds=latent.seconds,
    )
    save_solutions(smk, solutions, t_start, device)


run(snakemake, main)  # noqa: F821
