"""Pick the torch device deliberately: 'auto' falls back to the CPU, 'cuda' must exist."""

from __future__ import annotations

import torch

from ipage.errors import IpageError


def select_device(requested: str = "auto") -> torch.device:
    """'auto' -> CUDA when visible, else CPU; 'cuda' without a GPU is a user error."""
    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if requested == "cuda" and not torch.cuda.is_available():
        raise IpageError(
            "config 'device': 'cuda' requested but no CUDA GPU is visible; use auto or cpu"
        )
    if requested not in ("cpu", "cuda"):
        raise IpageError(f"config 'device': {requested!r} is not one of auto, cpu, cuda")
    return torch.device(requested)
