"""The `.npz` files passed between rules: one frozen dataclass owns each kind and every key of it.

A reader asks for a kind (`Solutions.load(path)`) and gets typed fields instead of probing a
dict of arrays; an optional key is a field that may be None (not written, read back as None).
Every file records its kind and the format version it was written in, so a file left by an
older ipage, or a file of another kind, stops the job with one line that names the file and
the rule to rerun instead of a KeyError deep inside a script. Saving is atomic
(`ipage.atomic`): a killed job never leaves a file that looks complete.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Any, ClassVar, TypeVar, get_args, get_type_hints

import numpy as np

from ipage.atomic import atomic_output
from ipage.errors import IpageError

# Bumped whenever a kind's keys change meaning, so results of an older ipage are rebuilt.
FORMAT = 1
# Reserved keys of every file, next to its fields.
KIND_KEY = "_kind"
FORMAT_KEY = "_format"
# Fields stored as 0-d arrays and read back as Python scalars.
SCALAR_TYPES = (bool, int, float)

A = TypeVar("A", bound="Artifact")


class Artifact:
    """Base of the file kinds: fields <-> arrays of one `.npz`, plus kind and format."""

    # The rules that write this kind: the rerun hint of a stale file names them.
    WRITERS: ClassVar[tuple[str, ...]]

    def to_arrays(self) -> dict[str, Any]:
        """The keys to write: every field that is set."""
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }

    @classmethod
    def from_arrays(cls: type[A], arrays: dict[str, np.ndarray]) -> A:
        """The fields from a file's keys; scalar fields become Python scalars again."""
        hints = get_type_hints(cls)
        return cls(
            **{
                f.name: _field_value(arrays[f.name], hints[f.name])
                for f in fields(cls)
                if f.name in arrays
            }
        )

    def save(self, path: str | os.PathLike) -> None:
        with atomic_output(path) as tmp:
            np.savez(tmp, **{KIND_KEY: type(self).__name__, FORMAT_KEY: FORMAT}, **self.to_arrays())

    @classmethod
    def load(cls: type[A], path: str | os.PathLike) -> A:
        return load_kind(path, cls)


def _field_value(value: np.ndarray, hint: Any) -> Any:
    for kind in (hint, *get_args(hint)):
        if kind in SCALAR_TYPES:
            return kind(value)
    return value


def load_kind(path: str | os.PathLike, *kinds: type[Artifact]) -> Any:
    """The file at `path` as whichever of `kinds` it holds; IpageError if it is none of them
    or was written in another format."""
    with np.load(path) as f:
        arrays = {key: f[key] for key in f.files}
    version = int(arrays.pop(FORMAT_KEY, 0))  # files of ipage before this module: format 0
    found = str(arrays.pop(KIND_KEY, ""))
    by_name = {kind.__name__: kind for kind in kinds}
    if version != FORMAT:
        age = "an older" if version < FORMAT else "a newer"
        raise IpageError(
            f"{path} was written by {age} ipage (format {version}, need {FORMAT}): "
            f"{_rerun_hint(path, kinds)}"
        )
    if found not in by_name:
        raise IpageError(
            f"{path} holds {found or 'no known kind'}, not {' or '.join(by_name)}: "
            f"{_rerun_hint(path, kinds)}"
        )
    return by_name[found].from_arrays(arrays)


def _rerun_hint(path: str | os.PathLike, kinds: tuple[type[Artifact], ...]) -> str:
    writers = list(dict.fromkeys(rule for kind in kinds for rule in kind.WRITERS))
    if len(writers) == 1:
        rule = f"rule {writers[0]}"
    else:
        rule = f"the rule that wrote it, one of {', '.join(writers)}"
    return f"rerun {rule} (snakemake --forcerun {path})"


@dataclass(frozen=True)
class Samples(Artifact):
    """A task's dataset: every usable row, x in the task's design units."""

    WRITERS: ClassVar = ("simulate", "tabular_dataset", "architecture_dataset", "crystal_dataset")
    x: np.ndarray  # (n, x_dim)
    y: np.ndarray  # (n, y_dim)


@dataclass(frozen=True)
class Split(Artifact):
    """The train / validation / test rows every model and scenario of a task shares."""

    WRITERS: ClassVar = ("split",)
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


@dataclass(frozen=True)
class ArchitectureChunk(Artifact):
    """Rows `rows[0]..rows[1] - 1` of the architecture dataset, labelled by one FEM job."""

    WRITERS: ClassVar = ("architecture_chunk",)
    x: np.ndarray  # (n, N^2) cells; uint8 when every pixel is 0 or 1
    y: np.ndarray  # (n, 1) E_x / E_s
    rows: np.ndarray  # (2,) first row, one past the last row
    seconds: float  # the chunk job's drawing + FEM time


@dataclass(frozen=True)
class Latent(Artifact):
    """An INN method's latent designs for every repeat of one scenario (inference time)."""

    WRITERS: ClassVar = ("sample_latent",)
    z: np.ndarray  # (R, per_target * n, z_dim), target-major candidates
    targets: np.ndarray  # (n, y_dim)
    seconds: np.ndarray  # (R,) design time per repeat
    per_target: int  # candidates per target (oversampling of selecting methods, else 1)
    draws: int = 1  # latent rows per candidate (z has per_target * draws rows per target)


@dataclass(frozen=True)
class Solutions(Artifact):
    """One method's solutions of one scenario, R repeats of n, in the task's design units."""

    WRITERS: ClassVar = (
        "localize",
        "sample_baseline",
        "neural_adjoint",
        "binarize_solutions",
        "crystal_resimulate",
    )
    x: np.ndarray  # (R, n, x_dim)
    targets: np.ndarray  # (n, y_dim)
    seconds: np.ndarray  # (R,) time to solution per repeat
    surrogate_loss: np.ndarray | None = None  # (R, n); NaN for methods without a surrogate
    surrogate_y: np.ndarray | None = None  # (R, n, y_dim) localized methods' prediction
    steps: np.ndarray | None = None  # (R, n) localization steps (localized methods)
    design_seconds: np.ndarray | None = None  # (R,) latent design time (INN methods)
    valid: np.ndarray | None = None  # (R, n) binarized layouts: a network spans the period
    selected: np.ndarray | None = None  # (R, k) DFT subset: indices into the n candidates
    n_candidates: int | None = None  # DFT subset: solutions per repeat it was chosen from


@dataclass(frozen=True)
class Resim(Artifact):
    """The true forward model on a Solutions file's x, and each x's distance to the data."""

    WRITERS: ClassVar = ("resimulate", "crystal_resimulate")
    y: np.ndarray  # (R, n, y_dim); all NaN when not simulated, NaN where a DFT run failed
    nearest_train_distance: np.ndarray  # (R, n) box units
    simulated: bool  # False for a task without a simulator
    selected: np.ndarray | None = None  # (R, n) DFT re-simulation: which solutions were run


@dataclass(frozen=True)
class NsStudy(Artifact):
    """Single-target solutions from a fresh N_s-point latent design for each N_s."""

    WRITERS: ClassVar = ("ns_study",)
    x: dict[int, np.ndarray]  # N_s -> (R, N_s, x_dim)

    def to_arrays(self) -> dict[str, Any]:
        return {f"x_{n_s}": x for n_s, x in self.x.items()}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> NsStudy:
        return cls({int(key.removeprefix("x_")): x for key, x in arrays.items()})
