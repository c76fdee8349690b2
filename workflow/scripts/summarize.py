"""Rule summarize: results/tables/summary.csv and its markdown rendering."""

import pandas as pd

from ipage.workflow_io import run


def main(smk, log):
    table = pd.concat([pd.read_csv(path) for path in smk.input], ignore_index=True)
    table.to_csv(smk.output.csv, index=False)
    with open(smk.output.md, "w") as f:
        f.write(table.to_markdown(index=False, floatfmt=".4g") + "\n")
    log(f"{len(table)} rows -> {smk.output.csv}")


run(snakemake, main)  # noqa: F821
