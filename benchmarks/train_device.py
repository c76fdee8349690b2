"""Benchmark INN training and localization on CPU vs CUDA with the default config's settings.

    python benchmarks/train_device.py [--task sinewave] [--epochs N] [--devices cpu,cuda]

Writes benchmarks/out/train_device.json: seconds per epoch, total training seconds, best
validation L_y, and the time to localize oversample x n_solutions candidates, per device.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

import numpy as np
import torch
import yaml

from ipage import config as ipage_config
from ipage.data import split_rows
from ipage.localize import localize
from ipage.models.inn import ForwardSurrogate
from ipage.train import train_inn

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="sinewave")
    parser.add_argument("--epochs", type=int, default=None, help="default: the config's")
    parser.add_argument("--devices", default="cpu,cuda")
    parser.add_argument("--config", default=str(ROOT / "config/config.yaml"))
    parser.add_argument("--out", default=str(ROOT / "benchmarks/out/train_device.json"))
    args = parser.parse_args()

    config = ipage_config.validate(yaml.safe_load(open(args.config)))
    task = ipage_config.make_task(config, args.task)
    data = ipage_config.section(config, args.task, "dataset")
    typed = ipage_config.resolve(config, args.task)
    settings, ev = typed.inn, typed.evaluation
    if args.epochs:
        settings = dataclasses.replace(settings, epochs=args.epochs)
    loc = dataclasses.replace(typed.localization, tol=0.0)  # every candidate runs every step
    rng = np.random.default_rng(config["seed"])
    x = task.sample_prior(data["n_samples"], rng)
    split = split_rows(x, task.forward(x), (data["val_fraction"], data["test_fraction"]), rng)

    results = []
    for name in args.devices.split(","):
        if name == "cuda" and not torch.cuda.is_available():
            print("cuda: not available, skipped")
            continue
        device = torch.device(name)
        torch.set_num_threads(1)
        final, surrogate, history, seconds = train_inn(
            split, settings, seed=config["seed"], device=device
        )
        n = ev.n_solutions * ev.oversample
        targets = np.tile(task.default_target, (n, 1))
        start = time.perf_counter()
        with torch.no_grad():  # posterior samples from random latents (srs), then localize
            y_t = torch.as_tensor(targets, dtype=torch.float32, device=device)
            z = torch.randn(n, final.latent_dim, generator=torch.Generator().manual_seed(1)).to(
                device
            )
            x0 = final.sample_x(y_t, z).cpu().numpy().astype(np.float64)
        res = localize(ForwardSurrogate(surrogate), x0, targets, task.lower, task.upper, loc)
        loc_seconds = time.perf_counter() - start
        results.append(
            {
                "task": args.task,
                "device": name,
                "device_name": torch.cuda.get_device_name() if name == "cuda" else "cpu (1 thread)",
                "epochs": settings.epochs,
                "train_seconds": round(seconds, 2),
                "seconds_per_epoch": round(seconds / settings.epochs, 4),
                "best_val_l_y": min(h["val_loss"] for h in history),
                "localize_candidates": n,
                "localize_steps": loc.steps,
                "localize_seconds": round(loc_seconds, 3),
                "localized_resim_mse": float(
                    np.mean(np.sum((task.forward(res.x) - targets) ** 2, 1))
                ),
            }
        )
        print(json.dumps(results[-1]))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
