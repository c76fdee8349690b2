"""The baselines of the paper's tables, each trained by its own objective with the generic
`fit` loop: MDN, cINN and cVAE sample p(x|y) directly; the forward MLP is the surrogate of
the neural-adjoint search (ipage.na).

Fair comparison (paper: "roughly the same number of model parameters"): a config section's
`hidden: null` picks the hidden width whose parameter count is closest to the task's INN.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ipage.data import Split
from ipage.methods import BASELINE_MODELS
from ipage.models.cinn import CINN
from ipage.models.cvae import CVAE
from ipage.models.inn import INN
from ipage.models.mdn import MDN
from ipage.models.mlp import ForwardMLP
from ipage.models.normalize import count_parameters
from ipage.settings import BaselineSettings
from ipage.train import fit

Log = Callable[[str], None]

PARAMETER_TOLERANCE = 0.2  # +-20 % of the INN's parameter count


def build(
    name: str,
    x_train: np.ndarray,
    y_train: np.ndarray,
    hidden: int,
    s: BaselineSettings,
    seed: int = 0,
) -> nn.Module:
    """The named baseline with hidden width `hidden` and the rest of its settings `s`."""
    if name == "mdn":
        return MDN(x_train, y_train, s.components, hidden, s.layers)
    if name == "cinn":
        return CINN(x_train, y_train, s.blocks, hidden, s.layers, s.clamp, seed)
    if name == "cvae":
        z_dim = s.z_dim or x_train.shape[1]
        return CVAE(x_train, y_train, z_dim, hidden, s.layers, s.kl_weight)
    if name == "mlp":
        return ForwardMLP(x_train, y_train, hidden, s.layers)
    raise ValueError(f"unknown baseline model {name!r}; allowed: {', '.join(BASELINE_MODELS)}")


def inn_parameter_count(split: Split, size: Mapping[str, int]) -> int:
    """Parameters of an INN of `size` (ipage.config.inn_size) on the split's dimensions: the
    count the baselines are matched to."""
    return count_parameters(INN(split.x_train, split.y_train, **size))


def match_hidden(
    name: str, x_train: np.ndarray, y_train: np.ndarray, s: BaselineSettings, target: int
) -> int:
    """The hidden width whose parameter count is closest to `target` (counts grow with width)."""

    def count(h: int) -> int:
        return count_parameters(build(name, x_train[:2], y_train[:2], h, s))

    lo, hi = 1, 2
    while count(hi) < target and hi < 2**16:
        lo, hi = hi, 2 * hi
    while hi - lo > 1:  # count(lo) < target <= count(hi)
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if count(mid) < target else (lo, mid)
    return min((lo, hi), key=lambda h: abs(count(h) - target))


@dataclass
class TrainedBaseline:
    model: nn.Module  # best-validation parameters, eval mode, on the training device
    history: list[dict]
    seconds: float  # the training loop's wall time
    hidden: int
    parameters: int


def train_baseline(
    name: str,
    split: Split,
    s: BaselineSettings,
    *,
    seed: int,
    device: torch.device,
    target_parameters: int | None = None,
    log: Log = print,
    init: nn.Module | None = None,
) -> TrainedBaseline:
    """Train the named baseline on its own objective; keep the best-validation state.

    s.hidden None means the width whose parameter count is closest to `target_parameters`.
    init: a trained model of the same settings to fine-tune (a closed-loop round's warm
    start); its parameters and data standardisation replace the fresh network's.
    """
    hidden = s.hidden
    if hidden is None:
        if target_parameters is None:
            raise ValueError(f"{name}: hidden is null but no parameter count to match was given")
        hidden = match_hidden(name, split.x_train, split.y_train, s, target_parameters)
    torch.manual_seed(seed)
    model = build(name, split.x_train, split.y_train, hidden, s, seed).to(device)
    if init is not None:
        model.load_state_dict(init.state_dict())
    n_params = count_parameters(model)
    log(f"{name}: hidden {hidden}, layers {s.layers}, {n_params} parameters")
    x_val = torch.as_tensor(split.x_val, dtype=torch.float32, device=device)
    y_val = torch.as_tensor(split.y_val, dtype=torch.float32, device=device)

    def val_loss() -> float:  # a stochastic objective (cVAE) sees the same noise each epoch
        with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
            torch.manual_seed(seed)
            return float(model.val_metric(x_val, y_val))

    result = fit(
        model,
        lambda xb, yb, epoch: model.loss(xb, yb),
        val_loss,
        split.x_train,
        split.y_train,
        s.training,
        seed=seed,
        device=device,
        log=log,
    )
    best = copy.deepcopy(model)
    best.load_state_dict(result.best_state)
    best.eval()
    return TrainedBaseline(best, result.history, result.seconds, hidden, n_params)
