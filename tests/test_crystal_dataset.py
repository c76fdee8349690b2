"""The shipped SrTiO3 dataset: `verify` passes on it, names file and row of any damage in a
copy (one line, exit code 2, no traceback), and its committed gaps are reproducible by GPAW."""

from __future__ import annotations

import csv
import importlib.util
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ipage.crystal.__main__ import main

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "resources" / "srtio3_pbe_fast"
HAVE_GPAW = importlib.util.find_spec("gpaw") is not None
needs_gpaw = pytest.mark.skipif(
    not HAVE_GPAW, reason="gpaw is not installed (run .ci/install_gpaw.sh to enable DFT tests)"
)


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_shipped_dataset_verifies(capsys):
    code, out, err = run_cli(capsys, "verify", "--dir", str(SHIPPED))
    assert code == 0, err
    assert out.startswith("ok: ") and "of 1000 designed cells" in out
    assert "error" not in err


@pytest.fixture
def copy(tmp_path, capsys) -> Path:
    """The shipped folder, exported afresh (so that it is signed even if new chunks arrived
    since the last export), with at least one chunk file."""
    folder = tmp_path / "ds"
    shutil.copytree(SHIPPED, folder)
    assert sorted((folder / "chunks").glob("chunk_*.csv")), "no committed chunk"
    code, _, err = run_cli(capsys, "export", "--dir", str(folder))
    assert code == 0, err
    code, out, err = run_cli(capsys, "verify", "--strict", "--dir", str(folder))
    assert code == 0 and err == "", err
    return folder


def edit_rows(path: Path, change: Callable[[list[dict]], None]) -> None:
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    change(rows)
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def first_ok(rows: list[dict]) -> dict:
    return next(r for r in rows if r["status"] == "ok")


def set_gap(rows: list[dict]) -> None:
    r = first_ok(rows)
    r["gap"] = repr(float(r["gap"]) + 0.1)


def shift_gap_and_cbm(rows: list[dict]) -> None:  # consistent, so only the checksum sees it
    r = first_ok(rows)
    r["gap"], r["cbm"] = (repr(float(r[k]) + 0.1) for k in ("gap", "cbm"))


def leave_box(rows: list[dict]) -> None:
    rows[0]["alpha"] = "95.0"


def other_preset(rows: list[dict]) -> None:
    rows[-1]["preset_settings"] = rows[-1]["preset_settings"].replace("PW(400)", "PW(500)")


def duplicate(rows: list[dict]) -> None:
    rows.append(dict(rows[0]))


def bad_status(rows: list[dict]) -> None:
    rows[1]["status"] = "maybe"


DAMAGE = {
    "changed gap": (set_gap, r"row \d+ \(s\d{6}\): gap=.* is not cbm - vbm"),
    "gap and cbm shifted": (shift_gap_and_cbm, r"sha256 differs from SHA256SUMS"),
    "outside the box": (leave_box, r"row 1 \(s\d{6}\): alpha=95 outside the design box \[86, 94\]"),
    "wrong preset": (other_preset, r"row \d+ \(s\d{6}\): preset 'fast' \('PW\(500\).*not the fast"),
    "duplicate id": (duplicate, r"row \d+ \(s\d{6}\): duplicate id"),
    "bad status": (bad_status, r"row 2 \(s\d{6}\): status='maybe'; allowed: ok, failed"),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_damaged_chunk_is_one_line_naming_file_and_row(copy, capsys, damage):
    change, pattern = DAMAGE[damage]
    chunk = sorted((copy / "chunks").glob("chunk_*.csv"))[0]
    edit_rows(chunk, change)
    code, out, err = run_cli(capsys, "verify", "--dir", str(copy))
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"error: {chunk}: ") and "Traceback" not in err
    assert re.search(pattern, err), err


def test_truncated_chunk_is_one_line(copy, capsys):
    chunk = sorted((copy / "chunks").glob("chunk_*.csv"))[0]
    text = chunk.read_text()
    n_rows = len(text.splitlines()) - 1
    for cut in (70, 1):  # mid-row (fields missing), then just the final line end
        chunk.write_text(text[:-cut])
        code, out, err = run_cli(capsys, "verify", "--dir", str(copy))
        assert code == 2 and len(err.splitlines()) == 1, err
        assert err.startswith(f"error: {chunk}: row {n_rows} (s"), err
        assert "truncated?" in err
        # export refuses to sign it
        code, _, err = run_cli(capsys, "export", "--dir", str(copy))
        assert code == 2 and "nothing exported" in err


def test_garbage_and_misplaced_files(copy, capsys):
    chunk = sorted((copy / "chunks").glob("chunk_*.csv"))[0]
    chunk.write_bytes(b"\xff\xfe garbage")
    code, _, err = run_cli(capsys, "verify", "--dir", str(copy))
    assert code == 2 and f"error: {chunk}: not UTF-8 text" in err
    chunk.unlink()
    shutil.copy(SHIPPED / "chunks" / chunk.name, copy / "chunks" / "chunk_0039.csv")
    code, _, err = run_cli(capsys, "verify", "--dir", str(copy))
    assert code == 2
    assert "chunk_0039.csv: row 1 (s000000): belongs to chunk 0, not to this file" in err
    assert f"{chunk}: listed in SHA256SUMS but missing" in err


def test_changed_design_is_named(copy, capsys):
    design = copy / "design.csv"
    lines = design.read_text().splitlines(keepends=True)
    fields = lines[5].split(",")
    fields[2] = repr(float(fields[2]) + 0.001)  # a of s000004, still inside the box
    lines[5] = ",".join(fields)
    design.write_text("".join(lines))
    code, _, err = run_cli(capsys, "verify", "--dir", str(copy))
    assert code == 2
    assert err == (
        f"error: {design}: row 5 (s000004): parameters differ from the seed-0 Latin hypercube "
        "of 1000 cells (DesignBox.sample_lhs)\n"
    )


def test_new_chunk_without_checksum_is_a_warning_unless_strict(copy, capsys):
    sums = copy / "SHA256SUMS"
    sums.write_text("".join(line for line in sums.open() if "chunks/" not in line))
    code, out, err = run_cli(capsys, "verify", "--dir", str(copy))
    assert code == 0 and out.startswith("ok: ") and err.startswith("warning: ")
    code, _, err = run_cli(capsys, "verify", "--strict", "--dir", str(copy))
    assert code == 2 and "not in SHA256SUMS: run python -m ipage.crystal export" in err


def test_export_is_reproducible(copy, capsys):
    before = {p.name: p.read_bytes() for p in copy.iterdir() if p.is_file()}
    assert run_cli(capsys, "export", "--dir", str(copy))[0] == 0
    after = {p.name: p.read_bytes() for p in copy.iterdir() if p.is_file()}
    assert before == after  # same rows, same bytes (no timestamps in any output)
    readme = (copy / "README.md").read_text()
    n_cells = sum(len(pd.read_csv(f)) for f in (copy / "chunks").glob("chunk_*.csv"))
    assert f"{n_cells} of 1000 designed cells present" in readme


@pytest.mark.dft
@pytest.mark.slow
@needs_gpaw
def test_three_committed_rows_recompute_with_the_fast_preset():
    """Reproducible, not just stored: 3 random converged rows (fixed seed) recomputed by GPAW."""
    from ipage.crystal.dft import run_structure
    from ipage.crystal.structure import PARAM_NAMES

    files = sorted((SHIPPED / "chunks").glob("chunk_*.csv"))
    rows = pd.concat([pd.read_csv(f, dtype={"id": str}) for f in files], ignore_index=True)
    ok = rows[rows.status == "ok"].reset_index(drop=True)
    assert len(ok) >= 3, "fewer than 3 committed converged rows"
    for i in np.random.default_rng(0).choice(len(ok), size=3, replace=False):
        stored = ok.iloc[i]
        new = run_structure(stored[list(PARAM_NAMES)].to_numpy(float), "fast", structure_id="r")
        assert new["status"] == "ok", new["error"]
        assert new["preset_settings"] == stored.preset_settings
        assert abs(new["gap"] - stored.gap) < 1e-3, (stored.id, new["gap"], stored.gap)


def write_audit(folder: Path, shifts: list[float]) -> Path:
    """audit/accurate.csv for the first len(shifts) rows: their gaps minus the shifts."""
    from ipage.crystal.dft import get_preset

    first = sorted((folder / "chunks").glob("chunk_*.csv"))[0]
    rows = pd.read_csv(first, dtype={"id": str}, keep_default_na=False).head(len(shifts))
    rows["gap"] -= shifts
    rows["cbm"] = rows["vbm"] + rows["gap"]
    rows["preset"], rows["preset_settings"] = "accurate", get_preset("accurate").describe()
    path = folder / "audit" / "accurate.csv"
    path.parent.mkdir(exist_ok=True)  # the shipped folder may have an audit already
    rows.to_csv(path, index=False, lineterminator="\n")
    return path


def test_audit_is_checked_signed_and_summarised(copy, capsys):
    path = write_audit(copy, [0.01, 0.03, 0.05])  # fast - accurate: mean 0.03, std 0.02
    assert run_cli(capsys, "export", "--dir", str(copy))[0] == 0
    assert run_cli(capsys, "verify", "--strict", "--dir", str(copy))[0] == 0
    assert "audit/accurate.csv" in (copy / "SHA256SUMS").read_text()
    readme = (copy / "README.md").read_text()
    assert (
        "fast − accurate gap on 3 random cells (eV): mean / std / max abs | "
        "+0.030 / 0.020 / 0.050 |" in readme
    )

    edit_rows(path, lambda rows: rows[1].update(a=str(float(rows[1]["a"]) + 0.01)))
    code, _, err = run_cli(capsys, "verify", "--dir", str(copy))
    assert code == 2 and len(err.splitlines()) == 1, err
    assert err.startswith(f"error: {path}: row 2 (") and "differ from design.csv" in err


def test_audit_cells_are_kept_and_topped_up():
    from ipage.crystal.audit import pick_cells

    rows = [{"id": f"s{i:06d}", "status": "ok" if i % 5 else "failed"} for i in range(40)]
    first = [r["id"] for r in pick_cells(rows, 5, seed=0, audited=[])]
    assert len(set(first)) == 5 and all(int(i[1:]) % 5 for i in first)  # converged rows only
    assert first == [r["id"] for r in pick_cells(rows[::-1], 5, seed=0, audited=[])]
    more = [r["id"] for r in pick_cells(rows, 8, seed=1, audited=first[:3])]
    assert more[:3] == first[:3] and len(set(more)) == 8
