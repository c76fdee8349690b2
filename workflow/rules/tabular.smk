rule tabular_dataset:
    """A tabular task's dataset: the user's table read, checked and cleaned (non-finite rows,
    duplicates), transformed to learning coordinates; the simulator (if any) spot-checked.
    """
    input:
        tabular_files,
    output:
        samples="results/{task}/data/samples.npz",
        provenance="results/{task}/data/samples_provenance.json",
    log:
        "logs/{task}/tabular_dataset.log",
    benchmark:
        "results/{task}/benchmarks/tabular_dataset.tsv"
    wildcard_constraints:
        task=one_of(tasks_where(lambda c: c.dataset == "table")),
    conda:
        "../envs/ipage.yaml"
    params:
        options=task_options,
        seed=config["seed"],
    script:
        "../scripts/tabular_dataset.py"
