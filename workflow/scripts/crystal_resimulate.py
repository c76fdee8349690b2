"""Rule crystal_resimulate: DFT re-simulation of the most diverse solutions of a method.

Of the n solutions per repeat, k = crystal.resim_solutions are chosen by farthest-point
selection in box units (greedy max-min distance, starting from the lowest surrogate loss):
single_target per repeat; many_targets one index set for all repeats (distances over the
solutions of all repeats of a target), so the chosen targets are shared. They are computed
with the task's DFT preset (the dataset's), structure files kept in dft_structures/, rows
(provenance: GPAW version, preset, wall and CPU time, status, error) in dft_rows.csv.

Outputs: dft_solutions.npz / dft_resim.npz, the k solutions in the solutions / resim format
(evaluate scores them, as for every task that re-simulates a subset: n_solutions = k, MSE in
eV^2), and resim.npz over all n solutions with NaN where a solution was not re-simulated. A
failed DFT run is a NaN gap (it makes that repeat's MSE NaN) and an error line in the log,
never a failed job. An interrupted job resumes from dft_journal.csv.
"""

import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from ipage.artifacts import Resim, Solutions, Split
from ipage.crystal.chunks import run_journaled
from ipage.crystal.io import write_csv_atomic
from ipage.crystal.structure import PARAM_NAMES
from ipage.errors import require
from ipage.selection import farthest_points, lowest_loss_index
from ipage.tasks import get_task
from ipage.workflow_io import run


def main(smk, log):
    start = time.perf_counter()
    w = smk.wildcards
    task = get_task(w.task, **smk.params.options)
    preset = task.preset
    sol = Solutions.load(smk.input.solutions)
    x, targets = sol.x, sol.targets
    repeats, n, x_dim = x.shape
    loss = sol.surrogate_loss
    k = min(int(smk.params.n_select), n)
    if k < smk.params.n_select:
        log(f"only {n} solutions per repeat: all re-simulated (crystal.resim_solutions is larger)")
    width = task.upper - task.lower
    u = (x - task.lower) / width
    if w.scenario == "single_target":
        require(np.allclose(targets, targets[0]), "single_target solutions with different targets")
        chosen = np.stack(
            [
                farthest_points(u[r], k, lowest_loss_index(None if loss is None else loss[r]))
                for r in range(repeats)
            ]
        )
    else:  # one index set: a target's solutions of all repeats side by side
        features = u.transpose(1, 0, 2).reshape(n, repeats * x_dim)
        first = lowest_loss_index(None if loss is None else np.nanmean(loss, axis=0))
        chosen = np.tile(farthest_points(features, k, first), (repeats, 1))
    designs = pd.DataFrame(
        [
            {"id": f"r{r}_{j:05d}", **dict(zip(PARAM_NAMES, x[r, j], strict=True))}
            for r in range(repeats)
            for j in chosen[r]
        ]
    )
    workdir = Path(smk.params.workdir)
    journal = workdir / "dft_journal.csv"
    log(
        f"{w.task}/{w.method}/{w.scenario}: {k} of {n} solutions x {repeats} repeat(s) by "
        "farthest-point selection"
    )
    rows = run_journaled(
        designs,
        journal,
        preset,
        workdir / "dft_structures",
        smk.params.gpaw_logs,
        f"{w.method}/{w.scenario}",
        max(1, int(smk.threads)),
        log,
    )
    ok = (rows.status == "ok").to_numpy()
    gaps = np.where(ok, rows.gap.astype(float), np.nan).reshape(repeats, k)
    for r in rows[~ok].itertuples(index=False):
        log(f"{r.id} FAILED (NaN gap): {r.error}")
    sel_targets = targets[chosen[0]]
    rows.insert(1, "repeat", np.repeat(np.arange(repeats), k))
    rows.insert(2, "candidate", chosen.reshape(-1))
    rows.insert(3, "target", np.tile(sel_targets[:, 0], repeats))
    write_csv_atomic(smk.output.rows, rows)

    split = Split.load(smk.input.split)
    tree = cKDTree((split.x_train - task.lower) / width)
    nearest, _ = tree.query(u.reshape(-1, x_dim))
    nearest = nearest.reshape(repeats, n)
    y_all = np.full((repeats, n, 1), np.nan)
    selected = np.zeros((repeats, n), dtype=bool)
    for r in range(repeats):
        y_all[r, chosen[r], 0] = gaps[r]
        selected[r, chosen[r]] = True
    Resim(y_all, nearest, simulated=True, selected=selected).save(smk.output.resim)
    take = np.arange(repeats)[:, None], chosen
    Solutions(
        x=x[take],
        targets=sel_targets,
        seconds=sol.seconds,
        surrogate_loss=None if loss is None else loss[take],
        surrogate_y=None if sol.surrogate_y is None else sol.surrogate_y[take],
        selected=chosen,
        n_candidates=n,
    ).save(smk.output.solutions)
    Resim(gaps[:, :, None], nearest[take], simulated=True).save(smk.output.dft_resim)
    mse = np.mean((gaps[:, :, None] - sel_targets[None]) ** 2, axis=(1, 2))
    log(
        f"{int(ok.sum())}/{len(rows)} DFT runs converged; re-sim MSE per repeat "
        f"{', '.join(f'{m:.3e}' for m in mse)} eV^2; DFT {rows.cpu_s.astype(float).sum():.0f} "
        f"CPU-s, job {time.perf_counter() - start:.0f} s"
    )


run(snakemake, main, threads_per_process=1)  # noqa: F821  (threads: DFT processes)
