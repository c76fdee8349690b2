# Posterior diagnostics (README "Posterior diagnostics"): the raw samples of every learned
# posterior the config trains (the INN behind the iPage methods and `inn`, MDN, cINN, cVAE),
# no localization, against prior draws and a rejection-sampling reference posterior. Only on
# tasks with a cheap simulator (dataset source `simulate`): the reference needs 10^6
# simulations.

_CHEAP = tasks_where(lambda c: c.dataset == "simulate")
POSTERIOR_TASKS = [t for t in TASK_NAMES if t in _CHEAP]
_TRAINED = {trained_model(method) for method in METHODS}
POSTERIOR_MODELS = [m for m in ("inn", "mdn", "cinn", "cvae") if m in _TRAINED]
if POSTERIOR_TASKS and POSTERIOR_MODELS:
    add_final_outputs(
        [
            "results/tables/posterior.csv",
            "results/tables/posterior.md",
            "results/figures/posterior.png",
        ]
    )


rule posterior_diagnostics:
    """Raw posterior draws of one model ('prior': prior draws) on one task: re-sim MSE in both
    scenarios, r_T, fraction in the box, sliced Wasserstein distance to the reference."""
    input:
        split="results/{task}/data/split.npz",
        model=lambda w: [] if w.model == "prior" else f"results/{w.task}/models/{w.model}.pt",
    output:
        "results/{task}/posterior/{model}.csv",
    log:
        "logs/{task}/posterior/{model}.log",
    benchmark:
        "results/{task}/benchmarks/posterior_{model}.tsv"
    wildcard_constraints:
        model="|".join(["prior", *POSTERIOR_MODELS]),
    conda:
        "../envs/ipage.yaml"
    threads: 1
    params:
        evaluation=settings("evaluation"),
        target=single_target,
        options=task_options,
        device=config["device"],
        seed=config["seed"],
    script:
        "../scripts/posterior_diagnostics.py"


rule posterior_table:
    """All (task, model) diagnostics in one table (csv, markdown) and one figure."""
    input:
        expand(
            "results/{task}/posterior/{model}.csv",
            task=POSTERIOR_TASKS,
            model=["prior", *POSTERIOR_MODELS],
        ),
    output:
        csv=report(
            "results/tables/posterior.csv",
            caption="../report/posterior.rst",
            category="1. Tables",
            labels={"table": "posterior diagnostics", "scenario": "both"},
        ),
        md="results/tables/posterior.md",
        png=report(
            "results/figures/posterior.png",
            caption="../report/posterior.rst",
            category="2. Figures",
            subcategory="Posterior diagnostics",
            labels={"figure": "posterior diagnostics", "task": "analytic"},
        ),
    log:
        "logs/report/posterior_table.log",
    conda:
        "../envs/ipage.yaml"
    script:
        "../scripts/posterior_table.py"
