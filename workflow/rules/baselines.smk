# Baselines of the paper's tables (models trained by train_baseline, train.smk): MDN, cINN
# and cVAE sample p(x|y) directly; NA searches a forward MLP surrogate from random prior
# starts. Their solutions.npz has the INN methods' format, so resimulate/evaluate/summarize
# apply.


rule sample_baseline:
    """Posterior draws x ~ p(x|y) of a generative baseline for every repeat (timed)."""
    input:
        split="results/{task}/data/split.npz",
        model="results/{task}/models/{generative}.pt",
    output:
        "results/{task}/{generative}/{scenario}/solutions.npz",
        provenance="results/{task}/{generative}/{scenario}/solutions_provenance.json",
    log:
        "logs/{task}/{generative}/{scenario}/sample_baseline.log",
    benchmark:
        "results/{task}/benchmarks/{generative}_{scenario}_sample_baseline.tsv"
    wildcard_constraints:
        generative=one_of(GENERATIVE_METHODS),
    conda:
        "../envs/ipage.yaml"
    threads: 1
    params:
        evaluation=evaluation_keys("n_solutions", "repeats"),
        target=scenario_target,
        device=config["device"],
        seed=config["seed"],
    script:
        "../scripts/sample_baseline.py"


rule neural_adjoint:
    """NA: random prior starts, Adam through the frozen MLP (or the layout CNN, ranked on the
    built layouts) with the boundary loss, best kept."""
    input:
        split="results/{task}/data/split.npz",
        surrogate=na_surrogate,
    output:
        "results/{task}/na/{scenario}/solutions.npz",
        provenance="results/{task}/na/{scenario}/solutions_provenance.json",
    log:
        "logs/{task}/na/{scenario}/neural_adjoint.log",
    benchmark:
        "results/{task}/benchmarks/na_{scenario}_neural_adjoint.tsv"
    conda:
        "../envs/ipage.yaml"
    threads: 1
    resources:
        gpu=config["gpu"],
    params:
        na=settings("na"),
        layout_surrogate=layout_surrogate,
        evaluation=evaluation_keys("n_solutions", "repeats"),
        target=scenario_target,
        options=task_options,
        device=config["device"],
        seed=config["seed"],
    script:
        "../scripts/neural_adjoint.py"
