"""The inverse methods the workflow can run, in the paper's table order, with everything the
workflow, tables and figures need to know about each: the one list of methods.

iPage variants map latent designs through a trained posterior (the INN, or the cINN for
'ipage_cinn') and localize on the INN's forward surrogate f_y; they differ in latent sampling
and localization. 'inn' is the paper's plain INN row (random latent draws, no localization).
The baselines are trained by rule train_baseline on their own objective (ipage.baselines):
MDN, cINN and cVAE sample p(x|y) directly; NA searches a forward MLP from random prior starts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class INNMethod:
    sampling: str  # latent strategy, see ipage.sampling.STRATEGIES
    localize: bool  # run gradient localization on the posterior samples
    select: bool  # draw `oversample` candidates per solution and keep the best by surrogate loss
    # the model mapping (y*, z) to x: "inn" (x -> [y, z]) or "cinn" (x <-> z given y)
    posterior: str = "inn"


@dataclass(frozen=True)
class Baseline:
    model: str  # a BASELINE_MODELS key
    samples: bool  # draws x ~ p(x|y) from the model (rule sample_baseline), else neural adjoint


@dataclass(frozen=True)
class Method:
    label: str  # row label of the paper-style tables
    color: str  # the method's colour in every figure
    solver: INNMethod | Baseline

    @property
    def model(self) -> str:
        """The trained model behind the method (results/{task}/models/<model>.pt)."""
        if isinstance(self.solver, INNMethod):
            return self.solver.posterior
        return self.solver.model


def _ipage(sampling: str, posterior: str = "inn") -> INNMethod:
    """An iPage variant: latent design `sampling`, localized, best candidate kept."""
    return INNMethod(sampling, localize=True, select=True, posterior=posterior)


# The paper's row order (Tables 2, 3): baselines first, iPage last; our SRS / LHS ablations
# sit just before the paper's iPage (maximin LHS) row, iPage on the cINN posterior after it.
# iPage is blue as in the paper's Fig. 5.
METHODS: dict[str, Method] = {
    "mdn": Method("Mixture density networks (MDN)", "tab:pink", Baseline("mdn", samples=True)),
    "inn": Method(
        "Invertible neural network (INN)",
        "tab:orange",
        INNMethod("srs", localize=False, select=False),
    ),
    "cinn": Method("conditional INN (cINN)", "tab:green", Baseline("cinn", samples=True)),
    "cvae": Method("conditional VAE (cVAE)", "tab:red", Baseline("cvae", samples=True)),
    "na": Method("Neural-Adjoint (NA)", "tab:brown", Baseline("mlp", samples=False)),
    "ipage_srs": Method("iPage (with SRS)", "tab:purple", _ipage("srs")),
    "ipage_lhs": Method("iPage (with LHS)", "tab:cyan", _ipage("lhs")),
    "ipage": Method("iPage (with maximin LHS)", "tab:blue", _ipage("maximin_lhs")),
    "ipage_cinn": Method(
        "iPage on the cINN posterior (maximin LHS)", "navy", _ipage("maximin_lhs", "cinn")
    ),
}

INN_METHODS: dict[str, INNMethod] = {
    name: m.solver for name, m in METHODS.items() if isinstance(m.solver, INNMethod)
}
BASELINE_METHODS: tuple[str, ...] = tuple(name for name in METHODS if name not in INN_METHODS)
# Baselines whose solutions are draws from their model (its name is the method's).
GENERATIVE_METHODS: tuple[str, ...] = tuple(
    name for name, m in METHODS.items() if isinstance(m.solver, Baseline) and m.solver.samples
)
# The models rule train_baseline trains, each with its config section.
BASELINE_MODELS: dict[str, str] = {
    "mdn": "mdn",
    "cinn": "cinn",
    "cvae": "cvae",
    "mlp": "na_surrogate",  # the neural adjoint's forward surrogate
}

SCENARIOS = ("many_targets", "single_target")


def trained_model(method: str) -> str:
    """Name of the trained model behind a method (results/{task}/models/<name>_provenance.json):
    the posterior model of every iPage variant, the forward MLP surrogate for neural-adjoint."""
    return METHODS[method].model
