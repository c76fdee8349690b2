"""What makes the INN posterior work: training variants against the raw posterior and iPage.

Trains the product INN (ipage.train.train_inn) on one analytic task with the default config's
settings changed by --set (JSON) and the training seed --train-seed (the data split stays the
config seed's), then scores raw posterior samples x = f^-1(y, z), z ~ N(0, I) (no
localization; evaluation.latent_draws draws per sample, see ipage.posterior.sample_inn) and
iPage's solutions (maximin-LHS latents, the config's localization and oversampling): re-sim
MSE for the task's y* (1000 samples) and for the first 1000 test targets (one sample each),
the share of raw samples inside the box, the best-L_y surrogate's held-out MSE and the
training time (1 CPU thread). Appends one JSON line per run to
benchmarks/out/inn_variants.jsonl.

    python benchmarks/inn_variants.py robot_arm
    python benchmarks/inn_variants.py ballistics --set '{"z_loss": "mmd", "lambda_min": 0.01}'
    python benchmarks/inn_variants.py sinewave --train-seed 2
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ipage import config as ipage_config  # noqa: E402
from ipage.data import split_rows  # noqa: E402
from ipage.inverse import latent_posterior, solve  # noqa: E402
from ipage.methods import INN_METHODS  # noqa: E402
from ipage.models.inn import ForwardSurrogate  # noqa: E402
from ipage.posterior import sample_inn  # noqa: E402
from ipage.sampling import candidate_latents  # noqa: E402
from ipage.train import train_inn  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=["sinewave", "robot_arm", "ballistics"])
    parser.add_argument("--set", default="{}", help="JSON dict of inn.* settings to change")
    parser.add_argument("--train-seed", type=int, help="training seed (default: config seed)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks/out/inn_variants.jsonl"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    changes = json.loads(args.set)
    config = ipage_config.validate(yaml.safe_load(open(ROOT / "config/config.yaml")))
    config["overrides"].setdefault(args.task, {}).setdefault("inn", {}).update(changes)
    config = ipage_config.validate(config)
    task = ipage_config.make_task(config, args.task)
    data = ipage_config.section(config, args.task, "dataset")
    typed = ipage_config.resolve(config, args.task)
    settings, draws = typed.inn, typed.evaluation.latent_draws
    per_target = typed.evaluation.oversample
    train_seed = config["seed"] if args.train_seed is None else args.train_seed
    rng = np.random.default_rng(config["seed"])
    x = task.sample_prior(data["n_samples"], rng)
    split = split_rows(x, task.forward(x), (data["val_fraction"], data["test_fraction"]), rng)
    final, surrogate, _, seconds = train_inn(
        split, settings, seed=train_seed, device=torch.device("cpu"), log=lambda _: None
    )
    targets = {
        "single": np.tile(task.default_target, (1000, 1)),
        "many": split.y_test[:1000],
    }
    row = {"task": args.task, "set": changes, "train_seed": train_seed}
    row["train_seconds"] = round(seconds, 1)
    row["latent_draws"] = draws
    with torch.no_grad():
        for scenario, y in targets.items():
            xs = sample_inn(final, y, np.random.default_rng(1), draws)
            row[f"resim_mse_{scenario}"] = float(np.mean(np.sum((task.forward(xs) - y) ** 2, 1)))
            row[f"in_box_{scenario}"] = float(
                np.mean(np.all((xs >= task.lower) & (xs <= task.upper), 1))
            )
        pred = surrogate.predict_y(torch.as_tensor(split.x_test, dtype=torch.float32)).numpy()
    for scenario, y in targets.items():
        z = candidate_latents(
            len(y), final.latent_dim, "maximin_lhs", per_target, np.random.default_rng(3), draws
        )
        solutions = solve(
            latent_posterior(final, "inn"),
            ForwardSurrogate(surrogate),
            task,
            INN_METHODS["ipage"],
            y,
            z,
            per_target=per_target,
            single_target=scenario == "single",
            localization=typed.localization,
            draws=draws,
        )
        error = np.sum((task.forward(solutions.x) - y) ** 2, 1)
        row[f"ipage_resim_mse_{scenario}"] = float(np.mean(error))
    row["surrogate_test_mse"] = float(np.mean(np.sum((pred - split.y_test) ** 2, 1)))
    print(json.dumps(row), flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "a") as f:
        f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
