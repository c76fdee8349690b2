rule resimulate:
    """Run the true simulator on every solution of every repeat."""
    input:
        "results/{task}/{method}/{scenario}/solutions.npz",
        split="results/{task}/data/split.npz",
    output:
        "results/{task}/{method}/{scenario}/resim.npz",
    log:
        "logs/{task}/{method}/{scenario}/resimulate.log",
    benchmark:
        "results/{task}/benchmarks/{method}_{scenario}_resimulate.tsv"
    conda:
        "../envs/ipage.yaml"
    params:
        options=task_options,
    script:
        "../scripts/resimulate.py"


rule evaluate:
    """Re-simulation MSE (mean and std over repeats), modes covered, time to solutions."""
    input:
        solutions=expand(
            "results/{{task}}/{{method}}/{scenario}/solutions.npz", scenario=SCENARIOS
        ),
        resim=expand(
            "results/{{task}}/{{method}}/{scenario}/resim.npz", scenario=SCENARIOS
        ),
        provenance=model_provenance,
    output:
        "results/{task}/{method}/metrics.csv",
        provenance="results/{task}/{method}/metrics_provenance.json",
    log:
        "logs/{task}/{method}/evaluate.log",
    conda:
        "../envs/ipage.yaml"
    params:
        scenarios=list(SCENARIOS),
        target=single_target,
        evaluation=settings("evaluation"),
        options=task_options,
    script:
        "../scripts/evaluate.py"


rule summarize:
    """One table over tasks x methods x scenarios (the workflow's output contract)."""
    input:
        expand("results/{task}/{method}/metrics.csv", task=TASK_NAMES, method=METHODS),
        BINARY_METRICS,  # architecture: <method>_binary rows (architecture.smk)
    output:
        csv="results/tables/summary.csv",
        md="results/tables/summary.md",
        provenance="results/tables/summary_provenance.json",
    log:
        "logs/summarize.log",
    conda:
        "../envs/ipage.yaml"
    script:
        "../scripts/summarize.py"
