"""Does a space-filling latent design help? iPage's sampling strategies at small N_s.

Uses a finished workflow run's sinewave INN and surrogate (results/sinewave/models/, default
config) and the default localization/selection, and solves the single target y* = 1.2 with
N_s solutions from a fresh latent design per repeat, for each strategy (srs, lhs,
maximin_lhs). Per (strategy, N_s): modes covered (of 9) and re-sim MSE over the repeats,
mean, std and range. Writes benchmarks/out/space_filling.csv.

    python benchmarks/space_filling.py [--repeats 20] [--ns 25,50]
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ipage import config as ipage_config  # noqa: E402
from ipage.inverse import latent_posterior, solve  # noqa: E402
from ipage.methods import INN_METHODS  # noqa: E402
from ipage.metrics import modes_covered, resim_errors  # noqa: E402
from ipage.models.inn import ForwardSurrogate  # noqa: E402
from ipage.models.serialize import load_model  # noqa: E402
from ipage.sampling import candidate_latents  # noqa: E402

METHODS = {"srs": "ipage_srs", "lhs": "ipage_lhs", "maximin_lhs": "ipage"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--ns", default="25,50")
    parser.add_argument("--out", default=str(ROOT / "benchmarks/out/space_filling.csv"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    config = ipage_config.validate(yaml.safe_load(open(ROOT / "config/config.yaml")))
    task = ipage_config.make_task(config, "sinewave")
    typed = ipage_config.resolve(config, "sinewave")
    loc, oversample = typed.localization, typed.evaluation.oversample
    draws = typed.evaluation.latent_draws
    models = ROOT / "results/sinewave/models"
    inn = load_model(models / "inn.pt")
    surrogate = ForwardSurrogate(load_model(models / "inn_surrogate.pt"))
    target = task.default_target
    rows = []
    for n_s in [int(v) for v in args.ns.split(",")]:
        for strategy, name in METHODS.items():
            method = INN_METHODS[name]
            modes, mse = [], []
            for repeat in range(args.repeats):
                rng = np.random.default_rng([7, repeat, n_s])
                z = candidate_latents(n_s, inn.latent_dim, strategy, oversample, rng, draws)
                found = solve(
                    latent_posterior(inn, method.posterior),
                    surrogate,
                    task,
                    method,
                    np.tile(target, (n_s, 1)),
                    z,
                    per_target=oversample,
                    single_target=True,
                    localization=loc,
                    draws=draws,
                )
                modes.append(modes_covered(task, found.x, target)[0])
                mse.append(float(np.mean(resim_errors(task, found.x, target[None, :]))))
            rows.append(
                {
                    "strategy": strategy,
                    "n_s": n_s,
                    "repeats": args.repeats,
                    "modes_mean": np.mean(modes),
                    "modes_std": np.std(modes, ddof=1),
                    "modes_min": np.min(modes),
                    "resim_mse_mean": np.mean(mse),
                    "resim_mse_std": np.std(mse, ddof=1),
                    "resim_mse_max": np.max(mse),
                }
            )
            print(rows[-1], flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(args.out, index=False)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
