"""User-facing errors: one line that names the key or column, the value and what is allowed."""

from __future__ import annotations


class IpageError(ValueError):
    """A mistake in the user's input (config, data file, simulator): one line, no traceback."""


def require(condition: bool, message: str) -> None:
    """Raise IpageError(message) unless condition holds."""
    if not condition:
        raise IpageError(message)
