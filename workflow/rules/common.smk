import sys

from ipage import config as ipage_config
from ipage.errors import IpageError
from ipage.methods import INN_METHODS, SCENARIOS, trained_model
from ipage.tasks import TASKS

try:
    _validated = ipage_config.validate(dict(config))
except IpageError as error:
    sys.exit(f"error: {error}")
config.update(_validated)
for _line in ipage_config.warnings(config):
    print(f"warning: {_line}", file=sys.stderr)

TASK_NAMES = config["tasks"]
METHODS = config["methods"]
# Tasks whose dataset the generic `simulate` rule makes; expensive simulators have own rules.
CHEAP_TASKS = [name for name, cls in TASKS.items() if cls.capabilities.dataset == "simulate"]
# Tasks defined under the config's `tabular:` key: their dataset is the user's file.
TABULAR_TASKS = list(config["tabular"])


def settings(name):
    """Input function: the config section `name` with per-task overrides applied."""
    return lambda wildcards: ipage_config.section(config, wildcards.task, name)


def z_dim(wildcards):
    """Latent dimension of the method's posterior: the INN's z, or x itself for the cINN."""
    if INN_METHODS[wildcards.inn_method].posterior == "cinn":
        return ipage_config.make_task(config, wildcards.task).x_dim
    return ipage_config.inn_dims(config, wildcards.task)[0]


def posterior_model(wildcards):
    """The trained model an iPage variant maps latent designs through."""
    return f"results/{wildcards.task}/models/{INN_METHODS[wildcards.inn_method].posterior}.pt"


def single_target(wildcards):
    return ipage_config.target(config, wildcards.task).tolist()


def scenario_target(wildcards):
    """y* for a {scenario} job: None for many_targets, so a new targets.<task> reruns only
    the single_target jobs."""
    return ipage_config.scenario_target(config, wildcards.task, wildcards.scenario)


def task_options(wildcards):
    return ipage_config.task_options(config, wildcards.task)


def model_provenance(wildcards):
    """Provenance JSON of the model behind a method: evaluate reads its train_seconds
    (a '<method>_binary' row, see architecture.smk, uses <method>'s model)."""
    method = wildcards.method.removesuffix("_binary")
    return f"results/{wildcards.task}/models/{trained_model(method)}_provenance.json"


def ns_values(evaluation):
    """The paper's solution counts N_s (Fig. 4/5) that fit in evaluation.n_solutions."""
    from ipage.report.tables import solution_counts

    return solution_counts(evaluation["n_solutions"])


# Tabular tasks (tabular.smk).
def tabular_files(wildcards):
    """The data file(s) of a tabular task: a newer file makes its dataset out of date."""
    path = config["tabular"][wildcards.task]["path"]
    return [path] if isinstance(path, str) else list(path)


# Baselines of the paper's tables, each trained by its own rule and objective (MDN, cINN and
# cVAE sample p(x|y) directly; NA searches a forward MLP surrogate from random prior starts).
# Their solutions.npz has the INN methods' format, so resimulate/evaluate/summarize apply.

GENERATIVE_BASELINES = ["mdn", "cinn", "cvae"]


def _baseline_train_params(section):
    return dict(
        settings=settings(section),
        inn=settings("inn"),
        dims=lambda w: ipage_config.inn_dims(config, w.task),
        device=config["device"],
        seed=config["seed"],
    )


# Paper-style tables (Tables 2, 3), figures (Figs 4/5, 7, error histograms, INN training) and
# the sinewave mode coverage over N_s; report() marks what `snakemake --report` shows.

REPORT_SINEWAVE = "sinewave" in TASK_NAMES
REPORT_INN = any(method in INN_METHODS for method in METHODS)
REPORT_PAIRS = [(method, scenario) for method in METHODS for scenario in SCENARIOS]


def report_outputs():
    """Every table and figure rule all asks for under the current config."""
    out = [
        "results/tables/table2.md",
        "results/tables/table3.md",
        "results/tables/table2.html",
        "results/tables/table3.html",
        "results/figures/time_to_solution.png",
    ]
    out += expand("results/figures/{task}/resim_errors.png", task=TASK_NAMES)
    if REPORT_INN:
        out += expand("results/figures/{task}/inn_training.png", task=TASK_NAMES)
    if REPORT_SINEWAVE:
        out += [
            "results/figures/sinewave/solutions.png",
            "results/tables/modes_vs_ns.csv",
            "results/figures/sinewave/modes_vs_ns.png",
        ]
    return out


REPORT_OUTPUTS = report_outputs()


def sinewave_single_target(wildcards):
    """Per method: the N_s study of INN methods (a fresh N_s-point design per N_s), else the
    single-target solutions, whose first N_s are i.i.d. draws for the generative baselines.
    """
    return [
        (
            f"results/sinewave/{method}/ns_study.npz"
            if method in INN_METHODS
            else f"results/sinewave/{method}/single_target/solutions.npz"
        )
        for method in METHODS
    ]


# Crystal task (crystal.smk): the design depends on the box options only, so a change of the
# DFT preset reruns the DFT chunks (params changed) but keeps the designed cells.
def crystal_box_options():
    options = config["task_options"].get("crystal", {})
    return {k: options[k] for k in ("a0", "strain", "angle") if k in options}


# crystal_dataset's inputs: the workflow's chunks, or crystal.dataset_dir's (crystal.smk).
def crystal_dataset_input(wildcards):
    if CRYSTAL_EXTERNAL:
        return {
            "design": f"{CRYSTAL_EXTERNAL}/design.csv",
            "chunks": CRYSTAL_EXTERNAL_CHUNKS,
        }
    return {
        "design": f"{CRYSTAL_DATA}/design.csv",
        "chunks": expand(f"{CRYSTAL_DATA}/chunks/{{i}}.csv", i=range(CRYSTAL_N_CHUNKS)),
    }
