"""Rule evaluate: one metrics row per scenario for a (task, method)."""

import json
import time

import numpy as np
import pandas as pd

from ipage.artifacts import Resim, Solutions
from ipage.atomic import atomic_output
from ipage.metrics import diversity, modes_covered
from ipage.settings import EvaluationSettings
from ipage.tasks import get_task
from ipage.workflow_io import run, write_provenance

NOT_RESIMULATED = (
    "not re-simulated (no simulator): surrogate prediction and distance to the nearest "
    "training point only"
)


def main(smk, log):
    start = time.perf_counter()
    w, ev = smk.wildcards, EvaluationSettings(**smk.params.evaluation)
    task = get_task(w.task, **smk.params.options)
    train_seconds = 0.0  # of the trained models behind the method
    for path in smk.input.provenance:
        with open(path) as f:
            train_seconds += float(json.load(f)["train_seconds"])
    rows = []
    for scenario, sol_path, resim_path in zip(
        smk.params.scenarios, smk.input.solutions, smk.input.resim, strict=True
    ):
        sol, res = Solutions.load(sol_path), Resim.load(resim_path)
        x, targets, seconds, y, simulated = sol.x, sol.targets, sol.seconds, res.y, res.simulated
        nearest, sur = res.nearest_train_distance, sol.surrogate_loss
        steps, design = sol.steps, sol.design_seconds  # localized / INN methods only
        mse = np.mean(np.sum((y - targets[None]) ** 2, axis=2), axis=1)  # one per repeat
        modes = ""
        if scenario == "single_target" and task.capabilities.modes == "superlevel":
            hits = [
                modes_covered(task, xr, np.asarray(smk.params.target), ev.mode_tolerance)[0]
                for xr in x
            ]
            modes = float(np.mean(hits))
        rows.append(
            {
                "task": w.task,
                "method": w.method,
                "scenario": scenario,
                "n_solutions": x.shape[1],
                "resim_mse_mean": float(mse.mean()) if simulated else np.nan,
                "resim_mse_std": (float(mse.std(ddof=1)) if len(mse) > 1 else 0.0)
                if simulated
                else np.nan,
                "modes_covered": modes,
                "seconds": float(np.mean(seconds)),
                "design_seconds": float(np.mean(design)) if design is not None else np.nan,
                "localization_steps_mean": float(np.mean(steps)) if steps is not None else np.nan,
                "train_seconds": train_seconds,
                "resimulated": simulated,
                "surrogate_mse_mean": float(np.mean(sur)) if sur is not None else np.nan,
                "nearest_train_dist_median": float(np.median(nearest)),
                "diversity": float(np.mean([diversity(task, xr) for xr in x])),
                "note": "" if simulated else NOT_RESIMULATED,
            }
        )
        r = rows[-1]
        if simulated:
            log(
                f"{w.task}/{w.method}/{scenario}: re-sim MSE {mse.mean():.3e} +- "
                f"{r['resim_mse_std']:.1e} over {len(mse)} repeats, modes {modes}"
            )
        else:
            log(f"{w.task}/{w.method}/{scenario}: {NOT_RESIMULATED}")
        log(
            f"{w.task}/{w.method}/{scenario}: surrogate MSE {r['surrogate_mse_mean']:.3e}, "
            f"median distance to the nearest training design {r['nearest_train_dist_median']:.3g}"
            f", diversity (mean pairwise distance) {r['diversity']:.3g} (box units)"
        )
    with atomic_output(smk.output[0]) as tmp:
        pd.DataFrame(rows).to_csv(tmp, index=False)
    write_provenance(
        smk.output.provenance,
        smk.config,
        {"seed": smk.config.get("seed")},
        time.perf_counter() - start,
    )


run(snakemake, main)  # noqa: F821
