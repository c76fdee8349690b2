"""Simulators against hand-computed values and independent root finding; what each task
declares the workflow may do with it."""

import numpy as np
import pytest
from scipy.optimize import brentq

from ipage.metrics import modes_covered
from ipage.tasks import TASKS, get_task, task_capabilities
from ipage.tasks.ballistics import DRAG, MASS, V0_SCALE, G
from ipage.tasks.base import Capabilities


def test_sinewave_hand_values():
    task = get_task("sinewave")
    x = np.array([[0.0, 0.0], [1 / 6, 0.0], [-1 / 6, 1 / 3], [0.5, 2 / 3]])
    # sin(0)+cos(0); sin(pi/2)+cos(0); sin(-pi/2)+cos(pi); sin(3pi/2)+cos(2pi)
    np.testing.assert_allclose(task.forward(x)[:, 0], [1.0, 2.0, -2.0, 0.0], atol=1e-12)


def test_robot_arm_hand_configurations():
    task = get_task("robot_arm")
    x = np.array(
        [
            [0.0, 0.0, 0.0, 0.0],  # stretched out horizontally: reach 0.5 + 0.5 + 1 = 2
            [0.3, np.pi / 2, np.pi / 2, np.pi / 2],  # phi = (pi/2, 0, -pi/2)
            [-0.2, 0.0, np.pi / 2, np.pi / 2],  # phi = (0, pi/2, 0)
        ]
    )
    expected = np.array([[2.0, 0.0], [0.5, 0.3 + 0.5 - 1.0], [0.5 + 1.0, -0.2 + 0.5]])
    np.testing.assert_allclose(task.forward(x), expected, atol=1e-12)


def _landing_by_root_finding(x0, y0, angle, v0):
    vx, vy = v0 * np.cos(angle), v0 * np.sin(angle)

    def height(t):
        return y0 - (MASS / DRAG**2) * (
            (G * MASS + vy * DRAG) * (np.exp(-DRAG * t / MASS) - 1) + G * t * DRAG
        )

    t_apex = MASS / DRAG * np.log(1 + vy * DRAG / (G * MASS))
    t_land = brentq(height, t_apex, 1e3, xtol=1e-14)
    return x0 - vx * MASS / DRAG * (np.exp(-DRAG * t_land / MASS) - 1)


def test_ballistics_matches_independent_root_finding():
    task = get_task("ballistics")
    x = task.sample_prior(50, np.random.default_rng(1))
    expected = [_landing_by_root_finding(a, b, c, d * V0_SCALE) for a, b, c, d in x]
    np.testing.assert_allclose(task.forward(x)[:, 0], expected, rtol=1e-10)


def test_ballistics_launch_from_ground_lands_beyond_start():
    task = get_task("ballistics")
    x = np.array([[0.0, 0.0, np.pi / 4, 1.0]])  # y0 = 0: the root after the apex, not t = 0
    assert task.forward(x)[0, 0] > 1.0


@pytest.mark.parametrize("name", ["sinewave", "robot_arm", "ballistics"])
def test_prior_shapes_and_default_targets(name):
    task = get_task(name)
    x = task.sample_prior(100, np.random.default_rng(0))
    assert x.shape == (100, task.x_dim)
    assert task.forward(x).shape == (100, task.y_dim)
    assert task.default_target.shape == (task.y_dim,)
    assert np.all(task.lower < task.upper)


def test_unknown_task_is_a_one_line_error():
    with pytest.raises(ValueError, match="unknown task 'foo'; allowed: .*sinewave"):
        get_task("foo")


DECLARED = {
    "sinewave": Capabilities(dataset="simulate", modes="superlevel"),
    "robot_arm": Capabilities(dataset="simulate"),
    "ballistics": Capabilities(dataset="simulate"),
    # spectral designs: 0/1 layouts already, searchable through a layout surrogate
    "architecture": Capabilities(dataset="chunks", layout_map=True),
    "crystal": Capabilities(dataset="chunks", resimulation="subset"),
}


def test_every_registered_task_declares_its_capabilities():
    assert {name: task_capabilities(name) for name in TASKS} == DECLARED


def test_mode_counting_tasks_have_countable_modes():
    """`superlevel` mode counting needs 2-D designs and a scalar property: the sine wave's
    nine rings at y* = 1.2, each hit by a point on it."""
    counting = [name for name in TASKS if TASKS[name].capabilities.modes == "superlevel"]
    assert counting == ["sinewave"]
    task = get_task("sinewave")
    # sin(3 pi x1) = 1 at x1 = 1/6, -1/2, 5/6; cos(3 pi x2) = 0.2 on three x2 per period
    x2 = np.arccos(0.2) / (3 * np.pi)
    rings = np.array([[a, b] for a in (1 / 6, -1 / 2, 5 / 6) for b in (x2, x2 - 2 / 3, 2 / 3 - x2)])
    assert modes_covered(task, rings, task.default_target) == (9, 9)


def test_binarizing_tasks_project_to_zero_one_layouts():
    """Only grey designs (the architecture's pixel representation) need a projection."""
    pixels = {"representation": "pixels"}
    assert [n for n in TASKS if task_capabilities(n, **pixels).projection == "binarize"] == [
        "architecture"
    ]
    task = get_task("architecture", size=8, k_max=4, **pixels)
    assert task.capabilities == task_capabilities("architecture", **pixels)  # built = declared
    grey = np.random.default_rng(0).uniform(0, 1, size=(3, task.x_dim))
    assert set(np.unique(task.binarize(grey))) <= {0.0, 1.0}


def test_only_parallel_simulators_take_workers():
    fem = get_task("architecture")
    fem.use_workers(4)
    assert fem.n_workers == 4
    fem.use_workers(2)  # never fewer than task_options.n_workers asked for
    assert fem.n_workers == 4
    get_task("sinewave").use_workers(4)  # in-process simulators ignore it


def test_capabilities_of_an_unknown_task_is_a_one_line_error():
    with pytest.raises(ValueError, match="unknown task 'foo'; allowed: .*sinewave"):
        task_capabilities("foo")
