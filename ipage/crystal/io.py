"""Atomic CSV writing for result tables."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def make_readable(path: str | os.PathLike) -> None:
    """Give a mkstemp file (mode 0600) the usual permissions (0666 minus the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def write_csv_atomic(path: str | os.PathLike, df) -> Path:
    """df.to_csv into a temp file next to `path`, then rename over it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        df.to_csv(tmp, index=False)
        make_readable(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path
