"""Invertible network x -> [y, z] (Ardizzone et al. 2019), the backbone of iPage.

x is standardised and zero-padded to `dim_total`; the network is a stack of affine coupling
blocks (both halves transformed, soft-clamped log-scales) separated by fixed random
permutations. Output layout: [y (standardised) | z | output padding]. Padding gives the
bijection room to represent level sets with several disconnected components.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ipage.models.coupling import AffineCoupling
from ipage.models.normalize import Standardizer
from ipage.settings import latent_columns


class INN(nn.Module):
    """Bijection on R^dim_total between padded standardised x and [y, z, pad]."""

    # The output padding's std in the model's density: > 0 (the likelihood L_z's y_sigma)
    # makes it part of the latent that sampling draws; 0 pins it to zero (the MMD INN, and
    # models saved before the padding was drawn).
    output_pad_std: float = 0.0

    def __init__(
        self,
        x_train: np.ndarray,
        y_train: np.ndarray,
        z_dim: int,
        dim_total: int,
        blocks: int = 6,
        hidden: int = 128,
        layers: int = 2,
        clamp: float = 2.0,
        seed: int = 0,
        output_pad_std: float = 0.0,
    ):
        super().__init__()
        self.x_dim, self.y_dim, self.z_dim = x_train.shape[1], y_train.shape[1], z_dim
        if dim_total < max(self.x_dim, self.y_dim + z_dim):
            raise ValueError(f"dim_total={dim_total} < max(x_dim, y_dim + z_dim)")
        self.dim_total = dim_total
        self.output_pad_std = output_pad_std
        self.x_norm = Standardizer(x_train)
        self.y_norm = Standardizer(y_train)
        self.couplings = nn.ModuleList(
            AffineCoupling(dim_total, hidden, layers, clamp) for _ in range(blocks)
        )
        gen = torch.Generator().manual_seed(seed)
        perms = torch.stack([torch.randperm(dim_total, generator=gen) for _ in range(blocks)])
        self.register_buffer("perms", perms)
        self.register_buffer("inv_perms", torch.argsort(perms, dim=1))

    @property
    def latent_dim(self) -> int:
        """Columns of a latent draw: z, plus the output padding when it is drawn."""
        return latent_columns(self.z_dim, self.dim_total, self.y_dim, self.output_pad_std)

    def pad(self, v: torch.Tensor) -> torch.Tensor:
        """Zero-pad standardised x (or [y, z]) to dim_total columns."""
        return nn.functional.pad(v, (0, self.dim_total - v.shape[1]))

    def forward_normalized(self, x: torch.Tensor) -> torch.Tensor:
        """Raw x -> [y_standardised, z, pad] (the training-space output)."""
        return self.forward_padded(self.pad(self.x_norm(x)))[0]

    def forward_padded(self, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Padded standardised x -> ([y_standardised, z, pad], log|det J|) per row."""
        log_det = torch.zeros(len(v), device=v.device)
        for coupling, perm in zip(self.couplings, self.perms, strict=True):
            v, ld = coupling(v[:, perm])
            log_det = log_det + ld
        return v, log_det

    def inverse_normalized(self, out: torch.Tensor) -> torch.Tensor:
        """[y_standardised, z, pad] -> padded standardised x (all dim_total coordinates)."""
        v = self.pad(out)
        for coupling, inv in zip(reversed(self.couplings), reversed(self.inv_perms), strict=True):
            v = coupling.inverse(v)[:, inv]
        return v

    def predict_y(self, x: torch.Tensor) -> torch.Tensor:
        """The forward surrogate f_y(x) in raw y units."""
        return self.y_norm.inverse(self.forward_normalized(x)[:, : self.y_dim])

    def sample_x(self, y: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """Posterior sample x = f^-1(y, z) in raw x units, z of latent_dim N(0, 1) columns."""
        return self.sample_x_padded(y, z)[0]

    def sample_x_padded(
        self, y: torch.Tensor, z: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(x = f^-1(y, z) in raw x units, squared norm of the x padding that came back).

        z: latent_dim standard-normal columns, the last ones (if any) scaled to the output
        padding's std. Training data have (near) zero x padding, so a draw whose padding comes
        back large is one the bijection itself places off the data: the residual ranks draws
        by how consistent the model finds them (0 for every row without padding)."""
        latent = torch.cat([z[:, : self.z_dim], self.output_pad_std * z[:, self.z_dim :]], 1)
        v = self.inverse_normalized(torch.cat([self.y_norm(y), latent], dim=1))
        return self.x_norm.inverse(v[:, : self.x_dim]), (v[:, self.x_dim :] ** 2).sum(1)


class ForwardSurrogate(nn.Module):
    """f_y of an INN as a plain module x -> y (what localization differentiates)."""

    def __init__(self, inn: INN):
        super().__init__()
        self.inn = inn

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.inn.predict_y(x)
