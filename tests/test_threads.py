"""Thread pinning: a workflow script's pools really shrink, although numpy and torch are loaded
before `run` pins them (the environment alone would be too late)."""

import json
import os
import subprocess
import sys

import pytest

from ipage.threads import THREAD_VARS

# A script as the workflow runs one: libraries first, then run(snakemake, main).
SCRIPT = """
import json, os, subprocess, sys
from types import SimpleNamespace

import numpy, scipy.linalg, torch
from threadpoolctl import threadpool_info

from ipage.threads import one_thread
from ipage.workflow_io import run

def pools():
    return sorted({info["num_threads"] for info in threadpool_info()}), torch.get_num_threads()

before = pools()

def main(smk, log):
    child = subprocess.run(
        [sys.executable, "-c", "import numpy, threadpoolctl as t; "
         "print(sorted({i['num_threads'] for i in t.threadpool_info()}))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    with one_thread():
        inside = pools()
    print(json.dumps({"before": before, "pinned": pools(), "child": child, "inside": inside}))

run(SimpleNamespace(threads=int(sys.argv[1]), log=[]), main, *map(int, sys.argv[2:]))
"""


def _pools(*args: int) -> dict:
    env = {**os.environ, **{var: "2" for var in THREAD_VARS}}  # what Snakemake exports
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, *map(str, args)],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    return json.loads(out.stdout.splitlines()[-1])


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs 2 cores to see 2 threads")
def test_run_pins_the_loaded_pools_and_child_processes():
    seen = _pools(2, 1)  # a DFT job: 2 worker processes of one thread each
    assert seen["before"] == [[2], 2]  # numpy's BLAS and torch started with 2 threads
    assert seen["pinned"] == [[1], 1]
    assert seen["child"] == "[1]"


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs 2 cores to see 2 threads")
def test_one_thread_limits_a_block_and_restores_the_rules_threads():
    seen = _pools(2)
    assert seen["inside"] == [[1], 1]
    assert seen["pinned"] == [[2], 2] and seen["child"] == "[2]"
