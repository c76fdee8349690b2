"""Rule train_layout_cnn: the periodic layout CNN on the cleaned layouts of the split, saved
as the surrogate iPage's localization and NA search (through the relaxed layout map)."""

import time

import numpy as np
import torch

from ipage.data import Split
from ipage.device import select_device
from ipage.models.layout_cnn import RelaxedLayoutSurrogate
from ipage.models.normalize import count_parameters
from ipage.models.serialize import load_model
from ipage.settings import LayoutSurrogateSettings
from ipage.tasks import get_task
from ipage.train import train_layout_cnn
from ipage.workflow_io import run, save_trained


def main(smk, log):
    start = time.perf_counter()
    device = select_device(smk.params.device)
    s = LayoutSurrogateSettings.from_section(smk.params.settings)
    task = get_task(smk.wildcards.task, **smk.params.options)
    split = Split.load(smk.input[0])
    cells = [task.cells(x) for x in (split.x_train, split.x_val, split.x_test)]
    log(f"{len(cells[0])} training layouts {cells[0].shape[1:]}; training on {device}")
    init = load_model(smk.input.init[0], device).cnn if smk.input.init else None
    if init is not None:
        log(f"warm start: fine-tuning {smk.input.init[0]}")
    cnn, history, seconds = train_layout_cnn(
        (cells[0], cells[1]),
        (split.y_train, split.y_val),
        s,
        seed=smk.params.seed,
        device=device,
        log=log,
        init=init,
    )
    surrogate = RelaxedLayoutSurrogate(cnn, task.layout_basis(), task.size, s.beta).to(device)
    with torch.no_grad():  # how far it can be trusted: on exact layouts, through the relaxation
        on_cells = cnn(torch.as_tensor(cells[2], dtype=torch.float32, device=device))
        relaxed = surrogate(torch.as_tensor(split.x_test, dtype=torch.float32, device=device))
    mse = {
        name: float(np.mean(np.sum((pred.cpu().numpy() - split.y_test) ** 2, axis=1)))
        for name, pred in (("layouts", on_cells), ("relaxed", relaxed))
    }
    parameters = count_parameters(cnn)
    log(
        f"{parameters} parameters, trained in {seconds:.1f} s; held-out MSE "
        f"{mse['layouts']:.4g} on the layouts, {mse['relaxed']:.4g} through the relaxed map "
        f"(beta {s.beta:g})"
    )
    record = {"device": str(device), "parameters": parameters, "train_seconds": round(seconds, 3)}
    record |= {"test_mse_layouts": mse["layouts"], "test_mse_relaxed": mse["relaxed"]}
    save_trained(smk, {"model": surrogate}, history, start, record)


run(snakemake, main)  # noqa: F821
