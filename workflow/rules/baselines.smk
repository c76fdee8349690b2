rule train_mdn:
    """Mixture density network p(x|y): Gaussian mixture NLL."""
    input:
        "results/{task}/data/split.npz",
        init=warm_start("mdn"),
    output:
        model="results/{task}/models/mdn.pt",
        history="results/{task}/models/mdn_history.csv",
        provenance="results/{task}/models/mdn_provenance.json",
    log:
        "logs/{task}/train_mdn.log",
    benchmark:
        "results/{task}/benchmarks/train_mdn.tsv"
    conda:
        "../envs/ipage.yaml"
    threads: 1
    resources:
        gpu=config["gpu"],
    params:
        **_baseline_train_params("mdn"),
        model="mdn",
    script:
        "../scripts/train_baseline.py"


rule train_cinn:
    """Conditional INN x <-> z given y: maximum likelihood with the log-determinant."""
    input:
        "results/{task}/data/split.npz",
        init=warm_start("cinn"),
    output:
        model="results/{task}/models/cinn.pt",
        history="results/{task}/models/cinn_history.csv",
        provenance="results/{task}/models/cinn_provenance.json",
    log:
        "logs/{task}/train_cinn.log",
    benchmark:
        "results/{task}/benchmarks/train_cinn.tsv"
    conda:
        "../envs/ipage.yaml"
    threads: 1
    resources:
        gpu=config["gpu"],
    params:
        **_baseline_train_params("cinn"),
        model="cinn",
    script:
        "../scripts/train_baseline.py"


rule train_cvae:
    """Conditional VAE: ELBO with a KL weight."""
    input:
        "results/{task}/data/split.npz",
        init=warm_start("cvae"),
    output:
        model="results/{task}/models/cvae.pt",
        history="results/{task}/models/cvae_history.csv",
        provenance="results/{task}/models/cvae_provenance.json",
    log:
        "logs/{task}/train_cvae.log",
    benchmark:
        "results/{task}/benchmarks/train_cvae.tsv"
    conda:
        "../envs/ipage.yaml"
    threads: 1
    resources:
        gpu=config["gpu"],
    params:
        **_baseline_train_params("cvae"),
        model="cvae",
    script:
        "../scripts/train_baseline.py"


rule train_surrogate:
    """Forward MLP y = f(x) for the neural-adjoint search (best-validation checkpoint)."""
    input:
        "results/{task}/data/split.npz",
        init=warm_start("mlp"),
    output:
        model="results/{task}/models/mlp.pt",
        history="results/{task}/models/mlp_history.csv",
        provenance="results/{task}/models/mlp_provenance.json",
    log:
        "logs/{task}/train_surrogate.log",
    benchmark:
        "results/{task}/benchmarks/train_surrogate.tsv"
    conda:
        "../envs/ipage.yaml"
    threads: 1
    resources:
        gpu=config["gpu"],
    params:
        **_baseline_train_params("na_surrogate"),
        model="mlp",
    script:
        "../scripts/train_baseline.py"


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
        generative="|".join(GENERATIVE_BASELINES),
    conda:
        "../envs/ipage.yaml"
    threads: 1
    params:
        evaluation=settings("evaluation"),
        target=scenario_target,
        device=config["device"],
        seed=config["seed"],
    script:
        "../scripts/sample_baseline.py"


rule neural_adjoint:
    """NA: random prior starts, Adam through the frozen MLP with the boundary loss, best kept."""
    input:
        split="results/{task}/data/split.npz",
        surrogate="results/{task}/models/mlp.pt",
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
        evaluation=settings("evaluation"),
        target=scenario_target,
        options=task_options,
        device=config["device"],
        seed=config["seed"],
    script:
        "../scripts/neural_adjoint.py"
