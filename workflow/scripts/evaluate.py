"""Rule evaluate: one metrics row per scenario for a (task, method)."""

import json
import numpy as np
import pandas as pd

from ipage.metrics import modes_covered
from ipage.tasks import get_task
from ipage.workflow_io import run


def main(smk, log):
    w, ev = smk.wildcards, smk.params.evaluation
    task = get_task(w.task, **smk.params.options)
    with open(smk.input.provenance) as f:  # the trained model behind the method
        train_seconds = float(json.load(f)["train_seconds"])
    rows = []
    for scenario, sol_path, resim_path in zip(
        smk.params.scenarios, smk.input.solutions, smk.input.resim, strict=True
    ):
        with np.load(sol_path) as sol, np.load(resim_path) as res:
            x, targets, seconds, y = sol["x"], sol["targets"], sol["seconds"], res["y"]
        mse = np.mean(np.sum((y - targets[None]) ** 2, axis=2), axis=1)  # one per repeat
        modes = ""
        if scenario == "single_target" and task.x_dim == 2 and task.y_dim == 1:
            hits = [
                modes_covered(task, xr, np.asarray(smk.params.target), ev["mode_tolerance"])[0]
                for xr in x
            ]
            modes = float(np.mean(hits))
        rows.append(
            {
                "task": w.task,
                "method": w.method,
                "scenario": scenario,
                "n_solutions": x.shape[1],
                "resim_mse_mean": float(mse.mean()),
                "resim_mse_std": float(mse.std(ddof=1)) if len(mse) > 1 else 0.0,
                "modes_covered": modes,
                "seconds": float(np.mean(seconds)),
                "train_seconds": train_seconds,
            }
        )
        log(
            f"{w.task}/{w.method}/{scenario}: re-sim MSE {mse.mean():.3e} +- "
            f"{rows[-1]['resim_mse_std']:.1e} over {len(mse)} repeats, modes {modes}"
        )
    pd.DataFrame(rows).to_csv(smk.output[0], index=False)


run(snakemake, main)  # noqa: F821
