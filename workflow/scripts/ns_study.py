"""Rule ns_study: single-target solutions from fresh N_s-point latent designs, per N_s."""

import numpy as np

from ipage.artifacts import NsStudy
from ipage.inverse import latent_posterior, solve
from ipage.methods import INN_METHODS
from ipage.models.inn import ForwardSurrogate
from ipage.models.serialize import load_model
from ipage.sampling import candidate_latents
from ipage.settings import EvaluationSettings, LocalizationSettings
from ipage.tasks import get_task
from ipage.workflow_io import run


def main(smk, log):
    w, ev = smk.wildcards, EvaluationSettings(**smk.params.evaluation)
    localization = LocalizationSettings(**smk.params.localization)
    method = INN_METHODS[w.inn_method]
    task = get_task(w.task, **smk.params.options)
    posterior = latent_posterior(load_model(smk.input.posterior), method.posterior)
    surrogate = ForwardSurrogate(load_model(smk.input.surrogate))
    per_target = ev.oversample if method.select else 1
    draws = ev.latent_draws if method.posterior == "inn" else 1
    dim = smk.params.latent_dim
    out = {}
    for n_s in smk.params.ns:
        targets = np.tile(np.asarray(smk.params.target, dtype=float), (n_s, 1))
        xs = []
        for repeat in range(ev.repeats):
            rng = np.random.default_rng([smk.params.seed, 2, repeat, n_s])
            z = candidate_latents(n_s, dim, method.sampling, per_target, rng, draws)
            found = solve(
                posterior,
                surrogate,
                task,
                method,
                targets,
                z,
                per_target=per_target,
                single_target=True,
                localization=localization,
                draws=draws,
            )
            xs.append(found.x)
        out[n_s] = np.stack(xs)
        log(f"N_s = {n_s}: {ev.repeats} repeats of {method.sampling} latent designs solved")
    NsStudy(out).save(smk.output[0])


run(snakemake, main)  # noqa: F821
