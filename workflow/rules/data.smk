rule simulate:
    """Draw dataset.n_samples designs from the task prior and run the true simulator (tasks
    whose dataset source is `simulate`; the others have their own rules)."""
    output:
        "results/{task}/data/samples.npz",
        provenance="results/{task}/data/samples_provenance.json",
    log:
        "logs/{task}/simulate.log",
    benchmark:
        "results/{task}/benchmarks/simulate.tsv"
    wildcard_constraints:
        task=one_of(tasks_where(lambda c: c.dataset == "simulate")),
    conda:
        "../envs/ipage.yaml"
    params:
        dataset=settings("dataset"),
        options=task_options,
        seed=config["seed"],
    script:
        "../scripts/simulate.py"


rule split:
    """Shuffle the samples into train / validation / held-out test rows (round 0; a loop
    round's split is loop_split's)."""
    input:
        "results/{task}/data/samples.npz",
    output:
        "results/{task}/data/split.npz",
    log:
        "logs/{task}/split.log",
    wildcard_constraints:
        task="[^/]+",
    benchmark:
        "results/{task}/benchmarks/split.tsv"
    conda:
        "../envs/ipage.yaml"
    params:
        dataset=settings("dataset"),
        seed=config["seed"],
    script:
        "../scripts/split.py"
