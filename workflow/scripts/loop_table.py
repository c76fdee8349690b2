"""Rule loop_table: verified designs against cumulative simulator calls, round by round."""

import numpy as np

from ipage.atomic import atomic_output, write_text_atomic
from ipage.data import Split
from ipage.loop import Resimulated, RoundRecord, loop_table
from ipage.report.figures import loop_figure
from ipage.report.tables import loop_markdown
from ipage.workflow_io import run


def main(smk, log):
    p = smk.params
    dataset_calls = {}  # round 0's simulated rows: train + validation + test
    for task, path in zip(p.tasks, smk.input.splits, strict=True):
        split = Split.load(path)
        dataset_calls[task] = len(split.x_train) + len(split.x_val) + len(split.x_test)
    records = []
    for (task, method, number), solutions, resim in zip(
        p.runs, smk.input.solutions, smk.input.resim, strict=True
    ):
        target = np.asarray(p.targets[task])
        resimulated = Resimulated.load(solutions, resim)
        records.append(
            RoundRecord.score(task, method, number, resimulated, target, p.tolerances[task])
        )
    table = loop_table(records, dataset_calls, p.add)
    mode = "fine-tuned" if p.warm_start else "trained from scratch"
    log(f"add: {p.add}, networks {mode} each round")
    for row in table.itertuples():
        log(
            f"{row.task}/{row.method} round {row.round}: {row.verified}/{row.calls} verified, "
            f"{row.cumulative_verified} after {row.cumulative_calls} simulator calls, "
            f"re-sim MSE {row.resim_mse:.3g}"
        )
    with atomic_output(smk.output.csv) as tmp:
        table.to_csv(tmp, index=False)
    write_text_atomic(smk.output.md, loop_markdown(table, p.tolerances))
    loop_figure(smk.output.figure, table)


run(snakemake, main)  # noqa: F821
