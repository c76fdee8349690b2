"""Rule crystal_dft_chunk: GPAW band gaps of the cells of one chunk, one row per cell.

A failed calculation (SCF not converged, GPAW error) is a row with status 'failed' and the
error message, never a failed job. Progress goes to a journal (results/crystal/data/journal/,
not a rule output, so Snakemake keeps it when a job is interrupted): a rerun of the chunk
reuses the journal's converged rows computed for the same cell with the same preset and
recomputes the rest (failed rows included). threads = single-threaded DFT processes.
"""

import time
from pathlib import Path

import pandas as pd

from ipage.crystal.chunks import run_journaled
from ipage.crystal.dft import gpaw_version
from ipage.crystal.io import write_csv_atomic
from ipage.tasks import get_task
from ipage.workflow_io import run, write_provenance


def main(smk, log):
    start = time.perf_counter()
    i = int(smk.wildcards.i)
    task = get_task("crystal", **smk.params.options)
    preset = task.preset
    plan = pd.read_csv(smk.input.design, dtype={"id": str})
    part = plan[plan.chunk == i].reset_index(drop=True)
    structures = Path(smk.input.design).parent / "structures"
    journal = Path(smk.params.journal)
    log(f"chunk {i}: cells {part.id.iloc[0]}..{part.id.iloc[-1]}")
    workers = max(1, int(smk.threads))
    rows = run_journaled(
        part,
        journal,
        preset,
        None,  # crystal_structures wrote the structure files
        smk.params.gpaw_logs,
        f"chunk {i}",
        workers,
        log,
    )
    rows["structure_file"] = [str(structures / f"{sid}.extxyz") for sid in rows["id"]]
    write_csv_atomic(smk.output.rows, rows)
    ok = rows.status == "ok"
    for r in rows[~ok].itertuples(index=False):
        log(f"chunk {i}: {r.id} FAILED: {r.error}")
    wall = time.perf_counter() - start
    gaps = rows.loc[ok, "gap"].astype(float)
    log(
        f"chunk {i}: {int(ok.sum())} ok, {int((~ok).sum())} failed; gap "
        + (f"{gaps.min():.3f}..{gaps.max():.3f} eV; " if len(gaps) else "none; ")
        + f"{rows.cpu_s.astype(float).sum():.0f} CPU-s in DFT, {wall:.0f} s wall"
    )
    write_provenance(
        smk.output.provenance,
        smk.config,
        {"seed": smk.config.get("seed")},
        wall,
        {
            "chunk": i,
            "gpaw_version": gpaw_version(),
            "preset": preset.name,
            "preset_settings": preset.describe(),
            "n_ok": int(ok.sum()),
            "n_failed": int((~ok).sum()),
            "dft_wall_s": round(float(rows.wall_s.astype(float).sum()), 3),
            "dft_cpu_s": round(float(rows.cpu_s.astype(float).sum()), 3),
            "workers": workers,
        },
    )


run(snakemake, main, threads_per_process=1)  # noqa: F821  (threads: DFT processes)
