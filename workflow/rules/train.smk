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
        dims=lambda w: ipage_config.inn_dims(config, w.task),
        device=config["device"],
        seed=config["seed"],
    script:
        "../scripts/train_inn.py"
