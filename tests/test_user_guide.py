"""The README as a user follows it: its commands, run after its own install command, and the
HTML report they make, opened in a browser as a person would look at it.

Every `snakemake` command of the README is planned (`-n`) in a checkout-like folder by an
environment that holds only the project's dependencies (tests/runtime_env.py), with the slurm
extra and GPAW where the README asks for them; the report command is run for real on a small
finished run (hand-made upstream results, real table and figure jobs). Headless Chromium then
opens the report, clicks through every category and every result, and checks that each figure
loads (non-zero natural size) and each table has rows. Chromium is Debian's `chromium`; without
it the browser test skips, or fails where IPAGE_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import base64
import importlib.metadata as md
import io
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from packaging.requirements import Requirement

from ipage.artifacts import NsStudy, Resim, Solutions
from ipage.tasks.sinewave import SineWave
from tests import runtime_env

REPO = runtime_env.REPO
README = (REPO / "README.md").read_text()
CHECKOUT = ("Snakefile", "workflow", "config", "resources")  # what a clone gives a user
SHIPPED_DATASET = "resources/srtio3_pbe_fast"
SOLUTIONS, REPEATS = 30, 2


def readme_commands() -> list[str]:
    """Every command line of the README's ```bash blocks, in order."""
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


COMMANDS = readme_commands()
INSTALL = [c for c in COMMANDS if "pip install" in c]
REPORT = next(c for c in COMMANDS if c.startswith("snakemake") and "--report" in c)
# The install line's own run, then the rest but the report (run by the fixture below).
PLANNED = [INSTALL[0].split(" && ")[-1]] + [
    c for c in COMMANDS if c not in INSTALL and c != REPORT and not c.startswith("bash .ci/")
]


def test_readme_install_and_test_commands_are_the_ci_commands():
    run, test = INSTALL
    assert run.endswith("pip install -e . && snakemake --cores 2")
    assert test.endswith('pip install -e ".[test]" && python -m pytest')
    assert run.replace("-e . && snakemake --cores 2", '-e ".[test]" && python -m pytest') == test
    ci_lines = [
        line
        for line in (REPO / ".ci/run").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert ci_lines[-1] == test, ".ci/run must end with the README's test command, verbatim"


def test_readme_is_a_short_user_guide_without_machine_paths():
    assert len(README.splitlines()) <= 200, "measurements belong in docs/benchmarks.md"
    assert not re.search(r"(/work|/home|/tmp|/scratch)/", README)


@pytest.fixture(scope="module")
def runtime_python(tmp_path_factory) -> Path:
    """`pip install -e .`: the project's dependencies only."""
    names = runtime_env.closure(runtime_env.project_requirements()) | {"ipage"}
    return runtime_env.build(tmp_path_factory.mktemp("venv") / "runtime", names)


@pytest.fixture(scope="module")
def site_python(tmp_path_factory) -> Path:
    """Plus what the README asks for on a cluster (`.[slurm]`) and for the crystal (GPAW)."""
    requirements = runtime_env.project_requirements(["slurm"])
    names = runtime_env.closure(requirements) | {"ipage"}
    gpaw = [n for n in ("gpaw", "gpaw-data") if _installed(n)]
    names |= runtime_env.closure(Requirement(n) for n in gpaw)
    return runtime_env.build(tmp_path_factory.mktemp("venv") / "site", names)


def _installed(name: str) -> bool:
    try:
        md.distribution(name)
    except md.PackageNotFoundError:
        return False
    return True


def checkout(path: Path) -> Path:
    """A folder laid out like a clone of the repository (links to its files)."""
    path.mkdir(parents=True, exist_ok=True)
    for name in CHECKOUT:
        (path / name).symlink_to(REPO / name)
    return path


def user_run(python: Path, args: list[str], cwd: Path, timeout: float = 600):
    """One command as a user runs it: the environment's bin first on PATH, nothing borrowed
    from the test environment (PYTHONPATH, VIRTUAL_ENV)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= {"PATH": f"{python.parent}:{env['PATH']}", "OMP_NUM_THREADS": "1"}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
@pytest.mark.parametrize("command", PLANNED, ids=[" ".join(shlex.split(c, True)) for c in PLANNED])
def test_readme_command_runs_after_the_readme_install(
    command, runtime_python, site_python, tmp_path
):
    needs_site = "profiles/slurm" in command or "crystal" in command
    python = site_python if needs_site else runtime_python
    words = shlex.split(command, comments=True)
    args = [re.sub(r"\bDIR\b", SHIPPED_DATASET, a) for a in words]  # the README's folder
    generate = args[:4] == ["python", "-m", "ipage.crystal", "generate"]
    if args[0] == "snakemake":
        args.append("-n")
    elif generate:  # hours of DFT: check that it takes the README's options
        args = args[:4] + ["--help"]
    proc = user_run(python, args, checkout(tmp_path / "repo"))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert "Traceback" not in out and "error:" not in out, out[-3000:]
    if generate:
        options = {a for a in words if a.startswith("--")}
        assert options <= set(re.findall(r"--[a-z-]+", proc.stdout)), proc.stdout


def write_finished_run(root: Path) -> None:
    """Upstream results of a small sinewave run (iPage and the plain INN) as the pipeline leaves
    them, made by hand so that only the table and figure jobs run."""
    rng = np.random.default_rng(0)
    (root / "config").mkdir()
    (root / "config/config.yaml").write_text(
        "tasks: [sinewave]\nmethods: [ipage, inn]\ndevice: cpu\n"
        f"dataset: {{n_samples: 400}}\nevaluation: {{n_solutions: {SOLUTIONS}, repeats: 2}}\n"
    )
    rows = []
    for method in ("ipage", "inn"):
        for scenario in ("many_targets", "single_target"):
            folder = root / "results/sinewave" / method / scenario
            folder.mkdir(parents=True)
            x = rng.uniform(-1, 1, (REPEATS, SOLUTIONS, 2))
            Solutions(x, np.full((SOLUTIONS, 1), 1.2), np.ones(REPEATS)).save(
                folder / "solutions.npz"
            )
            y = SineWave().forward(x.reshape(-1, 2)).reshape(REPEATS, SOLUTIONS, 1)
            Resim(y, np.zeros((REPEATS, SOLUTIONS)), True).save(folder / "resim.npz")
            rows.append((method, scenario, float(np.mean((y - 1.2) ** 2))))
        ns_study = NsStudy({n: rng.uniform(-1, 1, (REPEATS, n, 2)) for n in (25, SOLUTIONS)})
        ns_study.save(root / "results/sinewave" / method / "ns_study.npz")
    (root / "results/tables").mkdir(parents=True)
    pd.DataFrame(
        [
            {"task": "sinewave", "method": m, "scenario": s, "n_solutions": SOLUTIONS}
            | {"resim_mse_mean": v, "resim_mse_std": 0.1, "modes_covered": "", "seconds": 1.0}
            for m, s, v in rows
        ]
    ).to_csv(root / "results/tables/summary.csv", index=False)
    (root / "results/sinewave/models").mkdir(parents=True)
    pd.DataFrame(
        {"epoch": [1, 2], "train_loss": [2.0, 1.0], "val_loss": [1.0, 0.5], "lambda_y": [10, 1]}
    ).to_csv(root / "results/sinewave/models/inn_history.csv", index=False)
    posterior = root / "results/sinewave/posterior"
    posterior.mkdir(parents=True)
    for model, mse in (("prior", 2.4), ("inn", 0.2)):
        scores = {"task": "sinewave", "model": model, "n_solutions": SOLUTIONS}
        scores |= {"resim_mse_single": mse, "resim_mse_many": mse, "r_1": mse}
        scores |= {"r_10": mse / 10, "r_50": mse / 50, "r_targets": SOLUTIONS}
        scores |= {"in_box_single": 1.0, "in_box_many": 1.0, "sw_reference": mse / 10}
        scores |= {"reference_epsilon": 0.01, "reference_acceptance": 0.001}
        pd.DataFrame([scores]).to_csv(posterior / f"{model}.csv", index=False)


# What the report of that run shows: its tables and figures.
REPORT_TABLES = {
    "results/tables/table2.html",
    "results/tables/table3.html",
    "results/tables/posterior.csv",
    "results/tables/modes_vs_ns.csv",
}
REPORT_FIGURES = {
    "results/figures/time_to_solution.png",
    "results/figures/posterior.png",
    "results/figures/sinewave/resim_errors.png",
    "results/figures/sinewave/inn_training.png",
    "results/figures/sinewave/solutions.png",
    "results/figures/sinewave/modes_vs_ns.png",
}


@pytest.fixture(scope="module")
def report(runtime_python, tmp_path_factory) -> Path:
    """The README's report command on the finished run, after its table and figure jobs."""
    root = tmp_path_factory.mktemp("finished_run")
    for name in ("Snakefile", "workflow"):
        (root / name).symlink_to(REPO / name)
    write_finished_run(root)
    report_args = shlex.split(REPORT)
    at = report_args.index("--report")
    run_args = report_args[1:at] + report_args[at + 2 :]  # the run's own --config
    targets = sorted(REPORT_TABLES | REPORT_FIGURES)
    build = ["snakemake", *targets, "--cores", "2", "--rerun-triggers", "mtime", *run_args]
    upstream = set((root / "results").rglob("*"))
    proc = user_run(runtime_python, build, root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    made = {p.relative_to(root).parts[:2] for p in set((root / "results").rglob("*")) - upstream}
    assert made <= {("results", "tables"), ("results", "figures")}, "upstream jobs ran"
    proc = user_run(runtime_python, report_args, root)
    assert proc.returncode == 0 and "ERROR" not in proc.stderr, proc.stderr[-3000:]
    return root / "results/report.html"


@pytest.mark.slow
def test_report_shows_every_figure_and_table(report):
    sync_playwright = _browser()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(report.as_uri())
        categories = page.evaluate("categories")
        captions = page.evaluate("Object.values(results).map(r => r.caption)")
        shown = {}
        for category, subcategories in categories.items():
            for subcategory in subcategories:
                page.goto(report.as_uri())
                page.get_by_role("link", name=category, exact=True).click()
                if len(subcategories) > 1:
                    page.get_by_role("link", name=subcategory, exact=True).click()
                rows = page.locator("table tbody tr")
                for i in range(rows.count()):
                    path, content = _show(page, rows.nth(i).locator("a[iconname=eye]"))
                    shown[path] = content
        browser.close()
    assert set(shown) == REPORT_TABLES | REPORT_FIGURES
    assert all(len(caption) > 50 for caption in captions)  # each result says what it shows
    for path in REPORT_FIGURES:
        width, height = shown[path]
        assert width > 100 and height > 100, f"{path} did not load: {width} x {height} px"
    for name in ("table2", "table3"):
        table = shown[f"results/tables/{name}.html"]
        assert "iPage (with maximin LHS)" in table and "Invertible neural network" in table
    assert shown["results/tables/posterior.csv"]["model"].tolist() == ["inn", "prior"]
    assert set(shown["results/tables/modes_vs_ns.csv"]["n_s"]) == {25, SOLUTIONS}


def _show(page, eye):
    """Click a result's eye button; what a person then sees: a figure's natural size, an HTML
    table's text, or a CSV (which the report offers as a download) as a table."""
    href = eye.get_attribute("href")
    if href.startswith("data:text/csv"):
        data = base64.b64decode(href.split("base64,", 1)[1])
        return _result_path(page, href), pd.read_csv(io.BytesIO(data))
    eye.click()
    content = page.locator("#app img[src^='data:image'], #app iframe").last
    content.wait_for()
    uri = content.get_attribute("src")
    if content.evaluate("e => e.tagName") == "IFRAME":
        frame = next(f for f in page.frames if f.url == uri)
        frame.locator("table tbody tr").first.wait_for()
        return _result_path(page, uri), frame.locator("table").inner_text()
    page.wait_for_function("img => img.complete", arg=content.element_handle())
    size = content.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    return _result_path(page, uri), tuple(size)


def _result_path(page, data_uri: str) -> str:
    """The result a data URI shows (the report's own index of results)."""
    return page.evaluate(
        "uri => Object.keys(results).find(k => results[k].data_uri === uri)", data_uri
    )


def _browser():
    """Playwright driving Debian's chromium, or a skip (a failure under IPAGE_REQUIRE_BROWSER)."""
    reason = None
    if shutil.which("chromium") is None:
        reason = "no chromium on PATH (Debian: apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "playwright is not installed (pip install -e '.[test]')"
    if reason and os.environ.get("IPAGE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"IPAGE_REQUIRE_BROWSER=1 but {reason}")
    if reason:
        pytest.skip(reason)
    return sync_playwright
