"""Glue for workflow scripts: logging to the rule's log file, thread pinning, provenance,
and one-line errors for user mistakes (no traceback)."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipage import __version__
from ipage.atomic import write_text_atomic
from ipage.errors import IpageError
from ipage.threads import pin_threads

if TYPE_CHECKING:  # for the annotations only: importing this module loads no numpy
    from torch import nn

    from ipage.artifacts import Solutions

Log = Callable[[str], None]


def file_logger(path: str | None) -> Log:
    """A print-like function writing timestamped, flushed lines to the rule's log (and stderr)."""
    handle = open(path, "a") if path else None  # noqa: SIM115 (lives for the job)

    def log(message: str) -> None:
        line = f"[{time.strftime('%H:%M:%S')}] {message}"
        print(line, file=sys.stderr, flush=True)
        if handle:
            handle.write(line + "\n")
            handle.flush()

    return log


def run(smk: Any, main: Callable[[Any, Log], None], threads_per_process: int | None = None) -> None:
    """Run a script's main(snakemake, log) with BLAS, OpenMP and torch pinned to the rule's
    threads (or `threads_per_process` for a job whose threads are worker processes); user
    errors become one line and exit status 1."""
    pin_threads(smk.threads if threads_per_process is None else threads_per_process)
    log = file_logger(smk.log[0] if len(smk.log) else None)
    try:
        main(smk, log)
    except IpageError as error:
        log(f"error: {error}")
        sys.exit(1)


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).parent,
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def config_hash(config: dict) -> str:
    return hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()[:16]


def write_provenance(
    path: str | os.PathLike, config: dict, seeds: dict, seconds: float, extra: dict | None = None
) -> None:
    """A small JSON next to results: what produced them, from which config and seeds."""
    versions = {}
    for pkg in ("torch", "numpy", "scipy", "smt", "snakemake", "pymatgen", "ase", "gpaw"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            continue
    record = {
        "ipage_version": __version__,
        "git_commit": _git_commit(),
        "config_sha256_16": config_hash(config),
        "seeds": seeds,
        "wall_seconds": round(seconds, 3),
        "python": platform.python_version(),
        "libraries": versions,
        **(extra or {}),
    }
    write_text_atomic(path, json.dumps(record, indent=2) + "\n")


def save_solutions(smk: Any, solutions: Solutions, started: float, device: object) -> None:
    """Every method's solutions.npz and its provenance JSON."""
    solutions.save(smk.output[0])
    write_provenance(
        smk.output.provenance,
        smk.config,
        {"seed": smk.config.get("seed")},
        time.perf_counter() - started,
        {"device": str(device)},
    )


def save_trained(
    smk: Any, models: dict[str, nn.Module], history: list[dict], started: float, record: dict
) -> None:
    """A training rule's outputs: each model at smk.output[key] (on the CPU), the per-epoch
    history CSV and the provenance JSON with the rule's seed and `record`."""
    import pandas as pd

    from ipage.atomic import atomic_output
    from ipage.models.serialize import save_model

    for key, model in models.items():
        save_model(model.cpu(), smk.output[key])
    with atomic_output(smk.output.history) as tmp:
        pd.DataFrame(history).to_csv(tmp, index=False)
    seconds = time.perf_counter() - started
    write_provenance(smk.output.provenance, smk.config, {"seed": smk.params.seed}, seconds, record)
