"""Inverse methods the workflow can run. iPage variants map latent designs through a trained
posterior (the INN, or the cINN for 'ipage_cinn') and localize on the INN's forward surrogate
f_y; they differ in latent sampling and localization. 'inn' is the paper's plain INN row
(random latent draws, no localization)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class INNMethod:
    sampling: str  # latent strategy, see ipage.sampling.STRATEGIES
    localize: bool  # run gradient localization on the posterior samples
    select: bool  # draw `oversample` candidates per solution and keep the best by surrogate loss
    # the model mapping (y*, z) to x: "inn" (x -> [y, z]) or "cinn" (x <-> z given y)
    posterior: str = "inn"


INN_METHODS: dict[str, INNMethod] = {
    "ipage": INNMethod(sampling="maximin_lhs", localize=True, select=True),
    "ipage_lhs": INNMethod(sampling="lhs", localize=True, select=True),
    "ipage_srs": INNMethod(sampling="srs", localize=True, select=True),
    "ipage_cinn": INNMethod(sampling="maximin_lhs", localize=True, select=True, posterior="cinn"),
    "inn": INNMethod(sampling="srs", localize=False, select=False),
}

# Baselines trained by their own rules (ipage/models/<name>.py); each produces solutions directly.
BASELINE_METHODS: tuple[str, ...] = ("mdn", "cinn", "cvae", "na")


def trained_model(method: str) -> str:
    """Name of the trained model behind a method (results/{task}/models/<name>_provenance.json):
    the posterior model of every iPage variant, the forward MLP surrogate for neural-adjoint."""
    if method in INN_METHODS:
        return INN_METHODS[method].posterior
    return {"na": "mlp"}.get(method, method)


SCENARIOS = ("many_targets", "single_target")
