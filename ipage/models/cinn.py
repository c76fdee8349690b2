"""Conditional INN: a bijection x <-> z ~ N(0, I_x_dim) for every y, trained by maximum
likelihood (change of variables). Affine couplings whose scale/shift subnetworks see the
condition y; soft-clamped log-scales; fixed random permutations between blocks."""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from ipage.models.coupling import AffineCoupling
from ipage.models.normalize import Standardizer


class CINN(nn.Module):
    def __init__(
        self,
        x_train: np.ndarray,
        y_train: np.ndarray,
        blocks: int,
        hidden: int,
        layers: int,
        clamp: float = 2.0,
        seed: int = 0,
    ):
        super().__init__()
        self.x_dim, self.y_dim = x_train.shape[1], y_train.shape[1]
        if self.x_dim < 2:
            raise ValueError("a coupling-based cINN needs x_dim >= 2")
        self.x_norm = Standardizer(x_train)
        self.y_norm = Standardizer(y_train)
        self.couplings = nn.ModuleList(
            AffineCoupling(self.x_dim, hidden, layers, clamp, cond_dim=self.y_dim)
            for _ in range(blocks)
        )
        gen = torch.Generator().manual_seed(seed)
        perms = torch.stack([torch.randperm(self.x_dim, generator=gen) for _ in range(blocks)])
        self.register_buffer("perms", perms)
        self.register_buffer("inv_perms", torch.argsort(perms, dim=1))

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Raw (x, y) -> (z, log|det dz/dx_standardised|)."""
        v, c = self.x_norm(x), self.y_norm(y)
        log_det = torch.zeros(len(x), device=x.device)
        for coupling, perm in zip(self.couplings, self.perms, strict=True):
            v, ld = coupling(v[:, perm], c)
            log_det = log_det + ld
        return v, log_det

    def inverse(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """(z, raw y) -> raw x."""
        v, c = z, self.y_norm(y)
        for coupling, inv in zip(reversed(self.couplings), reversed(self.inv_perms), strict=True):
            v = coupling.inverse(v, c)[:, inv]
        return self.x_norm.inverse(v)

    def log_prob(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """log p(x_standardised | y) = log N(z; 0, I) + log|det J|."""
        z, log_det = self(x, y)
        return -0.5 * z.pow(2).sum(1) - 0.5 * self.x_dim * math.log(2 * math.pi) + log_det

    def loss(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Negative log-likelihood per x dimension."""
        return -self.log_prob(x, y).mean() / self.x_dim

    val_metric = loss

    def sample_x(self, y: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        z = torch.randn(len(y), self.x_dim, generator=generator, device=y.device)
        return self.inverse(z, y)
