"""Atomic CSV writing for result tables."""

from __future__ import annotations

import os
from pathlib import Path

from ipage.atomic import atomic_output


def write_csv_atomic(path: str | os.PathLike, df) -> Path:
    """df.to_csv into a temp file next to `path`, then rename over it."""
    with atomic_output(path) as tmp:
        df.to_csv(tmp, index=False)
    return Path(path)
