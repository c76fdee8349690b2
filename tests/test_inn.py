"""INN bijectivity, its log-determinant and the training losses."""

import numpy as np
import pytest
import torch

from ipage.config import validate
from ipage.data import split_rows
from ipage.losses import mmd
from ipage.models.inn import INN, ForwardSurrogate
from ipage.settings import FitSettings, INNSettings
from ipage.train import Schedule, fit, inn_losses, train_inn


def _trained_like_inn(seed=0):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(200, 4)), rng.normal(size=(200, 2))
    torch.manual_seed(seed)  # the subnetworks' initial weights
    inn = INN(x, y, z_dim=2, dim_total=8, blocks=4, hidden=32, layers=2, seed=seed).double()
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():  # move away from the identity initialisation
        for p in inn.parameters():
            p.add_(0.3 * torch.randn(p.shape, generator=gen, dtype=p.dtype))
    return inn, torch.as_tensor(x)


def test_inverse_of_forward_is_identity():
    inn, x = _trained_like_inn()
    out = inn.forward_normalized(x)
    back = inn.inverse_normalized(out)
    torch.testing.assert_close(inn.x_norm.inverse(back[:, :4]), x, atol=1e-5, rtol=0)
    assert float(back[:, 4:].abs().max()) < 1e-5  # the zero padding comes back as zero


def test_sample_x_inverts_predict_y_when_output_padding_is_zero():
    inn, x = _trained_like_inn()
    out = inn.forward_normalized(x).detach()
    out[:, 4:] = 0.0  # pretend the pads are perfectly trained
    x_pad = inn.inverse_normalized(out)
    y = inn.y_norm.inverse(out[:, :2])
    x_back = inn.sample_x(y, out[:, 2:4])
    expected = inn.x_norm.inverse(x_pad[:, :4])
    # the random weights put x_back at up to ~1e9: float64 resolution is relative to that scale
    scale = float(expected.abs().max())
    torch.testing.assert_close(x_back, expected, atol=1e-9 * scale, rtol=0)
    torch.testing.assert_close(ForwardSurrogate(inn)(x), inn.predict_y(x))


def test_drawn_output_padding_makes_sampling_the_exact_inverse():
    """With the output padding in the latent (the likelihood INN), sample_x of a data point's
    own [z, pad / std] gives that point back, and its x padding comes back as zero."""
    inn, x = _trained_like_inn()
    inn.output_pad_std = 0.05
    assert inn.latent_dim == 2 + 4  # z and the four output pads
    out = inn.forward_normalized(x).detach()
    y = inn.y_norm.inverse(out[:, :2])
    latent = torch.cat([out[:, 2:4], out[:, 4:] / 0.05], dim=1)
    x_back, residual = inn.sample_x_padded(y, latent)
    torch.testing.assert_close(x_back, x, atol=1e-5, rtol=0)
    assert float(residual.max()) < 1e-9


def test_mmd_zero_for_identical_and_positive_for_shifted_samples():
    gen = torch.Generator().manual_seed(0)
    a = torch.randn(500, 3, generator=gen)
    b = torch.randn(500, 3, generator=gen)
    assert float(mmd(a, a)) < 1e-6
    same = float(mmd(a, b))
    shifted = float(mmd(a, b + 1.0))
    assert shifted > 10 * same and shifted > 0.05  # V-statistic: same-law bias ~1e-2


def test_schedule_is_dynamic_bidirectional():
    s = Schedule(epochs=100, n_l=10.0, lambda_min=0.01, lambda_y_final=0.1, lambda_x_final=1.0)
    first_half = [s.weights(e) for e in range(50)]
    assert all(w == (10.0, 0.01, 0.01) for w in first_half)
    lam_y, lam_x, lam_z = zip(*(s.weights(e) for e in range(50, 100)), strict=True)
    assert np.all(np.diff(lam_y) < 0) and np.all(np.diff(lam_x) > 0) and np.all(np.diff(lam_z) > 0)
    np.testing.assert_allclose([lam_y[-1], lam_x[-1], lam_z[-1]], [0.1, 1.0, 10.0])


def test_log_det_is_the_log_abs_jacobian_determinant():
    """The likelihood L_z relies on forward_padded's log|det J| (change of variables)."""
    inn, x = _trained_like_inn(seed=3)
    v = inn.pad(inn.x_norm(x[:5]))
    _, log_det = inn.forward_padded(v)
    for row, expected in zip(v, log_det, strict=True):
        jac = torch.autograd.functional.jacobian(lambda r: inn.forward_padded(r[None])[0][0], row)
        # slogdet of an ill-conditioned Jacobian (scales up to e^(2 clamp) per block) loses
        # ~1e-8; a wrong log-determinant is off by O(0.1) or more
        torch.testing.assert_close(torch.linalg.slogdet(jac).logabsdet, expected, atol=1e-5, rtol=0)


def test_likelihood_loss_of_the_identity_map_is_the_gaussian_nll():
    """At initialisation the couplings are the identity, so the network only permutes
    (log|det J| = 0) and L_z is the Gaussian NLL of the permuted, standardised, padded data."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 3)), rng.normal(size=(64, 1))
    inn = INN(x, y, z_dim=2, dim_total=5, blocks=2, hidden=8, layers=1).double()
    s = INNSettings(**{**_SETTINGS, "z_dim": 2, "dim_total": 5, "y_noise": 0.0, "pad_noise": 0.0})
    xt, yt = torch.as_tensor(x), torch.as_tensor(y)
    parts = inn_losses(inn, xt, yt, s)
    v = inn.pad(inn.x_norm(xt))
    for perm in inn.perms:
        v = v[:, perm]
    misfit = (v[:, 0] - inn.y_norm(yt)[:, 0]) ** 2 + (v[:, 3:] ** 2).sum(1)
    nll = 0.5 * misfit / s.y_sigma**2 + 0.5 * (v[:, 1:3] ** 2).sum(1)
    torch.testing.assert_close(parts["l_z"], nll.mean() / 5)


_SETTINGS = dict(
    lr_cycles=1,
    blocks=2,
    hidden=8,
    layers=1,
    clamp=2.0,
    epochs=1,
    batch_size=64,
    lr=1e-3,
    lr_final_ratio=1.0,
    weight_decay=0.0,
    n_l=10.0,
    lambda_min=0.01,
    lambda_y_final=1.0,
    lambda_x_final=10.0,
    z_loss="likelihood",
    y_sigma=0.1,
)


@pytest.mark.parametrize("z_loss", ["likelihood", "mmd"])
def test_losses_are_finite_without_padding(z_loss):
    """dim_total = x_dim = y_dim + z_dim (no padding): every loss term stays a number."""
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(64, 4)), rng.normal(size=(64, 2))
    inn = INN(x, y, z_dim=2, dim_total=4, blocks=2, hidden=8, layers=1)
    s = INNSettings(
        **{
            **_SETTINGS,
            "z_dim": 2,
            "dim_total": 4,
            "z_loss": z_loss,
            "y_noise": 0.01,
            "pad_noise": 0.0,
        }
    )
    parts = inn_losses(inn, torch.as_tensor(x).float(), torch.as_tensor(y).float(), s)
    assert all(bool(torch.isfinite(v)) for v in parts.values()), parts


def test_lr_decay_restarts_once_per_cycle():
    """lr_cycles = 2: the exponential decay to lr * lr_final_ratio restarts at the half."""
    x = np.random.default_rng(0).normal(size=(32, 2))
    model = torch.nn.Linear(2, 1)
    s = FitSettings(epochs=4, batch_size=16, lr=1.0, lr_final_ratio=0.25, lr_cycles=2)
    result = fit(
        model,
        lambda xb, yb, epoch: ((model(xb) - yb) ** 2).mean(),
        lambda: 0.0,
        x,
        x[:, :1],
        s,
        seed=0,
        device=torch.device("cpu"),
        log=lambda _: None,
    )
    np.testing.assert_allclose([row["lr"] for row in result.history], [1, 0.5, 1, 0.5])


def test_refining_the_surrogate_sharpens_f_y_and_leaves_the_posterior_alone():
    """inn.refine_epochs: f_y is fine-tuned on L_y after the schedule (its validation MSE
    falls, the history continues the epochs); the final INN, the posterior, is unchanged."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(400, 2))
    split = split_rows(x, np.sin(x[:, :1]) + x[:, 1:] ** 2, (0.1, 0.1), rng)
    inn = {**validate({"tasks": ["sinewave"]})["inn"], "blocks": 2, "hidden": 16, "epochs": 3}
    inn["batch_size"] = 32
    cpu, quiet = torch.device("cpu"), lambda _: None
    plain = INNSettings.from_section(inn, (1, 2))
    refined = INNSettings.from_section(
        {**inn, "refine_epochs": 10, "refine_batch_size": 32, "refine_lr": 1e-3}, (1, 2)
    )
    final, surrogate, _, _ = train_inn(split, plain, seed=0, device=cpu, log=quiet)
    final_r, surrogate_r, history_r, _ = train_inn(split, refined, seed=0, device=cpu, log=quiet)
    for name, value in final.state_dict().items():
        torch.testing.assert_close(final_r.state_dict()[name], value)
    assert [row["epoch"] for row in history_r] == list(range(1, 14))
    x_val = torch.as_tensor(split.x_val, dtype=torch.float32)
    y_val = torch.as_tensor(split.y_val, dtype=torch.float32)

    def val_mse(model: INN) -> float:
        with torch.no_grad():
            return float(torch.mean((model.predict_y(x_val) - y_val) ** 2))

    assert val_mse(surrogate_r) < 0.5 * val_mse(surrogate), (
        val_mse(surrogate_r),
        val_mse(surrogate),
    )
