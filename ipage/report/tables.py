"""Paper-style result tables (Tables 2 and 3 of the iPage paper) from the workflow's
summary.csv, the sinewave mode-coverage table over solution counts N_s, and the closed loop's
verified designs per round (loop_markdown).

Rendering is a pure function of a DataFrame: rows are methods in the paper's order
(unknown methods last, alphabetically; '<method>_binary' rows right after their method),
columns are tasks, cells are "mean ± std" of the re-simulation MSE and the lowest mean of each
column is bold. Tasks without a simulator (resimulated = False) are marked with a dagger.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ipage.methods import METHODS

METHOD_ORDER: tuple[str, ...] = tuple(METHODS)  # the paper's row order
TASK_ORDER: tuple[str, ...] = ("sinewave", "robot_arm", "ballistics", "crystal", "architecture")
TASK_LABELS: dict[str, str] = {
    "sinewave": "Sinewave",
    "robot_arm": "Robotic Arm",
    "ballistics": "Ballistics",
    "crystal": "Crystal Design",
    "architecture": "Architecture Design",
}
SCENARIO_TITLES: dict[str, str] = {
    "many_targets": "Table 2: re-simulation MSE given many different observations y*",
    "single_target": "Table 3: re-simulation MSE of solutions for one specific observation y*",
}
MISSING = "–"
BINARY_SUFFIX = "_binary"  # architecture rows: a method's solutions projected to 0/1 layouts
NOT_RESIMULATED_MARK = "†"


def ordered(names: Iterable[str], order: Sequence[str]) -> list[str]:
    """Unique names in the given order; names not in `order` follow, alphabetically. A name
    '<m>_binary' sits right after '<m>'."""
    names = list(dict.fromkeys(names))

    def key(name: str) -> tuple:
        base = name.removesuffix(BINARY_SUFFIX)
        binary = name != base
        if base in order:
            return (0, order.index(base), "", binary)
        return (1, 0, base, binary)

    return sorted(names, key=key)


def method_label(method: str) -> str:
    base = method.removesuffix(BINARY_SUFFIX)
    if base != method:
        return f"{method_label(base)}, binarized"
    return METHODS[method].label if method in METHODS else method


def task_label(task: str) -> str:
    return TASK_LABELS.get(task, task)


def format_number(value: float, digits: int) -> str:
    """`digits` significant digits, trailing zeros kept (2.60 stays distinct from 2.62), and
    the exponent without padding: 1.6e-06 -> 1.6e-6."""
    if value is None or not math.isfinite(value):
        return MISSING
    text = f"{value:#.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa.rstrip('.')}e{int(exponent)}"
    return text.rstrip(".")


def format_cell(mean: float, std: float) -> str:
    """A paper-style cell: the mean with 3 significant digits, the std with 2."""
    if mean is None or not math.isfinite(mean):
        return MISSING
    return f"{format_number(mean, 3)} ± {format_number(std, 2)}"


def table_cells(
    summary: pd.DataFrame, scenario: str, metric: str = "resim_mse"
) -> tuple[list[str], list[str], list[list[tuple[str, bool]]]]:
    """(method keys, task keys, rows of (cell text, is best in its column)) for one scenario.

    `summary` needs columns task, method, scenario, {metric}_mean, {metric}_std. A method
    without a row for a task gets MISSING; best = lowest finite mean (ties all bold).
    """
    rows = summary[summary["scenario"] == scenario]
    methods = ordered(rows["method"], METHOD_ORDER)
    tasks = ordered(rows["task"], TASK_ORDER)
    stats = {
        (r["method"], r["task"]): (_number(r[f"{metric}_mean"]), _number(r[f"{metric}_std"]))
        for _, r in rows.iterrows()
    }
    best = {}
    for task in tasks:
        means = [stats[m, task][0] for m in methods if (m, task) in stats]
        finite = [v for v in means if math.isfinite(v)]
        best[task] = min(finite) if finite else math.nan
    cells = []
    for method in methods:
        line = []
        for task in tasks:
            m, s = stats.get((method, task), (math.nan, math.nan))
            line.append((format_cell(m, s), math.isfinite(m) and m == best[task]))
        cells.append(line)
    return methods, tasks, cells


def not_resimulated(summary: pd.DataFrame, scenario: str) -> list[str]:
    """Tasks whose rows of this scenario all say resimulated = False (tabular tasks without a
    simulator: their re-simulation columns are empty)."""
    if "resimulated" not in summary:
        return []
    rows = summary[summary["scenario"] == scenario]
    no = rows["resimulated"].map(lambda v: str(v).strip().lower() in ("false", "0", "0.0"))
    return [t for t in ordered(rows["task"], TASK_ORDER) if no[rows["task"] == t].all()]


def _header(summary: pd.DataFrame, scenario: str, tasks: list[str]) -> list[str]:
    unsimulated = set(not_resimulated(summary, scenario))
    return [task_label(t) + (NOT_RESIMULATED_MARK if t in unsimulated else "") for t in tasks]


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def render_markdown(summary: pd.DataFrame, scenario: str, metric: str = "resim_mse") -> str:
    """A GitHub-markdown table, best (lowest mean) per task in **bold**."""
    methods, tasks, cells = table_cells(summary, scenario, metric)
    header = ["Method", *_header(summary, scenario, tasks)]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join([":---", *(":---:" for _ in tasks)]) + "|",
    ]
    for method, row in zip(methods, cells, strict=True):
        texts = [f"**{text}**" if bold else text for text, bold in row]
        lines.append("| " + " | ".join([method_label(method), *texts]) + " |")
    return "\n".join(lines) + "\n"


def render_html(
    summary: pd.DataFrame, scenario: str, metric: str = "resim_mse", title: str | None = None
) -> str:
    """The same table as a small standalone HTML page (for the Snakemake report)."""
    methods, tasks, cells = table_cells(summary, scenario, metric)
    esc = html.escape
    head = "".join(f"<th>{esc(label)}</th>" for label in _header(summary, scenario, tasks))
    body = []
    for method, row in zip(methods, cells, strict=True):
        tds = "".join(
            f"<td><b>{esc(text)}</b></td>" if bold else f"<td>{esc(text)}</td>"
            for text, bold in row
        )
        body.append(f"<tr><th class='method'>{esc(method_label(method))}</th>{tds}</tr>")
    caption = f"<caption>{esc(title)}</caption>" if title else ""
    note = _footnote(summary, scenario)
    note = f"<p>{esc(note)}</p>" if note else ""
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><style>"
        "body{font-family:sans-serif} table{border-collapse:collapse}"
        "th,td{border:1px solid #bbb;padding:4px 10px;text-align:center}"
        "th.method{text-align:left;font-weight:normal}"
        "caption{font-weight:bold;padding:6px}</style></head><body>\n"
        f"<table>{caption}<thead><tr><th>Method</th>{head}</tr></thead>\n"
        "<tbody>\n" + "\n".join(body) + f"\n</tbody></table>\n{note}</body></html>\n"
    )


def table_document(summary: pd.DataFrame, scenario: str) -> str:
    """Markdown file content: title, the table, and what the numbers are."""
    rows = summary[summary["scenario"] == scenario]
    counts = sorted({int(n) for n in rows["n_solutions"].dropna()}) if len(rows) else []
    count = ", ".join(map(str, counts)) or "?"
    note = _footnote(summary, scenario)
    return (
        f"{SCENARIO_TITLES.get(scenario, scenario)}\n\n"
        + render_markdown(summary, scenario)
        + f"\nCells: mean ± standard deviation over repeats of the re-simulation MSE "
        f"E||Omega(x) - y*||^2 of {count} solutions (true simulator); "
        "the lowest mean per task is bold.\n" + (f"\n{note}\n" if note else "")
    )


def _footnote(summary: pd.DataFrame, scenario: str) -> str:
    tasks = not_resimulated(summary, scenario)
    if not tasks:
        return ""
    return (
        f"{NOT_RESIMULATED_MARK} not re-simulated (no simulator): "
        + ", ".join(task_label(t) for t in tasks)
        + "; summary.csv has the surrogate MSE and the distance to the nearest training point."
    )


def modes_vs_ns(
    counts: dict[str, np.ndarray], ns: Sequence[int], n_modes: int | None = None
) -> pd.DataFrame:
    """Mode coverage over solution counts: `counts[method]` is an array (len(ns), repeats) of
    modes covered by the first N_s solutions of each repeat; rows method, N_s, mean, std."""
    rows = []
    for method in ordered(counts, METHOD_ORDER):
        hits = np.asarray(counts[method], dtype=float)
        for n_s, per_repeat in zip(ns, hits, strict=True):
            rows.append(
                {
                    "method": method,
                    "n_s": int(n_s),
                    "modes_mean": float(per_repeat.mean()),
                    "modes_std": float(per_repeat.std(ddof=1)) if len(per_repeat) > 1 else 0.0,
                    "repeats": len(per_repeat),
                    "modes_total": n_modes if n_modes is not None else "",
                }
            )
    return pd.DataFrame(
        rows, columns=["method", "n_s", "modes_mean", "modes_std", "repeats", "modes_total"]
    )


def solution_counts(n_available: int, wanted: Sequence[int] = (25, 50, 100, 200)) -> list[int]:
    """The paper's N_s values that fit in n_available solutions; if the largest does not fit,
    the available count closes the list (n = 40 -> [25, 40])."""
    ns = [n for n in wanted if n <= n_available]
    if n_available < max(wanted) and n_available not in ns:
        ns.append(n_available)
    return ns


# Closed-loop table (ipage.loop.loop_table): column -> header.
LOOP_COLUMNS = {
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
    shown = table[list(LOOP_COLUMNS)].rename(columns=LOOP_COLUMNS)
    shown["task"] = shown["task"].map(task_label)
    shown["method"] = shown["method"].map(method_label)
    text = shown.to_markdown(index=False, floatfmt=".3g")
    notes = ", ".join(f"{task_label(t)} {tol:.3g}" for t, tol in tolerances.items())
    return (
        f"{text}\n\nverified: re-simulated single-target solutions with ||y - y*|| within "
        f"({notes}); cumulative calls: dataset + re-simulations that fed the round + the "
        "round's own.\n"
    )
