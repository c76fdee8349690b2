"""Paper-style tables and figures (ipage.report) on small synthetic inputs."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from ipage.metrics import ModeCounter
from ipage.report import figures, tables
from ipage.tasks.sinewave import SineWave

SUMMARY_CSV = """task,method,scenario,n_solutions,resim_mse_mean,resim_mse_std,modes_covered,seconds
sinewave,ipage,many_targets,40,0.002,1.6e-06,,0.9
sinewave,inn,many_targets,40,0.12,7.8e-05,,0.01
sinewave,mystery,many_targets,40,0.5,0.01,,0.2
sinewave,na,many_targets,40,0.006,4.1e-06,,3.0
robot_arm,inn,many_targets,40,0.014,8.2e-06,,0.02
robot_arm,ipage,many_targets,40,0.006,4.2e-06,,1.1
robot_arm,na,many_targets,40,0.006,8.8e-06,,4.0
sinewave,ipage,single_target,40,0.004,2.1e-06,8.5,0.8
sinewave,inn,single_target,40,0.19,9.3e-05,3.0,0.01
sinewave,ipage_srs,single_target,40,0.0031,1e-06,7.0,0.7
robot_arm,ipage,single_target,40,0.008,7.6e-06,,1.0
robot_arm,inn,single_target,40,0.015,4.7e-05,,0.02
"""


@pytest.fixture
def summary() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(SUMMARY_CSV))


def _rows(markdown: str) -> list[list[str]]:
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    return [[c.strip() for c in line.strip("|").split("|")] for line in lines]


def test_table_layout_order_and_formatting(summary):
    rows = _rows(tables.render_markdown(summary, "many_targets"))
    assert rows[0] == ["Method", "Sinewave", "Robotic Arm"]  # paper's task order
    methods = [r[0] for r in rows[2:]]
    assert methods == [
        "Invertible neural network (INN)",
        "Neural-Adjoint (NA)",
        "iPage (with maximin LHS)",
        "mystery",  # unknown methods go last
    ]
    by_method = {r[0]: r[1:] for r in rows[2:]}
    assert by_method["Invertible neural network (INN)"] == ["0.120 ± 7.8e-5", "0.0140 ± 8.2e-6"]
    assert by_method["mystery"] == ["0.500 ± 0.010", tables.MISSING]  # no robot_arm row


def test_table_bold_marks_lowest_mean_per_column_and_ties(summary):
    rows = {r[0]: r[1:] for r in _rows(tables.render_markdown(summary, "many_targets"))[2:]}
    assert rows["iPage (with maximin LHS)"][0] == "**0.00200 ± 1.6e-6**"
    assert rows["Neural-Adjoint (NA)"][0] == "0.00600 ± 4.1e-6"
    # robot_arm: ipage and na tie at 0.006 -> both bold, inn not
    assert rows["iPage (with maximin LHS)"][1].startswith("**")
    assert rows["Neural-Adjoint (NA)"][1].startswith("**")
    assert not rows["Invertible neural network (INN)"][1].startswith("**")
    assert tables.MISSING in rows["mystery"][1] and "**" not in rows["mystery"][1]


def test_table3_uses_single_target_rows_and_ablation_order(summary):
    rows = _rows(tables.render_markdown(summary, "single_target"))
    assert [r[0] for r in rows[2:]] == [
        "Invertible neural network (INN)",
        "iPage (with SRS)",
        "iPage (with maximin LHS)",
    ]
    sinewave = {r[0]: r[1] for r in rows[2:]}
    assert sinewave["iPage (with SRS)"] == "**0.00310 ± 1.0e-6**"
    assert sinewave["iPage (with maximin LHS)"] == "0.00400 ± 2.1e-6"


def test_table_document_and_html(summary):
    doc = tables.table_document(summary, "single_target")
    assert doc.startswith("Table 3") and "of 40 solutions" in doc
    page = tables.render_html(summary, "many_targets", title="Table 2")
    assert "<b>0.00200 ± 1.6e-6</b>" in page and "<caption>Table 2</caption>" in page
    assert page.index("Invertible neural network") < page.index("iPage (with maximin LHS)")


def test_format_number_and_missing_cell():
    assert tables.format_number(1.6e-6, 2) == "1.6e-6"
    assert tables.format_number(0.0231, 3) == "0.0231"
    assert tables.format_number(2.6, 3) == "2.60"  # trailing zeros kept: 2.60 vs 2.62
    assert tables.format_number(19.69, 3) == "19.7"
    assert tables.format_number(1.5e12, 2) == "1.5e12"
    assert tables.format_cell(float("nan"), 0.1) == tables.MISSING


def test_ordered_and_solution_counts():
    assert tables.ordered(["zeta", "ipage", "inn", "alpha"], tables.METHOD_ORDER) == [
        "inn",
        "ipage",
        "alpha",
        "zeta",
    ]
    assert tables.solution_counts(1000) == [25, 50, 100, 200]
    assert tables.solution_counts(200) == [25, 50, 100, 200]
    assert tables.solution_counts(40) == [25, 40]
    assert tables.solution_counts(10) == [10]


def test_modes_vs_ns_table_and_counts():
    task = SineWave()
    target = np.array([1.2])
    centroids = figures.mode_centroids(task, target)
    assert len(centroids) == 9
    # reading order: first row has the largest x2, left to right
    assert centroids[0, 1] > 0.5 and centroids[0, 0] < centroids[1, 0] < centroids[2, 0]
    # solutions exactly on the peaks of 3 modes (y = 2 there, far from 1.2): none accurate;
    # points on the contour of the first 3 modes: 3 modes hit
    r = np.array([[c[0] + 0.0, c[1]] for c in centroids[:3]])
    on_ring = np.array([_contour_point(task, c, target[0]) for c in r])
    x = np.stack([np.concatenate([on_ring, r]), np.concatenate([r, on_ring])])  # 2 repeats
    counter = ModeCounter(task, target)
    counts = np.array([[counter.covered(xr[:n], tol=0.05) for xr in x] for n in (3, 6)])
    assert counts.tolist() == [[3, 0], [3, 3]]
    table = tables.modes_vs_ns({"ipage": counts, "inn": np.zeros((2, 2))}, [3, 6], 9)
    assert table["method"].tolist() == ["inn", "inn", "ipage", "ipage"]
    row = table[(table["method"] == "ipage") & (table["n_s"] == 3)].iloc[0]
    assert row["modes_mean"] == 1.5 and row["modes_std"] == pytest.approx(np.std([3, 0], ddof=1))
    assert row["modes_total"] == 9


def _contour_point(task, centre, level):
    """Bisect along +x1 from a mode centre to the contour Omega = level."""
    lo, hi = 0.0, 0.3
    for _ in range(60):
        mid = (lo + hi) / 2
        value = task.forward(np.array([[centre[0] + mid, centre[1]]]))[0, 0]
        lo, hi = (mid, hi) if value > level else (lo, mid)
    return np.array([centre[0] + lo, centre[1]])


def _is_png(path) -> bool:
    return (
        path.is_file()
        and path.stat().st_size > 1000
        and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    )


def test_figures_write_pngs(tmp_path, summary):
    rng = np.random.default_rng(0)
    task = SineWave()
    target = np.array([1.2])
    sol = {"ipage": rng.uniform(-1, 1, (30, 2)), "inn": rng.uniform(-1, 1, (30, 2))}
    figures.sinewave_solutions(tmp_path / "sol.png", task, target, sol, [25, 30])
    assert _is_png(tmp_path / "sol.png")

    figures.time_to_solution(tmp_path / "time.png", summary)
    assert _is_png(tmp_path / "time.png")
    with_train = summary.assign(train_seconds=12.0)
    figures.time_to_solution(tmp_path / "time_train.png", with_train)
    assert _is_png(tmp_path / "time_train.png")

    y1 = rng.normal(1.2, 0.1, (2, 30, 1))
    errors = {
        "many_targets": {"inn": figures.resim_errors(y1, np.full((30, 1), 1.2))},
        "single_target": {
            "inn": figures.resim_errors(y1, np.full((30, 1), 1.2)),
            "ipage": rng.normal(0, 1e-3, 60),
        },
    }
    figures.resim_error_histograms(tmp_path / "err1.png", "sinewave", errors, 1)
    assert _is_png(tmp_path / "err1.png")
    y2 = rng.normal(0, 0.1, (2, 30, 2))
    norms = figures.resim_errors(y2, np.zeros((30, 2)))
    assert norms.shape == (60,) and (norms >= 0).all()
    figures.resim_error_histograms(
        tmp_path / "err2.png", "robot_arm", {"many_targets": {"inn": norms}}, 2
    )
    assert _is_png(tmp_path / "err2.png")

    history = pd.DataFrame(
        {
            "epoch": [1, 2, 3, 4],
            "train_loss": [9.0, 5.0, 3.0, 2.0],
            "val_loss": [1.0, 0.5, 0.3, 0.2],
            "lambda_y": [10.0, 10.0, 3.0, 1.0],
            "lambda_x": [0.01, 0.01, 0.3, 10.0],
            "lambda_z": [0.01, 0.01, 0.3, 10.0],
        }
    )
    figures.inn_training(tmp_path / "inn.png", history, "sinewave")
    assert _is_png(tmp_path / "inn.png")
    refined = pd.concat(  # inn.refine_epochs: L_y-only epochs without loss weights
        [history, pd.DataFrame({"epoch": [5, 6], "train_loss": [0.1, 0.05], "phase": "refine"})]
    )
    refined["val_loss"] = refined["val_loss"].fillna(0.1)
    figures.inn_training(tmp_path / "inn_refined.png", refined, "sinewave")
    assert _is_png(tmp_path / "inn_refined.png")

    table = tables.modes_vs_ns(
        {"ipage": np.array([[7, 9], [9, 9]]), "ipage_srs": np.ones((2, 2))}, [25, 50], 9
    )
    figures.modes_vs_ns_plot(tmp_path / "modes.png", table, 9)
    assert _is_png(tmp_path / "modes.png")


def test_resim_errors_drop_non_finite():
    y = np.array([[[1.0], [np.nan], [3.0]]])
    assert figures.resim_errors(y, np.array([[1.0], [1.0], [1.0]])).tolist() == [0.0, 2.0]


def test_binary_rows_follow_their_method_and_unsimulated_tasks_are_marked():
    summary = pd.DataFrame(
        [
            ("architecture", "ipage_binary", 0.3, 0.01, True),
            ("architecture", "ipage", 0.2, 0.01, True),
            ("architecture", "inn", 0.9, 0.1, True),
            ("architecture", "zz", 0.8, 0.1, True),
            ("mos2", "ipage", float("nan"), float("nan"), False),
            ("mos2", "inn", float("nan"), float("nan"), False),
        ],
        columns=["task", "method", "resim_mse_mean", "resim_mse_std", "resimulated"],
    ).assign(scenario="single_target", n_solutions=10)
    doc = tables.table_document(summary, "single_target")
    rows = _rows(doc)
    assert rows[0] == ["Method", "Architecture Design", "mos2†"]
    assert [r[0] for r in rows[2:]] == [
        "Invertible neural network (INN)",
        "iPage (with maximin LHS)",
        "iPage (with maximin LHS), binarized",
        "zz",
    ]
    assert rows[3][2] == tables.MISSING and "**" not in rows[3][2]
    assert "† not re-simulated (no simulator): mos2" in doc
    page = tables.render_html(summary, "single_target")
    assert "mos2†" in page and "not re-simulated" in page
    assert tables.not_resimulated(summary.drop(columns="resimulated"), "single_target") == []
