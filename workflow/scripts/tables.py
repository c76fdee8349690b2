"""Rule tables: paper-style Tables 2 and 3 (markdown and HTML) from summary.csv."""

import pandas as pd

from ipage.atomic import write_text_atomic
from ipage.report.tables import SCENARIO_TITLES, render_html, table_document
from ipage.workflow_io import run


def main(smk, log):
    summary = pd.read_csv(smk.input[0])
    for scenario, name in (("many_targets", "table2"), ("single_target", "table3")):
        write_text_atomic(smk.output[name], table_document(summary, scenario))
        write_text_atomic(
            smk.output[f"{name}_html"],
            render_html(summary, scenario, title=SCENARIO_TITLES[scenario]),
        )
        n = int((summary["scenario"] == scenario).sum())
        log(f"{scenario}: {n} (task, method) cells -> {smk.output[name]}")


run(snakemake, main)  # noqa: F821
