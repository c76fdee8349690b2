"""Gradient localization: move designs x until a frozen surrogate predicts the target.

Shared by iPage (starts = INN posterior samples, kept inside the box by projection) and the
neural-adjoint baseline (starts = prior draws, boundary penalty). Each row is optimised
independently: the summed loss has per-row gradients.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ipage.settings import LocalizationSettings

Penalty = Callable[[torch.Tensor], torch.Tensor]  # (n, x_dim) -> (n,) extra loss per row
# Finished designs x (n, x_dim) -> the surrogate's y (n, y_dim), what candidates are ranked
# by: the searched surrogate itself, or its prediction for the design as it will be built.
Predictor = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class LocalizationResult:
    x: np.ndarray  # (n, x_dim) localized designs
    surrogate_loss: np.ndarray  # (n,) ||f(x) - y*||^2 under the surrogate
    steps: np.ndarray  # (n,) Adam steps each row took before it reached `tol` (or the budget)


def localize(
    surrogate: nn.Module,
    x0: np.ndarray,
    targets: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    s: LocalizationSettings,
    *,
    penalty: Penalty | None = None,
    log: Callable[[str], None] | None = None,
) -> LocalizationResult:
    """Adam on x for ||surrogate(x) - target||^2 (+ penalty), surrogate parameters frozen.

    A row whose surrogate loss falls below `s.tol` is frozen (its position and step count
    kept) and no longer evaluated, so a good start costs few surrogate calls: the paper's
    "few steps".
    """
    steps, tol, project = s.steps, s.tol, s.project
    device = next(surrogate.parameters(), torch.empty(0)).device  # the surrogate's device
    lo = torch.as_tensor(lower, dtype=torch.float32, device=device)
    width = torch.as_tensor(upper - lower, dtype=torch.float32, device=device)
    y_star = torch.as_tensor(targets, dtype=torch.float32, device=device)
    u = (torch.as_tensor(x0, dtype=torch.float32, device=device) - lo) / width
    if project:  # starts too: a row stopped at step 0 must not be returned outside the box
        u = u.clamp(0.0, 1.0)
    u.requires_grad_()
    surrogate.requires_grad_(False)
    opt = torch.optim.Adam([u], lr=s.lr)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=10)
    n = len(u)
    active = torch.arange(n, device=device)  # rows still being optimised
    taken = torch.full((n,), steps, dtype=torch.long, device=device)

    def row_loss(rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = lo + u[rows] * width
        fit = ((surrogate(x) - y_star[rows]) ** 2).sum(dim=1)
        return fit, fit + (penalty(x) if penalty is not None else 0.0)

    for step in range(steps):
        fit, total = row_loss(active)
        if tol > 0:
            done = fit.detach() < tol
            if bool(done.any()):
                taken[active[done]] = step
                active, fit, total = active[~done], fit[~done], total[~done]
                if len(active) == 0:
                    break
        opt.zero_grad()
        total.sum().backward()
        frozen = u.detach().clone() if tol > 0 else None
        opt.step()
        with torch.no_grad():
            if tol > 0:  # Adam's momentum must not move a row that has stopped
                keep = torch.ones(n, dtype=torch.bool, device=device)
                keep[active] = False
                u[keep] = frozen[keep]
            if project:
                u.clamp_(0.0, 1.0)
        if s.plateau_decay:
            sched.step(float(total.detach().mean()))
        if log is not None and ((step + 1) % max(1, steps // 10) == 0 or step + 1 == steps):
            log(
                f"localize step {step + 1}/{steps}: {len(active)} of {n} rows active, "
                f"mean surrogate loss {float(fit.mean()):.3e}"
            )
    with torch.no_grad():
        fit, _ = row_loss(torch.arange(n, device=device))
    x = (lo + u.detach() * width).cpu().numpy().astype(np.float64)
    loss = fit.cpu().numpy().astype(np.float64)
    return LocalizationResult(x=x, surrogate_loss=loss, steps=taken.cpu().numpy())


def warm_up(surrogate: nn.Module, lower: np.ndarray, upper: np.ndarray) -> None:
    """Two Adam steps on two rows, untimed. A process's first backward pass initialises
    torch's autograd engine (seconds on CPU, once per process): without this, whichever
    timed search comes first in a job (iPage's or NA's) would carry that cost as inference."""
    device = next(surrogate.parameters(), torch.empty(0)).device
    x = np.repeat(((lower + upper) / 2)[None], 2, axis=0)
    with torch.no_grad():
        y = surrogate(torch.as_tensor(x, dtype=torch.float32, device=device)).cpu().numpy()
    localize(surrogate, x, y, lower, upper, LocalizationSettings(steps=2, lr=1e-3))


def surrogate_predictor(surrogate: nn.Module) -> Predictor:
    """The surrogate evaluated on x itself."""
    device = next(surrogate.parameters(), torch.empty(0)).device

    def predict(x: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            y = surrogate(torch.as_tensor(x, dtype=torch.float32, device=device))
        return y.cpu().numpy().astype(np.float64)

    return predict


def misfit(predict: Predictor, x: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """||predict(x) - target||^2 per row."""
    return np.sum((predict(x) - targets) ** 2, axis=1)


def best_per_group(losses: np.ndarray, n_groups: int, keep: int) -> np.ndarray:
    """Indices of the `keep` lowest-loss rows in each of n_groups equal consecutive groups."""
    per_group = len(losses) // n_groups
    grouped = losses.reshape(n_groups, per_group)
    order = np.argsort(grouped, axis=1, kind="stable")[:, :keep]
    return (order + per_group * np.arange(n_groups)[:, None]).ravel()
