"""Training losses of the INN: supervised L_y and the two MMD terms L_z, L_x."""

from __future__ import annotations

import torch

# Squared kernel widths of the multi-scale inverse multiquadric kernel (on standardised data).
IMQ_WIDTHS = (0.05, 0.2, 0.9)


def imq_kernel(a: torch.Tensor, b: torch.Tensor, widths=IMQ_WIDTHS) -> torch.Tensor:
    """sum_h h / (h + |a_i - b_j|^2): heavy tails keep gradients alive for far-apart samples."""
    d2 = torch.cdist(a, b).pow(2)
    return sum(h / (h + d2) for h in widths)


def mmd(a: torch.Tensor, b: torch.Tensor, widths=IMQ_WIDTHS) -> torch.Tensor:
    """Biased (V-statistic) MMD^2 estimate between samples a and b; 0 iff they coincide."""
    return (
        imq_kernel(a, a, widths).mean()
        + imq_kernel(b, b, widths).mean()
        - 2 * imq_kernel(a, b, widths).mean()
    )


def loss_y(y_pred: torch.Tensor, y_true: torch.Tensor) -> torch.Tensor:
    return torch.mean((y_pred - y_true) ** 2)
