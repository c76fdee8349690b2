"""The one place that pins BLAS and OpenMP threads.

Numerical libraries size their thread pools when they are loaded, so OMP_NUM_THREADS set
after `import numpy` (or torch) changes nothing in that process. threadpoolctl resizes the
pools already loaded (numpy's and scipy's OpenBLAS, torch's OpenMP, which is torch's
intra-op thread count); the environment covers libraries loaded later and processes started
from here (DFT and FEM workers).
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager

from threadpoolctl import threadpool_limits

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def pin_threads(n: int) -> None:
    """BLAS and OpenMP use n threads (at least 1) from now on, here and in child processes."""
    n = max(1, int(n))
    os.environ.update({var: str(n) for var in THREAD_VARS})
    threadpool_limits(limits=n)


def one_thread() -> AbstractContextManager:
    """A block in which BLAS and OpenMP use one thread (many small dense products, or one of
    several processes sharing the cores), restored afterwards."""
    return threadpool_limits(limits=1)
