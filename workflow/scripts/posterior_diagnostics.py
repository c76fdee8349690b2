"""Rule posterior_diagnostics: one model's raw posterior (or the prior) on one analytic task."""

import numpy as np

from ipage.data import Split
from ipage.device import select_device
from ipage.models.serialize import load_model
from ipage.posterior import PRIOR, diagnose, posterior_sampler
from ipage.settings import EvaluationSettings
from ipage.tasks import get_task
from ipage.workflow_io import run


def main(smk, log):
    device = select_device(smk.params.device)
    w = smk.wildcards
    task = get_task(w.task, **smk.params.options)
    model = None if w.model == PRIOR else load_model(smk.input.model, device)
    ev = EvaluationSettings(**smk.params.evaluation)
    row = diagnose(
        task,
        w.model,
        posterior_sampler(w.model, task, model, device, ev.latent_draws),
        Split.load(smk.input.split).y_test,
        np.asarray(smk.params.target, dtype=float),
        ev.n_solutions,
        smk.params.seed,
    )
    row.save(smk.output[0])
    log(
        f"{w.task} {w.model}: re-sim MSE single {row.resim_mse_single:.3g}, many "
        f"{row.resim_mse_many:.3g}; r_1 {row.r_1:.3g}, r_10 {row.r_10:.3g}, r_50 {row.r_50:.3g} "
        f"({row.r_targets} targets); in box {row.in_box_single:.3f} / {row.in_box_many:.3f}; "
        f"SW to reference {row.sw_reference:.3g} (epsilon {row.reference_epsilon:.3g}, "
        f"acceptance {row.reference_acceptance:.2g})"
    )


run(snakemake, main)  # noqa: F821
