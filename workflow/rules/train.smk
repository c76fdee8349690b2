rule train_inn:
    """Train the INN with the dynamic bi-directional schedule; keep the best-L_y checkpoint
    as the forward surrogate f_y and the final network for posterior sampling."""
    input:
        "results/{task}/data/split.npz",
        init=warm_start("inn"),
    output:
        inn="results/{task}/models/inn.pt",
        surrogate="results/{task}/models/inn_surrogate.pt",
        history="results/{task}/models/inn_history.csv",
        provenance="results/{task}/models/inn_provenance.json",
    log:
        "logs/{task}/train_inn.log",
    benchmark:
        "results/{task}/benchmarks/train_inn.tsv"
    conda:
        "../envs/ipage.yaml"
    threads: 1
    resources:
        gpu=config["gpu"],
    params:
        inn=settings("inn"),
        dims=inn_dims,
        device=config["device"],
        seed=config["seed"],
    script:
        "../scripts/train_inn.py"


rule train_baseline:
    """A baseline's model on its own objective (ipage.baselines), best-validation checkpoint,
    hidden width matched to the task's INN parameter count unless its config section sets
    it: mdn (Gaussian mixture NLL), cinn (maximum likelihood), cvae (ELBO with a KL weight),
    mlp (the forward MLP y = f(x) the neural adjoint searches; section na_surrogate)."""
    input:
        "results/{task}/data/split.npz",
        init=lambda w: warm_start(w.model)(w),
    output:
        model="results/{task}/models/{model}.pt",
        history="results/{task}/models/{model}_history.csv",
        provenance="results/{task}/models/{model}_provenance.json",
    log:
        "logs/{task}/train_{model}.log",
    benchmark:
        "results/{task}/benchmarks/train_{model}.tsv"
    wildcard_constraints:
        model=one_of(BASELINE_MODELS),
    conda:
        "../envs/ipage.yaml"
    threads: 1
    resources:
        gpu=config["gpu"],
    params:
        settings=lambda w: ipage_config.section(config, w.task, BASELINE_MODELS[w.model]),
        inn_size=inn_size,
        device=config["device"],
        seed=config["seed"],
    script:
        "../scripts/train_baseline.py"


rule train_layout_cnn:
    """The periodic layout CNN (ipage.models.layout_cnn) on the split's cleaned layouts, for
    tasks whose designs map to layouts (layout_surrogate): the network iPage's localization
    and NA search, through the relaxed layout map, instead of f_y and NA's MLP."""
    input:
        "results/{task}/data/split.npz",
        init=warm_start("layout_cnn"),
    output:
        model="results/{task}/models/layout_cnn.pt",
        history="results/{task}/models/layout_cnn_history.csv",
        provenance="results/{task}/models/layout_cnn_provenance.json",
    log:
        "logs/{task}/train_layout_cnn.log",
    benchmark:
        "results/{task}/benchmarks/train_layout_cnn.tsv"
    conda:
        "../envs/ipage.yaml"
    threads: 1
    resources:
        gpu=config["gpu"],
    params:
        settings=settings("layout_surrogate"),
        options=task_options,
        device=config["device"],
        seed=config["seed"],
    script:
        "../scripts/train_layout_cnn.py"
