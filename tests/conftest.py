"""Fixtures shared by the test files. Helpers for running the real workflow live in
`workflow_helpers.py` (this folder is on sys.path while pytest runs the tests)."""

from pathlib import Path

import pytest


@pytest.fixture()
def in_tmp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty scratch directory as the working directory: relative data paths of a config
    resolve there, as they do in a user's project directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
