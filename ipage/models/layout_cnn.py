"""A periodic CNN that predicts a unit cell's property from its pixel layout, and the same
network seen from the design coefficients through a smooth relaxation of the layout map.

Spectral architecture designs are 35 coefficients whose thresholded, cleaned field is the
layout (`ipage.fem.designs.layouts`); their property is a rough function of the coefficients
(networks on them explain ~60 % of its variance from 4000 cells) but a smooth one of the
pixels, and translation-invariant on the torus. The CNN learns it from the cleaned 0/1 layouts;
`RelaxedLayoutSurrogate` makes it searchable by gradient: layout ~ sigmoid(beta * g(x)), which
equals the thresholded field wherever |g| >> 1 / beta (measured in docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ipage.localize import Predictor
from ipage.models.normalize import Standardizer


class PeriodicConv2d(nn.Conv2d):
    """3 x 3 convolution of a layout that tiles the plane: each side is padded with one row
    or column from the opposite side. The same function as padding_mode="circular", built
    from concatenations, whose backward pass is cheaper: one NA step through the CNN costs
    ~25 % less on CPU."""

    def __init__(self, n_in: int, n_out: int):
        super().__init__(n_in, n_out, 3)

    def forward(self, cells: torch.Tensor) -> torch.Tensor:
        cells = torch.cat([cells[..., -1:, :], cells, cells[..., :1, :]], dim=-2)
        cells = torch.cat([cells[..., -1:], cells, cells[..., :1]], dim=-1)
        return F.conv2d(cells, self.weight, self.bias)


def _conv(n_in: int, n_out: int) -> nn.Sequential:
    return nn.Sequential(PeriodicConv2d(n_in, n_out), nn.SiLU())


class LayoutCNN(nn.Module):
    """y of layouts (n, N, N): three stages of two periodic convolutions (width w, 2w, 4w),
    2 x 2 average pooling between them, a global average and a small head. Shifting a layout
    by a multiple of 4 pixels leaves y unchanged; y is standardised on the training rows."""

    def __init__(self, y_train: np.ndarray, width: int = 16):
        super().__init__()
        w = width
        self.y_norm = Standardizer(y_train)
        self.net = nn.Sequential(
            _conv(1, w),
            _conv(w, w),
            nn.AvgPool2d(2),
            _conv(w, 2 * w),
            _conv(2 * w, 2 * w),
            nn.AvgPool2d(2),
            _conv(2 * w, 4 * w),
            _conv(4 * w, 4 * w),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Linear(4 * w, 64),
            nn.SiLU(),
            nn.Linear(64, y_train.shape[1]),
        )

    def forward(self, cells: torch.Tensor) -> torch.Tensor:
        return self.y_norm.inverse(self.net(cells[:, None]))


class RelaxedLayoutSurrogate(nn.Module):
    """f(x) = cnn(sigmoid(beta * g(x))) for design coefficients x (n, m), g = x @ basis the
    field on the N x N grid (`ipage.fem.spectral.basis`): what localization and NA search."""

    def __init__(self, cnn: LayoutCNN, basis: np.ndarray, size: int, beta: float):
        super().__init__()
        self.cnn, self.size, self.beta = cnn, size, float(beta)
        self.register_buffer("basis", torch.as_tensor(basis, dtype=torch.float32))

    def relaxed_layouts(self, x: torch.Tensor) -> torch.Tensor:
        """Soft layouts (n, N, N) in (0, 1)."""
        g = x @ self.basis
        return torch.sigmoid(self.beta * g).reshape(-1, self.size, self.size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.cnn(self.relaxed_layouts(x))


def built_layout_predictor(
    surrogate: RelaxedLayoutSurrogate, cells: Callable[[np.ndarray], np.ndarray]
) -> Predictor:
    """y predicted for designs x (n, m) from the layouts they become, `cells(x)` (cleaned,
    0/1), not from their relaxation. The search drives the relaxed loss to ~0 for nearly every
    candidate, so ranking candidates by it is arbitrary; where the relaxation and the built
    layout differ, the built one is what gets simulated (selecting by it: re-sim MSE 2.7e-4
    instead of 1.1e-3 for iPage, docs/benchmarks.md)."""
    device = surrogate.basis.device

    def predict(x: np.ndarray) -> np.ndarray:
        layouts = torch.as_tensor(cells(x), dtype=torch.float32, device=device)
        with torch.no_grad():
            return surrogate.cnn(layouts).cpu().numpy().astype(np.float64)

    return predict
