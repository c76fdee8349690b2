"""Throughput and accuracy of the architected-material simulator (`ipage.fem`).

    python benchmarks/fem_throughput.py [--n-dist 2000] [--n-time 512] [--n-skfem 3]

Writes benchmarks/out/fem_throughput.json:
  * single-process cells/s (wall clock and per CPU second, one BLAS thread) and all-cores
    cells/s (process pool, n_workers = cpu count), on prior designs of the `architecture` task,
    and the plain sparse-LU reference (`homogenize_sparse`, one cell at a time) for scale;
  * exact checks: full solid, stripe laminates (Voigt / transverse formula), max |C13|, |C23|;
  * scikit-fem cross-check: max |C_H - C_H(skfem)| on a few generated and grey cells;
  * the y = E_x / E_s distribution over n-dist prior cells (percentiles) and the time to
    generate and simulate them (sizes the default dataset of the local pipeline).
The machine may be shared: wall-clock numbers include other load; CPU-second numbers do not.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402

from ipage.fem.designs import sample_designs  # noqa: E402
from ipage.fem.homogenize import (  # noqa: E402
    NU,
    constitutive_matrix,
    homogenize,
    homogenize_moduli,
    homogenize_sparse,
    simp_moduli,
    youngs_moduli,
)

OUT = Path(__file__).parent / "out" / "fem_throughput.json"


def laminate_errors(n: int = 32, e2: float = 0.1, nu: float = NU) -> dict:
    """Stripes of half width: E_x (parallel) = Voigt, E_y from the transverse formula."""
    e = np.ones((n, n))
    e[n // 2 :, :] = e2  # layers stacked along y: stripes run along x
    ex, ey = youngs_moduli(homogenize_moduli(e[None]))[0]
    voigt = 0.5 * (1 + e2)
    reuss = 1 / (0.5 / 1 + 0.5 / e2)
    transverse = 1 / ((1 - nu**2) / reuss + nu**2 / voigt)
    ex_t, ey_t = youngs_moduli(homogenize_moduli(e.T[None]))[0]
    return {
        "stripes_along_x": {"E_x": ex, "E_y": ey, "E_x_exact": voigt, "E_y_exact": transverse},
        "max_abs_error": float(
            max(abs(ex - voigt), abs(ey - transverse), abs(ey_t - voigt), abs(ex_t - transverse))
        ),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-dist", type=int, default=2000)
    ap.add_argument("--n-time", type=int, default=512)
    ap.add_argument("--n-skfem", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    n_cpu = os.cpu_count() or 1
    rng = np.random.default_rng(args.seed)
    res: dict = {"machine_cpus": n_cpu, "grid": 32}

    # exact checks
    solid = homogenize(np.ones((1, 32, 32)))[0]
    res["solid_max_abs_error"] = float(np.abs(solid - constitutive_matrix()).max())
    res["laminate"] = laminate_errors()

    # throughput on prior designs
    cells = sample_designs(args.n_time, rng)
    homogenize(cells[:8])  # warm-up (plan, caches)
    w0, c0 = time.perf_counter(), time.process_time()
    c_h = homogenize(cells, n_workers=1)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    res["single_process"] = {
        "cells": args.n_time,
        "cells_per_s_wall": args.n_time / wall,
        "cells_per_cpu_s": args.n_time / cpu,
        "ms_per_cell_cpu": 1e3 * cpu / args.n_time,
    }
    c0 = time.process_time()
    homogenize_sparse(simp_moduli(cells[:16]))
    res["sparse_lu_baseline_ms_per_cell_cpu"] = 1e3 * (time.process_time() - c0) / 16
    w0, c0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    c_par = homogenize(cells, n_workers=n_cpu)
    wall, c1 = time.perf_counter() - w0, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime)
    res["all_cores"] = {
        "n_workers": n_cpu,
        "cells_per_s_wall": args.n_time / wall,
        "cells_per_cpu_s_workers": args.n_time / cpu,
        "max_abs_diff_vs_single": float(np.abs(c_par - c_h).max()),
    }
    res["orthotropy_max_abs_C13_C23"] = float(np.abs(c_h[:, :2, 2]).max())
    res["symmetry_max_abs_C_minus_CT"] = float(np.abs(c_h - c_h.transpose(0, 2, 1)).max())

    # scikit-fem cross-check
    try:
        from ipage.fem.skfem_reference import homogenize_skfem

        grey = rng.uniform(size=(1, 32, 32))
        e = simp_moduli(np.concatenate([cells[: max(args.n_skfem - 1, 0)], grey]))
        w0 = time.perf_counter()
        ref = homogenize_skfem(e)
        res["skfem"] = {
            "cells": len(e),
            "max_abs_diff": float(np.abs(homogenize_moduli(e) - ref).max()),
            "skfem_s_per_cell": (time.perf_counter() - w0) / len(e),
        }
    except ImportError:
        res["skfem"] = "scikit-fem not installed"

    # y distribution of the prior (sizes the local dataset)
    w0 = time.perf_counter()
    dist = sample_designs(args.n_dist, np.random.default_rng(args.seed))
    t_gen = time.perf_counter() - w0
    w0 = time.perf_counter()
    moduli = youngs_moduli(homogenize(dist, n_workers=n_cpu))
    t_sim = time.perf_counter() - w0
    q = [1, 5, 25, 50, 75, 95, 99]
    res["distribution"] = {
        "cells": args.n_dist,
        "seed": args.seed,
        "generate_s": t_gen,
        "simulate_s_all_cores": t_sim,
        "percentiles": q,
        "E_x": np.percentile(moduli[:, 0], q).tolist(),
        "E_y": np.percentile(moduli[:, 1], q).tolist(),
        "volume_fraction": np.percentile(dist.mean(axis=(1, 2)), q).tolist(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
