"""Posterior diagnostics: metrics against analytic results, the reference sampler, the row file
and the table/figure rendering."""

import math

import numpy as np
import pytest
import torch

from ipage.posterior import (
    PRIOR,
    R_T,
    PosteriorDiagnostics,
    best_of_t,
    diagnose,
    inside_box,
    posterior_sampler,
    rejection_reference,
    sample_conditional,
    sample_inn,
    sliced_wasserstein,
    torch_generator,
    unit_directions,
)
from ipage.report.posterior import posterior_markdown, posterior_plot, posterior_table
from ipage.tasks import get_task


def test_r_t_is_the_mean_best_of_the_first_t_and_non_increasing():
    errors = np.array([[3.0, 1.0, 2.0, 0.5], [1.0, 4.0, 0.1, 9.0]])
    assert best_of_t(errors, (1, 2, 3, 4)) == pytest.approx([2.0, 1.0, 0.55, 0.3])
    random = np.random.default_rng(0).exponential(size=(50, max(R_T)))
    r = best_of_t(random)
    assert np.all(np.diff(r) <= 0)


def test_inside_box_fraction():
    x = np.array([[0.0, 0.0], [1.0, 1.0], [1.1, 0.0], [0.5, -2.0]])
    assert inside_box(x, np.array([0.0, 0.0]), np.array([1.0, 1.0])) == 0.5


def test_sliced_wasserstein_zero_for_itself_and_shift_for_shifted_gaussians():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((4000, 2))
    lower, upper = np.zeros(2), np.ones(2)
    directions = unit_directions(2, 256, rng)
    assert sliced_wasserstein(a, a, lower, upper, directions) == 0.0
    # 1-D: the Wasserstein-1 distance of a shift is the shift
    one_d = unit_directions(1, 4, rng)
    shift = sliced_wasserstein(a[:, :1], a[:, :1] + 0.7, lower[:1], upper[:1], one_d)
    assert shift == pytest.approx(0.7, rel=1e-9)
    # 2-D: the mean projected shift is |s| E|cos| = 2 |s| / pi (box units: halve a side)
    b = rng.standard_normal((4000, 2)) + np.array([0.6, 0.8])
    distance = sliced_wasserstein(a, b, lower, np.array([2.0, 1.0]), directions)
    expected = 2 / math.pi * np.hypot(0.3, 0.8)
    assert distance == pytest.approx(expected, rel=0.08)


def test_rejection_reference_on_the_sinewave_accepts_only_close_points():
    task, target = get_task("sinewave"), np.array([1.2])
    ref = rejection_reference(task, target, np.random.default_rng(0), size=300, draws=100_000)
    assert len(ref.x) == 300
    assert ref.acceptance == pytest.approx(300 / 100_000)
    assert np.all(np.abs(task.forward(ref.x)[:, 0] - 1.2) < ref.epsilon)
    assert ref.epsilon < 0.05


def test_a_perfect_sampler_is_closer_to_the_reference_than_the_prior():
    task, target = get_task("sinewave"), np.array([1.2])
    ref = rejection_reference(task, target, np.random.default_rng(0), size=1000, draws=200_000)
    half, other = ref.x[::2], ref.x[1::2]
    prior = task.sample_prior(len(other), np.random.default_rng(1))
    directions = unit_directions(2, 128, np.random.default_rng(2))
    perfect = sliced_wasserstein(half, other, task.lower, task.upper, directions)
    uninformed = sliced_wasserstein(half, prior, task.lower, task.upper, directions)
    assert perfect < 0.5 * uninformed


class _Shift(torch.nn.Module):
    """A toy conditional sampler x = y + noise, and a toy INN x = (y, z)."""

    latent_dim = 1

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))

    def sample_x(self, y, generator):
        noise = 1e-3 * torch.randn(len(y), 2, generator=generator, device=y.device)
        return y.repeat(1, 2) + noise

    def sample_x_padded(self, y, z):
        """x = (y, z); the toy's 'padding' residual is z^2."""
        return torch.cat([y, z], dim=1), z[:, 0] ** 2


def test_samplers_are_seeded_and_shaped():
    model, targets = _Shift(), np.full((5, 1), 0.3)
    gen = torch_generator(np.random.default_rng(0), "cpu")
    x = sample_conditional(model, targets, gen)
    assert x.shape == (5, 2) and x.dtype == np.float64
    again = sample_conditional(model, targets, torch_generator(np.random.default_rng(0), "cpu"))
    assert np.array_equal(x, again)
    z = sample_inn(model, targets, np.random.default_rng(0))
    assert np.allclose(z[:, 1], np.random.default_rng(0).standard_normal(5), atol=1e-6)
    picked = sample_inn(model, targets, np.random.default_rng(0), draws=8)
    drawn = np.random.default_rng(0).standard_normal((5, 8)).astype(np.float32)
    smallest = drawn[np.arange(5), np.abs(drawn).argmin(1)]
    assert np.array_equal(picked[:, 1], smallest.astype(np.float64))
    prior = posterior_sampler(PRIOR, get_task("sinewave"), None, "cpu")
    assert prior(targets, np.random.default_rng(0)).shape == (5, 2)


def test_diagnose_the_prior_row_round_trips_and_renders(tmp_path):
    task = get_task("sinewave")
    y_test = task.forward(task.sample_prior(300, np.random.default_rng(3)))
    sampler = posterior_sampler(PRIOR, task, None, "cpu")
    row = diagnose(task, PRIOR, sampler, y_test, np.array([1.2]), 100, seed=0)
    assert row.in_box_single == row.in_box_many == 1.0
    assert row.r_targets == 200
    assert row.r_1 >= row.r_10 >= row.r_50
    assert row.reference_acceptance == pytest.approx(1e-3)
    row.save(tmp_path / "prior.csv")
    assert PosteriorDiagnostics.load(tmp_path / "prior.csv") == row
    table = posterior_table([row])
    assert "prior draws" in posterior_markdown(table)
    posterior_plot(tmp_path / "posterior.png", table)
    assert (tmp_path / "posterior.png").stat().st_size > 0
