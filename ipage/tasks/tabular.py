"""Tabular tasks: bring your own dataset (and, optionally, your own simulator) in YAML.

    tabular:
      mos2:                                  # the task name, then listed in `tasks:`
        path: [data_x.csv, data_y.csv]       # one file or several joined column-wise
                                             # (.csv, .tsv, .txt whitespace, .parquet)
        columns: [a, b, c, alpha, beta, gamma, field, gap]  # names for header-less files
        x_columns: [a, b, c, alpha, beta, gamma, field]     # design variables
        y_columns: [gap]                                    # properties
        bounds: {field: [-1, 1]}             # design box per x column, data units;
                                             # default: the data range of that column
        transforms: {c: log}                 # per column: none, log, log10, standardize
        target: [1.0]                        # y* in data units; default: median of each y
        simulator: mymodule:gap              # optional; see below
        nonfinite: fail                      # fail | drop rows with NaN/inf/non-numeric
        duplicates: drop                     # drop | keep exact duplicate rows
        max_rows: null                       # random subset (seeded) for quick runs

Learning coordinates (what the networks see, and what solutions.npz holds) are the columns
after their transforms; `decode_x` maps designs back to data units.

simulator: a 'module:function' taking a float64 array (n, x_dim) in data units and returning
(n, y_dim) (or (n,) when y_dim = 1), or an ASE calculator recipe
{atoms: 'module:function' (one x row in data units -> ase.Atoms), calculator:
'module:factory' (-> a fresh ASE calculator), properties: [energy, ...]}. The working
directory is importable. Without a simulator the task cannot re-simulate: the workflow
reports surrogate predictions and the distance to the nearest training point instead.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import re
import sys
from collections.abc import Callable

import numpy as np

from ipage.errors import IpageError, require
from ipage.tabular_data import Table, load_table
from ipage.tasks.base import Capabilities, Task

NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
TRANSFORMS = ("none", "log", "log10", "standardize")


def _key(name: str, key: str) -> str:
    return f"config 'tabular.{name}.{key}'"


def import_function(ref: str, key: str) -> Callable:
    """'module:function' -> the function; the working directory is importable."""
    require(
        isinstance(ref, str) and ref.count(":") == 1 and all(ref.split(":")),
        f"{key}: {ref!r} is not of the form 'module:function'",
    )
    module_name, attr = ref.split(":")
    if os.getcwd() not in sys.path:
        sys.path.append(os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # ImportError, or the module itself failing on import
        raise IpageError(
            f"{key}: module {module_name!r} does not import ({type(error).__name__}: {error})"
        ) from None
    fn = getattr(module, attr, None)
    require(callable(fn), f"{key}: module {module_name!r} has no function {attr!r}")
    return fn


def _file_stamp(spec: dict) -> tuple:
    paths = [spec["path"]] if isinstance(spec["path"], str) else spec["path"]
    return tuple((p, os.stat(p).st_mtime_ns) if os.path.isfile(p) else (p, None) for p in paths)


@functools.lru_cache(maxsize=16)
def _cached_table(name: str, spec_json: str, seed: int, stamp: tuple) -> Table:
    return load_table(name, json.loads(spec_json), seed)


class ColumnTransform:
    """One column's map from data units to learning coordinates (monotonic increasing)."""

    def __init__(self, kind: str, values: np.ndarray, name: str, column: str):
        self.kind = kind
        self.mean, self.std = 0.0, 1.0
        if kind in ("log", "log10") and len(values):
            bad = int(np.sum(values <= 0))
            require(
                bad == 0,
                f"{_key(name, f'transforms.{column}')}: {kind} needs positive values but column "
                f"{column!r} has {bad} value(s) <= 0 (min {values.min():.4g}); "
                "allowed: none, standardize for such columns",
            )
        if kind == "standardize" and len(values):
            self.mean, self.std = float(values.mean()), float(values.std())
            require(
                self.std > 0,
                f"{_key(name, f'transforms.{column}')}: standardize needs a non-constant column "
                f"but {column!r} is constant ({self.mean:.6g})",
            )

    def encode(self, v: np.ndarray) -> np.ndarray:
        if self.kind == "log":
            return np.log(v)
        if self.kind == "log10":
            return np.log10(v)
        if self.kind == "standardize":
            return (v - self.mean) / self.std
        return v

    def decode(self, u: np.ndarray) -> np.ndarray:
        if self.kind == "log":
            return np.exp(u)
        if self.kind == "log10":
            return 10.0**u
        if self.kind == "standardize":
            return u * self.std + self.mean
        return u


def tabular_capabilities(spec: dict) -> Capabilities:
    """A tabular task's capabilities from its config entry alone, so the workflow knows them
    without reading the table: solutions are re-simulated only with a `simulator`."""
    return Capabilities(
        dataset="table", resimulation="none" if spec.get("simulator") is None else "all"
    )


class Tabular(Task):
    """A task whose dataset is a user's table; forward only when a simulator is configured."""

    def __init__(self, name: str, spec: dict, seed: int = 0) -> None:
        require(
            bool(NAME_PATTERN.match(name)),
            f"config 'tabular': task name {name!r} is not allowed; allowed: a letter, then "
            "letters, digits or '_'",
        )
        self.name, self.spec, self.seed = name, spec, seed
        self.x_columns, self.y_columns = list(spec["x_columns"]), list(spec["y_columns"])
        self.x_dim, self.y_dim = len(self.x_columns), len(self.y_columns)
        self.simulator_ref = spec.get("simulator")
        self._simulator = self._load_simulator(self.simulator_ref)
        self.capabilities = tabular_capabilities(spec)
        table = _cached_table(name, json.dumps(spec, sort_keys=True), seed, _file_stamp(spec))
        self.facts, self.warnings = list(table.facts), list(table.warnings)
        self.raw_x, self.raw_y = table.x, table.y
        transforms = dict(spec.get("transforms") or {})
        for col in transforms:
            require(
                col in self.x_columns or col in self.y_columns,
                f"{_key(name, 'transforms')}: {col!r} is not an x or y column; "
                f"allowed: {', '.join(self.x_columns + self.y_columns)}",
            )
        self.x_transforms = [
            ColumnTransform(transforms.get(c, "none"), self.raw_x[:, j], name, c)
            for j, c in enumerate(self.x_columns)
        ]
        self.y_transforms = [
            ColumnTransform(transforms.get(c, "none"), self.raw_y[:, j], name, c)
            for j, c in enumerate(self.y_columns)
        ]
        self.raw_lower, self.raw_upper = self._bounds(spec.get("bounds") or {})
        self.lower, self.upper = self.encode_x(self.raw_lower), self.encode_x(self.raw_upper)
        target = spec.get("target")
        if target is None:
            target = np.median(self.raw_y, axis=0) if len(self.raw_y) else np.zeros(self.y_dim)
        self.raw_target = np.asarray(target, float)
        self.default_target = self.encode_target(self.raw_target, _key(name, "target"))

    # -- configuration ---------------------------------------------------------------------
    def _load_simulator(self, ref) -> Callable | None:
        key = _key(self.name, "simulator")
        if ref is None:
            return None
        if isinstance(ref, dict):
            from ipage.tasks.tabular_ase import ase_simulator

            return ase_simulator(ref, key, self.y_dim)
        return import_function(ref, key)

    def _bounds(self, bounds: dict) -> tuple[np.ndarray, np.ndarray]:
        lower, upper = [], []
        for col in bounds:
            require(
                col in self.x_columns,
                f"{_key(self.name, 'bounds')}: {col!r} is not an x column; "
                f"allowed: {', '.join(self.x_columns)}",
            )
        for j, col in enumerate(self.x_columns):
            if col in bounds:
                lo, hi = (float(v) for v in bounds[col])
                require(
                    lo < hi,
                    f"{_key(self.name, f'bounds.{col}')}: [{lo:g}, {hi:g}] has min >= max; "
                    "allowed: [min, max] with min < max",
                )
                if self.x_transforms[j].kind in ("log", "log10"):
                    require(
                        lo > 0,
                        f"{_key(self.name, f'bounds.{col}')}: min {lo:g} must be > 0 "
                        f"for the {self.x_transforms[j].kind} transform",
                    )
            else:
                v = self.raw_x[:, j]
                lo, hi = (float(v.min()), float(v.max())) if len(v) else (0.0, 1.0)
                require(
                    lo < hi,
                    f"config 'tabular.{self.name}': x column {col!r} is constant ({lo:.6g}), "
                    f"so its data range is empty; give tabular.{self.name}.bounds.{col} "
                    "or drop it from x_columns",
                )
            lower.append(lo)
            upper.append(hi)
        return np.array(lower), np.array(upper)

    def encode_target(self, target: np.ndarray, key: str) -> np.ndarray:
        """y* in data units -> learning coordinates; key: "config '...'" for the errors."""
        target = np.asarray(target, float).ravel()
        require(
            len(target) == self.y_dim,
            f"{key}: {target.tolist()} has {len(target)} values but "
            f"y_columns has {self.y_dim} ({', '.join(self.y_columns)})",
        )
        for t, col, tr in zip(target, self.y_columns, self.y_transforms, strict=True):
            require(
                not (tr.kind in ("log", "log10") and t <= 0),
                f"{key}: {t:g} for {col!r} cannot be {tr.kind}-transformed; allowed: > 0",
            )
        return self.encode_y(target[None])[0]

    def target_warnings(self, target: np.ndarray) -> list[str]:
        """Data-unit target values outside the data range (may be unreachable)."""
        out = []
        for t, col, v in zip(np.ravel(target), self.y_columns, self.raw_y.T, strict=True):
            if len(v) and not (v.min() <= t <= v.max()):
                out.append(
                    f"target {t:g} for {col!r} is outside the data range "
                    f"[{v.min():.4g}, {v.max():.4g}]: it may be unreachable"
                )
        return out

    # -- coordinates -----------------------------------------------------------------------
    def encode_x(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, float)
        return np.stack([t.encode(x[..., j]) for j, t in enumerate(self.x_transforms)], -1)

    def decode_x(self, u: np.ndarray) -> np.ndarray:
        u = np.asarray(u, float)
        return np.stack([t.decode(u[..., j]) for j, t in enumerate(self.x_transforms)], -1)

    def encode_y(self, y: np.ndarray) -> np.ndarray:
        y = np.asarray(y, float)
        return np.stack([t.encode(y[..., j]) for j, t in enumerate(self.y_transforms)], -1)

    def dataset(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of every usable row in learning coordinates."""
        return self.encode_x(self.raw_x), self.encode_y(self.raw_y)

    # -- Task contract ---------------------------------------------------------------------
    def sample_prior(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """The empirical prior: n data rows drawn with replacement (learning coordinates)."""
        return self.encode_x(self.raw_x[rng.integers(len(self.raw_x), size=n)])

    def simulate_raw(self, x_raw: np.ndarray) -> np.ndarray:
        """The user's simulator on rows in data units, shape-checked."""
        require(
            self._simulator is not None,
            f"task {self.name!r} has no simulator (tabular.{self.name}.simulator is not set); "
            "its solutions cannot be re-simulated",
        )
        x_raw = np.atleast_2d(np.asarray(x_raw, float))
        n = len(x_raw)
        key = _key(self.name, "simulator")
        result = self._simulator(x_raw.copy())  # the user's errors keep their traceback
        try:
            y = np.asarray(result, dtype=float)
        except (TypeError, ValueError) as error:
            raise IpageError(
                f"{key}: {self.simulator_ref!r} did not return numbers for {n} rows "
                f"({type(error).__name__}: {error})"
            ) from None
        if y.ndim == 1 and self.y_dim == 1 and len(y) == n:
            y = y[:, None]
        require(
            y.shape == (n, self.y_dim),
            f"{key}: {self.simulator_ref!r} returned shape {y.shape} for {n} input rows; "
            f"expected ({n}, {self.y_dim})",
        )
        return y

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Simulator in learning coordinates (decode x, simulate, encode y)."""
        return self.encode_y(self.simulate_raw(self.decode_x(np.atleast_2d(x))))
