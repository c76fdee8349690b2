"""Rule sample_latent: latent designs for every repeat (timed: part of inference)."""

import time

import numpy as np

from ipage.artifacts import Latent, Split
from ipage.methods import INN_METHODS
from ipage.sampling import candidate_latents
from ipage.scenarios import scenario_seed, scenario_targets
from ipage.settings import EvaluationSettings
from ipage.workflow_io import run


def main(smk, log):
    w, ev = smk.wildcards, EvaluationSettings(**smk.params.evaluation)
    method = INN_METHODS[w.inn_method]
    targets = scenario_targets(
        Split.load(smk.input[0]), w.scenario, np.asarray(smk.params.target), ev.n_solutions
    )
    per_target = ev.oversample if method.select else 1
    draws = ev.latent_draws if method.posterior == "inn" else 1
    n, dim = len(targets), smk.params.latent_dim
    z, seconds = [], []
    for repeat in range(ev.repeats):
        start = time.perf_counter()
        rng = scenario_seed(smk.params.seed, w.scenario, repeat)
        z.append(candidate_latents(n, dim, method.sampling, per_target, rng, draws))
        seconds.append(time.perf_counter() - start)
        log(
            f"repeat {repeat + 1}/{ev.repeats}: {per_target} round(s) of {n} x {dim} "
            f"{method.sampling} latent samples ({draws} shifted copies each) in "
            f"{seconds[-1]:.2f} s"
        )
    Latent(np.stack(z), targets, np.array(seconds), per_target, draws).save(smk.output[0])


run(snakemake, main)  # noqa: F821
