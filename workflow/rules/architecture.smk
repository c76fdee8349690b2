# Architected-material task (FEM homogenization): the dataset is made in chunks (one job per
# chunk, resumable, parallel), a figure shows iPage's solution layouts and a table checks whether
# every method's solutions could be printed. With task_options.architecture.representation
# 'pixels' (grey x), solutions are also projected to manufacturable 0/1 layouts and
# re-simulated as '<method>_binary' rows; 'spectral' designs are printable layouts already.
import math

ARCH = "architecture"
ARCH_ACTIVE = ARCH in TASK_NAMES
ARCH_SETTINGS = config["architecture"]
ARCH_N_SAMPLES = ipage_config.section(config, ARCH, "dataset")["n_samples"]
ARCH_CHUNK_SIZE = ARCH_SETTINGS["chunk_size"]
ARCH_N_CHUNKS = math.ceil(ARCH_N_SAMPLES / ARCH_CHUNK_SIZE)
ARCH_GREY = capabilities(ARCH).projection == "binarize"  # pixel designs, possibly grey
if ARCH_SETTINGS["binary_methods"] is None:
    ARCH_BINARY_METHODS = METHODS if ARCH_GREY else []
elif ARCH_SETTINGS["binary_methods"] and not ARCH_GREY:
    sys.exit(
        "error: config 'architecture.binary_methods' needs task_options.architecture."
        "representation 'pixels' (spectral designs are 0/1 layouts already); allowed: null or []"
    )
else:
    ARCH_BINARY_METHODS = ARCH_SETTINGS["binary_methods"]
for _method in ARCH_BINARY_METHODS:
    if _method not in METHODS:
        sys.exit(
            f"error: config 'architecture.binary_methods': {_method!r} is not in 'methods'; "
            f"allowed: {', '.join(METHODS)}"
        )
# The figure shows iPage's single-target solutions (else the first method's), and their
# binarized layouts where the method has a '_binary' row.
ARCH_FIGURE_METHOD = "ipage" if "ipage" in METHODS else METHODS[0]
ARCH_FIGURE_BINARY = (
    {
        "binary": f"results/{ARCH}/{ARCH_FIGURE_METHOD}_binary/single_target/solutions.npz",
        "binary_resim": f"results/{ARCH}/{ARCH_FIGURE_METHOD}_binary/single_target/resim.npz",
    }
    if ARCH_FIGURE_METHOD in ARCH_BINARY_METHODS
    else {}
)
# Printability checks of every method's solutions (and binarized ones) in one table.
ARCH_PRINT_METHODS = [*METHODS, *(f"{m}_binary" for m in ARCH_BINARY_METHODS)]
ARCH_PRINT_TABLE = "results/tables/architecture_printability"
if ARCH_ACTIVE:
    # Extra summary rows, read with the task x method metrics.
    add_extra_metrics(
        [f"results/{ARCH}/{m}_binary/metrics.csv" for m in ARCH_BINARY_METHODS]
    )
    add_final_outputs(
        [
            "results/figures/architecture_solutions.png",
            f"{ARCH_PRINT_TABLE}.csv",
            f"{ARCH_PRINT_TABLE}.md",
        ]
    )


rule architecture_chunk:
    """architecture.chunk_size prior cells (seeded by (seed, i)) labelled by FEM; written
    atomically, progress in the log. threads = FEM worker processes (n_workers)."""
    output:
        "results/architecture/data/chunks/{i}.npz",
    log:
        "logs/architecture/chunks/{i}.log",
    benchmark:
        "results/architecture/benchmarks/architecture_chunk_{i}.tsv"
    wildcard_constraints:
        i=r"\d+",
    conda:
        "../envs/ipage.yaml"
    threads: 1
    params:
        # [start, stop) dataset rows of chunk i
        rows=lambda w: [
            int(w.i) * ARCH_CHUNK_SIZE,
            min((int(w.i) + 1) * ARCH_CHUNK_SIZE, ARCH_N_SAMPLES),
        ],
        options=lambda w: config["task_options"].get(ARCH, {}),
        seed=config["seed"],
    script:
        "../scripts/architecture_chunk.py"


rule architecture_dataset:
    """Merge the chunks into results/architecture/data/samples.npz: x (n, x_dim), y (n, 1)."""
    input:
        expand("results/architecture/data/chunks/{i}.npz", i=range(ARCH_N_CHUNKS)),
    output:
        "results/architecture/data/samples.npz",
        provenance="results/architecture/data/samples_provenance.json",
    log:
        "logs/architecture/architecture_dataset.log",
    conda:
        "../envs/ipage.yaml"
    params:
        n_samples=ARCH_N_SAMPLES,
        chunk_size=ARCH_CHUNK_SIZE,
        seed=config["seed"],
    script:
        "../scripts/architecture_dataset.py"


rule binarize_solutions:
    """A method's (grey) solutions projected to manufacturable 0/1 layouts (threshold 0.5,
    corner contacts filled, only the network spanning the period kept): '<method>_binary'.
    """
    input:
        "results/{task}/{method}/{scenario}/solutions.npz",
    output:
        "results/{task}/{method}_binary/{scenario}/solutions.npz",
    log:
        "logs/{task}/{method}_binary/{scenario}/binarize.log",
    wildcard_constraints:
        task=task_pattern(tasks_where(lambda c: c.projection == "binarize")),
        method="|".join(METHODS),
    conda:
        "../envs/ipage.yaml"
    params:
        options=task_options,
    script:
        "../scripts/binarize_solutions.py"


rule figure_architecture_solutions:
    """Grid of single-target solution layouts (and their binarized layouts for grey designs)
    with re-simulated E_x/E_s against the target; training designs closest to the target for
    comparison."""
    input:
        **ARCH_FIGURE_BINARY,
        solutions=f"results/architecture/{ARCH_FIGURE_METHOD}/single_target/solutions.npz",
        resim=f"results/architecture/{ARCH_FIGURE_METHOD}/single_target/resim.npz",
        split="results/architecture/data/split.npz",
    output:
        report(
            "results/figures/architecture_solutions.png",
            caption="../report/architecture_solutions.rst",
            category="2. Figures",
            subcategory="Architected material",
            labels={"figure": "solution layouts", "task": "architecture"},
        ),
    log:
        "logs/report/architecture/figure_architecture_solutions.log",
    conda:
        "../envs/ipage.yaml"
    params:
        method=ARCH_FIGURE_METHOD,
        target=lambda w: ipage_config.target(config, ARCH).tolist(),
        columns=8,
        options=ipage_config.task_options(config, ARCH),
    script:
        "../scripts/architecture_figure.py"


rule architecture_printability:
    """Printability checks (grey pixels, connectivity across the period, minimum feature
    sizes, volume fraction) and diversity of one method's solutions, per scenario."""
    input:
        expand(
            "results/architecture/{{method}}/{scenario}/solutions.npz", scenario=SCENARIOS
        ),
    output:
        "results/architecture/{method}/printability.csv",
    log:
        "logs/architecture/{method}/printability.log",
    wildcard_constraints:
        method="|".join(ARCH_PRINT_METHODS),
    conda:
        "../envs/ipage.yaml"
    params:
        scenarios=list(SCENARIOS),
        options=ipage_config.task_options(config, ARCH),
    script:
        "../scripts/architecture_printability.py"


rule architecture_printability_table:
    """All methods' printability rows and a reference row: the training designs within
    +-5 % of y*."""
    input:
        methods=expand(
            "results/architecture/{method}/printability.csv", method=ARCH_PRINT_METHODS
        ),
        split="results/architecture/data/split.npz",
    output:
        csv=f"{ARCH_PRINT_TABLE}.csv",
        md=f"{ARCH_PRINT_TABLE}.md",
    log:
        "logs/architecture/printability_table.log",
    conda:
        "../envs/ipage.yaml"
    params:
        target=lambda w: ipage_config.target(config, ARCH).tolist(),
        tolerance=0.05,
        options=ipage_config.task_options(config, ARCH),
    script:
        "../scripts/architecture_printability_table.py"
