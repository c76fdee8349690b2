"""Forward MLP surrogate y = f(x): the differentiable model the neural-adjoint search uses."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ipage.models.normalize import Standardizer, mlp


class ForwardMLP(nn.Module):
    """Raw x -> raw y through standardisation, a ReLU MLP and de-standardisation."""

    def __init__(self, x_train: np.ndarray, y_train: np.ndarray, hidden: int, layers: int):
        super().__init__()
        self.x_dim, self.y_dim = x_train.shape[1], y_train.shape[1]
        self.x_norm = Standardizer(x_train)
        self.y_norm = Standardizer(y_train)
        self.net = mlp(self.x_dim, self.y_dim, hidden, layers)

    def forward_normalized(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(self.x_norm(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.y_norm.inverse(self.forward_normalized(x))

    def loss(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Training objective: MSE on standardised y."""
        return torch.mean((self.forward_normalized(x) - self.y_norm(y)) ** 2)

    def val_metric(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """MSE in raw y units (what the adjoint search relies on)."""
        return torch.mean((self(x) - y) ** 2)
