"""Posterior diagnostics: how good are a learned model's raw samples x ~ p(x | y), before any
localization? iPage's premise is a good INN posterior that needs only a few localization steps,
so its quality is measured on its own, next to the baselines' posteriors and the prior.

Scores (true simulator, held-out targets): re-simulation MSE of one draw per target, BDIMNNA's
r_T (the best of the first T draws per target, averaged over targets), the fraction of draws
inside the design box, and for the single target y* the sliced Wasserstein distance to a
reference posterior made by rejection sampling from the prior. The metric functions are pure
numpy; the samplers wrap the models' own `sample_x`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd
import torch
from scipy.stats import wasserstein_distance
from torch import nn

from ipage.atomic import atomic_output
from ipage.metrics import resim_errors
from ipage.tasks.base import Task

PRIOR = "prior"  # the no-information row: draws from the task prior, y ignored
R_T = (1, 10, 50)  # the r_T columns of PosteriorDiagnostics
R_TARGETS = 200  # held-out targets for r_T (max(R_T) draws each)
REFERENCE_SIZE = 1000  # accepted samples of the rejection reference
REFERENCE_DRAWS = 1_000_000  # prior draws it may use (acceptance = size / draws)
PROJECTIONS = 256  # random directions of the sliced Wasserstein distance

# Independent streams per purpose, so every model meets the same reference and directions.
REFERENCE_STREAM, SAMPLE_STREAM, PROJECTION_STREAM = 0, 1, 2

# targets (n, y_dim), rng -> one draw x (n, x_dim) per target row
Sampler = Callable[[np.ndarray, np.random.Generator], np.ndarray]


def torch_generator(rng: np.random.Generator, device: torch.device | str) -> torch.Generator:
    """A torch generator seeded from a numpy stream (how the workflow seeds model sampling)."""
    return torch.Generator(device=device).manual_seed(int(rng.integers(2**63 - 1)))


def sample_conditional(
    model: nn.Module, targets: np.ndarray, generator: torch.Generator
) -> np.ndarray:
    """One draw per target row from a model with `sample_x(y, generator)` (MDN, cINN, cVAE)."""
    with torch.no_grad():
        y = torch.as_tensor(targets, dtype=torch.float32, device=generator.device)
        return model.sample_x(y, generator).cpu().numpy().astype(np.float64)


def sample_inn(
    inn: nn.Module, targets: np.ndarray, rng: np.random.Generator, draws: int = 1
) -> np.ndarray:
    """The raw INN posterior x = f^-1(y, z), z ~ N(0, I_latent_dim): no latent design, no
    localization (the paper's plain INN row). With draws > 1, each target's x is the one of
    `draws` whose x padding comes back smallest (INN.sample_x_padded)."""
    device = next(inn.parameters()).device
    z = rng.standard_normal((len(targets) * draws, inn.latent_dim))
    with torch.no_grad():
        y_t = torch.as_tensor(np.repeat(targets, draws, axis=0), dtype=torch.float32, device=device)
        x, residual = inn.sample_x_padded(
            y_t, torch.as_tensor(z, dtype=torch.float32, device=device)
        )
    best = residual.reshape(len(targets), draws).argmin(1).cpu().numpy()
    x = x.cpu().numpy().astype(np.float64).reshape(len(targets), draws, -1)
    return x[np.arange(len(targets)), best]


def posterior_sampler(
    name: str, task: Task, model: nn.Module | None, device: torch.device | str, draws: int = 1
) -> Sampler:
    """The uniform sampler of a model name: 'prior' (no model), 'inn' (`draws` latent draws
    per sample, see sample_inn), or a conditional baseline ('mdn', 'cinn', 'cvae')."""
    if name == PRIOR:
        return lambda targets, rng: task.sample_prior(len(targets), rng)
    if name == "inn":
        return lambda targets, rng: sample_inn(model, targets, rng, draws)
    return lambda targets, rng: sample_conditional(model, targets, torch_generator(rng, device))


def best_of_t(errors: np.ndarray, ts: tuple[int, ...] = R_T) -> np.ndarray:
    """BDIMNNA's r_T: errors is (n_targets, T_max) squared re-simulation errors of T_max
    draws per target; r_T = mean over targets of the minimum over the first T draws."""
    running = np.minimum.accumulate(errors, axis=1)
    return np.array([running[:, t - 1].mean() for t in ts])


def inside_box(x: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Fraction of rows with every coordinate inside [lower, upper]."""
    return float(np.all((x >= lower) & (x <= upper), axis=1).mean())


@dataclass(frozen=True)
class Reference:
    x: np.ndarray  # accepted prior draws, (<= size, x_dim)
    epsilon: float  # acceptance radius on ||Omega(x) - y*||
    acceptance: float  # accepted / drawn


def rejection_reference(
    task: Task,
    target: np.ndarray,
    rng: np.random.Generator,
    size: int = REFERENCE_SIZE,
    draws: int = REFERENCE_DRAWS,
) -> Reference:
    """Approximate posterior p(x | y*) by rejection from the prior: accept ||Omega(x) - y*|| <
    epsilon. epsilon is the (size + 1)-th smallest distance among `draws` prior draws, so the
    cost is fixed and `size` draws are accepted (fewer only on exact ties)."""
    x = task.sample_prior(draws, rng)
    dist = np.linalg.norm(task.forward(x) - np.asarray(target, dtype=float), axis=1)
    epsilon = float(np.partition(dist, size)[size])
    keep = dist < epsilon
    return Reference(x[keep], epsilon, float(keep.mean()))


def unit_directions(dim: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """n directions uniform on the unit sphere in R^dim, (n, dim)."""
    d = rng.standard_normal((n, dim))
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def sliced_wasserstein(
    a: np.ndarray, b: np.ndarray, lower: np.ndarray, upper: np.ndarray, directions: np.ndarray
) -> float:
    """Mean over `directions` of the 1-D Wasserstein-1 distance between the projected samples
    a and b, in box-normalised coordinates (each box side has length 1, so coordinates with
    different units weigh alike). For a shift s between otherwise equal samples this is
    |s| E|cos angle| (|s| in one dimension, 2|s|/pi in two)."""
    scale = np.asarray(upper, dtype=float) - np.asarray(lower, dtype=float)
    u, v = (a - lower) / scale, (b - lower) / scale
    return float(np.mean([wasserstein_distance(u @ d, v @ d) for d in directions]))


@dataclass(frozen=True)
class PosteriorDiagnostics:
    """One (task, model) row of results/tables/posterior.csv; owner of the per-model file
    results/{task}/posterior/{model}.csv."""

    task: str
    model: str
    n_solutions: int  # draws per scenario
    resim_mse_single: float  # one draw per row of y* repeated n_solutions times
    resim_mse_many: float  # one draw for each of the first n_solutions test targets
    r_1: float
    r_10: float
    r_50: float
    r_targets: int  # test targets behind r_T
    in_box_single: float
    in_box_many: float
    sw_reference: float  # sliced Wasserstein, single-target draws vs the reference
    reference_epsilon: float
    reference_acceptance: float

    def save(self, path: str | os.PathLike) -> None:
        with atomic_output(path) as tmp:
            pd.DataFrame([asdict(self)]).to_csv(tmp, index=False)

    @classmethod
    def load(cls, path: str | os.PathLike) -> PosteriorDiagnostics:
        row = pd.read_csv(path).iloc[0]
        return cls(**{f.name: row[f.name] for f in fields(cls)})


def diagnose(
    task: Task,
    model: str,
    sample: Sampler,
    y_test: np.ndarray,
    target: np.ndarray,
    n: int,
    seed: int,
) -> PosteriorDiagnostics:
    """All scores of one model's raw posterior on one task (reference and projection
    directions depend only on the seed and the task, so rows of one task are comparable)."""
    target = np.asarray(target, dtype=float)
    reference = rejection_reference(task, target, np.random.default_rng([seed, REFERENCE_STREAM]))
    directions = unit_directions(
        task.x_dim, PROJECTIONS, np.random.default_rng([seed, PROJECTION_STREAM])
    )
    rng = np.random.default_rng([seed, SAMPLE_STREAM])
    single = np.tile(target, (n, 1))
    x_single = sample(single, rng)
    many = y_test[:n].astype(np.float64)
    x_many = sample(many, rng)
    r_targets = np.repeat(y_test[:R_TARGETS].astype(np.float64), max(R_T), axis=0)
    r_errors = resim_errors(task, sample(r_targets, rng), r_targets).reshape(-1, max(R_T))
    r = best_of_t(r_errors)
    return PosteriorDiagnostics(
        task=task.name,
        model=model,
        n_solutions=n,
        resim_mse_single=float(resim_errors(task, x_single, single).mean()),
        resim_mse_many=float(resim_errors(task, x_many, many).mean()),
        **{f"r_{t}": float(v) for t, v in zip(R_T, r, strict=True)},
        r_targets=len(r_errors),
        in_box_single=inside_box(x_single, task.lower, task.upper),
        in_box_many=inside_box(x_many, task.lower, task.upper),
        sw_reference=sliced_wasserstein(x_single, reference.x, task.lower, task.upper, directions),
        reference_epsilon=reference.epsilon,
        reference_acceptance=reference.acceptance,
    )
