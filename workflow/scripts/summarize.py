"""Rule summarize: results/tables/summary.csv and its markdown rendering."""

import time

import pandas as pd

from ipage.atomic import atomic_output, write_text_atomic
from ipage.workflow_io import run, write_provenance


def main(smk, log):
    start = time.perf_counter()
    table = pd.concat([pd.read_csv(path) for path in smk.input], ignore_index=True)
    with atomic_output(smk.output.csv) as tmp:
        table.to_csv(tmp, index=False)
    shown = table.astype(object).where(table.notna(), None)  # empty cells, not "nan"
    write_text_atomic(
        smk.output.md, shown.to_markdown(index=False, floatfmt=".4g", missingval="") + "\n"
    )
    write_provenance(
        smk.output.provenance,
        smk.config,
        {"seed": smk.config.get("seed")},
        time.perf_counter() - start,
    )
    log(f"{len(table)} rows -> {smk.output.csv}")


run(snakemake, main)  # noqa: F821
