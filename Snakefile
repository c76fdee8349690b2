# iPage inverse design workflow: see README.md. The rules live in workflow/rules/.
import os
import sys

from snakemake.utils import min_version

min_version("9.0")

from ipage.rounds import task_pattern

# config/config.yaml only when no --configfile is given: a user's config file then stands
# alone (schema defaults fill the gaps) instead of being merged over the default one.
if not workflow.overwrite_configfiles:
    if not os.path.exists("config/config.yaml"):
        sys.exit(
            f"error: no configuration: config/config.yaml is not in {os.getcwd()}; "
            "pass --configfile <file>.yaml (examples: config/*.yaml in the repository)"
        )

    configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/loop_common.smk"


wildcard_constraints:
    task=task_pattern(KNOWN_TASKS),  # and their loop rounds (loop.smk)
    scenario="|".join(SCENARIOS),
    inn_method="|".join(INN_METHODS),


include: "workflow/rules/data.smk"
include: "workflow/rules/architecture.smk"
include: "workflow/rules/crystal.smk"
include: "workflow/rules/tabular.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/inverse.smk"
include: "workflow/rules/baselines.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/posterior.smk"
include: "workflow/rules/loop.smk"


# Every rule file adds its outputs to final_outputs() (common.smk).
rule all:
    default_target: True
    input:
        lambda wildcards: final_outputs(),
