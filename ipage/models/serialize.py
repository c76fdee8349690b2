"""Whole-module save/load (models carry their own standardisation buffers)."""

from __future__ import annotations

import os

import torch
from torch import nn

from ipage.atomic import atomic_output


def save_model(model: nn.Module, path: str | os.PathLike) -> None:
    """torch.save, atomically: a killed job leaves no half-written model."""
    with atomic_output(path) as tmp:
        torch.save(model, tmp)


def load_model(path: str | os.PathLike, device: torch.device | str = "cpu") -> nn.Module:
    model = torch.load(path, map_location=device, weights_only=False)
    model.eval()
    return model
