"""Rule posterior_table: the per-(task, model) posterior diagnostics as one table and figure."""

from ipage.atomic import atomic_output, write_text_atomic
from ipage.posterior import PosteriorDiagnostics
from ipage.report.posterior import posterior_markdown, posterior_plot, posterior_table
from ipage.workflow_io import run


def main(smk, log):
    table = posterior_table([PosteriorDiagnostics.load(path) for path in smk.input])
    with atomic_output(smk.output.csv) as tmp:
        table.to_csv(tmp, index=False)
    write_text_atomic(smk.output.md, posterior_markdown(table))
    posterior_plot(smk.output.png, table)
    log(f"{len(table)} (task, model) rows -> {smk.output.csv}, {smk.output.png}")


run(snakemake, main)  # noqa: F821
