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

Penalty = Callable[[torch.Tensor], torch.Tensor]  # (n, x_dim) -> (n,) extra loss per row


@dataclass(frozen=True)
class LocalizationResult:
    x: np.ndarray  # (n, x_dim) localized designs
    surrogate_loss: np.ndarray  # (n,) ||f(x) - y*||^2 under the surrogate
    steps: int  # Adam steps taken before the early stop


def localize(
    surrogate: nn.Module,
    x0: np.ndarray,
    targets: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    steps: int,
    lr: float,
    tol: float = 0.0,
    project: bool = True,
    penalty: Penalty | None = None,
    plateau_decay: bool = False,
    log: Callable[[str], None] | None = None,
) -> LocalizationResult:
    """Adam on x for ||surrogate(x) - target||^2 (+ penalty), surrogate parameters frozen.

    lr is in units of the box width (x is optimised in box-normalised coordinates).
    Stops early once every row's surrogate loss is below `tol`.
    """
    device = next(surrogate.parameters(), torch.empty(0)).device  # the surrogate's device
    lo = torch.as_tensor(lower, dtype=torch.float32, device=device)
    width = torch.as_tensor(upper - lower, dtype=torch.float32, device=device)
    y_star = torch.as_tensor(targets, dtype=torch.float32, device=device)
    u = (torch.as_tensor(x0, dtype=torch.float32, device=device) - lo) / width
    if project:  # starts too: an early stop (tol) must not return a start outside the box
        u = u.clamp(0.0, 1.0)
    u.requires_grad_()
    surrogate.requires_grad_(False)
    opt = torch.optim.Adam([u], lr=lr)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=10)

    def row_loss() -> tuple[torch.Tensor, torch.Tensor]:
        x = lo + u * width
        fit = ((surrogate(x) - y_star) ** 2).sum(dim=1)
        return fit, fit + (penalty(x) if penalty is not None else 0.0)

    taken = 0
    for taken in range(1, steps + 1):
        opt.zero_grad()
        fit, total = row_loss()
        if tol > 0 and bool((fit < tol).all()):
            taken -= 1
            break
        total.sum().backward()
        opt.step()
        if project:
            with torch.no_grad():
                u.clamp_(0.0, 1.0)
        if plateau_decay:
            sched.step(float(total.detach().mean()))
        if log is not None and (taken % max(1, steps // 10) == 0 or taken == steps):
            log(f"localize step {taken}/{steps}: mean surrogate loss {float(fit.mean()):.3e}")
    with torch.no_grad():
        fit, _ = row_loss()
    x = (lo + u.detach() * width).cpu().numpy().astype(np.float64)
    loss = fit.cpu().numpy().astype(np.float64)
    return LocalizationResult(x=x, surrogate_loss=loss, steps=taken)


def best_per_group(losses: np.ndarray, n_groups: int, keep: int) -> np.ndarray:
    """Indices of the `keep` lowest-loss rows in each of n_groups equal consecutive groups."""
    per_group = len(losses) // n_groups
    grouped = losses.reshape(n_groups, per_group)
    order = np.argsort(grouped, axis=1, kind="stable")[:, :keep]
    return (order + per_group * np.arange(n_groups)[:, None]).ravel()
