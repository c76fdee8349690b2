"""Rule train_baseline: a baseline's model ({model}: mdn, cinn, cvae, mlp) on its own
objective, width matched to the task's INN parameter count unless the config fixes it."""

import time

from ipage.baselines import PARAMETER_TOLERANCE, inn_parameter_count, train_baseline
from ipage.data import Split
from ipage.device import select_device
from ipage.models.serialize import load_model
from ipage.settings import BaselineSettings
from ipage.workflow_io import run, save_trained

NARROW = 32  # hidden widths below this starve the network


def main(smk, log):
    start = time.perf_counter()
    device = select_device(smk.params.device)
    name, s = smk.wildcards.model, BaselineSettings.from_section(smk.params.settings)
    log(f"training {name} on {device} ({smk.threads} thread(s))")
    split = Split.load(smk.input[0])
    inn_params = inn_parameter_count(split, smk.params.inn_size)
    init = load_model(smk.input.init[0], device) if smk.input.init else None
    if init is not None:
        log(f"warm start: fine-tuning {smk.input.init[0]}")
    trained = train_baseline(
        name,
        split,
        s,
        seed=smk.params.seed,
        device=device,
        target_parameters=inn_params,
        log=log,
        init=init,
    )
    ratio = trained.parameters / inn_params
    log(
        f"{trained.parameters} parameters (INN {inn_params}, ratio {ratio:.3f}), "
        f"trained in {trained.seconds:.1f} s"
    )
    if abs(ratio - 1) > PARAMETER_TOLERANCE:
        log(f"warning: parameter count off the INN's by more than {PARAMETER_TOLERANCE:.0%}")
    if trained.hidden < NARROW:  # e.g. an MDN whose K * (2 x_dim + 1) outputs eat the budget
        log(
            f"warning: hidden width {trained.hidden} is a bottleneck; give {name} fewer "
            "output parameters (mdn: fewer components) or more layers for this task"
        )
    save_trained(
        smk,
        {"model": trained.model},
        trained.history,
        start,
        {
            "model": name,
            "device": str(device),
            "hidden": trained.hidden,
            "layers": s.layers,
            "parameters": trained.parameters,
            "inn_parameters": inn_params,
            "parameter_ratio": round(ratio, 4),
            "best_val_loss": min(row["val_loss"] for row in trained.history),
            "train_seconds": round(trained.seconds, 3),
        },
    )


run(snakemake, main)  # noqa: F821
