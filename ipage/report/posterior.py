"""The posterior-diagnostics table and figure (rule posterior_table) from the per-(task, model)
rows of ipage.posterior: does a learned model's raw posterior beat drawing x from the prior?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, fields
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ipage.posterior import PRIOR, R_T, PosteriorDiagnostics
from ipage.report.figures import _empty, _figure, _save, method_colors
from ipage.report.tables import TASK_ORDER, format_number, method_label, ordered, task_label

# Learned posteriors in the paper's row order, then the no-information prior row.
MODEL_ORDER: tuple[str, ...] = ("mdn", "inn", "cinn", "cvae", PRIOR)
PRIOR_LABEL = "prior draws (y ignored)"
MARKDOWN_COLUMNS: dict[str, str] = {
    "resim_mse_single": "re-sim MSE, single y*",
    "resim_mse_many": "re-sim MSE, many targets",
    **{f"r_{t}": f"r_{t}" for t in R_T},
    "in_box_single": "in box, single",
    "in_box_many": "in box, many",
    "sw_reference": "SW to reference",
    "reference_epsilon": "reference ε",
    "reference_acceptance": "acceptance",
}


def model_label(model: str) -> str:
    return PRIOR_LABEL if model == PRIOR else method_label(model)


def posterior_table(rows: Sequence[PosteriorDiagnostics]) -> pd.DataFrame:
    """One row per (task, model): tasks in the paper's order, the prior last in each task."""
    table = pd.DataFrame([asdict(row) for row in rows])
    if table.empty:
        return pd.DataFrame(columns=[f.name for f in fields(PosteriorDiagnostics)])
    task_rank = {t: i for i, t in enumerate(ordered(table["task"], TASK_ORDER))}
    model_rank = {m: i for i, m in enumerate(ordered(table["model"], MODEL_ORDER))}
    key = table["task"].map(task_rank) * len(model_rank) + table["model"].map(model_rank)
    return table.iloc[np.argsort(key.to_numpy(), kind="stable")].reset_index(drop=True)


def posterior_markdown(table: pd.DataFrame) -> str:
    """A markdown document: the table (3 significant digits) and what its columns are."""
    header = ["Task", "Model", *MARKDOWN_COLUMNS.values()]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join([":---"] * 2 + [":---:"] * len(MARKDOWN_COLUMNS)) + "|",
    ]
    for _, row in table.iterrows():
        cells = [format_number(float(row[c]), 3) for c in MARKDOWN_COLUMNS]
        lines.append(
            "| " + " | ".join([task_label(row["task"]), model_label(row["model"]), *cells]) + " |"
        )
    n = sorted({int(v) for v in table["n_solutions"]}) if len(table) else []
    r_targets = sorted({int(v) for v in table["r_targets"]}) if len(table) else []
    return (
        "Posterior diagnostics: raw samples x ~ p(x | y) of each learned model, no localization\n\n"
        + "\n".join(lines)
        + "\n\nRe-simulation MSE E||Omega(x) - y||^2 (true simulator) of "
        f"{', '.join(map(str, n)) or '?'} draws for the single target y* and of one draw for "
        "each of as many held-out test targets; r_T: mean over the first "
        f"{', '.join(map(str, r_targets)) or '?'} test targets of the smallest squared error "
        "among the first T draws; in box: fraction of draws inside the design box; SW to "
        "reference: sliced Wasserstein distance (box units) between the single-target draws and "
        "a rejection-sampling reference posterior of y* (prior draws with ||Omega(x) - y*|| < ε; "
        "acceptance = accepted / drawn). The prior row ignores y: a model that does not beat it "
        "has learned nothing about the inverse.\n"
    )


def posterior_plot(path: str | Path, table: pd.DataFrame) -> None:
    """Per task (columns): raw-posterior re-simulation MSE per model, single target (filled)
    and many targets (hollow), the prior's as reference lines (top); r_T against T (bottom).
    Log scales."""
    tasks = ordered(table["task"], TASK_ORDER)
    if not tasks:
        _empty(path, "Posterior diagnostics", "no analytic task with a learned posterior")
        return
    models = [m for m in ordered(table["model"], MODEL_ORDER) if m != PRIOR]
    colors = method_colors(models)
    fig, axes = _figure(2, len(tasks), 1.0 + 3.8 * len(tasks), 7.6)
    for col, task in enumerate(tasks):
        rows = table[table["task"] == task].set_index("model")
        present = [m for m in models if m in rows.index]
        top, bottom = axes[0, col], axes[1, col]
        for k, m in enumerate(present):
            top.plot(k - 0.1, rows.at[m, "resim_mse_single"], "o", color=colors[m], ms=8)
            top.plot(k + 0.1, rows.at[m, "resim_mse_many"], "s", mfc="none", color=colors[m], ms=8)
            values = [rows.at[m, f"r_{t}"] for t in R_T]
            bottom.plot(R_T, values, "o-", color=colors[m], label=model_label(m))
        if PRIOR in rows.index:
            for column, style in (("resim_mse_single", "--"), ("resim_mse_many", ":")):
                top.axhline(rows.at[PRIOR, column], color="k", linestyle=style, linewidth=1)
            values = [rows.at[PRIOR, f"r_{t}"] for t in R_T]
            bottom.plot(R_T, values, "o--", color="k", label=PRIOR_LABEL)
        top.set_xticks(np.arange(len(present)), present)
        top.set_xlim(-0.6, len(present) - 0.4)
        top.set_yscale("log")
        top.set_ylabel("raw re-sim MSE (log scale)")
        top.set_title(task_label(task))
        bottom.set_xscale("log")
        bottom.set_yscale("log")
        bottom.set_xticks(R_T, [str(t) for t in R_T])
        bottom.minorticks_off()
        bottom.set_xlabel("draws per target T")
        bottom.set_ylabel("r_T: best of T, mean over targets")
        for ax in (top, bottom):
            ax.grid(alpha=0.3, which="both")
    markers = [
        Line2D([], [], marker="o", color="grey", linestyle="", label="single target y*"),
        Line2D([], [], marker="s", mfc="none", color="grey", linestyle="", label="many targets"),
        Line2D([], [], color="k", linestyle="--", label="prior, single target"),
        Line2D([], [], color="k", linestyle=":", label="prior, many targets"),
    ]
    handles, labels = axes[1, 0].get_legend_handles_labels()
    fig.legend(
        markers + handles,
        [h.get_label() for h in markers] + labels,
        loc="outside lower center",
        ncols=4,
        fontsize=8,
    )
    fig.suptitle("Raw posterior samples (no localization) against prior draws")
    _save(fig, path)
