"""Closed-loop rounds: round names, the merged training set, verified designs and the calls
they cost (hand-computed)."""

import re

import numpy as np
import pytest
import torch

from ipage.artifacts import Resim, Solutions
from ipage.baselines import train_baseline
from ipage.config import section, target, validate
from ipage.data import Split, split_rows
from ipage.loop import (
    Resimulated,
    RoundRecord,
    absolute_tolerance,
    loop_table,
    merge,
    verified,
)
from ipage.report.figures import loop_figure
from ipage.report.tables import loop_markdown
from ipage.rounds import Round, base_task, task_pattern
from ipage.settings import BaselineSettings, INNSettings
from ipage.tasks import get_task
from ipage.train import train_inn


def test_round_names_round_trip_and_chain_back_to_round_0():
    own = Round.parse("sinewave/round_2_ipage_lhs")
    assert own == Round("sinewave", 2, "ipage_lhs")
    assert own.name == "sinewave/round_2_ipage_lhs"
    assert own.previous().name == "sinewave/round_1_ipage_lhs"
    assert own.previous().previous().name == "sinewave"  # round 0 is shared by every method
    assert Round.parse("robot_arm/round_1").previous() == Round("robot_arm", 0)
    assert Round.parse("robot_arm") == Round("robot_arm", 0)
    assert base_task("crystal/round_3") == "crystal"
    with pytest.raises(ValueError, match="round 0"):
        Round("sinewave", 0).previous()


def test_a_round_has_its_tasks_settings_target_and_simulator():
    config = validate(
        {
            "tasks": ["sinewave"],
            "targets": {"sinewave": [0.5]},
            "overrides": {"sinewave": {"inn": {"epochs": 7}, "loop": {"tolerance": 0.1}}},
        }
    )
    assert section(config, "sinewave/round_2_na", "inn")["epochs"] == 7
    assert section(config, "sinewave/round_1", "loop")["tolerance"] == 0.1
    assert target(config, "sinewave/round_1").tolist() == [0.5]
    assert get_task("sinewave/round_3").name == "sinewave"


def test_task_pattern_accepts_rounds_of_listed_tasks_only():
    pattern = re.compile(f"^{task_pattern(['sinewave', 'crystal'])}$")
    for name in ("sinewave", "crystal/round_1", "sinewave/round_12_na"):
        assert pattern.match(name), name
    for name in ("robot_arm", "sinewave/round_0", "sinewave/round_1/ipage", "sinewave/x"):
        assert not pattern.match(name), name


def _split(n_train: int) -> Split:
    rng = np.random.default_rng(0)
    rows = {}
    for part, n in (("train", n_train), ("val", 3), ("test", 4)):
        rows[f"x_{part}"], rows[f"y_{part}"] = rng.normal(size=(n, 2)), rng.normal(size=(n, 1))
    return Split(**rows)


def test_merge_appends_only_the_finite_labelled_rows_in_order():
    split = _split(5)
    first = Resimulated(np.array([[1.0, 1.0], [2.0, 2.0]]), np.array([[0.1], [np.nan]]))
    second = Resimulated(np.array([[3.0, 3.0]]), np.array([[0.3]]))
    merged = merge(split, [first, second])
    np.testing.assert_array_equal(merged.x_train[:5], split.x_train)
    np.testing.assert_array_equal(merged.x_train[5:], [[1.0, 1.0], [3.0, 3.0]])
    np.testing.assert_array_equal(merged.y_train[5:], [[0.1], [0.3]])
    np.testing.assert_array_equal(merged.x_test, split.x_test)
    np.testing.assert_array_equal(merged.y_val, split.y_val)


def test_resimulated_counts_only_selected_solutions(tmp_path):
    x = np.arange(12, dtype=float).reshape(2, 3, 2)  # 2 repeats x 3 solutions
    y = np.full((2, 3, 1), np.nan)
    selected = np.array([[True, False, True], [False, False, True]])
    y[selected] = [[1.0], [np.nan], [3.0]]  # the second DFT run failed
    Solutions(x, np.zeros((3, 1)), np.ones(2)).save(tmp_path / "solutions.npz")
    Resim(y, np.zeros((2, 3)), True, selected=selected).save(tmp_path / "resim.npz")
    run = Resimulated.load(tmp_path / "solutions.npz", tmp_path / "resim.npz")
    assert run.calls == 3
    np.testing.assert_array_equal(run.labelled()[0], [[0.0, 1.0], [10.0, 11.0]])


def test_tolerance_in_y_units_or_percent_of_the_target():
    assert absolute_tolerance(0.02, np.array([1.55])) == 0.02
    assert absolute_tolerance("2%", np.array([3.0, 4.0])) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="percentage"):
        absolute_tolerance("2 percent", np.array([1.0]))
    y = np.array([[1.0], [1.04], [1.06], [np.nan]])
    np.testing.assert_array_equal(verified(y, np.array([1.0]), 0.05), [True, True, False, False])


def _records() -> list[RoundRecord]:
    return [
        RoundRecord("t", "a", 0, calls=10, verified=2, resim_mse=0.3),
        RoundRecord("t", "a", 1, calls=10, verified=5, resim_mse=0.2),
        RoundRecord("t", "b", 0, calls=4, verified=1, resim_mse=0.5),
        RoundRecord("t", "b", 1, calls=4, verified=1, resim_mse=0.4),
    ]


def test_loop_table_counts_own_calls_when_each_method_learns_from_its_own():
    table = loop_table(_records(), {"t": 100}, "method").set_index(["method", "round"])
    assert table.cumulative_calls.to_dict() == {
        ("a", 0): 110,
        ("a", 1): 120,
        ("b", 0): 104,
        ("b", 1): 108,
    }
    assert table.cumulative_verified.to_dict() == {
        ("a", 0): 2,
        ("a", 1): 7,
        ("b", 0): 1,
        ("b", 1): 2,
    }


def test_loop_table_charges_every_methods_earlier_calls_when_all_are_added():
    table = loop_table(_records(), {"t": 100}, "all").set_index(["method", "round"])
    # round 1 trains on 100 dataset rows + a's 10 + b's 4 re-simulations of round 0
    assert table.cumulative_calls.to_dict() == {
        ("a", 0): 110,
        ("a", 1): 124,
        ("b", 0): 104,
        ("b", 1): 118,
    }


def _two_rounds_of_sinewave_data() -> tuple[Split, Split]:
    task = get_task("sinewave")
    rng = np.random.default_rng(0)
    x = task.sample_prior(400, rng)
    first = split_rows(x, task.forward(x), (0.1, 0.1), rng)
    x_new = task.sample_prior(100, rng) * 0.2  # re-simulated designs near the centre
    return first, merge(first, [Resimulated(x_new, task.forward(x_new))])


def _quiet(message: str) -> None:
    pass


def test_warm_start_fine_tunes_the_previous_inn_with_its_standardisation():
    round_0, round_1 = _two_rounds_of_sinewave_data()
    inn = {**validate({"tasks": ["sinewave"]})["inn"], "blocks": 2, "hidden": 16, "epochs": 2}
    cpu = torch.device("cpu")
    fresh = INNSettings.from_section(inn, (1, 2))
    previous, *_ = train_inn(round_0, fresh, seed=0, device=cpu, log=_quiet)
    frozen = INNSettings.from_section({**inn, "lr": 1e-12}, (1, 2))  # Adam moves ~lr per step
    warm, *_ = train_inn(round_1, frozen, seed=0, device=cpu, log=_quiet, init=previous)
    scratch, *_ = train_inn(round_1, frozen, seed=0, device=cpu, log=_quiet)
    for name, value in previous.state_dict().items():
        torch.testing.assert_close(warm.state_dict()[name], value)
    assert not torch.equal(scratch.x_norm.mean, previous.x_norm.mean)  # round 1's own data


def test_warm_start_fine_tunes_the_previous_na_surrogate():
    round_0, round_1 = _two_rounds_of_sinewave_data()
    s = {"hidden": 16, "layers": 2, "epochs": 2, "batch_size": 64, "lr": 1e-3,
         "lr_final_ratio": 0.5, "weight_decay": 0.0}  # fmt: skip
    cpu = torch.device("cpu")
    fresh, frozen = (BaselineSettings.from_section({**s, "lr": lr}) for lr in (1e-3, 1e-12))
    previous = train_baseline("mlp", round_0, fresh, seed=0, device=cpu, log=_quiet).model
    warm = train_baseline("mlp", round_1, frozen, seed=0, device=cpu, log=_quiet, init=previous)
    for name, value in previous.state_dict().items():
        torch.testing.assert_close(warm.model.state_dict()[name], value)


def test_loop_table_renders_as_markdown_and_figure(tmp_path):
    table = loop_table(_records(), {"t": 100}, "method")
    text = loop_markdown(table, {"t": 0.05})
    header, rule, *rows = text.splitlines()[:6]
    assert "cumulative calls" in header and "cumulative verified" in header
    assert len(rows) == 4 and "120" in rows[1]  # method a, round 1
    assert "within (t 0.05)" in text
    loop_figure(tmp_path / "loop.png", table)
    assert (tmp_path / "loop.png").read_bytes()[:4] == b"\x89PNG"
