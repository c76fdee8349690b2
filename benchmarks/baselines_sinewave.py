"""Sinewave measurement of the baselines with the schema defaults.

Trains mdn, cinn, cvae and the NA forward MLP (1 CPU thread each, in parallel processes, width
matched to the default INN's 218,208 parameters), then scores 1000 solutions per scenario over
5 repeats like the workflow: single target y* = 1.2 (re-sim MSE and modes covered) and many
targets (the first 1000 held-out y). NA single target runs on one CPU thread and, if a GPU is
visible, on CUDA; NA many targets (16 starts per target) runs on CUDA (on one CPU thread with
--cpu-many: about a minute a repeat). --quick: one epoch, small searches (a smoke test).
Writes JSON lines to $OUT/results.jsonl (default benchmarks/out/baselines_sinewave/).

    python benchmarks/baselines_sinewave.py [--quick] [--cpu-many]
"""

import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = Path(os.environ.get("OUT", ROOT / "benchmarks/out/baselines_sinewave"))
QUICK = "--quick" in sys.argv
MODELS = {"mdn": "mdn", "cinn": "cinn", "cvae": "cvae", "mlp": "na_surrogate"}


def defaults(section):
    schema = yaml.safe_load(open(ROOT / "ipage/schemas/config.schema.yaml"))
    props = schema["properties"][section]["properties"]
    d = {k: v.get("default") for k, v in props.items()}
    if QUICK and "epochs" in d:
        d["epochs"] = 1
    return d


def data():
    from ipage.data import split_rows
    from ipage.tasks import get_task

    task = get_task("sinewave")
    x = task.sample_prior(10000, np.random.default_rng(0))
    return task, split_rows(x, task.forward(x), (0.1, 0.1), np.random.default_rng(0))


def emit(record):
    line = json.dumps(record)
    print(line, flush=True)
    with open(OUT / "results.jsonl", "a") as f:
        f.write(line + "\n")


def train(name):
    torch.set_num_threads(1)
    from ipage.baselines import inn_parameter_count, train_baseline
    from ipage.settings import BaselineSettings

    task, split = data()
    size = {key: defaults("inn")[key] for key in ("blocks", "hidden", "layers")}
    inn_params = inn_parameter_count(split, {**size, "z_dim": 1, "dim_total": 8})
    logf = open(OUT / f"train_{name}.log", "w")
    tr = train_baseline(
        name,
        split,
        BaselineSettings.from_section(defaults(MODELS[name])),
        seed=0,
        device=torch.device("cpu"),
        target_parameters=inn_params,
        log=lambda m: print(m, file=logf, flush=True),
    )
    torch.save(tr.model, OUT / f"{name}.pt")
    emit(
        {
            "what": "train",
            "model": name,
            "hidden": tr.hidden,
            "parameters": tr.parameters,
            "inn_parameters": inn_params,
            "train_seconds": round(tr.seconds, 1),
            "best_val": min(r["val_loss"] for r in tr.history),
            "threads": 1,
            "device": "cpu",
        }
    )


def score(task, x, targets):
    from ipage.metrics import modes_covered

    mse = float(np.mean(np.sum((task.forward(x) - targets) ** 2, 1)))
    modes = modes_covered(task, x, np.array([1.2]))[0] if np.all(targets == 1.2) else None
    return mse, modes


def scenario(split, name, n=1000):
    return np.full((n, 1), 1.2) if name == "single_target" else split.y_test[:n].astype(float)


def sample_generative(name, repeats=5):
    torch.set_num_threads(1)
    from ipage.scenarios import scenario_seed

    task, split = data()
    model = torch.load(OUT / f"{name}.pt", weights_only=False).eval()
    for sc in ("single_target", "many_targets"):
        targets = scenario(split, sc)
        res = []
        for r in range(repeats):
            gen = torch.Generator().manual_seed(int(scenario_seed(0, sc, r).integers(2**63 - 1)))
            t0 = time.perf_counter()
            with torch.no_grad():
                x = model.sample_x(torch.as_tensor(targets, dtype=torch.float32), gen)
            dt = time.perf_counter() - t0
            res.append((*score(task, x.numpy().astype(float), targets), dt))
        mse, modes, dt = zip(*res, strict=True)
        emit(
            {
                "what": "solutions",
                "method": name,
                "scenario": sc,
                "device": "cpu",
                "resim_mse_mean": float(np.mean(mse)),
                "resim_mse_std": float(np.std(mse, ddof=1)),
                "modes": [m for m in modes],
                "seconds_mean": float(np.mean(dt)),
                "repeats": repeats,
            }
        )


def na(device_name, runs):
    """runs: list of (scenario, restarts, keep_label, repeats)."""
    torch.set_num_threads(1)
    from ipage.na import neural_adjoint
    from ipage.scenarios import scenario_seed
    from ipage.settings import NASettings

    task, split = data()
    device = torch.device(device_name)
    sur = torch.load(OUT / "mlp.pt", weights_only=False, map_location=device).eval()
    base = defaults("na")
    for sc, restarts, repeats in runs:
        targets = scenario(split, sc)
        distinct, keep = (targets[:1], 1000) if sc == "single_target" else (targets, 1)
        s = NASettings(**{**base, "restarts": restarts, "restarts_per_target": restarts})
        res = []
        for r in range(repeats):
            t0 = time.perf_counter()
            rng = scenario_seed(0, sc, r)
            out = neural_adjoint(sur, task, distinct, s, restarts=restarts, keep=keep, rng=rng)
            if device.type == "cuda":
                torch.cuda.synchronize()
            dt = time.perf_counter() - t0
            res.append(
                (
                    *score(task, out.x, targets),
                    dt,
                    out.out_of_box,
                    float(np.median(out.surrogate_loss)),
                )
            )
        mse, modes, dt, oob, sur_med = zip(*res, strict=True)
        emit(
            {
                "what": "solutions",
                "method": "na",
                "scenario": sc,
                "restarts": restarts,
                "device": device_name,
                "resim_mse_mean": float(np.mean(mse)),
                "resim_mse_std": float(np.std(mse, ddof=1)) if repeats > 1 else 0.0,
                "modes": list(modes),
                "seconds_mean": float(np.mean(dt)),
                "out_of_box": list(oob),
                "median_surrogate_loss": list(sur_med),
                "repeats": repeats,
            }
        )


def gpu_smoke():
    """Every baseline trains one epoch and samples on CUDA; NA searches on CUDA."""
    from ipage.baselines import train_baseline
    from ipage.settings import BaselineSettings

    task, split = data()
    dev = torch.device("cuda")
    for name, section in MODELS.items():
        s = BaselineSettings.from_section({**defaults(section), "epochs": 1})
        tr = train_baseline(name, split, s, seed=0, device=dev, target_parameters=218208)
        if name != "mlp":
            gen = torch.Generator(device=dev).manual_seed(0)
            with torch.no_grad():
                x = tr.model.sample_x(torch.full((100, 1), 1.2, device=dev), gen)
            assert x.shape == (100, 2) and x.device.type == "cuda"
    emit({"what": "gpu_smoke", "ok": True, "gpu": torch.cuda.get_device_name()})


def job(spec):
    kind, arg = spec
    try:
        if kind == "train":
            train(arg)
        elif kind == "sample":
            sample_generative(arg, 2 if QUICK else 5)
        elif kind == "na":
            na(*arg)
        elif kind == "gpu_smoke":
            gpu_smoke()
    except Exception as e:  # report and go on with the other jobs
        import traceback

        emit({"what": "error", "job": str(spec), "error": repr(e), "tb": traceback.format_exc()})


if __name__ == "__main__":
    import multiprocessing as mp

    OUT.mkdir(parents=True, exist_ok=True)
    for section in ("mdn", "cinn", "cvae", "na_surrogate", "na"):
        emit({"what": "defaults", "section": section, **defaults(section)})
    ctx = mp.get_context("spawn")
    cuda = torch.cuda.is_available()
    t0 = time.perf_counter()
    first = [("train", m) for m in MODELS] + ([("gpu_smoke", None)] if cuda else [])
    with ctx.Pool(len(first)) as pool:
        pool.map(job, first, chunksize=1)
    print(f"training done in {time.perf_counter() - t0:.0f} s", flush=True)
    q = QUICK
    second = [("sample", m) for m in ("mdn", "cinn", "cvae")]
    second.append(("na", ("cpu", [("single_target", 1000 if q else 2048, 2 if q else 3)])))
    if "--cpu-many" in sys.argv:  # NA many targets on one CPU thread: about a minute a repeat
        second.append(("na", ("cpu", [("many_targets", 2 if q else 16, 1)])))
    if cuda:
        gpu_runs = [("single_target", 2048, 5), ("many_targets", 16, 5)]
        second.append(("na", ("cuda", gpu_runs)))
    with ctx.Pool(len(second)) as pool:
        pool.map(job, second, chunksize=1)
    print(f"all done in {time.perf_counter() - t0:.0f} s", flush=True)
