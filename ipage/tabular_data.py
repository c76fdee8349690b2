"""Reading and cleaning a user's data table for a `tabular` task.

Every problem is an IpageError with one line naming the config key or column, the value and
what is allowed. Facts worth knowing about the data (rows dropped, duplicates, point masses
in y) come back as log lines with the table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ipage.errors import IpageError, require

READERS = {".csv": "CSV", ".tsv": "TSV", ".txt": "whitespace-separated text", ".parquet": "Parquet"}
# A y value shared by at least this fraction of rows is reported as a point mass.
POINT_MASS_FRACTION = 0.05


@dataclass
class Table:
    x: np.ndarray  # (n, x_dim) raw data units, float64
    y: np.ndarray  # (n, y_dim)
    facts: list[str] = field(default_factory=list)  # log lines: what was read and done
    warnings: list[str] = field(default_factory=list)


def _key(name: str, key: str) -> str:
    return f"config 'tabular.{name}.{key}'"


def _describe_path(path: str) -> str:
    if os.path.isabs(path):
        return repr(path)
    return f"{path!r} (relative to the working directory {os.getcwd()})"


def read_file(name: str, path: str, header: bool) -> pd.DataFrame:
    """One data file as a DataFrame of strings/numbers; header=False: columns 0..k-1."""
    suffix = Path(path).suffix.lower()
    require(
        suffix in READERS,
        f"{_key(name, 'path')}: {path!r} has an unsupported file type {suffix or '(none)'!r}; "
        f"allowed: {', '.join(READERS)}",
    )
    require(os.path.exists(path), f"{_key(name, 'path')}: {_describe_path(path)} does not exist")
    require(os.path.isfile(path), f"{_key(name, 'path')}: {path!r} is not a file")
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
            if not header:
                frame.columns = range(frame.shape[1])
            return frame
        sep = {".csv": ",", ".tsv": "\t", ".txt": r"\s+"}[suffix]
        return pd.read_csv(path, sep=sep, header=0 if header else None)
    except ImportError as error:
        raise IpageError(
            f"{_key(name, 'path')}: reading {path!r} needs an optional package ({error}); "
            "install pyarrow or convert the file to CSV"
        ) from None
    except Exception as error:  # parser, decoding and OS errors alike: the file is unusable
        raise IpageError(
            f"{_key(name, 'path')}: {path!r} could not be read as {READERS[suffix]} "
            f"({type(error).__name__})"
        ) from None


def read_table(name: str, spec: dict) -> tuple[pd.DataFrame, str]:
    """All files of spec['path'] joined column-wise, named by spec['columns'] or their headers."""
    paths = [spec["path"]] if isinstance(spec["path"], str) else list(spec["path"])
    names = spec.get("columns")
    frames = [read_file(name, p, header=names is None) for p in paths]
    rows = {p: len(f) for p, f in zip(paths, frames, strict=True)}
    require(
        len(set(rows.values())) == 1,
        f"{_key(name, 'path')}: the files have different row counts "
        f"({', '.join(f'{p}: {n}' for p, n in rows.items())}); allowed: equal counts",
    )
    frame = pd.concat([f.reset_index(drop=True) for f in frames], axis=1, ignore_index=True)
    if names is not None:
        require(
            len(names) == frame.shape[1],
            f"{_key(name, 'columns')}: {len(names)} names for {frame.shape[1]} columns "
            f"in {' + '.join(paths)}; allowed: one name per column",
        )
        frame.columns = list(names)
    else:
        header = [str(c) for f in frames for c in f.columns]
        dupes = sorted({c for c in header if header.count(c) > 1})
        require(
            not dupes,
            f"{_key(name, 'path')}: column name(s) {', '.join(map(repr, dupes))} appear "
            "more than once across the files; allowed: unique names (or give 'columns')",
        )
        frame.columns = header
    return frame, " + ".join(paths)


def _numeric(
    name: str, frame: pd.DataFrame, columns: list[str], nonfinite: str, source: str
) -> tuple[pd.DataFrame, list[str]]:
    """Coerce columns to float; handle non-numeric / NaN / inf cells by the nonfinite policy."""
    out, facts, bad_rows = {}, [], np.zeros(len(frame), bool)
    per_column = []
    for col in columns:
        raw = frame[col]
        values = pd.to_numeric(raw, errors="coerce").astype(float)
        text = raw.astype(str).str.strip()
        non_numeric = (
            values.isna()
            & raw.notna()
            & (text != "")
            & ~text.str.lower().isin(["nan", "na", "n/a", "null", "none"])
        )
        nonfin = ~np.isfinite(values.to_numpy())
        if nonfin.any():
            first = int(np.flatnonzero(nonfin)[0])
            what = (
                f"non-numeric value {raw.iloc[first]!r}"
                if non_numeric.iloc[first]
                else f"value {float(values.iloc[first])!r}"
            )
            if nonfinite == "fail":
                raise IpageError(
                    f"config 'tabular.{name}': column {col!r} of {source} has {int(nonfin.sum())} "
                    f"non-numeric or non-finite value(s), first at data row {first}: {what}; "
                    f"allowed: finite numbers (or set tabular.{name}.nonfinite: drop)"
                )
            per_column.append(f"{col!r}: {int(nonfin.sum())} (first at data row {first}: {what})")
            bad_rows |= nonfin
        out[col] = values.to_numpy()
    clean = pd.DataFrame(out)
    if bad_rows.any():
        facts.append(
            f"warning: dropped {int(bad_rows.sum())} of {len(frame)} rows with non-numeric or "
            f"non-finite values (nonfinite: drop): {'; '.join(per_column)}"
        )
        clean = clean[~bad_rows].reset_index(drop=True)
    else:
        facts.append("no non-numeric or non-finite values in the x/y columns")
    return clean, facts


def load_table(name: str, spec: dict, seed: int = 0) -> Table:
    """Read, check and clean the table of a tabular task (spec already schema-validated)."""
    frame, source = read_table(name, spec)
    columns = list(frame.columns)
    facts = [f"read {len(frame)} rows x {len(columns)} columns from {source}"]
    x_cols, y_cols = list(spec["x_columns"]), list(spec["y_columns"])
    for key, cols in (("x_columns", x_cols), ("y_columns", y_cols)):
        for col in cols:
            require(
                col in columns,
                f"{_key(name, key)}: column {col!r} is not in {source}; "
                f"columns: {', '.join(map(str, columns))}",
            )
    both = [c for c in x_cols if c in y_cols]
    require(
        not both,
        f"{_key(name, 'y_columns')}: column(s) {', '.join(map(repr, both))} are also x_columns; "
        "allowed: disjoint x and y columns",
    )
    clean, lines = _numeric(name, frame, x_cols + y_cols, spec.get("nonfinite", "fail"), source)
    warnings = [line.removeprefix("warning: ") for line in lines if line.startswith("warning: ")]
    facts += lines
    dup = clean.duplicated().to_numpy()
    dup_x = (
        clean.duplicated(subset=x_cols, keep=False).to_numpy()
        & ~clean.duplicated(keep=False).to_numpy()
    )
    if spec.get("duplicates", "drop") == "drop" and dup.any():
        facts.append(
            f"dropped {int(dup.sum())} exact duplicate rows (same x and y; kept the first of each)"
        )
        clean = clean[~dup].reset_index(drop=True)
    elif dup.any():
        facts.append(f"kept {int(dup.sum())} exact duplicate rows (duplicates: keep)")
    else:
        facts.append("no duplicate rows")
    if dup_x.any():
        warnings.append(
            f"{int(dup_x.sum())} rows share their x with another row but have a different y "
            "(noisy or ambiguous labels; kept)"
        )
    max_rows = spec.get("max_rows")
    if max_rows is not None and len(clean) > max_rows:
        keep = np.sort(np.random.default_rng(seed).choice(len(clean), max_rows, replace=False))
        facts.append(f"max_rows: kept a random {max_rows} of {len(clean)} rows (seed {seed})")
        clean = clean.iloc[keep].reset_index(drop=True)
    x, y = clean[x_cols].to_numpy(float), clean[y_cols].to_numpy(float)
    for j, col in enumerate(y_cols):
        v = y[:, j]
        if len(v) == 0:
            continue
        values, counts = np.unique(v, return_counts=True)
        top = int(np.argmax(counts))
        line = f"y {col!r}: min {v.min():.4g}, median {np.median(v):.4g}, max {v.max():.4g}"
        if counts[top] / len(v) >= POINT_MASS_FRACTION:
            line += (
                f"; {counts[top]} rows ({100 * counts[top] / len(v):.1f} %) are exactly "
                f"{values[top]:.6g} (a point mass: the surrogate sees a flat region there)"
            )
        facts.append(line)
    facts.append(f"{len(x)} usable rows, x_dim={len(x_cols)}, y_dim={len(y_cols)}")
    return Table(x=x, y=y, facts=facts, warnings=warnings)
