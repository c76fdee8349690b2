rule sample_latent:
    """Latent draws z ~ N(0, I) by the method's strategy (srs, lhs, maximin_lhs), for every
    repeat, plus the scenario's targets (held-out y's, or y* repeated)."""
    input:
        "results/{task}/data/split.npz",
    output:
        "results/{task}/{inn_method}/{scenario}/latent.npz",
    log:
        "logs/{task}/{inn_method}/{scenario}/sample_latent.log",
    benchmark:
        "results/{task}/benchmarks/{inn_method}_{scenario}_sample_latent.tsv"
    conda:
        "../envs/ipage.yaml"
    params:
        evaluation=settings("evaluation"),
        latent_dim=latent_dim,
        target=scenario_target,
        seed=config["seed"],
    script:
        "../scripts/sample_latent.py"


rule localize:
    """Posterior samples x = f^-1(y*, z) (the cINN's inverse for ipage_cinn), then Adam on
    ||f_y(x) - y*||^2 with the INN's f_y (or the layout CNN) frozen; each candidate stops at
    localization.tol."""
    input:
        latent="results/{task}/{inn_method}/{scenario}/latent.npz",
        posterior=posterior_model,
        surrogate=localization_surrogate,
    output:
        "results/{task}/{inn_method}/{scenario}/solutions.npz",
        provenance="results/{task}/{inn_method}/{scenario}/solutions_provenance.json",
    log:
        "logs/{task}/{inn_method}/{scenario}/localize.log",
    benchmark:
        "results/{task}/benchmarks/{inn_method}_{scenario}_localize.tsv"
    conda:
        "../envs/ipage.yaml"
    params:
        localization=settings("localization"),
        layout_surrogate=layout_surrogate,
        options=task_options,
        device=config["device"],
    script:
        "../scripts/localize.py"


rule ns_study:
    """Sinewave mode coverage vs the number of solutions N_s (paper Fig. 4/5): for each N_s
    a fresh N_s-point latent design (per repeat), posterior samples, localization and
    selection, exactly as `localize` does for n_solutions."""
    input:
        posterior=posterior_model,
        surrogate="results/{task}/models/inn_surrogate.pt",
    output:
        "results/{task}/{inn_method}/ns_study.npz",
    log:
        "logs/{task}/{inn_method}/ns_study.log",
    conda:
        "../envs/ipage.yaml"
    params:
        ns=lambda w: ns_values(ipage_config.section(config, w.task, "evaluation")),
        localization=settings("localization"),
        evaluation=settings("evaluation"),
        latent_dim=latent_dim,
        target=single_target,
        options=task_options,
        seed=config["seed"],
    script:
        "../scripts/ns_study.py"
