"""iPage inference: latent posteriors (INN and cINN) feed localization and selection."""

import numpy as np
import torch
from torch import nn

from ipage.inverse import latent_posterior, solve
from ipage.methods import INN_METHODS
from ipage.models.cinn import CINN
from ipage.settings import LocalizationSettings
from ipage.tasks import get_task


class SumOfSquares(nn.Module):
    """f(x) = x1^2 + x2^2 in raw units: the level set f = 0.5 is a circle inside the box."""

    def __init__(self):
        super().__init__()
        self.dummy = nn.Parameter(torch.zeros(()))  # gives the surrogate a device

    def forward(self, x):
        return (x**2).sum(dim=1, keepdim=True)


def _cinn(seed: int = 0) -> CINN:
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-1, 1, size=(100, 2)), rng.uniform(0, 2, size=(100, 1))
    model = CINN(x, y, blocks=3, hidden=16, layers=1, seed=seed)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():  # away from the identity initialisation
        for p in model.parameters():
            p.add_(0.2 * torch.randn(p.shape, generator=gen))
    return model


def test_cinn_latent_posterior_is_the_inverse_of_its_forward_map():
    model = _cinn()
    y = torch.full((20, 1), 0.7)
    z = torch.randn(20, 2, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        x, residual = latent_posterior(model, "cinn")(y, z)
        assert torch.equal(residual, torch.zeros(20))
        z_back, _ = model(x, y)
    torch.testing.assert_close(z_back, z, atol=1e-4, rtol=0)


def test_ipage_on_the_cinn_localizes_selects_and_counts_steps():
    task = get_task("sinewave")  # only its box [-1, 1]^2 is used
    method = INN_METHODS["ipage_cinn"]
    n, per_target = 30, 2
    z = np.random.default_rng(0).normal(size=(n * per_target, 2))
    found = solve(
        latent_posterior(_cinn(), method.posterior),
        SumOfSquares(),
        task,
        method,
        np.full((n, 1), 0.5),
        z,
        per_target=per_target,
        single_target=True,
        localization=LocalizationSettings(steps=300, lr=0.01, tol=1e-6),
    )
    assert found.x.shape == (n, 2) and found.steps.shape == (n,)
    np.testing.assert_allclose((found.x**2).sum(1), 0.5, atol=2e-3)
    assert np.all(found.surrogate_loss < 1e-5) and found.steps.max() <= 300


def test_latent_draws_keep_each_targets_smallest_padding_candidates():
    """Of draws * per_target latent rows per target, the per_target with the smallest
    padding residual are the candidates (here residual = z1^2, x = z / 4)."""
    method = INN_METHODS["ipage"]
    n, per_target, draws = 10, 2, 3
    z = np.random.default_rng(0).normal(size=(n * per_target * draws, 2))
    found = solve(
        lambda y, z: (z / 4, z[:, 1] ** 2),
        SumOfSquares(),
        get_task("sinewave"),
        method,
        np.full((n, 1), 0.5),
        z,
        per_target=per_target,
        single_target=False,
        localization=LocalizationSettings(steps=0, lr=0.01),
        draws=draws,
    )
    groups = np.abs(z[:, 1]).reshape(n, per_target * draws)
    kept = np.sort(groups, axis=1)[:, :per_target]  # the allowed |z1| per target
    assert found.x.shape == (n, 2)
    assert np.all(np.isclose(np.abs(4 * found.x[:, 1])[:, None], kept).any(axis=1))


def test_a_predictor_of_the_built_design_ranks_the_localized_candidates():
    """Localization drives every candidate onto the circle f = 0.5; `predict` (here: the
    design as built is x rounded to one decimal) decides which are kept and is their loss."""
    method = INN_METHODS["ipage"]
    n, per_target = 20, 4
    z = np.random.default_rng(0).normal(size=(n * per_target, 2))

    def built(x: np.ndarray) -> np.ndarray:
        return (np.round(x, 1) ** 2).sum(axis=1, keepdims=True)

    args = (lambda y, z: (z / 4, torch.zeros(len(z))), SumOfSquares(), get_task("sinewave"))
    kwargs = dict(per_target=per_target, single_target=True,
                  localization=LocalizationSettings(steps=300, lr=0.01, tol=1e-8))  # fmt: skip
    targets = np.full((n, 1), 0.5)
    plain = solve(*args, method, targets, z, **kwargs)
    ranked = solve(*args, method, targets, z, predict=built, **kwargs)
    np.testing.assert_allclose(ranked.surrogate_loss, ((built(ranked.x) - 0.5) ** 2)[:, 0])
    assert ranked.surrogate_loss.mean() < ((built(plain.x) - 0.5) ** 2).mean()
