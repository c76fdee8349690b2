# iPage inverse design workflow: see README.md. The rules live in workflow/rules/.
configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/inverse.smk"
include: "workflow/rules/baselines.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/report.smk"


rule all:
    input:
        "results/tables/summary.csv",
        "results/tables/summary.md",
        REPORT_OUTPUTS,
    default_target: True
