# Closed-loop design rounds (issue 16, ipage/loop.py): round r of task T is the task name
# T/round_<r> (loop.add: all) or T/round_<r>_<method> (add: method), so every generic rule
# serves it in its own tree results/T/round_<r>[_<method>]/; round 0 is today's results/T/.
# loop_split makes a round's training set, the rest is the ordinary pipeline, and loop_table
# counts verified designs against cumulative simulator calls over the rounds.
from ipage.loop import absolute_tolerance
from ipage.rounds import SUFFIX, Round

LOOP = config["loop"]
LOOP_ROUNDS = range(LOOP["rounds"])
LOOP_ACTIVE = LOOP["rounds"] > 1
LOOP_TABLE = "results/tables/loop"
LOOP_FIGURE = "results/figures/loop.png"
LOOP_OUTPUTS = [f"{LOOP_TABLE}.csv", f"{LOOP_TABLE}.md", LOOP_FIGURE] if LOOP_ACTIVE else []


def loop_round(task, method, number):
    """The {task} wildcard value of round `number` of `method`'s loop on `task`."""
    own = method if LOOP["add"] == "method" and number else None
    return Round(task, number, own).name


def loop_runs(file):
    """`file` (solutions.npz or resim.npz) of every method's single-target run per round."""
    return [
        f"results/{loop_round(t, m, r)}/{m}/single_target/{file}"
        for t in TASK_NAMES
        for m in METHODS
        for r in LOOP_ROUNDS
    ]


def loop_added(wildcards):
    """Round r's inputs: round r-1's split and the single-target runs it adds."""
    previous = Round.parse(wildcards.task).previous().name
    own = Round.parse(wildcards.task).method
    methods = [own] if own else METHODS
    run = f"results/{previous}/{{method}}/single_target/{{file}}"
    return {
        "split": f"results/{previous}/data/split.npz",
        "solutions": expand(run, method=methods, file="solutions.npz"),
        "resim": expand(run, method=methods, file="resim.npz"),
    }


def loop_tolerance(task):
    """loop.tolerance of `task` in y units (a percentage is of ||y*||)."""
    tolerance = ipage_config.section(config, task, "loop")["tolerance"]
    return absolute_tolerance(tolerance, ipage_config.target(config, task))


def warm_start(model):
    """Input function of a training rule: round r-1's `model` when loop.warm_start fine-tunes
    it in round r; none in round 0 or when every round trains from scratch."""

    def previous_model(wildcards):
        this = Round.parse(wildcards.task)
        if this.number == 0 or not LOOP["warm_start"]:
            return []
        return [f"results/{this.previous().name}/models/{model}.pt"]

    return previous_model


ruleorder: loop_split > split


rule loop_split:
    """Round r's split: round r-1's training rows, then the finite re-simulated single-target
    solutions of round r-1 (every method's, or the round's own method's); validation and
    test rows unchanged."""
    input:
        unpack(loop_added),
    output:
        "results/{task}/data/split.npz",
    log:
        "logs/{task}/loop_split.log",
    wildcard_constraints:
        task=f"[^/]+{SUFFIX}",
    conda:
        "../envs/ipage.yaml"
    script:
        "../scripts/loop_split.py"


rule loop_table:
    """Per task, method and round: simulator calls (dataset + re-simulations so far) and the
    verified designs within loop.tolerance of y*; a figure of one against the other."""
    input:
        splits=expand("results/{task}/data/split.npz", task=TASK_NAMES),
        solutions=loop_runs("solutions.npz"),
        resim=loop_runs("resim.npz"),
    output:
        csv=f"{LOOP_TABLE}.csv",
        md=f"{LOOP_TABLE}.md",
        figure=report(
            LOOP_FIGURE,
            caption="../report/loop.rst",
            category="2. Figures",
            subcategory="Closed loop",
            labels={"figure": "verified designs vs simulator calls", "task": "all"},
        ),
    log:
        "logs/report/loop_table.log",
    conda:
        "../envs/ipage.yaml"
    params:
        runs=[(t, m, r) for t in TASK_NAMES for m in METHODS for r in LOOP_ROUNDS],
        tasks=TASK_NAMES,
        targets=lambda w: {t: ipage_config.target(config, t).tolist() for t in TASK_NAMES},
        tolerances=lambda w: {t: loop_tolerance(t) for t in TASK_NAMES},
        add=LOOP["add"],
        warm_start=LOOP["warm_start"],
    script:
        "../scripts/loop_table.py"
