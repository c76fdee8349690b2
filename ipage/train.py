"""Training loops: a generic mini-batch loop with best-validation checkpointing, and the
iPage INN with its dynamic bi-directional loss schedule."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ipage.data import Split
from ipage.losses import loss_y, mmd
from ipage.models.inn import INN
from ipage.models.layout_cnn import LayoutCNN
from ipage.settings import FitSettings, INNSettings, LayoutSurrogateSettings

Log = Callable[[str], None]
BatchLoss = Callable[[torch.Tensor, torch.Tensor, int], torch.Tensor]


@dataclass
class FitResult:
    best_state: dict  # parameters at the lowest validation loss
    history: list[dict]  # one row per epoch
    seconds: float


def fit(
    model: nn.Module,
    batch_loss: BatchLoss,
    val_loss: Callable[[], float],
    x: np.ndarray,
    y: np.ndarray,
    s: FitSettings,
    *,
    seed: int,
    device: torch.device,
    log: Log = print,
    epoch_stats: Callable[[int], dict] | None = None,
) -> FitResult:
    """Mini-batch training by `s`; keeps the best-validation state.

    batch_loss(xb, yb, epoch) returns the loss to minimise; val_loss() is evaluated once per
    epoch in eval mode. epoch_stats(epoch) adds columns (e.g. loss weights) to the history.
    """
    epochs, batch_size = s.epochs, s.batch_size
    gen = torch.Generator().manual_seed(seed)
    xt = torch.as_tensor(x, dtype=torch.float32, device=device)
    yt = torch.as_tensor(y, dtype=torch.float32, device=device)
    opt = torch.optim.Adam(model.parameters(), lr=s.lr, weight_decay=s.weight_decay)
    cycle = -(-epochs // s.lr_cycles)  # epochs per lr cycle (the last may be shorter)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda e: s.lr_final_ratio ** ((e % cycle) / cycle)
    )
    best, best_state, history = np.inf, copy.deepcopy(model.state_dict()), []
    start = time.perf_counter()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(xt), generator=gen).to(device)
        total, batches, lr = 0.0, 0, opt.param_groups[0]["lr"]
        for idx in order.split(batch_size):
            opt.zero_grad()
            loss = batch_loss(xt[idx], yt[idx], epoch)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 10.0)
            opt.step()
            total, batches = total + float(loss.detach()), batches + 1
        sched.step()
        model.eval()
        with torch.no_grad():
            val = float(val_loss())
        if val < best:
            best, best_state = val, copy.deepcopy(model.state_dict())
        row = {"epoch": epoch + 1, "train_loss": total / batches, "val_loss": val, "lr": lr}
        row.update(epoch_stats(epoch) if epoch_stats else {})
        history.append(row)
        if (epoch + 1) % max(1, epochs // 20) == 0 or epoch + 1 == epochs:
            log(
                f"epoch {epoch + 1}/{epochs} train {total / batches:.4e} val {val:.4e} "
                f"best {best:.4e} ({time.perf_counter() - start:.0f} s)"
            )
    return FitResult(best_state, history, time.perf_counter() - start)


@dataclass(frozen=True, kw_only=True)
class Schedule:
    """Dynamic bi-directional weights: lambda_y = N_l for the first half, then decays
    geometrically to lambda_y_final; lambda_x = lambda_z = lambda_min for the first half,
    then grow geometrically, lambda_z to N_l and lambda_x to lambda_x_final."""

    epochs: int
    n_l: float
    lambda_min: float
    lambda_y_final: float
    lambda_x_final: float

    def weights(self, epoch: int) -> tuple[float, float, float]:
        half = self.epochs // 2
        if epoch < half:
            return self.n_l, self.lambda_min, self.lambda_min
        p = (epoch - half + 1) / max(1, self.epochs - half)
        lam_y = self.n_l * (self.lambda_y_final / self.n_l) ** p
        lam_x = self.lambda_min * (self.lambda_x_final / self.lambda_min) ** p
        lam_z = self.lambda_min * (self.n_l / self.lambda_min) ** p
        return lam_y, lam_x, lam_z


def _mean_square(v: torch.Tensor) -> torch.Tensor:
    """Mean of v^2, 0 for no columns (no padding; torch.mean of an empty tensor is nan)."""
    return (v**2).mean() if v.numel() else v.new_zeros(())


def inn_losses(
    model: INN, x: torch.Tensor, y: torch.Tensor, s: INNSettings, backward: bool = True
) -> dict[str, torch.Tensor]:
    """L_y (forward regression, output padding pinned to 0), L_z and L_x (backward samples vs
    data by MMD, x padding pinned to 0).

    L_z penalises the mismatch between the joint [f_y(x), f_z(x)] and p(y) N(0, I):
    - "likelihood": the negative log-likelihood of the padded x under the bijection (change
      of variables), -log N(f_y(x); y, y_sigma^2) - log N(f_z(x); 0, I)
      - log N(pad; 0, y_sigma^2) - log|det J|, per dimension; noise on y and on the x padding
      gives the data a density;
    - "mmd": a kernel MMD between [f_y(x) (detached), f_z(x)] and [y, N(0, I)] (Ardizzone et
      al. 2019).
    """
    yd, zd, xd = model.y_dim, model.z_dim, model.x_dim
    y_n = model.y_norm(y)
    y_noisy = y_n + s.y_noise * torch.randn_like(y_n)
    v = model.pad(model.x_norm(x))
    if s.pad_noise > 0 and model.dim_total > xd:
        v = torch.cat([v[:, :xd], s.pad_noise * torch.randn_like(v[:, xd:])], dim=1)
    out, log_det = model.forward_padded(v)
    y_out, z_out, pad_out = out[:, :yd], out[:, yd : yd + zd], out[:, yd + zd :]
    l_y = loss_y(y_out, y_noisy) + _mean_square(pad_out)
    if s.z_loss == "likelihood":
        misfit = ((y_out - y_noisy) ** 2).sum(1) + (pad_out**2).sum(1)
        nll = 0.5 * misfit / s.y_sigma**2 + 0.5 * (z_out**2).sum(1) - log_det
        l_z = nll.mean() / model.dim_total
    else:
        z = torch.randn(len(x), zd, device=x.device)
        l_z = mmd(torch.cat([y_out.detach(), z_out], 1), torch.cat([y_n, z], 1))
    if not backward:  # L_x has weight 0: skip the inverse pass
        return {"l_y": l_y, "l_x": torch.zeros_like(l_y), "l_z": l_z}
    z_back = torch.randn(len(x), zd, device=x.device)
    x_back = model.inverse_normalized(torch.cat([y_n, z_back], 1))
    l_x = mmd(x_back[:, :xd], model.x_norm(x)) + _mean_square(x_back[:, xd:])
    return {"l_y": l_y, "l_x": l_x, "l_z": l_z}


def _forward_val_mse(model: INN, split: Split, device: torch.device) -> Callable[[], float]:
    """The validation loss of every INN training phase: f_y's MSE on the validation rows in
    raw y units, what localization relies on."""
    x_val = torch.as_tensor(split.x_val, dtype=torch.float32, device=device)
    y_val = torch.as_tensor(split.y_val, dtype=torch.float32, device=device)
    return lambda: float(torch.mean((model.predict_y(x_val) - y_val) ** 2))


def build_inn(split: Split, s: INNSettings, seed: int = 0) -> INN:
    """The untrained INN `s` describes, normalised to the split's training rows."""
    return INN(
        split.x_train,
        split.y_train,
        z_dim=s.z_dim,
        dim_total=s.dim_total,
        blocks=s.blocks,
        hidden=s.hidden,
        layers=s.layers,
        clamp=s.clamp,
        seed=seed,
        output_pad_std=s.output_pad_std,
    )


def train_inn(
    split: Split,
    s: INNSettings,
    *,
    seed: int,
    device: torch.device,
    log: Log = print,
    init: INN | None = None,
) -> tuple[INN, INN, list[dict], float]:
    """Train the INN; return (final INN for sampling, best-L_y INN as surrogate, history, s).

    init: a trained INN of the same settings to fine-tune (a closed-loop round's warm start);
    its parameters and data standardisation replace the fresh network's.
    """
    torch.manual_seed(seed)
    model = build_inn(split, s, seed).to(device)
    if init is not None:
        model.load_state_dict(init.state_dict())
    schedule = Schedule(
        epochs=s.epochs,
        n_l=s.n_l,
        lambda_min=s.lambda_min,
        lambda_y_final=s.lambda_y_final,
        lambda_x_final=s.lambda_x_final,
    )

    def batch_loss(xb: torch.Tensor, yb: torch.Tensor, epoch: int) -> torch.Tensor:
        lam_y, lam_x, lam_z = schedule.weights(epoch)
        parts = inn_losses(model, xb, yb, s, backward=lam_x > 0)
        return lam_y * parts["l_y"] + lam_x * parts["l_x"] + lam_z * parts["l_z"]

    def stats(epoch: int) -> dict:
        lam_y, lam_x, lam_z = schedule.weights(epoch)
        return {"lambda_y": lam_y, "lambda_x": lam_x, "lambda_z": lam_z}

    result = fit(
        model,
        batch_loss,
        _forward_val_mse(model, split, device),
        split.x_train,
        split.y_train,
        s.training,
        seed=seed,
        device=device,
        log=log,
        epoch_stats=stats,
    )
    surrogate = copy.deepcopy(model)
    surrogate.load_state_dict(result.best_state)
    history, seconds = result.history, result.seconds
    if s.refine_epochs:
        refined = refine_surrogate(surrogate, split, s, seed=seed, device=device, log=log)
        history += [
            {**row, "epoch": row["epoch"] + s.epochs, "phase": "refine"} for row in refined.history
        ]
        seconds += refined.seconds
    return model, surrogate, history, seconds


def refine_surrogate(
    surrogate: INN, split: Split, s: INNSettings, *, seed: int, device: torch.device, log: Log
) -> FitResult:
    """Fine-tune f_y on L_y alone (in place; the best-validation state is kept).

    The schedule trades L_y against L_z to the end, while localization only needs f_y to be
    accurate: refining a copy sharpens the surrogate and leaves the posterior (the final INN)
    as trained."""
    yd = surrogate.y_dim

    def batch_loss(xb: torch.Tensor, yb: torch.Tensor, epoch: int) -> torch.Tensor:
        return loss_y(surrogate.forward_normalized(xb)[:, :yd], surrogate.y_norm(yb))

    settings = FitSettings(
        epochs=s.refine_epochs,
        batch_size=s.refine_batch_size,
        lr=s.refine_lr,
        lr_final_ratio=s.lr_final_ratio,
    )
    log(f"refining the surrogate f_y on L_y alone: {s.refine_epochs} epochs, lr {s.refine_lr}")
    result = fit(
        surrogate,
        batch_loss,
        _forward_val_mse(surrogate, split, device),
        split.x_train,
        split.y_train,
        settings,
        seed=seed,
        device=device,
        log=log,
    )
    surrogate.load_state_dict(result.best_state)
    return result


def train_layout_cnn(
    cells: tuple[np.ndarray, np.ndarray],
    y: tuple[np.ndarray, np.ndarray],
    s: LayoutSurrogateSettings,
    *,
    seed: int,
    device: torch.device,
    log: Log = print,
    init: LayoutCNN | None = None,
) -> tuple[LayoutCNN, list[dict], float]:
    """The layout CNN by mean squared error; (training, validation) cells (n, N, N) and y.

    Each batch is shifted by one random periodic translation: the property of a periodic cell
    does not change, and the CNN's pooling makes it invariant to multiples of 4 px only.
    init: a trained CNN to fine-tune (a closed-loop round's warm start). Returns the
    best-validation network, the history and the training seconds."""
    torch.manual_seed(seed)
    (cells_train, cells_val), (y_train, y_val) = cells, y
    size = cells_train.shape[1]
    model = (init if init is not None else LayoutCNN(y_train, s.width)).to(device)
    val_cells = torch.as_tensor(cells_val, dtype=torch.float32, device=device)
    val_y = torch.as_tensor(y_val, dtype=torch.float32, device=device)

    def batch_loss(xb: torch.Tensor, yb: torch.Tensor, epoch: int) -> torch.Tensor:
        shift = torch.randint(size, (2,)).tolist()
        shifted = torch.roll(xb.reshape(-1, size, size), shift, dims=(1, 2))
        return ((model(shifted) - yb) ** 2).mean()

    def val_loss() -> float:
        parts = [model(c) for c in val_cells.split(1024)]  # bounded activation memory
        return float(((torch.cat(parts) - val_y) ** 2).mean())

    flat = cells_train.reshape(len(cells_train), -1)
    result = fit(
        model, batch_loss, val_loss, flat, y_train, s.training, seed=seed, device=device, log=log
    )
    model.load_state_dict(result.best_state)
    return model.eval(), result.history, result.seconds
