"""Neural-adjoint search (Ren, Padilla & Malof 2020): many random starts drawn from the task
prior, each moved by Adam on ||f(x) - y*||^2 + boundary loss through a frozen forward MLP
f, then the best starts by loss are kept.

The published setting: 2048 restarts, 300 steps, Adam lr 0.5 with plateau decay, boundary
loss 0.1 * sum ReLU(|x - mu| - R/2) with (mu, R) the centre and width of the design box.
The published lr is in coordinates where the box is [-1, 1] (width 2); `ipage.localize`
takes lr in box widths, so it receives lr / 2. Optimisation reuses `ipage.localize` with
the penalty instead of projection, so solutions may end slightly outside the box, as in NA.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ipage.localize import Penalty, Predictor, best_per_group, localize, misfit
from ipage.settings import LocalizationSettings, NASettings
from ipage.tasks.base import Task

PUBLISHED_BOX_WIDTH = 2.0  # NA's lr refers to x scaled to [-1, 1]


def boundary_penalty(lower: np.ndarray, upper: np.ndarray, weight: float = 0.1) -> Penalty:
    """weight * sum_i ReLU(|x_i - mu_i| - R_i / 2): zero inside the box, linear outside."""
    mu = torch.as_tensor((lower + upper) / 2, dtype=torch.float32)
    half = torch.as_tensor((upper - lower) / 2, dtype=torch.float32)

    def penalty(x: torch.Tensor) -> torch.Tensor:
        return weight * torch.relu((x - mu.to(x.device)).abs() - half.to(x.device)).sum(dim=1)

    return penalty


@dataclass(frozen=True)
class NAResult:
    x: np.ndarray  # (n_targets * keep, x_dim), target-major
    surrogate_loss: np.ndarray  # (n_targets * keep,) ||f(x) - y*||^2
    out_of_box: int  # kept solutions with a positive boundary loss


def neural_adjoint(
    surrogate: nn.Module,
    task: Task,
    targets: np.ndarray,
    s: NASettings,
    *,
    restarts: int,
    keep: int,
    rng: np.random.Generator,
    predict: Predictor | None = None,
    log: Callable[[str], None] | None = None,
) -> NAResult:
    """Search `restarts` prior draws per distinct target row; keep the best `keep` of each.

    Candidates are ranked by the objective NA minimises (surrogate loss + boundary loss),
    which equals the surrogate loss inside the box; with `predict` (the designs as built, as
    iPage ranks them) its misfit replaces the surrogate loss.
    """
    if keep > restarts:
        raise ValueError(f"cannot keep {keep} of {restarts} restarts")
    targets = np.asarray(targets, dtype=np.float64)
    x0 = task.sample_prior(len(targets) * restarts, rng)
    candidate_targets = np.repeat(targets, restarts, axis=0)  # target-major
    penalty = boundary_penalty(task.lower, task.upper, s.boundary_weight)
    search = LocalizationSettings(
        steps=s.steps,
        lr=s.lr / PUBLISHED_BOX_WIDTH,
        project=False,
        plateau_decay=s.plateau_decay,
    )
    result = localize(
        surrogate, x0, candidate_targets, task.lower, task.upper, search, penalty=penalty, log=log
    )
    with torch.no_grad():
        bdy = penalty(torch.as_tensor(result.x, dtype=torch.float32)).numpy().astype(np.float64)
    loss = result.surrogate_loss
    if predict is not None:
        loss = misfit(predict, result.x, candidate_targets)
    idx = best_per_group(loss + bdy, len(targets), keep)
    return NAResult(result.x[idx], loss[idx], int((bdy[idx] > 0).sum()))
