"""Rule loop_split: a loop round's training set, the previous round's plus its re-simulated
single-target solutions (ipage.loop.merge)."""

from ipage.data import Split
from ipage.loop import Resimulated, merge
from ipage.workflow_io import run


def main(smk, log):
    previous = Split.load(smk.input.split)
    added = [
        Resimulated.load(solutions, resim)
        for solutions, resim in zip(smk.input.solutions, smk.input.resim, strict=True)
    ]
    for path, resimulated in zip(smk.input.solutions, added, strict=True):
        calls, labelled = resimulated.calls, len(resimulated.labelled()[0])
        log(f"{path}: {calls} re-simulated, {labelled} added ({calls - labelled} failed)")
    split = merge(previous, added)
    log(
        f"{smk.wildcards.task}: {len(previous.x_train)} training rows of the previous round + "
        f"{len(split.x_train) - len(previous.x_train)} re-simulated solutions = "
        f"{len(split.x_train)}; val {len(split.x_val)}, test {len(split.x_test)} unchanged"
    )
    split.save(smk.output[0])


run(snakemake, main)  # noqa: F821
