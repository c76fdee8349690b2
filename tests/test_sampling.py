"""Latent sampling: Latin hypercube strata and the maximin improvement."""

import numpy as np
import pytest
from scipy.stats import norm

from ipage.sampling import latent_samples, min_distance, random_lhs, uniform_design


@pytest.mark.parametrize("strategy", ["lhs", "maximin_lhs"])
@pytest.mark.parametrize("dim", [1, 3])
def test_one_point_per_stratum_in_every_dimension(strategy, dim):
    n = 64
    u = uniform_design(n, dim, strategy, np.random.default_rng(0))
    for column in u.T:
        strata = np.floor(column * n).astype(int)
        assert sorted(strata) == list(range(n))


def test_latent_lhs_is_normal_quantiles_of_strata():
    z = latent_samples(100, 2, "lhs", np.random.default_rng(0))
    strata = np.floor(norm.cdf(z) * 100).astype(int)
    assert all(sorted(col) == list(range(100)) for col in strata.T)


def test_maximin_beats_random_lhs_minimum_distance():
    rng = np.random.default_rng(1)
    random_best = np.median([min_distance(random_lhs(100, 2, rng)) for _ in range(10)])
    maximin = min_distance(uniform_design(100, 2, "maximin_lhs", np.random.default_rng(2)))
    assert maximin > 1.5 * random_best


def test_high_dimensional_maximin_falls_back_to_best_of_random_lhs():
    u = uniform_design(30, 200, "maximin_lhs", np.random.default_rng(0))
    assert u.shape == (30, 200)
    assert sorted(np.floor(u[:, 7] * 30).astype(int)) == list(range(30))


def test_same_seed_same_samples_and_unknown_strategy():
    a = latent_samples(50, 2, "maximin_lhs", np.random.default_rng(5))
    b = latent_samples(50, 2, "maximin_lhs", np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="allowed: srs, lhs, maximin_lhs"):
        latent_samples(5, 2, "sobol", np.random.default_rng(0))


def test_candidate_latents_are_target_major_rounds_of_one_design_each():
    """Row i * per_target + j is candidate j of target i; each round is a full LHS design."""
    from scipy.stats import norm

    from ipage.sampling import candidate_latents

    n, dim, per_target = 40, 2, 3
    z = candidate_latents(n, dim, "lhs", per_target, np.random.default_rng(4))
    assert z.shape == (n * per_target, dim)
    for j in range(per_target):
        strata = np.floor(norm.cdf(z[j::per_target]) * n).astype(int)
        for d in range(dim):  # one point per stratum: round j is a Latin hypercube
            assert sorted(strata[:, d]) == list(range(n))


def test_latent_draws_are_shifted_copies_of_each_rounds_design():
    """draws > 1: every copy of a round is a Latin hypercube, the same design cyclically
    shifted by whole strata (so maximin is optimised once per round)."""
    from scipy.stats import norm

    from ipage.sampling import candidate_latents

    n, dim, per_target, draws = 32, 2, 2, 3
    z = candidate_latents(n, dim, "maximin_lhs", per_target, np.random.default_rng(0), draws)
    assert z.shape == (n * per_target * draws, dim)
    copies = z.reshape(n, per_target, draws, dim)
    for j in range(per_target):
        strata = np.floor(norm.cdf(copies[:, j]) * n).astype(int)  # (n, draws, dim)
        for k in range(draws):
            for d in range(dim):
                assert sorted(strata[:, k, d]) == list(range(n))
                shift = (strata[:, k, d] - strata[:, 0, d]) % n
                assert len(set(shift)) == 1  # one whole-stratum shift per coordinate
    plain = candidate_latents(n, dim, "lhs", per_target, np.random.default_rng(1))
    again = candidate_latents(n, dim, "lhs", per_target, np.random.default_rng(1), draws=1)
    np.testing.assert_array_equal(plain, again)
