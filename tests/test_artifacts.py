"""The files passed between rules: round trips, the one-line stale-file error, atomic saving."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from ipage.artifacts import (
    FORMAT,
    ArchitectureChunk,
    Artifact,
    Latent,
    NsStudy,
    Resim,
    Samples,
    Solutions,
    Split,
    load_kind,
)
from ipage.errors import IpageError

RNG = np.random.default_rng(0)


def _solutions(**optional) -> Solutions:
    return Solutions(
        RNG.normal(size=(2, 5, 3)), RNG.normal(size=(5, 1)), np.array([0.5, 0.7]), **optional
    )


EXAMPLES = {
    "samples": Samples(RNG.normal(size=(6, 3)), RNG.normal(size=(6, 1))),
    "split": Split(*(RNG.normal(size=(n, d)) for n in (4, 2, 2) for d in (3, 1))),
    "chunk": ArchitectureChunk(
        RNG.integers(0, 2, size=(4, 16)).astype(np.uint8),
        RNG.uniform(size=(4, 1)),
        np.array([40, 44]),
        12.5,
    ),
    "latent": Latent(RNG.normal(size=(2, 10, 3)), RNG.normal(size=(5, 1)), np.array([0.1, 0.2]), 2),
    "solutions_bare": _solutions(),
    "solutions_localized": _solutions(
        surrogate_loss=RNG.uniform(size=(2, 5)),
        surrogate_y=RNG.normal(size=(2, 5, 1)),
        steps=RNG.integers(0, 100, size=(2, 5)),
        design_seconds=np.array([0.01, 0.02]),
    ),
    "solutions_binarized": _solutions(valid=RNG.uniform(size=(2, 5)) > 0.5),
    "solutions_dft_subset": _solutions(selected=np.array([[0, 3], [1, 4]]), n_candidates=50),
    "resim": Resim(RNG.normal(size=(2, 5, 1)), RNG.uniform(size=(2, 5)), True),
    "resim_dft": Resim(
        np.full((2, 5, 1), np.nan), RNG.uniform(size=(2, 5)), False, RNG.uniform(size=(2, 5)) > 0.5
    ),
    "ns_study": NsStudy({25: RNG.normal(size=(2, 25, 2)), 50: RNG.normal(size=(2, 50, 2))}),
}


def _assert_same(a: Artifact, b: Artifact) -> None:
    assert type(a) is type(b)
    for f in fields(a):
        mine, theirs = getattr(a, f.name), getattr(b, f.name)
        if isinstance(mine, dict):
            assert list(mine) == list(theirs)
            for key in mine:
                np.testing.assert_array_equal(mine[key], theirs[key])
        elif isinstance(mine, np.ndarray):
            assert theirs.dtype == mine.dtype
            np.testing.assert_array_equal(mine, theirs)
        else:  # None or a scalar: same value, same Python type
            assert type(theirs) is type(mine) and theirs == mine, f.name


@pytest.mark.parametrize("name", EXAMPLES)
def test_round_trip(tmp_path, name):
    artifact = EXAMPLES[name]
    artifact.save(tmp_path / "file.npz")
    _assert_same(type(artifact).load(tmp_path / "file.npz"), artifact)


def test_optional_keys_are_not_written(tmp_path):
    path = tmp_path / "solutions.npz"
    EXAMPLES["solutions_bare"].save(path)
    with np.load(path) as f:
        assert sorted(f.files) == ["_format", "_kind", "seconds", "targets", "x"]


def test_a_file_is_read_as_the_kind_it_holds(tmp_path):
    for name in ("ns_study", "solutions_bare"):
        EXAMPLES[name].save(tmp_path / f"{name}.npz")
        _assert_same(load_kind(tmp_path / f"{name}.npz", NsStudy, Solutions), EXAMPLES[name])


def _one_line_error(load, path) -> str:
    with pytest.raises(IpageError) as info:
        load(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    assert message.endswith(f"(snakemake --forcerun {path})")
    return message


def test_a_file_of_an_older_ipage_names_the_rule_to_rerun(tmp_path):
    path = tmp_path / "results/sinewave/ipage/single_target/latent.npz"
    path.parent.mkdir(parents=True)
    np.savez(path, z=np.zeros((1, 2, 2)), targets=np.zeros((2, 1)), seconds=[0.1], per_target=1)
    message = _one_line_error(Latent.load, path)
    assert f"was written by an older ipage (format 0, need {FORMAT}): rerun rule sample_latent" in (
        message
    )


def test_a_stale_solutions_file_lists_the_rules_that_write_one(tmp_path):
    path = tmp_path / "solutions.npz"
    np.savez(path, x=np.zeros((1, 2, 2)), targets=np.zeros((2, 1)), seconds=[0.1])
    message = _one_line_error(Solutions.load, path)
    assert "one of localize, sample_baseline, neural_adjoint, binarize_solutions" in message


def test_a_file_of_a_newer_ipage_is_refused(tmp_path):
    path = tmp_path / "samples.npz"
    np.savez(path, _kind="Samples", _format=FORMAT + 1, x=np.zeros((1, 1)), y=np.zeros((1, 1)))
    assert f"a newer ipage (format {FORMAT + 1}, need {FORMAT})" in _one_line_error(
        Samples.load, path
    )


def test_a_file_of_another_kind_is_refused(tmp_path):
    path = tmp_path / "resim.npz"
    EXAMPLES["solutions_bare"].save(path)
    message = _one_line_error(Resim.load, path)
    assert "holds Solutions, not Resim: rerun the rule that wrote it, one of resimulate" in message
    assert "not NsStudy or Latent" in _one_line_error(lambda p: load_kind(p, NsStudy, Latent), path)


class _FailsToConvert:
    """An array-like whose conversion fails: np.savez has already written the keys before it."""

    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("disk full")


def test_a_failed_save_leaves_the_previous_file_and_no_partial_one(tmp_path):
    path = tmp_path / "solutions.npz"
    EXAMPLES["solutions_bare"].save(path)
    before = path.read_bytes()
    broken = Solutions(np.zeros((2, 5, 3)), np.zeros((5, 1)), np.ones(2), steps=_FailsToConvert())
    with pytest.raises(RuntimeError, match="disk full"):
        broken.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["solutions.npz"]


def test_a_failed_first_save_leaves_no_file(tmp_path):
    broken = Samples(np.zeros((3, 2)), _FailsToConvert())
    with pytest.raises(RuntimeError):
        broken.save(tmp_path / "samples.npz")
    assert list(tmp_path.iterdir()) == []
