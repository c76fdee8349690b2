"""Paper-style figures of the workflow results, drawn with matplotlib's object API on the
Agg canvas (no pyplot state, no display needed): PNG files with titles, labelled axes and
legends.

- sinewave_solutions: solutions over the contour Omega(x) = y* with numbered modes (Figs 4, 5)
- time_to_solution: seconds per task and method, log scale (Fig. 7)
- resim_error_histograms: Omega(x) - y* per method, one row per scenario
- inn_training: INN loss curves and the dynamic bi-directional lambda schedule
- modes_vs_ns_plot: sinewave modes covered over the number of solutions N_s
- loop_figure: closed-loop verified designs over cumulative simulator calls, per round
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from ipage.atomic import atomic_output
from ipage.methods import METHODS
from ipage.metrics import modes_covered, solution_modes
from ipage.report.tables import METHOD_ORDER, TASK_ORDER, method_label, ordered, task_label
from ipage.tasks.base import Task

DPI = 120
SCENARIO_LABELS = {
    "many_targets": "many targets (Table 2)",
    "single_target": "single target y* (Table 3)",
}


EXTRA_COLORS = ("tab:olive", "tab:gray", "black", "gold", "lime")


def method_colors(methods: Sequence[str]) -> dict[str, str]:
    """The fixed colour of each known method (ipage.methods); further colours for unknown
    ones."""
    colors = {name: m.color for name, m in METHODS.items()}
    extra = [m for m in methods if m not in colors]
    for i, m in enumerate(extra):
        colors[m] = EXTRA_COLORS[i % len(EXTRA_COLORS)]
    return colors


def _figure(nrows: int, ncols: int, width: float, height: float) -> tuple[Figure, np.ndarray]:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


def _save(fig: Figure, path: str | Path) -> None:
    with atomic_output(path) as tmp:  # a killed job leaves no half-written figure
        fig.savefig(tmp, dpi=DPI, format="png")


def _empty(path: str | Path, title: str, message: str) -> None:
    """A placeholder figure that says why there is nothing to plot."""
    fig, axes = _figure(1, 1, 6, 2.5)
    ax = axes[0, 0]
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, transform=ax.transAxes)
    _save(fig, path)


def mode_centroids(task: Task, target: np.ndarray, resolution: int = 401) -> np.ndarray:
    """(n_modes, 2) centroids of the superlevel-set components {Omega >= y*} (one per ring of
    solutions), numbered in reading order: top row first, left to right."""
    grid = solution_modes(task, target, resolution)
    if not len(grid):
        return np.zeros((0, 2))
    labels = grid[:, 2].astype(int)
    centroids = np.array([grid[labels == k, :2].mean(axis=0) for k in np.unique(labels)])
    span = float(np.max(task.upper - task.lower))
    row = np.round(-centroids[:, 1] / (0.05 * span))  # same row within 5 % of the box
    return centroids[np.lexsort((centroids[:, 0], row))]


def sinewave_solutions(
    path: str | Path,
    task: Task,
    target: np.ndarray,
    solutions: Mapping[str, np.ndarray | Mapping[int, np.ndarray]],
    ns: Sequence[int],
    tol: float = 0.05,
    resolution: int = 301,
) -> None:
    """One panel per method (rows) and N_s (columns): the N_s solutions (solutions[method][N_s],
    or the first N_s of an (n, 2) array) over the
    solution contour Omega(x) = y*, accurate ones (|Omega(x) - y*| < tol) in blue, others
    in orange, modes numbered at their centres, the design box dashed; panel titles give the
    modes covered and how many solutions lie outside the box (not drawn)."""
    target = np.atleast_1d(np.asarray(target, dtype=float))
    methods = ordered(solutions, METHOD_ORDER)
    if not methods or not ns:
        _empty(path, "Sinewave solutions", "no single-target solutions to plot")
        return
    g1 = np.linspace(task.lower[0], task.upper[0], resolution)
    g2 = np.linspace(task.lower[1], task.upper[1], resolution)
    x1, x2 = np.meshgrid(g1, g2, indexing="xy")
    omega = task.forward(np.column_stack([x1.ravel(), x2.ravel()])).reshape(x1.shape)
    centroids = mode_centroids(task, target)
    fig, axes = _figure(len(methods), len(ns), 2.9 * len(ns) + 0.4, 2.9 * len(methods) + 0.6)
    for i, method in enumerate(methods):
        x_all = solutions[method]
        for j, n_s in enumerate(ns):
            ax = axes[i, j]
            x = np.asarray(x_all[n_s] if isinstance(x_all, Mapping) else x_all[:n_s], float)
            x = x[np.all(np.isfinite(x), axis=1)]
            ax.contour(x1, x2, omega, levels=[target[0]], colors="k", linewidths=0.8)
            err = np.abs(task.forward(x)[:, 0] - target[0]) if len(x) else np.zeros(0)
            good = err < tol
            ax.scatter(x[good, 0], x[good, 1], s=9, color="tab:blue", label=f"|error| < {tol:g}")
            ax.scatter(
                x[~good, 0], x[~good, 1], s=9, marker="x", color="tab:orange", label="inaccurate"
            )
            for k, (c1, c2) in enumerate(centroids, start=1):
                ax.text(c1, c2, str(k), ha="center", va="center", fontsize=9, color="0.35")
            hit, total = modes_covered(task, x, target, tol) if len(x) else (0, len(centroids))
            outside = int(np.sum(np.any((x < task.lower) | (x > task.upper), axis=1)))
            note = f"\n{outside} outside the box" if outside else ""
            ax.set_title(
                f"{method_label(method)}\nN_s = {len(x)}: {hit}/{total} modes{note}", fontsize=9
            )
            ax.add_patch(
                Rectangle(
                    task.lower, *(task.upper - task.lower), fill=False, ls="--", lw=0.6, ec="0.6"
                )
            )
            pad = 0.04 * (task.upper - task.lower)  # solutions on the box faces stay visible
            ax.set_xlim(task.lower[0] - pad[0], task.upper[0] + pad[0])
            ax.set_ylim(task.lower[1] - pad[1], task.upper[1] + pad[1])
            ax.set_aspect("equal")
            ax.tick_params(labelsize=7)
            if i == len(methods) - 1:
                ax.set_xlabel("$x_1$")
            if j == 0:
                ax.set_ylabel("$x_2$")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=8)
    fig.suptitle(f"Sinewave solutions for y* = {target[0]:g}\n(black: Omega(x) = y*, grey: modes)")
    _save(fig, path)


def time_to_solution(path: str | Path, summary: pd.DataFrame) -> None:
    """Grouped bars of seconds per task (x) and method (bars), one panel per scenario, plus
    the training seconds when summary.csv has a train_seconds column; log scale (Fig. 7)."""
    scenarios = ordered(summary["scenario"], list(SCENARIO_LABELS))
    panels = [(s, "seconds", SCENARIO_LABELS.get(s, s)) for s in scenarios]
    if "train_seconds" in summary and np.isfinite(pd.to_numeric(summary["train_seconds"])).any():
        panels.append((None, "train_seconds", "training"))
    if summary.empty:
        _empty(path, "Time to solution", "summary.csv has no rows")
        return
    methods = ordered(summary["method"], METHOD_ORDER)
    tasks = ordered(summary["task"], TASK_ORDER)
    colors = method_colors(methods)
    fig, axes = _figure(1, len(panels), 1.5 + max(3.5, 1.2 * len(tasks)) * len(panels), 4.8)
    width = 0.8 / len(methods)
    for ax, (scenario, column, title) in zip(axes[0], panels, strict=True):
        rows = summary if scenario is None else summary[summary["scenario"] == scenario]
        values = rows.groupby(["method", "task"])[column].max()  # train time: one per task
        for k, method in enumerate(methods):
            heights = [float(values.get((method, t), math.nan)) for t in tasks]
            pos = np.arange(len(tasks)) + (k - (len(methods) - 1) / 2) * width
            ax.bar(pos, heights, width, color=colors[method], label=method_label(method))
        ax.set_yscale("log")
        ax.set_xticks(np.arange(len(tasks)), [task_label(t) for t in tasks], fontsize=8)
        ylabel = "training seconds" if column == "train_seconds" else "seconds per repeat"
        ax.set_ylabel(f"{ylabel} (log scale)")
        ax.set_title(title)
        ax.grid(axis="y", which="both", alpha=0.3)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(4, len(methods)), fontsize=8)
    fig.suptitle("Time to solution: sampling + localization per repeat")
    _save(fig, path)


def resim_errors(y: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Errors of all repeats pooled: Omega(x) - y* for a scalar property, ||Omega(x) - y*||_2
    otherwise; y is (repeats, n, y_dim), targets (n, y_dim); non-finite rows dropped."""
    diff = np.asarray(y, dtype=float) - np.asarray(targets, dtype=float)[None]
    err = diff[..., 0] if diff.shape[-1] == 1 else np.linalg.norm(diff, axis=-1)
    err = err.ravel()
    return err[np.isfinite(err)]


def resim_error_histograms(
    path: str | Path,
    task_name: str,
    errors: Mapping[str, Mapping[str, np.ndarray]],
    y_dim: int,
) -> None:
    """Per scenario (rows): step histograms of the error per method on a linear axis (left)
    and of log10 |error| (right), where methods that differ by orders of magnitude separate.
    errors[scenario][method] is a 1-D array from resim_errors."""
    scenarios = ordered(errors, list(SCENARIO_LABELS))
    if not scenarios:
        _empty(path, f"{task_label(task_name)}: re-simulation errors", "no solutions to plot")
        return
    methods = ordered([m for s in scenarios for m in errors[s]], METHOD_ORDER)
    colors = method_colors(methods)
    label = (
        "Omega(x) - y*" if y_dim == 1 else f"||Omega(x) - y*||_2 (Euclidean norm, y_dim = {y_dim})"
    )
    fig, axes = _figure(len(scenarios), 2, 11, 3.4 * len(scenarios) + 0.4)
    for row, scenario in enumerate(scenarios):
        data = {
            m: np.asarray(errors[scenario][m], dtype=float)
            for m in methods
            if m in errors[scenario]
        }
        data = {m: e for m, e in data.items() if len(e)}
        pooled = np.concatenate(list(data.values())) if data else np.zeros(1)
        lo, hi = np.quantile(pooled, [0.005, 0.995]) if len(pooled) > 1 else (-1.0, 1.0)
        if y_dim > 1:
            lo = 0.0
        if hi <= lo:
            lo, hi = lo - 1e-3, hi + 1e-3
        bins = np.linspace(lo, hi, 60)
        absolute = {m: np.abs(e)[np.abs(e) > 0] for m, e in data.items()}
        logs = np.log10(np.concatenate([a for a in absolute.values() if len(a)] or [np.ones(1)]))
        log_bins = np.linspace(logs.min() - 0.1, logs.max() + 0.1, 60)
        for method, e in data.items():
            kw = {"histtype": "step", "linewidth": 1.5, "color": colors[method]}
            axes[row, 0].hist(np.clip(e, lo, hi), bins=bins, label=method_label(method), **kw)
            if len(absolute[method]):
                axes[row, 1].hist(
                    np.log10(absolute[method]), bins=log_bins, label=method_label(method), **kw
                )
        title = f"{task_label(task_name)}, {SCENARIO_LABELS.get(scenario, scenario)}"
        axes[row, 0].set_title(f"{title}\n(outer 0.5 % clipped into the edge bins)", fontsize=9)
        axes[row, 0].set_xlabel(label)
        axes[row, 1].set_title(title, fontsize=9)
        axes[row, 1].set_xlabel(f"log10 |{label}|" if y_dim == 1 else f"log10 {label}")
        for ax in axes[row]:
            ax.set_ylabel("solutions (all repeats)")
            ax.grid(alpha=0.3)
        axes[row, 1].legend(fontsize=8)
    fig.suptitle(f"{task_label(task_name)}: re-simulation error with the true simulator")
    _save(fig, path)


def _log_scale(ax, values: np.ndarray) -> None:
    """Log y, or symmetric log when values reach 0 or below (a likelihood loss is negative,
    a switched-off loss weight is 0), linear within the smallest positive magnitude."""
    values = values[np.isfinite(values)]
    if values.size and values.min() <= 0:
        positive = np.abs(values[values != 0])
        ax.set_yscale("symlog", linthresh=float(positive.min()) if positive.size else 1.0)
    else:
        ax.set_yscale("log")


def inn_training(path: str | Path, history: pd.DataFrame, task_name: str) -> None:
    """INN training curves: weighted training loss and validation forward MSE (left, with the
    f_y refinement's epochs after a dotted line), the dynamic bi-directional loss weights
    lambda_y, lambda_x, lambda_z (right); log y."""
    fig, axes = _figure(1, 2, 11, 3.8)
    epoch = history["epoch"] if "epoch" in history else np.arange(1, len(history) + 1)
    loss_ax, lam_ax = axes[0]
    labels = {
        "train_loss": "train: weighted loss $\\sum_k \\lambda_k L_k$",
        "val_loss": "validation: forward MSE of y",
    }
    for column, text in labels.items():
        if column in history:
            loss_ax.plot(epoch, history[column], marker=".", label=text)
    _log_scale(loss_ax, history[[c for c in labels if c in history]].to_numpy())
    if "phase" in history and (history["phase"] == "refine").any():  # inn.refine_epochs
        start = epoch[history["phase"] == "refine"].min() - 0.5
        loss_ax.axvline(start, color="grey", linestyle=":", label="after: $f_y$ refined on $L_y$")
    loss_ax.set_xlabel("epoch")
    loss_ax.set_ylabel("loss (log scale)")
    loss_ax.set_title(f"{task_label(task_name)}: INN losses")
    if loss_ax.get_legend_handles_labels()[0]:
        loss_ax.legend(fontsize=8)
    styles = {"lambda_y": "-", "lambda_x": "--", "lambda_z": ":"}
    for column, style in styles.items():
        if column in history:
            name = f"$\\lambda_{column[-1]}$"
            lam_ax.plot(epoch, history[column], style, linewidth=2, label=name)
    _log_scale(lam_ax, history[[c for c in styles if c in history]].to_numpy())
    lam_ax.set_xlabel("epoch")
    lam_ax.set_ylabel("loss weight (log scale)")
    lam_ax.set_title("dynamic bi-directional schedule")
    if lam_ax.get_legend_handles_labels()[0]:
        lam_ax.legend(fontsize=8)
    for ax in axes[0]:
        ax.grid(alpha=0.3, which="both")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _save(fig, path)


def modes_vs_ns_plot(path: str | Path, table: pd.DataFrame, n_modes: int | None = None) -> None:
    """Modes covered (mean ± std over repeats) against N_s, one line per method; the table
    is ipage.report.tables.modes_vs_ns's output."""
    fig, axes = _figure(1, 1, 6.5, 4.2)
    ax = axes[0, 0]
    methods = ordered(table["method"], METHOD_ORDER)
    colors = method_colors(methods)
    for method in methods:
        rows = table[table["method"] == method].sort_values("n_s")
        ax.errorbar(
            rows["n_s"],
            rows["modes_mean"],
            yerr=rows["modes_std"],
            marker="o",
            capsize=3,
            color=colors[method],
            label=method_label(method),
        )
    if n_modes:
        ax.axhline(n_modes, color="k", linestyle="--", linewidth=1, label=f"all {n_modes} modes")
    ns = sorted(table["n_s"].unique())
    if ns:
        ax.set_xscale("log")
        ax.set_xticks(ns, [str(n) for n in ns])
        ax.minorticks_off()
    if n_modes:
        ax.set_ylim(-0.3, n_modes + 0.7)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("number of solutions N_s (first N_s of each repeat)")
    ax.set_ylabel("modes covered (mean ± std over repeats)")
    ax.set_title("Sinewave mode coverage vs number of solutions")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    _save(fig, path)


def loop_figure(path: str | Path, table: pd.DataFrame) -> None:
    """One panel per task: cumulative verified designs over cumulative simulator calls."""
    tasks = ordered(table["task"], TASK_ORDER)
    methods = ordered(table["method"], METHOD_ORDER)
    colors = method_colors(methods)
    fig, axes = _figure(1, len(tasks), 1.0 + 4.2 * len(tasks), 4.0)
    for ax, task in zip(axes[0], tasks, strict=True):
        for method in methods:
            rows = table[(table.task == task) & (table.method == method)].sort_values("round")
            ax.plot(
                rows.cumulative_calls,
                rows.cumulative_verified,
                marker="o",
                color=colors[method],
                label=method_label(method),
            )
            for row in rows.itertuples():
                ax.annotate(
                    f"r{row.round}",
                    (row.cumulative_calls, row.cumulative_verified),
                    textcoords="offset points",
                    xytext=(4, 4),
                    fontsize=7,
                )
        ax.set_title(task_label(task))
        ax.set_xlabel("cumulative simulator calls")
        ax.set_ylabel("verified designs (cumulative)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("Closed loop: designs within y* ± tol")
    _save(fig, path)
