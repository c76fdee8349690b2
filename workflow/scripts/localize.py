"""Rule localize: INN posterior samples, gradient localization, best-candidate selection."""

import time

import numpy as np
import torch

from ipage.device import select_device, set_threads
from ipage.inverse import solve
from ipage.methods import INN_METHODS
from ipage.models.inn import ForwardSurrogate
from ipage.models.serialize import load_model
from ipage.tasks import get_task
from ipage.workflow_io import run, save_solutions


def main(smk, log):
    t_start = time.perf_counter()
    set_threads(smk.threads)
    device = select_device(smk.params.device)
    w, loc = smk.wildcards, smk.params.localization
    method = INN_METHODS[w.inn_method]
    task = get_task(w.task, **smk.params.options)
    inn = load_model(smk.input.inn, device)
    surrogate = ForwardSurrogate(load_model(smk.input.surrogate, device))
    with np.load(smk.input.latent) as f:
        z_all, targets = f["z"], f["targets"]
        sample_seconds, per_target = f["seconds"], int(f["per_target"])
    xs, losses, seconds = [], [], []
    for repeat, z in enumerate(z_all):
        start = time.perf_counter()
        x, loss = solve(
            inn,
            surrogate,
            task,
            method,
            targets,
            z,
            per_target,
            w.scenario == "single_target",
            loc,
            log,
        )
        seconds.append(sample_seconds[repeat] + time.perf_counter() - start)
        xs.append(x)
        losses.append(loss)
        log(
            f"repeat {repeat + 1}/{len(z_all)}: {len(x)} solutions, median surrogate loss "
            f"{np.median(loss):.2e}, {seconds[-1]:.2f} s"
        )
    with torch.no_grad():  # the surrogate's prediction for every kept solution
        predicted = [
            surrogate(torch.as_tensor(x, dtype=torch.float32, device=device)).cpu().numpy()
            for x in xs
        ]
    save_solutions(
        smk,
        xs,
        targets,
        np.stack(losses),
        seconds,
        t_start,
        device,
        surrogate_y=np.stack(predicted).astype(np.float64),
    )


run(snakemake, main)  # noqa: F821
