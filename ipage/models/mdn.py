"""Mixture density network p(x|y): K Gaussian components with diagonal covariances whose
weights, means and standard deviations an MLP predicts from y (all in standardised units)."""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from ipage.models.normalize import Standardizer, mlp

LOG_STD_MIN, LOG_STD_MAX = -9.0, 3.0  # keeps densities finite on near-degenerate posteriors


class MDN(nn.Module):
    def __init__(
        self, x_train: np.ndarray, y_train: np.ndarray, components: int, hidden: int, layers: int
    ):
        super().__init__()
        self.x_dim, self.y_dim, self.components = x_train.shape[1], y_train.shape[1], components
        self.x_norm = Standardizer(x_train)
        self.y_norm = Standardizer(y_train)
        self.net = mlp(self.y_dim, components * (1 + 2 * self.x_dim), hidden, layers)

    def mixture(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(log weights (n, K), means (n, K, d), log stds (n, K, d)) for raw y."""
        k, d = self.components, self.x_dim
        out = self.net(self.y_norm(y))
        log_w = torch.log_softmax(out[:, :k], dim=1)
        mean = out[:, k : k + k * d].reshape(-1, k, d)
        log_std = out[:, k + k * d :].reshape(-1, k, d).clamp(LOG_STD_MIN, LOG_STD_MAX)
        return log_w, mean, log_std

    def log_prob(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """log p(x_standardised | y) per row."""
        log_w, mean, log_std = self.mixture(y)
        u = (self.x_norm(x)[:, None, :] - mean) * torch.exp(-log_std)
        comp = -0.5 * u.pow(2).sum(2) - log_std.sum(2) - 0.5 * self.x_dim * math.log(2 * math.pi)
        return torch.logsumexp(log_w + comp, dim=1)

    def loss(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Negative log-likelihood per x dimension."""
        return -self.log_prob(x, y).mean() / self.x_dim

    val_metric = loss

    def sample_x(self, y: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """One posterior draw per row of y: pick a component by weight, then a Gaussian draw."""
        log_w, mean, log_std = self.mixture(y)
        pick = torch.multinomial(log_w.exp(), 1, generator=generator)[:, 0]
        rows = torch.arange(len(y), device=y.device)
        noise = torch.randn(mean.shape[0], self.x_dim, generator=generator, device=y.device)
        u = mean[rows, pick] + torch.exp(log_std[rows, pick]) * noise
        return self.x_norm.inverse(u)
