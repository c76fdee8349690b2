# Included first, shared by every rules file: the validated config, task capabilities, the
# input functions, and two lists each rules file adds to while it is parsed, final_outputs()
# (what `all` asks for) and extra_metrics() (summary rows beyond tasks x methods); they are
# read once every file is parsed, so include order is free.
import sys

from ipage import config as ipage_config
from ipage.errors import IpageError
from ipage.methods import (
    BASELINE_MODELS,
    GENERATIVE_METHODS,
    INN_METHODS,
    SCENARIOS,
    trained_model,
)
from ipage.rounds import base_task
from ipage.tasks import TASKS, task_capabilities

try:
    _validated = ipage_config.validate(dict(config))
except IpageError as error:
    sys.exit(f"error: {error}")
config.update(_validated)
for _line in ipage_config.warnings(config):
    print(f"warning: {_line}", file=sys.stderr)

TASK_NAMES = config["tasks"]
METHODS = config["methods"]
# Tasks defined under the config's `tabular:` key: their dataset is the user's file.
TABULAR_TASKS = list(config["tabular"])
KNOWN_TASKS = [*TASKS, *TABULAR_TASKS]


def capabilities(task):
    """What the workflow may do with a task (ipage.tasks.base.Capabilities)."""
    return task_capabilities(base_task(task), **ipage_config.task_options(config, task))


def tasks_where(wanted):
    """Known tasks whose capabilities satisfy `wanted` (a predicate), e.g. for a wildcard
    constraint."""
    return [t for t in KNOWN_TASKS if wanted(capabilities(t))]


def one_of(names):
    """A wildcard constraint matching exactly these names ('(?!)', nothing, for none)."""
    return "|".join(names) or "(?!)"


_FINAL_OUTPUTS = []
_EXTRA_METRICS = []


def add_final_outputs(paths):
    """Ask `all` for these outputs (each rules file adds its own)."""
    _FINAL_OUTPUTS.extend(paths)


def final_outputs():
    return list(_FINAL_OUTPUTS)


def add_extra_metrics(paths):
    """metrics.csv files summarize reads besides every task x method (e.g. '<method>_binary')."""
    _EXTRA_METRICS.extend(paths)


def extra_metrics():
    return list(_EXTRA_METRICS)


def settings(name):
    """Input function: the config section `name` with per-task overrides applied."""
    return lambda wildcards: ipage_config.section(config, wildcards.task, name)


def evaluation_keys(*keys):
    """Input function: only these keys of the evaluation section, so a job does not rerun for
    settings it does not read (NA and the generative baselines for iPage's latent_draws)."""
    return lambda w: {k: ipage_config.section(config, w.task, "evaluation")[k] for k in keys}


def task_options(wildcards):
    return ipage_config.task_options(config, wildcards.task)


def single_target(wildcards):
    return ipage_config.target(config, wildcards.task).tolist()


def scenario_target(wildcards):
    """y* for a {scenario} job: None for many_targets, so a new targets.<task> reruns only
    the single_target jobs."""
    return ipage_config.scenario_target(config, wildcards.task, wildcards.scenario)


def inn_dims(wildcards):
    return ipage_config.inn_dims(config, wildcards.task)


def layout_surrogate(wildcards):
    """Whether iPage's localization and NA search this task through the layout CNN."""
    return ipage_config.uses_layout_surrogate(config, wildcards.task)


def localization_surrogate(wildcards):
    """The network iPage's localization searches: the INN's f_y, or the layout CNN."""
    name = "layout_cnn" if layout_surrogate(wildcards) else "inn_surrogate"
    return f"results/{wildcards.task}/models/{name}.pt"


def na_surrogate(wildcards):
    """The network NA searches: its forward MLP, or the layout CNN (the same as iPage's)."""
    name = "layout_cnn" if layout_surrogate(wildcards) else "mlp"
    return f"results/{wildcards.task}/models/{name}.pt"


def inn_size(wildcards):
    return ipage_config.inn_size(config, wildcards.task)


def latent_dim(wildcards):
    """Latent dimension of the method's posterior: the INN's latent draws (z and, for the
    likelihood INN, its output padding), or x itself for the cINN."""
    if INN_METHODS[wildcards.inn_method].posterior == "cinn":
        return ipage_config.make_task(config, wildcards.task).x_dim
    return ipage_config.latent_dim(config, wildcards.task)


def posterior_model(wildcards):
    """The trained model an iPage variant maps latent designs through."""
    return f"results/{wildcards.task}/models/{INN_METHODS[wildcards.inn_method].posterior}.pt"


def ns_values(evaluation):
    """The paper's solution counts N_s (Fig. 4/5) that fit in evaluation.n_solutions."""
    from ipage.report.tables import solution_counts

    return solution_counts(evaluation["n_solutions"])


def scored_solutions(wildcards):
    """evaluate's inputs per scenario: the solutions and their re-simulation, all of them or
    the re-simulated subset."""
    subset = capabilities(wildcards.task).resimulation == "subset"
    prefix = "dft_" if subset else ""  # crystal_resimulate's files of the subset
    folder = f"results/{wildcards.task}/{wildcards.method}"
    return {
        "solutions": [f"{folder}/{s}/{prefix}solutions.npz" for s in SCENARIOS],
        "resim": [f"{folder}/{s}/{prefix}resim.npz" for s in SCENARIOS],
    }


def model_provenance(wildcards):
    """Provenance JSONs of the models behind a method: evaluate sums their train_seconds
    (a '<method>_binary' row, see architecture.smk, uses <method>'s models). NA's model is
    the layout CNN where the task is searched through it; iPage's, its posterior and the CNN."""
    method = wildcards.method.removesuffix("_binary")
    models = {trained_model(method)}
    if layout_surrogate(wildcards):
        if method == "na":
            models = {"layout_cnn"}
        elif method in INN_METHODS and INN_METHODS[method].localize:
            models.add("layout_cnn")
    folder = f"results/{wildcards.task}/models"
    return [f"{folder}/{name}_provenance.json" for name in sorted(models)]


def tabular_files(wildcards):
    """The data file(s) of a tabular task: a newer file makes its dataset out of date."""
    path = config["tabular"][wildcards.task]["path"]
    return [path] if isinstance(path, str) else list(path)


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
