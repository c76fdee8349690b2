"""iPage inference for one batch of latent draws: posterior samples x = h(y*, z) from an
invertible posterior (the INN or the cINN), gradient localization on the frozen surrogate f_y,
and best-candidate selection."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ipage.localize import Predictor, best_per_group, localize, misfit, surrogate_predictor
from ipage.methods import INNMethod
from ipage.models.cinn import CINN
from ipage.models.inn import INN
from ipage.settings import LocalizationSettings
from ipage.tasks.base import Task

# (y, z) -> (x in raw units, padding residual per row: see INN.sample_x_padded)
Posterior = Callable[[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]


def latent_posterior(model: INN | CINN, kind: str) -> Posterior:
    """x = h(y, z) of the method's posterior model (INNMethod.posterior names its kind) and
    its padding residual (the cINN has no padding: zero)."""
    if kind == "cinn":
        return lambda y, z: (model.inverse(z, y), torch.zeros(len(y), device=y.device))
    return model.sample_x_padded


@dataclass(frozen=True)
class Solutions:
    x: np.ndarray  # (n, x_dim)
    surrogate_loss: np.ndarray  # (n,) ||f_y(x) - y*||^2
    steps: np.ndarray  # (n,) localization steps each kept solution took (0: not localized)


def solve(
    posterior: Posterior,
    surrogate: nn.Module,
    task: Task,
    method: INNMethod,
    targets: np.ndarray,
    z: np.ndarray,
    *,
    per_target: int,
    single_target: bool,
    localization: LocalizationSettings,
    draws: int = 1,
    predict: Predictor | None = None,
    log: Callable[[str], None] | None = None,
) -> Solutions:
    """Solutions for n = len(targets) targets.

    z holds per_target * draws latent rows per target, target-major (row i * per_target *
    draws + j). Of each target's rows the per_target whose padding comes back smallest become
    candidates (all of them for draws = 1). With per_target > 1 the best candidates by
    surrogate loss are kept after localization: the best n overall for a single target, the
    best one per target otherwise. `predict` (default: the surrogate on x) gives the y the
    kept solutions are ranked and scored by (`surrogate_loss`).
    """
    device = next(surrogate.parameters()).device
    n = len(targets)
    with torch.no_grad():
        y_t = torch.as_tensor(
            np.repeat(targets, per_target * draws, axis=0), dtype=torch.float32, device=device
        )
        x0, residual = posterior(y_t, torch.as_tensor(z, dtype=torch.float32, device=device))
    x0 = x0.cpu().numpy().astype(np.float64)
    if draws > 1:
        x0 = x0[best_per_group(residual.cpu().numpy(), n, per_target)]
    candidate_targets = np.repeat(targets, per_target, axis=0)
    if method.localize:
        result = localize(
            surrogate, x0, candidate_targets, task.lower, task.upper, localization, log=log
        )
        x, loss, steps = result.x, result.surrogate_loss, result.steps
    else:
        x, loss, steps = x0, None, np.zeros(len(x0), dtype=np.int64)
    if predict is not None or loss is None:
        loss = misfit(predict or surrogate_predictor(surrogate), x, candidate_targets)
    if per_target > 1:
        keep = best_per_group(loss, 1, n) if single_target else best_per_group(loss, n, 1)
        x, loss, steps = x[keep], loss[keep], steps[keep]
    return Solutions(x, loss, steps)
