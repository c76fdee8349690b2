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
CHEAP_TASKS = [name for name, cls in TASKS.items() if not cls.expensive]
# Tasks defined under the config's `tabular:` key: their dataset is the user's file.
TABULAR_TASKS = list(config["tabular"])


wildcard_constraints:
    task="|".join([*TASKS, *TABULAR_TASKS]),
    scenario="|".join(SCENARIOS),
    inn_method="|".join(INN_METHODS),


def settings(name):
    """Input function: the config section `name` with per-task overrides applied."""
    return lambda wildcards: ipage_config.section(config, wildcards.task, name)


def z_dim(wildcards):
    return ipage_config.inn_dims(config, wildcards.task)[0]


def single_target(wildcards):
    return ipage_config.target(config, wildcards.task).tolist()


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
