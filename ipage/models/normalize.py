"""Per-feature standardisation stored inside a model, so saved models take raw inputs."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


class Standardizer(nn.Module):
    """(v - mean) / std with statistics frozen from the training data."""

    def __init__(self, data: np.ndarray):
        super().__init__()
        data = np.asarray(data, dtype=np.float32)
        std = data.std(axis=0)
        self.register_buffer("mean", torch.as_tensor(data.mean(axis=0)))
        self.register_buffer("std", torch.as_tensor(np.where(std > 0, std, 1.0)))

    def forward(self, v: torch.Tensor) -> torch.Tensor:
        return (v - self.mean) / self.std

    def inverse(self, u: torch.Tensor) -> torch.Tensor:
        return u * self.std + self.mean


def mlp(n_in: int, n_out: int, hidden: int, layers: int) -> nn.Sequential:
    """A ReLU MLP with `layers` hidden layers; the last layer starts at zero when asked."""
    dims = [n_in] + [hidden] * layers
    modules: list[nn.Module] = []
    for a, b in zip(dims[:-1], dims[1:], strict=True):
        modules += [nn.Linear(a, b), nn.ReLU()]
    modules.append(nn.Linear(dims[-1], n_out))
    return nn.Sequential(*modules)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
