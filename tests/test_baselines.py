"""Baselines: MDN, cINN, cVAE, the NA forward MLP and the neural-adjoint search."""

import dataclasses

import numpy as np
import pytest
import torch
from torch import nn

from ipage import config as ipage_config
from ipage.baselines import build, match_hidden, train_baseline
from ipage.data import split_rows
from ipage.methods import (
    BASELINE_METHODS,
    BASELINE_MODELS,
    GENERATIVE_METHODS,
    INN_METHODS,
    METHODS,
    trained_model,
)
from ipage.models.cinn import CINN
from ipage.models.normalize import count_parameters
from ipage.na import boundary_penalty, neural_adjoint
from ipage.settings import BaselineSettings, FitSettings, NASettings
from ipage.tasks import get_task

TRAIN = FitSettings(epochs=3, batch_size=64, lr=1e-3, lr_final_ratio=0.5)
ARCH = {  # hidden None: matched to a parameter count
    "mdn": BaselineSettings(hidden=None, layers=2, training=TRAIN, components=4),
    "cinn": BaselineSettings(hidden=None, layers=2, training=TRAIN, blocks=2, clamp=2.0),
    "cvae": BaselineSettings(hidden=None, layers=2, training=TRAIN, kl_weight=0.1),
    "mlp": BaselineSettings(hidden=None, layers=2, training=TRAIN),
}


@pytest.fixture(autouse=True)
def _keep_global_rng():
    """Training reseeds torch's global RNG; give later test files the state they expect."""
    with torch.random.fork_rng():
        yield


@pytest.fixture(scope="module")
def sine_split():
    torch.set_num_threads(1)
    task = get_task("sinewave")
    x = task.sample_prior(600, np.random.default_rng(0))
    return task, split_rows(x, task.forward(x), (0.1, 0.1), np.random.default_rng(0))


class SineTorch(nn.Module):
    """The exact sinewave simulator as a differentiable 'surrogate'."""

    def forward(self, x):
        return (torch.sin(3 * np.pi * x[:, :1]) + torch.cos(3 * np.pi * x[:, 1:2])).float()


@pytest.mark.parametrize("name", BASELINE_MODELS)
def test_baseline_trains_and_samples_the_right_shape(sine_split, name):
    task, split = sine_split
    s = dataclasses.replace(ARCH[name], hidden=16)
    trained = train_baseline(name, split, s, seed=0, device=torch.device("cpu"), log=lambda m: None)
    assert len(trained.history) == 3
    losses = [row["val_loss"] for row in trained.history]
    assert np.all(np.isfinite(losses))
    x_val, y_val = (torch.as_tensor(a, dtype=torch.float32) for a in (split.x_val, split.y_val))
    with torch.random.fork_rng():  # the training loop's validation noise (cVAE)
        torch.manual_seed(0)
        kept = float(trained.model.val_metric(x_val, y_val))
    assert kept == pytest.approx(min(losses), rel=1e-6)  # the best-validation state is kept
    model = trained.model
    y = torch.as_tensor(split.y_test[:25], dtype=torch.float32)
    with torch.no_grad():
        if name in GENERATIVE_METHODS:
            x = model.sample_x(y, torch.Generator().manual_seed(0))
            assert x.shape == (25, task.x_dim)
        else:
            x = model(torch.as_tensor(split.x_test[:25], dtype=torch.float32))
            assert x.shape == (25, task.y_dim)
    assert torch.isfinite(x).all()


@pytest.mark.parametrize("name", BASELINE_MODELS)
def test_hidden_width_matches_a_parameter_count_within_20_percent(sine_split, name):
    _, split = sine_split
    target = 218208  # the sinewave INN with the default settings
    h = match_hidden(name, split.x_train, split.y_train, ARCH[name], target)
    n = count_parameters(build(name, split.x_train, split.y_train, h, ARCH[name]))
    assert abs(n / target - 1) < 0.2


def _perturbed_cinn(x, y):
    cinn = CINN(x, y, blocks=3, hidden=16, layers=2, seed=0).double()
    with torch.no_grad():  # move away from the identity initialisation
        for p in cinn.parameters():
            p.add_(0.3 * torch.randn_like(p, generator=torch.Generator().manual_seed(1)))
    return cinn


def test_cinn_is_invertible_and_its_log_det_is_the_jacobian():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 3)), rng.normal(size=(64, 2))
    cinn = _perturbed_cinn(x, y)
    xt, yt = torch.as_tensor(x), torch.as_tensor(y)
    with torch.no_grad():
        z, log_det = cinn(xt, yt)
    assert float((z - cinn.x_norm(xt)).abs().max()) > 0.1  # not the identity
    torch.testing.assert_close(cinn.inverse(z, yt), xt, atol=1e-5, rtol=0)
    for i in range(3):  # log|det dz/dx_standardised| against autograd
        u0 = cinn.x_norm(xt[i : i + 1])

        def f(u, i=i):
            return cinn(cinn.x_norm.inverse(u), yt[i : i + 1])[0]

        jac = torch.autograd.functional.jacobian(f, u0).reshape(3, 3)
        torch.testing.assert_close(torch.linalg.slogdet(jac)[1], log_det[i], atol=1e-6, rtol=0)


def test_boundary_loss_is_zero_inside_the_box_and_grows_outside():
    lower, upper = np.array([-1.0, 0.0]), np.array([1.0, 4.0])
    penalty = boundary_penalty(lower, upper, 0.1)
    inside = torch.tensor([[0.0, 2.0], [-1.0, 4.0], [0.99, 0.01]])
    outside = torch.tensor([[1.5, 2.0], [0.0, -1.0], [-3.0, 6.0]])
    assert torch.all(penalty(inside) == 0)
    np.testing.assert_allclose(penalty(outside).numpy(), [0.05, 0.1, 0.4], rtol=1e-6)


def test_neural_adjoint_lowers_the_surrogate_loss_and_keeps_the_best():
    torch.set_num_threads(1)
    task, sur = get_task("sinewave"), SineTorch()
    s = NASettings(restarts=64, restarts_per_target=8, steps=100, lr=0.5, boundary_weight=0.1,
                   plateau_decay=True)  # fmt: skip
    target = np.array([[1.2]])
    start = task.sample_prior(64, np.random.default_rng(0))
    before = np.sum((task.forward(start) - 1.2) ** 2, axis=1)
    res = neural_adjoint(sur, task, target, s, restarts=64, keep=10, rng=np.random.default_rng(0))
    assert res.x.shape == (10, 2) and res.surrogate_loss.shape == (10,)
    assert res.surrogate_loss.max() < min(1e-4, 0.01 * np.sort(before)[9])
    np.testing.assert_allclose(task.forward(res.x)[:, 0], 1.2, atol=1e-2)
    targets = np.array([[0.5], [-1.0], [1.5]])
    many = neural_adjoint(sur, task, targets, s, restarts=8, keep=1, rng=np.random.default_rng(1))
    assert many.x.shape == (3, 2)
    np.testing.assert_allclose(task.forward(many.x)[:, 0], [0.5, -1.0, 1.5], atol=1e-2)


def test_baselines_are_registered_methods_with_their_models():
    assert set(BASELINE_METHODS) == {"mdn", "cinn", "cvae", "na"}
    assert not set(BASELINE_METHODS) & set(INN_METHODS)
    assert [trained_model(m) for m in ("ipage", "inn", "mdn", "cinn", "cvae", "na")] == [
        "inn", "inn", "mdn", "cinn", "cvae", "mlp"
    ]  # fmt: skip
    assert {trained_model(m) for m in BASELINE_METHODS} == set(BASELINE_MODELS)
    sections = ipage_config.load_schema()["properties"]
    assert all(section in sections for section in BASELINE_MODELS.values())


def test_every_method_has_its_own_colour():
    colors = [m.color for m in METHODS.values()]
    assert len(set(colors)) == len(colors)
