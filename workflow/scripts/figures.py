"""Figure rules (figure_*, modes_vs_ns): one script, dispatched on the rule's name."""

import numpy as np
import pandas as pd

from ipage.artifacts import NsStudy, Resim, Solutions, load_kind
from ipage.atomic import atomic_output
from ipage.metrics import ModeCounter
from ipage.report import figures, tables
from ipage.settings import EvaluationSettings
from ipage.tasks import get_task
from ipage.workflow_io import run


def time_to_solution(smk, log):
    summary = pd.read_csv(smk.input[0])
    figures.time_to_solution(smk.output[0], summary)
    log(f"{len(summary)} rows -> {smk.output[0]}")


def resim_errors(smk, log):
    task = get_task(smk.wildcards.task, **smk.params.options)
    if task.capabilities.resimulation == "none":  # a tabular task without a simulator
        figures._empty(
            smk.output[0],
            f"{task.name}: not re-simulated",
            "no simulator is configured, so there are no re-simulation errors;\n"
            "summary.csv reports surrogate MSE and nearest-training-point distances instead",
        )
        log(f"{task.name} has no simulator: placeholder -> {smk.output[0]}")
        return
    errors = {}
    for (method, scenario), sol_path, resim_path in zip(
        smk.params.pairs, smk.input.solutions, smk.input.resim, strict=True
    ):
        targets, y = Solutions.load(sol_path).targets, Resim.load(resim_path).y
        errors.setdefault(scenario, {})[method] = figures.resim_errors(y, targets)
    figures.resim_error_histograms(smk.output[0], task.name, errors, task.y_dim)
    log(f"{len(smk.params.pairs)} (method, scenario) error sets -> {smk.output[0]}")


def inn_training(smk, log):
    history = pd.read_csv(smk.input[0])
    figures.inn_training(smk.output[0], history, smk.wildcards.task)
    log(f"{len(history)} epochs -> {smk.output[0]}")


def _single_target_solutions(smk):
    """{method: {N_s: x (repeats, N_s, 2)}} for the sinewave single target: from the N_s
    study where a method has one, else the first N_s of its single-target solutions."""
    out = {}
    n_solutions = EvaluationSettings(**smk.params.evaluation).n_solutions
    for method, path in zip(smk.params.methods, smk.input, strict=True):
        match load_kind(path, NsStudy, Solutions):
            case NsStudy(x=by_ns):
                out[method] = by_ns
            case Solutions(x=x):
                out[method] = {n: x[:, :n] for n in tables.solution_counts(n_solutions)}
    return out


def _sinewave_inputs(smk):
    """(task, {method: {N_s: x}}, the N_s every method has, y*, mode tolerance)."""
    x = _single_target_solutions(smk)
    ns = sorted(set.intersection(*(set(v) for v in x.values())))
    target = np.asarray(smk.params.target, dtype=float)
    task = get_task("sinewave", **smk.params.options)
    return task, x, ns, target, EvaluationSettings(**smk.params.evaluation).mode_tolerance


def sinewave_solutions(smk, log):
    task, x, ns, target, tol = _sinewave_inputs(smk)
    repeat0 = {m: {n: v[n][0] for n in ns} for m, v in x.items()}
    figures.sinewave_solutions(smk.output[0], task, target, repeat0, ns, tol)
    log(f"{len(x)} methods, N_s in {ns} (repeat 0) -> {smk.output[0]}")


def modes_vs_ns(smk, log):
    task, x, ns, target, tol = _sinewave_inputs(smk)
    counter = ModeCounter(task, target)
    counts = {
        m: np.array([[counter.covered(xr, tol) for xr in v[n]] for n in ns]) for m, v in x.items()
    }
    n_modes = counter.n_modes
    table = tables.modes_vs_ns(counts, ns, n_modes)
    with atomic_output(smk.output.csv) as tmp:
        table.to_csv(tmp, index=False)
    figures.modes_vs_ns_plot(smk.output.png, table, n_modes)
    for row in table.itertuples():
        log(
            f"{row.method} N_s={row.n_s}: {row.modes_mean:.2f} ± {row.modes_std:.2f} "
            f"of {n_modes} modes over {row.repeats} repeats"
        )


DISPATCH = {
    "figure_time_to_solution": time_to_solution,
    "figure_resim_errors": resim_errors,
    "figure_inn_training": inn_training,
    "figure_sinewave_solutions": sinewave_solutions,
    "modes_vs_ns": modes_vs_ns,
}


run(snakemake, lambda smk, log: DISPATCH[smk.rule](smk, log))  # noqa: F821
