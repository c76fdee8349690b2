"""Whole-module save/load (models carry their own standardisation buffers)."""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn


def save_model(model: nn.Module, path: str | os.PathLike) -> None:
    """torch.save to a temp file, then rename, so a killed job leaves no half-written model."""
    path = Path(path)
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(model, tmp)
    os.replace(tmp, path)


def load_model(path: str | os.PathLike, device: torch.device | str = "cpu") -> nn.Module:
    model = torch.load(path, map_location=device, weights_only=False)
    model.eval()
    return model
