"""Rule train_inn: the iPage INN with the dynamic bi-directional schedule."""

import time

import numpy as np
import torch

from ipage.data import Split
from ipage.device import select_device
from ipage.models.normalize import count_parameters
from ipage.models.serialize import load_model
from ipage.settings import INNSettings
from ipage.train import train_inn
from ipage.workflow_io import run, save_trained


def main(smk, log):
    start = time.perf_counter()
    device = select_device(smk.params.device)
    log(f"training on {device} ({smk.threads} thread(s))")
    split = Split.load(smk.input[0])
    settings = INNSettings.from_section(smk.params.inn, smk.params.dims)
    init = load_model(smk.input.init[0], device) if smk.input.init else None
    if init is not None:
        log(f"warm start: fine-tuning {smk.input.init[0]}")
    final, surrogate, history, seconds = train_inn(
        split, settings, seed=smk.params.seed, device=device, log=log, init=init
    )
    log(f"{count_parameters(final)} parameters, trained in {seconds:.1f} s")
    with torch.no_grad():  # how far the surrogate's predictions can be trusted
        x_test = torch.as_tensor(split.x_test, dtype=torch.float32, device=device)
        pred = surrogate.predict_y(x_test).cpu().numpy()
    test_mse = float(np.mean(np.sum((pred - split.y_test) ** 2, axis=1)))
    log(f"surrogate on {len(pred)} held-out test rows: MSE {test_mse:.4g}")
    record = {
        "device": str(device),
        "parameters": count_parameters(final),
        "train_seconds": round(seconds, 3),
        "surrogate_test_mse": test_mse,
    }
    save_trained(smk, {"inn": final, "surrogate": surrogate}, history, start, record)


run(snakemake, main)  # noqa: F821
