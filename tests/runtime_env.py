"""A virtual environment holding only what the README's install command installs.

`pip install -e .` brings the project's `dependencies` and what they require, not the `[test]`
extra; a command that needs a test-only package (pygments once was one) works in the test run
and fails for a user. Rebuilding the environment from the package index in every test run would
download torch, so this one is assembled from the test environment's own files instead: a bare
venv whose site-packages links to the installed files of exactly those distributions, the
project on a `.pth` line as an editable install puts it, and their console scripts.
"""

from __future__ import annotations

import importlib.metadata as md
import subprocess
import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent


def project_requirements(extras: Iterable[str] = ()) -> list[Requirement]:
    """`[project] dependencies` of pyproject.toml, plus the named optional groups."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


def closure(requirements: Iterable[Requirement]) -> set[str]:
    """Canonical names of the installed distributions these requirements pull in."""
    names: set[str] = set()
    pending = [(r, frozenset()) for r in requirements]
    while pending:
        requirement, extras = pending.pop()
        if requirement.marker and not any(
            requirement.marker.evaluate({"extra": extra}) for extra in extras | {""}
        ):
            continue
        name = canonicalize_name(requirement.name)
        if name in names:
            continue
        names.add(name)
        wanted = frozenset(requirement.extras)
        pending += [(Requirement(line), wanted) for line in md.requires(name) or []]
    return names


def build(path: Path, distributions: set[str]) -> Path:
    """Create the venv at `path` with `distributions` (canonical names, the project's own
    included for its metadata); returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    for name in distributions:
        dist = md.distribution(name)
        source = Path(dist.locate_file(""))
        tops = {Path(str(f)).parts[0] for f in dist.files or [] if not str(f).startswith("..")}
        for top in tops - {"__pycache__"}:
            if (source / top).exists() and not (site / top).exists() and not _site_hook(top):
                (site / top).symlink_to(source / top)
        for entry in dist.entry_points.select(group="console_scripts"):
            script = path / "bin" / entry.name
            script.write_text(
                f"#!{python}\nimport sys\nimport {entry.module} as entry\n"
                f"sys.exit(entry.{entry.attr}())\n"
            )
            script.chmod(0o755)
    (site / "ipage_editable.pth").write_text(f"{REPO}\n")
    return python


def _site_hook(name: str) -> bool:
    """A .pth file or editable-install finder: it points at the test environment's checkout."""
    return name.endswith(".pth") or name.startswith("__editable__")
