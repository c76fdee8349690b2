"""iPage inference for one batch of latent draws: posterior samples from the INN, gradient
localization on the frozen surrogate f_y, and best-candidate selection."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from ipage.localize import best_per_group, localize
from ipage.methods import INNMethod
from ipage.models.inn import INN
from ipage.tasks.base import Task


def solve(
    inn: INN,
    surrogate: nn.Module,
    task: Task,
    method: INNMethod,
    targets: np.ndarray,
    z: np.ndarray,
    per_target: int,
    single_target: bool,
    localization: dict,
    log: Callable[[str], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Solutions (n, x_dim) and their surrogate losses (n,) for n = len(targets).

    z holds per_target candidates per target, target-major (row i * per_target + j). With
    per_target > 1 the best candidates by surrogate loss are kept: the best n overall for a
    single target, the best one per target otherwise.
    """
    device = next(surrogate.parameters()).device
    candidate_targets = np.repeat(targets, per_target, axis=0)
    with torch.no_grad():
        y_t = torch.as_tensor(candidate_targets, dtype=torch.float32, device=device)
        x0 = inn.sample_x(y_t, torch.as_tensor(z, dtype=torch.float32, device=device))
    x0 = x0.cpu().numpy().astype(np.float64)
    if method.localize:
        result = localize(
            surrogate,
            x0,
            candidate_targets,
            task.lower,
            task.upper,
            localization["steps"],
            localization["lr"],
            localization["tol"],
            log=log,
        )
        x, loss = result.x, result.surrogate_loss
    else:
        x = x0
        with torch.no_grad():
            pred = surrogate(torch.as_tensor(x0, dtype=torch.float32, device=device))
        loss = np.sum((pred.cpu().numpy() - candidate_targets) ** 2, axis=1)
    if per_target > 1:
        n = len(targets)
        keep = best_per_group(loss, 1, n) if single_target else best_per_group(loss, n, 1)
        x, loss = x[keep], loss[keep]
    return x, loss
