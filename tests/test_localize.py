"""Gradient localization with a frozen surrogate."""

import numpy as np
import torch
from torch import nn

from ipage.localize import best_per_group, localize, warm_up
from ipage.settings import LocalizationSettings


class Quadratic(nn.Module):
    """f(x) = |x|^2: the solution set of f = 1 is the unit circle."""

    def forward(self, x):
        return (x**2).sum(dim=1, keepdim=True)


def test_localization_reaches_level_set_and_stays_in_box():
    rng = np.random.default_rng(0)
    x0 = rng.uniform(-2, 2, size=(200, 2))
    targets = np.ones((200, 1))
    lower, upper = np.array([-2.0, -2.0]), np.array([2.0, 2.0])
    before = np.mean(((x0**2).sum(1) - 1) ** 2)
    res = localize(Quadratic(), x0, targets, lower, upper, LocalizationSettings(steps=300, lr=0.01))
    after = np.mean(((res.x**2).sum(1) - 1) ** 2)
    assert after < 1e-4 * before
    np.testing.assert_allclose(
        res.surrogate_loss, ((res.x**2).sum(1) - 1) ** 2, rtol=1e-4, atol=1e-9
    )
    assert np.all(res.x >= lower) and np.all(res.x <= upper)


def test_box_projection_keeps_unreachable_targets_inside():
    x0 = np.zeros((5, 2))
    res = localize(
        Quadratic(),
        x0,
        np.full((5, 1), 100.0),
        np.array([-1.0, -1.0]),
        np.array([1.0, 1.0]),
        LocalizationSettings(steps=200, lr=0.05),
    )
    assert np.all(np.abs(res.x) <= 1.0 + 1e-6)


def test_early_stop_on_tolerance_and_frozen_surrogate():
    surrogate = nn.Linear(2, 1)
    weights = surrogate.weight.detach().clone()
    res = localize(
        surrogate,
        np.zeros((3, 2)),
        np.zeros((3, 1)) + float(surrogate.bias),
        np.array([-1.0, -1.0]),
        np.array([1.0, 1.0]),
        LocalizationSettings(steps=50, lr=0.01, tol=1e-3),
    )
    np.testing.assert_array_equal(res.steps, 0)  # already solutions
    assert torch.equal(surrogate.weight, weights)


def test_best_per_group_picks_lowest_losses():
    losses = np.array([3.0, 1.0, 2.0, 0.5, 9.0, 4.0])
    np.testing.assert_array_equal(best_per_group(losses, 2, 1), [1, 3])
    np.testing.assert_array_equal(best_per_group(losses, 1, 2), [3, 1])


def test_starts_outside_the_box_are_projected_even_without_a_step():
    """An early stop (every start already below tol) still returns designs inside the box."""
    x0 = np.array([[1.5, 0.0], [-3.0, 0.2]])
    lower, upper = np.array([-1.0, -1.0]), np.array([1.0, 1.0])
    res = localize(
        Quadratic(),
        x0,
        np.ones((2, 1)),
        lower,
        upper,
        LocalizationSettings(steps=50, lr=0.01, tol=1e9),
    )
    np.testing.assert_array_equal(res.steps, 0)
    np.testing.assert_allclose(res.x, [[1.0, 0.0], [-1.0, 0.2]], atol=1e-6)


def test_each_row_stops_at_its_own_tolerance_and_stays_there():
    """A row that reaches tol is frozen; the others keep going and report more steps."""
    x0 = np.array([[1.0, 0.0], [0.2, 0.1], [1.9, 1.9]])  # on, inside, far outside the circle
    lower, upper = np.array([-2.0, -2.0]), np.array([2.0, 2.0])
    res = localize(
        Quadratic(),
        x0,
        np.ones((3, 1)),
        lower,
        upper,
        LocalizationSettings(steps=400, lr=0.01, tol=1e-6),
    )
    assert res.steps[0] == 0
    np.testing.assert_allclose(res.x[0], x0[0], atol=1e-7)  # never moved by momentum
    assert 0 < res.steps[1] < 400 and 0 < res.steps[2] < 400
    assert np.all(res.surrogate_loss < 1e-6)


def test_warm_up_leaves_the_surrogate_untouched():
    torch.manual_seed(0)
    surrogate = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2))
    before = [p.detach().clone() for p in surrogate.parameters()]
    warm_up(surrogate, np.zeros(3), np.ones(3))
    for p, q in zip(surrogate.parameters(), before, strict=True):
        assert torch.equal(p, q)
