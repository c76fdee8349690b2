"""Latent sampling strategies for z ~ N(0, I): simple random, Latin hypercube, maximin LHS.

LHS designs live in [0, 1]^d and are mapped to N(0, I) by the normal inverse CDF, which
keeps one point per probability stratum in every coordinate.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.distance import pdist
from scipy.stats import norm, qmc
from smt.sampling_methods import LHS

STRATEGIES = ("srs", "lhs", "maximin_lhs")
# Enhanced stochastic evolutionary (ESE) maximin optimisation costs ~150 s at d = 128 and
# gains < 1 % over random LHS above that, where best-of-N random LHS is used instead.
ESE_MAX_DIM = 128
BEST_OF_N = 20


def random_lhs(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    """A random Latin hypercube in [0, 1]^dim: one point per stratum, jittered inside it."""
    return qmc.LatinHypercube(d=dim, rng=rng).random(n)


def min_distance(u: np.ndarray) -> float:
    return float(pdist(u).min())


def maximin_lhs(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    """Maximin-optimised LHS: smt's ESE optimiser up to ESE_MAX_DIM, best of N random above."""
    if dim <= ESE_MAX_DIM:
        seed = int(rng.integers(2**31 - 1))
        design = LHS(xlimits=np.array([[0.0, 1.0]] * dim), criterion="ese", seed=seed)
        return design(n)
    candidates = [random_lhs(n, dim, rng) for _ in range(BEST_OF_N)]
    return max(candidates, key=min_distance)


def uniform_design(n: int, dim: int, strategy: str, rng: np.random.Generator) -> np.ndarray:
    """n points in [0, 1]^dim from the named strategy."""
    if strategy == "srs":
        return rng.uniform(size=(n, dim))
    if strategy == "lhs":
        return random_lhs(n, dim, rng)
    if strategy == "maximin_lhs":
        return maximin_lhs(n, dim, rng)
    raise ValueError(f"unknown sampling strategy {strategy!r}; allowed: {', '.join(STRATEGIES)}")


def latent_samples(n: int, dim: int, strategy: str, rng: np.random.Generator) -> np.ndarray:
    """n draws of z ~ N(0, I_dim) placed by the named space-filling strategy."""
    return _to_normal(uniform_design(n, dim, strategy, rng))


def _to_normal(u: np.ndarray) -> np.ndarray:
    eps = 0.5 / len(u)  # keep ppf finite if a design touches the cube's faces
    return norm.ppf(np.clip(u, eps, 1 - eps))


def candidate_latents(
    n: int,
    dim: int,
    strategy: str,
    per_target: int,
    rng: np.random.Generator,
    draws: int = 1,
) -> np.ndarray:
    """per_target * draws candidates for each of n targets, shape (n * per_target * draws,
    dim), target-major (target i owns rows i * per_target * draws onwards, as the selection
    in ipage.inverse.solve expects): one space-filling design of n points per candidate round.

    With draws > 1 each round's design is used draws times, cyclically shifted by a random
    whole number of strata in every coordinate: each copy is still a Latin hypercube with the
    same distances on the torus, and the costly maximin optimisation runs once per round.
    """
    rounds = []
    for _ in range(per_target):
        u = uniform_design(n, dim, strategy, rng)
        rounds.append(_to_normal(u))
        for _ in range(draws - 1):
            rounds.append(_to_normal((u + rng.integers(n, size=dim) / n) % 1.0))
    return np.stack(rounds, axis=1).reshape(n * per_target * draws, dim)
