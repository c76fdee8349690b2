"""The affine coupling block shared by the INN and the conditional INN."""

from __future__ import annotations

import torch
from torch import nn

from ipage.models.normalize import mlp


class AffineCoupling(nn.Module):
    """Two-sided affine coupling (RealNVP/GLOW style, as in Ardizzone et al. 2019):
    x2 <- x2*exp(s(x1, c)) + t(x1, c), then x1 likewise given (x2, c).

    cond_dim = 0 makes it unconditional (the INN); the cINN passes its condition c = y.
    Log-scales are soft-clamped to (-clamp, clamp) so exp() stays tame in both directions.
    """

    def __init__(self, dim: int, hidden: int, layers: int, clamp: float, cond_dim: int = 0):
        super().__init__()
        self.d1, self.d2 = dim // 2, dim - dim // 2
        self.clamp = clamp
        self.net1 = mlp(self.d1 + cond_dim, 2 * self.d2, hidden, layers)
        self.net2 = mlp(self.d2 + cond_dim, 2 * self.d1, hidden, layers)
        for net in (self.net1, self.net2):  # start as the identity map
            nn.init.zeros_(net[-1].weight)
            nn.init.zeros_(net[-1].bias)

    def _scale_shift(
        self, net: nn.Module, v: torch.Tensor, c: torch.Tensor | None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        s, t = net(v if c is None else torch.cat([v, c], dim=1)).chunk(2, dim=1)
        return self.clamp * torch.tanh(s / self.clamp), t

    def forward(
        self, x: torch.Tensor, c: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(output, log|det J|) per row."""
        x1, x2 = x[:, : self.d1], x[:, self.d1 :]
        s2, t = self._scale_shift(self.net1, x1, c)
        x2 = x2 * torch.exp(s2) + t
        s1, t = self._scale_shift(self.net2, x2, c)
        x1 = x1 * torch.exp(s1) + t
        return torch.cat([x1, x2], dim=1), s1.sum(1) + s2.sum(1)

    def inverse(self, v: torch.Tensor, c: torch.Tensor | None = None) -> torch.Tensor:
        v1, v2 = v[:, : self.d1], v[:, self.d1 :]
        s, t = self._scale_shift(self.net2, v2, c)
        v1 = (v1 - t) * torch.exp(-s)
        s, t = self._scale_shift(self.net1, v1, c)
        v2 = (v2 - t) * torch.exp(-s)
        return torch.cat([v1, v2], dim=1)
