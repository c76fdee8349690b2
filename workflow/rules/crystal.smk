# Crystal task (strained SrTiO3 -> PBE band gap with GPAW, x = (a, b, c, alpha, beta, gamma)):
# a Latin-hypercube design with one structure file per cell, DFT in chunks (one job per chunk,
# resumable, any order), the generic split/train/sample/localize rules, then DFT re-simulation
# of a diverse subset of every method's solutions (farthest-point selection), evaluated by the
# generic evaluate rule on that subset (crystal declares re-simulation `subset`). The DFT
# preset and design box are task_options.crystal; sizes are crystal.* and overrides.crystal.*.
import math
from glob import glob

CRYSTAL = "crystal"
CRYSTAL_SETTINGS = config["crystal"]
CRYSTAL_N_SAMPLES = ipage_config.section(config, CRYSTAL, "dataset")["n_samples"]
CRYSTAL_CHUNK_SIZE = CRYSTAL_SETTINGS["chunk_size"]
CRYSTAL_N_CHUNKS = math.ceil(CRYSTAL_N_SAMPLES / CRYSTAL_CHUNK_SIZE)
CRYSTAL_DATA = "results/crystal/data"
# crystal.dataset_dir: rows made outside the workflow by `python -m ipage.crystal generate`
# (e.g. a long background run); its chunk files are the dataset's inputs, so new rows rerun it.
CRYSTAL_EXTERNAL = CRYSTAL_SETTINGS["dataset_dir"]
CRYSTAL_EXTERNAL_CHUNKS = (
    sorted(glob(f"{CRYSTAL_EXTERNAL}/chunks/chunk_*.csv")) if CRYSTAL_EXTERNAL else []
)
if CRYSTAL_EXTERNAL and CRYSTAL in TASK_NAMES and not CRYSTAL_EXTERNAL_CHUNKS:
    sys.exit(
        f"error: crystal.dataset_dir {CRYSTAL_EXTERNAL} holds no chunks/chunk_*.csv: "
        "make it with python -m ipage.crystal generate --out DIR"
    )
if CRYSTAL in TASK_NAMES:
    add_final_outputs(["results/figures/crystal_solutions.png"])


# The design depends on the box options only, so a change of the DFT preset reruns the DFT
# chunks (params changed) but keeps the designed cells.
CRYSTAL_BOX_OPTIONS = {
    k: v
    for k, v in config["task_options"].get(CRYSTAL, {}).items()
    if k in ("a0", "strain", "angle")
}
# crystal_dataset's inputs: the workflow's chunks, or crystal.dataset_dir's.
CRYSTAL_DATASET_INPUT = (
    {"design": f"{CRYSTAL_EXTERNAL}/design.csv", "chunks": CRYSTAL_EXTERNAL_CHUNKS}
    if CRYSTAL_EXTERNAL
    else {
        "design": f"{CRYSTAL_DATA}/design.csv",
        "chunks": expand(f"{CRYSTAL_DATA}/chunks/{{i}}.csv", i=range(CRYSTAL_N_CHUNKS)),
    }
)


rule crystal_structures:
    """dataset.n_samples cells from a Latin hypercube over the design box (seeded by seed):
    design.csv (id, chunk, a, b, c, alpha, beta, gamma) and one extxyz file per cell."""
    output:
        design=f"{CRYSTAL_DATA}/design.csv",
        structures=directory(f"{CRYSTAL_DATA}/structures"),
    log:
        "logs/crystal/crystal_structures.log",
    conda:
        "../envs/ipage.yaml"
    params:
        n_samples=CRYSTAL_N_SAMPLES,
        chunk_size=CRYSTAL_CHUNK_SIZE,
        box=CRYSTAL_BOX_OPTIONS,
        seed=config["seed"],
    script:
        "../scripts/crystal_structures.py"


rule crystal_dft_chunk:
    """GPAW band gap of every cell of chunk i, one row each (a failed SCF or GPAW error is a
    row with status 'failed' and the message); resumes from its journal when interrupted.
    threads = single-threaded DFT processes side by side."""
    input:
        design=f"{CRYSTAL_DATA}/design.csv",
    output:
        rows=f"{CRYSTAL_DATA}/chunks/{{i}}.csv",
        provenance=f"{CRYSTAL_DATA}/chunks/{{i}}_provenance.json",
    log:
        "logs/crystal/chunks/{i}.log",
    benchmark:
        "results/crystal/benchmarks/crystal_dft_chunk_{i}.tsv"
    wildcard_constraints:
        i=r"\d+",
    conda:
        "../envs/ipage.yaml"
    threads: 1
    params:
        options=lambda w: config["task_options"].get(CRYSTAL, {}),
        journal=lambda w: f"{CRYSTAL_DATA}/journal/{w.i}.csv",
        gpaw_logs=lambda w: (
            f"{CRYSTAL_DATA}/gpaw_logs" if CRYSTAL_SETTINGS["keep_logs"] else None
        ),
    script:
        "../scripts/crystal_dft_chunk.py"


rule crystal_dataset:
    """Merge the chunks (or crystal.dataset_dir's): dataset.csv (every row, failed ones
    with their message) and samples.npz x (n, 6) lattice parameters, y (n, 1) gap in eV of
    the converged rows."""
    input:
        **CRYSTAL_DATASET_INPUT,
    output:
        samples=f"{CRYSTAL_DATA}/samples.npz",
        table=f"{CRYSTAL_DATA}/dataset.csv",
        provenance=f"{CRYSTAL_DATA}/samples_provenance.json",
    log:
        "logs/crystal/crystal_dataset.log",
    conda:
        "../envs/ipage.yaml"
    params:
        seed=config["seed"],
        dataset_dir=CRYSTAL_EXTERNAL,
        options=lambda w: config["task_options"].get(CRYSTAL, {}),
    script:
        "../scripts/crystal_dataset.py"


rule crystal_resimulate:
    """DFT re-simulation (same preset as the dataset) of crystal.resim_solutions solutions
    per repeat, the most diverse by farthest-point selection; writes that subset in the
    solutions/resim format (dft_*.npz, what evaluate scores), the rows with their
    structure files, and resim.npz over all solutions (NaN where not re-simulated)."""
    input:
        solutions="results/{task}/{method}/{scenario}/solutions.npz",
        split="results/{task}/data/split.npz",
    output:
        resim="results/{task}/{method}/{scenario}/resim.npz",
        solutions="results/{task}/{method}/{scenario}/dft_solutions.npz",
        dft_resim="results/{task}/{method}/{scenario}/dft_resim.npz",
        rows="results/{task}/{method}/{scenario}/dft_rows.csv",
    log:
        "logs/{task}/{method}/{scenario}/crystal_resimulate.log",
    benchmark:
        "results/{task}/benchmarks/{method}_{scenario}_crystal_resimulate.tsv"
    wildcard_constraints:
        task=task_pattern([CRYSTAL]),
        method="|".join(METHODS),
    conda:
        "../envs/ipage.yaml"
    threads: 1
    params:
        options=task_options,
        n_select=CRYSTAL_SETTINGS["resim_solutions"],
        workdir=lambda w: f"results/{w.task}/{w.method}/{w.scenario}",
        gpaw_logs=lambda w: (
            f"results/{w.task}/{w.method}/{w.scenario}/dft_gpaw_logs"
            if CRYSTAL_SETTINGS["keep_logs"]
            else None
        ),
    script:
        "../scripts/crystal_resimulate.py"


rule figure_crystal_solutions:
    """DFT gaps and lattice parameters of every method's re-simulated single-target
    solutions, against y* and the training data."""
    input:
        solutions=expand(
            "results/crystal/{method}/single_target/dft_solutions.npz", method=METHODS
        ),
        resim=expand(
            "results/crystal/{method}/single_target/dft_resim.npz", method=METHODS
        ),
        split="results/crystal/data/split.npz",
    output:
        report(
            "results/figures/crystal_solutions.png",
            caption="../report/crystal_solutions.rst",
            category="2. Figures",
            subcategory="Strained SrTiO3",
            labels={"figure": "DFT re-simulated solutions", "task": "crystal"},
        ),
    log:
        "logs/report/crystal/figure_crystal_solutions.log",
    conda:
        "../envs/ipage.yaml"
    params:
        methods=METHODS,
        target=lambda w: ipage_config.target(config, CRYSTAL).tolist(),
        options=lambda w: config["task_options"].get(CRYSTAL, {}),
    script:
        "../scripts/crystal_figure.py"
