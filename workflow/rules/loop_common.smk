# Closed-loop design rounds (loop.smk has the rules): settings and input functions, included
# before the training rules, whose warm start input comes from here.
from ipage.loop import absolute_tolerance
from ipage.rounds import SUFFIX, Round

LOOP = config["loop"]
LOOP_ROUNDS = range(LOOP["rounds"])
LOOP_ACTIVE = LOOP["rounds"] > 1
LOOP_TABLE = "results/tables/loop"
LOOP_FIGURE = "results/figures/loop.png"
if LOOP_ACTIVE:
    add_final_outputs([f"{LOOP_TABLE}.csv", f"{LOOP_TABLE}.md", LOOP_FIGURE])


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
    this = Round.parse(wildcards.task)
    previous = this.previous().name
    methods = [this.method] if this.method else METHODS
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
