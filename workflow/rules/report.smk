# Paper-style tables (Tables 2, 3), figures (Figs 4/5, 7, error histograms, INN training) and
# the sinewave mode coverage over N_s; report() marks what `snakemake --report` shows.

REPORT_PAIRS = [(method, scenario) for method in METHODS for scenario in SCENARIOS]


add_final_outputs(
    [
        "results/tables/table2.md",
        "results/tables/table3.md",
        "results/tables/table2.html",
        "results/tables/table3.html",
        "results/figures/time_to_solution.png",
        *expand("results/figures/{task}/resim_errors.png", task=TASK_NAMES),
    ]
)
if any(method in INN_METHODS for method in METHODS):
    add_final_outputs(expand("results/figures/{task}/inn_training.png", task=TASK_NAMES))
if "sinewave" in TASK_NAMES:
    add_final_outputs(
        [
            "results/figures/sinewave/solutions.png",
            "results/tables/modes_vs_ns.csv",
            "results/figures/sinewave/modes_vs_ns.png",
        ]
    )


rule tables:
    """Tables 2 (many_targets) and 3 (single_target): methods x tasks, mean +- std of the
    re-simulation MSE, best per task in bold; markdown for the repository, HTML for the report.
    """
    input:
        "results/tables/summary.csv",
    output:
        table2="results/tables/table2.md",
        table3="results/tables/table3.md",
        table2_html=report(
            "results/tables/table2.html",
            caption="../report/table2.rst",
            category="1. Tables",
            labels={"table": "Table 2", "scenario": "many_targets"},
        ),
        table3_html=report(
            "results/tables/table3.html",
            caption="../report/table3.rst",
            category="1. Tables",
            labels={"table": "Table 3", "scenario": "single_target"},
        ),
    log:
        "logs/report/tables.log",
    conda:
        "../envs/ipage.yaml"
    script:
        "../scripts/tables.py"


rule figure_time_to_solution:
    """Seconds per task and method (sampling + localization), log scale: Fig. 7."""
    input:
        "results/tables/summary.csv",
    output:
        report(
            "results/figures/time_to_solution.png",
            caption="../report/time_to_solution.rst",
            category="2. Figures",
            subcategory="Time to solution",
            labels={"figure": "time to solution", "task": "all"},
        ),
    log:
        "logs/report/figure_time_to_solution.log",
    conda:
        "../envs/ipage.yaml"
    script:
        "../scripts/figures.py"


rule figure_resim_errors:
    """Per task: histograms of Omega(x) - y* (norm for y_dim > 1) per method and scenario."""
    input:
        solutions=lambda w: [
            f"results/{w.task}/{m}/{s}/solutions.npz" for m, s in REPORT_PAIRS
        ],
        resim=lambda w: [f"results/{w.task}/{m}/{s}/resim.npz" for m, s in REPORT_PAIRS],
    output:
        report(
            "results/figures/{task}/resim_errors.png",
            caption="../report/resim_errors.rst",
            category="2. Figures",
            subcategory="Re-simulation errors",
            labels={"figure": "re-simulation errors", "task": "{task}"},
        ),
    log:
        "logs/report/{task}/figure_resim_errors.log",
    conda:
        "../envs/ipage.yaml"
    params:
        pairs=REPORT_PAIRS,
        options=task_options,
    script:
        "../scripts/figures.py"


rule figure_inn_training:
    """Per task: INN train/validation loss and the lambda schedule over epochs."""
    input:
        "results/{task}/models/inn_history.csv",
    output:
        report(
            "results/figures/{task}/inn_training.png",
            caption="../report/inn_training.rst",
            category="2. Figures",
            subcategory="INN training",
            labels={"figure": "INN training", "task": "{task}"},
        ),
    log:
        "logs/report/{task}/figure_inn_training.log",
    conda:
        "../envs/ipage.yaml"
    script:
        "../scripts/figures.py"


rule figure_sinewave_solutions:
    """Sinewave single-target solutions over the contour Omega(x) = y*, per method and N_s
    (first N_s solutions of repeat 0): Figs 4 and 5."""
    input:
        sinewave_single_target,
    output:
        report(
            "results/figures/sinewave/solutions.png",
            caption="../report/sinewave_solutions.rst",
            category="2. Figures",
            subcategory="Sinewave modes",
            labels={"figure": "solutions per N_s", "task": "sinewave"},
        ),
    log:
        "logs/report/sinewave/figure_sinewave_solutions.log",
    conda:
        "../envs/ipage.yaml"
    params:
        methods=METHODS,
        target=lambda w: ipage_config.target(config, "sinewave").tolist(),
        evaluation=lambda w: ipage_config.section(config, "sinewave", "evaluation"),
        options=lambda w: config["task_options"].get("sinewave", {}),
    script:
        "../scripts/figures.py"


rule modes_vs_ns:
    """Sinewave modes covered by the first N_s single-target solutions, mean +- std over
    repeats, per method (does maximin LHS cover more modes than SRS at N_s = 25?)."""
    input:
        sinewave_single_target,
    output:
        csv=report(
            "results/tables/modes_vs_ns.csv",
            caption="../report/modes_vs_ns.rst",
            category="1. Tables",
            labels={"table": "modes vs N_s", "scenario": "single_target"},
        ),
        png=report(
            "results/figures/sinewave/modes_vs_ns.png",
            caption="../report/modes_vs_ns.rst",
            category="2. Figures",
            subcategory="Sinewave modes",
            labels={"figure": "modes vs N_s", "task": "sinewave"},
        ),
    log:
        "logs/report/sinewave/modes_vs_ns.log",
    conda:
        "../envs/ipage.yaml"
    params:
        methods=METHODS,
        target=lambda w: ipage_config.target(config, "sinewave").tolist(),
        evaluation=lambda w: ipage_config.section(config, "sinewave", "evaluation"),
        options=lambda w: config["task_options"].get("sinewave", {}),
    script:
        "../scripts/figures.py"
