"""Typed settings: one frozen, keyword-only dataclass per config section, built from the
section as `ipage.config.section` resolves it for a task (overrides laid over the defaults).
No torch here: the workflow imports this module while it parses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

TRAIN_KEYS = ("epochs", "batch_size", "lr", "lr_final_ratio", "weight_decay")  # FitSettings


def latent_columns(z_dim: int, dim_total: int, y_dim: int, output_pad_std: float) -> int:
    """Columns of an INN's latent draw: z, plus the output padding when it has a density
    (output_pad_std > 0) and is therefore drawn rather than pinned to zero."""
    pads = dim_total - y_dim - z_dim
    return z_dim + (pads if output_pad_std > 0 else 0)


@dataclass(frozen=True, kw_only=True)
class FitSettings:
    """The optimiser's schedule: Adam with exponential lr decay to lr * lr_final_ratio,
    restarted from lr at the start of each of `lr_cycles` equal parts of the epochs (2 for the
    INN: its schedule's second half learns the posterior, which a decayed lr starves)."""

    epochs: int
    batch_size: int
    lr: float
    lr_final_ratio: float = 0.1
    weight_decay: float = 0.0
    lr_cycles: int = 1


@dataclass(frozen=True, kw_only=True)
class INNSettings:
    """The iPage INN: architecture, optimiser and the dynamic bi-directional loss schedule."""

    z_dim: int
    dim_total: int
    blocks: int
    hidden: int
    layers: int
    clamp: float
    epochs: int
    batch_size: int
    lr: float
    lr_final_ratio: float
    weight_decay: float
    lr_cycles: int
    n_l: float
    lambda_min: float
    lambda_y_final: float
    lambda_x_final: float  # L_x's weight at the last epoch (the paper: N_l)
    z_loss: str  # "likelihood" or "mmd", see inn_losses
    y_noise: float  # std of the noise added to standardised y in every batch
    pad_noise: float  # std of the noise filling the x padding (instead of zeros)
    y_sigma: float  # std of the Gaussian around y (and around 0 for output pads) in L_z
    refine_epochs: int = 0  # f_y fine-tuned on L_y alone after training (0: the checkpoint)
    refine_batch_size: int = 256
    refine_lr: float = 3.0e-4

    @classmethod
    def from_section(cls, inn: dict, dims: tuple[int, int]) -> INNSettings:
        """Settings from a validated `inn` config section and the task's (z_dim, dim_total)."""
        kw = {k: v for k, v in inn.items() if k not in ("z_dim", "dim_total", "pad")}
        if kw["lambda_x_final"] is None:
            kw["lambda_x_final"] = kw["n_l"]
        return cls(z_dim=dims[0], dim_total=dims[1], **kw)

    @property
    def output_pad_std(self) -> float:
        """The output padding's std in the INN's density: the likelihood L_z's y_sigma (the
        padding is then part of the latent), 0 for the MMD INN (pinned to zero)."""
        return self.y_sigma if self.z_loss == "likelihood" else 0.0

    @property
    def training(self) -> FitSettings:
        return FitSettings(
            lr_cycles=self.lr_cycles, **{key: getattr(self, key) for key in TRAIN_KEYS}
        )


@dataclass(frozen=True, kw_only=True)
class LocalizationSettings:
    """How designs are moved: the config's `localization` section (steps, lr, tol) for
    iPage; NA sets project=False (a boundary penalty instead) and plateau_decay."""

    steps: int
    lr: float  # Adam step in units of the box width (x is optimised in box coordinates)
    tol: float = 0.0  # a row stops once its surrogate loss is below (0: all steps)
    project: bool = True  # clamp every step back into the box
    plateau_decay: bool = False  # halve the lr when the mean loss plateaus


@dataclass(frozen=True, kw_only=True)
class NASettings:
    """The neural-adjoint search (ipage.na), lr in the published units."""

    restarts: int  # random starts for the single-target scenario (keep the best n_solutions)
    restarts_per_target: int  # many-targets scenario: starts per target, keep the best one
    steps: int
    lr: float  # published units: Adam step for x scaled to [-1, 1]
    boundary_weight: float
    plateau_decay: bool


@dataclass(frozen=True, kw_only=True)
class BaselineSettings:
    """A baseline's config section: width and depth, its optimiser schedule, and the
    fields of its own architecture (None where the model has no such field)."""

    hidden: int | None  # None: the width whose parameter count is closest to the INN's
    layers: int
    training: FitSettings
    components: int | None = None  # mdn: Gaussian mixture components
    blocks: int | None = None  # cinn: coupling blocks
    clamp: float | None = None  # cinn: soft clamp of the coupling scales
    z_dim: int | None = None  # cvae: latent dimension, None = x_dim
    kl_weight: float | None = None  # cvae: weight of the KL term

    @classmethod
    def from_section(cls, section: dict) -> BaselineSettings:
        """Settings from a validated baseline section (mdn, cinn, cvae or na_surrogate)."""
        training = {k: section[k] for k in TRAIN_KEYS}
        rest = {k: v for k, v in section.items() if k not in TRAIN_KEYS}
        return cls(training=FitSettings(**training), **rest)


@dataclass(frozen=True, kw_only=True)
class LayoutSurrogateSettings:
    """The config's `layout_surrogate` section: the periodic layout CNN (ipage.models.
    layout_cnn) that iPage's localization and NA search where a task's designs are layouts."""

    enabled: bool  # search through the layout CNN where the task has a layout map
    width: int  # channels of the first convolution stage
    beta: float  # sharpness of the relaxed layout sigmoid(beta * g)
    training: FitSettings

    @classmethod
    def from_section(cls, section: dict) -> LayoutSurrogateSettings:
        training = FitSettings(**{k: section[k] for k in TRAIN_KEYS})
        return cls(
            enabled=section["enabled"],
            width=section["width"],
            beta=section["beta"],
            training=training,
        )


@dataclass(frozen=True, kw_only=True)
class EvaluationSettings:
    n_solutions: int  # solutions per repeat and scenario
    repeats: int
    oversample: int  # latent candidates per iPage solution, the best kept by surrogate loss
    latent_draws: int  # INN draws per candidate, the one with the smallest padding kept
    mode_tolerance: float  # |Omega(x) - y*| below which a sinewave solution counts for its mode


@dataclass(frozen=True, kw_only=True)
class TaskSettings:
    """Every section of one task, typed (ipage.config.resolve)."""

    inn: INNSettings
    localization: LocalizationSettings
    evaluation: EvaluationSettings
    na: NASettings
    baselines: Mapping[str, BaselineSettings]  # by model: mdn, cinn, cvae, mlp
