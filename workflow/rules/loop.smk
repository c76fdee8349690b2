# Closed-loop design rounds (ipage/loop.py): round r of task T is the task name
# T/round_<r> (loop.add: all) or T/round_<r>_<method> (add: method), so every generic rule
# serves it in its own tree results/T/round_<r>[_<method>]/; round 0 is today's results/T/.
# loop_split makes a round's training set (rule split only round 0's), the rest is the
# ordinary pipeline, and loop_table counts verified designs against cumulative simulator
# calls over the rounds. Settings and input functions: loop_common.smk.


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
