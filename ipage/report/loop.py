"""The closed loop's answer to "how many simulator calls until N verified designs at
y* +- tol?": a markdown table and a figure of cumulative verified designs against
cumulative simulator calls, one line per method, one marker per round."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ipage.report.figures import _figure, _save, method_colors
from ipage.report.tables import METHOD_ORDER, TASK_ORDER, method_label, ordered, task_label

COLUMNS = {
    "task": "task",
    "method": "method",
    "round": "round",
    "calls": "re-sims",
    "cumulative_calls": "cumulative calls",
    "verified": "verified",
    "cumulative_verified": "cumulative verified",
    "resim_mse": "re-sim MSE",
}


def loop_markdown(table: pd.DataFrame, tolerances: dict[str, float]) -> str:
    """One row per task, method and round; the tolerance of each task under the table."""
    shown = table[list(COLUMNS)].rename(columns=COLUMNS)
    shown["task"] = shown["task"].map(task_label)
    shown["method"] = shown["method"].map(method_label)
    text = shown.to_markdown(index=False, floatfmt=".3g")
    notes = ", ".join(f"{task_label(t)} {tol:.3g}" for t, tol in tolerances.items())
    return (
        f"{text}\n\nverified: re-simulated single-target solutions with ||y - y*|| within "
        f"({notes}); cumulative calls: dataset + re-simulations that fed the round + the "
        "round's own.\n"
    )


def loop_figure(path: str | Path, table: pd.DataFrame) -> None:
    """One panel per task: cumulative verified designs over cumulative simulator calls."""
    tasks = ordered(table["task"], TASK_ORDER)
    methods = ordered(table["method"], METHOD_ORDER)
    colors = method_colors(methods)
    fig, axes = _figure(1, len(tasks), 0.5 + 4.2 * len(tasks), 4.0)
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
    fig.suptitle("Closed loop: verified designs at y* +- tol per simulator call")
    _save(fig, path)
