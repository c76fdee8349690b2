# Re-simulation, metrics per (task, method) and the summary table over all of them. A task
# that re-simulates a subset of its solutions (capability `subset`: crystal) has its own
# re-simulation rule; evaluate scores that subset (common.smk: scored_solutions).
add_final_outputs(["results/tables/summary.csv", "results/tables/summary.md"])


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
    wildcard_constraints:
        task=task_pattern(tasks_where(lambda c: c.resimulation != "subset")),
    conda:
        "../envs/ipage.yaml"
    params:
        options=task_options,
    script:
        "../scripts/resimulate.py"


rule evaluate:
    """Re-simulation MSE (mean and std over repeats), modes covered, time to solutions; for
    a task re-simulating a subset, n_solutions = the solutions re-simulated per repeat."""
    input:
        unpack(scored_solutions),
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
        lambda wildcards: extra_metrics(),
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
