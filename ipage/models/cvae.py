"""Conditional VAE: encoder q(z|x,y), decoder p(x|z,y) (Gaussian, fixed variance) and prior
N(0, I); trained on the ELBO with a weight on the KL term (beta-VAE form). Posterior samples
are decoder means at z ~ N(0, I)."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ipage.models.normalize import Standardizer, mlp


class CVAE(nn.Module):
    def __init__(
        self,
        x_train: np.ndarray,
        y_train: np.ndarray,
        z_dim: int,
        hidden: int,
        layers: int,
        kl_weight: float = 1.0,
    ):
        super().__init__()
        self.x_dim, self.y_dim, self.z_dim = x_train.shape[1], y_train.shape[1], z_dim
        self.kl_weight = kl_weight
        self.x_norm = Standardizer(x_train)
        self.y_norm = Standardizer(y_train)
        self.encoder = mlp(self.x_dim + self.y_dim, 2 * z_dim, hidden, layers)
        self.decoder = mlp(z_dim + self.y_dim, self.x_dim, hidden, layers)

    def encode(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, log_var = self.encoder(torch.cat([self.x_norm(x), self.y_norm(y)], 1)).chunk(2, 1)
        return mu, log_var.clamp(-12.0, 6.0)

    def decode(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Decoder mean in standardised x units."""
        return self.decoder(torch.cat([z, self.y_norm(y)], 1))

    def elbo_terms(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(reconstruction squared error, KL(q(z|x,y) || N(0,I))), both per row."""
        mu, log_var = self.encode(x, y)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
        recon = (self.decode(z, y) - self.x_norm(x)).pow(2).sum(1)
        kl = 0.5 * (mu.pow(2) + log_var.exp() - 1.0 - log_var).sum(1)
        return recon, kl

    def loss(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Negative weighted ELBO per x dimension."""
        recon, kl = self.elbo_terms(x, y)
        return (recon + self.kl_weight * kl).mean() / self.x_dim

    val_metric = loss

    def sample_x(self, y: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        z = torch.randn(len(y), self.z_dim, generator=generator, device=y.device)
        return self.x_norm.inverse(self.decode(z, y))
