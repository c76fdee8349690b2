"""ipage.config.resolve: the typed settings of a task are its config sections with
overrides.<task> laid over them, as the shipped default config sets them."""

from pathlib import Path

import yaml

from ipage import config as ipage_config
from ipage.settings import FitSettings, LocalizationSettings

DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "config" / "config.yaml"


def test_resolve_lays_each_tasks_overrides_over_the_sections():
    config = ipage_config.validate(yaml.safe_load(DEFAULT_CONFIG.read_text()))
    robot, sine, arch = (
        ipage_config.resolve(config, task) for task in ("robot_arm", "sinewave", "architecture")
    )
    assert robot.localization == sine.localization
    assert robot.localization == LocalizationSettings(steps=100, lr=0.005, tol=1e-5)
    assert arch.localization == LocalizationSettings(steps=100, lr=0.02, tol=1e-6)
    assert (robot.inn.z_loss, sine.inn.z_loss, arch.inn.z_loss) == ("likelihood",) * 3
    assert (sine.inn.z_dim, sine.inn.dim_total) == (2, 2 + 1 + 1)  # z_dim, y_dim + z + pad
    assert (robot.inn.z_dim, robot.inn.dim_total) == (2, 4 + 2)  # the default z, x_dim + pad
    assert ipage_config.latent_dim(config, "sinewave") == 2 + 1  # z and the output padding
    assert (arch.inn.z_dim, arch.inn.dim_total) == (34, 35 + 2)  # x_dim - y_dim, x_dim + pad
    assert ipage_config.latent_dim(config, "architecture") == 34 + 2  # z and 2 output pads
    assert (sine.evaluation.latent_draws, arch.evaluation.latent_draws) == (25, 10)
    assert (arch.inn.epochs, arch.inn.batch_size, arch.inn.blocks) == (60, 128, 6)
    assert robot.inn.training == FitSettings(
        epochs=100, batch_size=512, lr=0.001, lr_final_ratio=0.05, weight_decay=0.0
    )
    assert (arch.evaluation.n_solutions, arch.evaluation.repeats) == (50, 1)
    assert (arch.na.restarts, arch.na.lr, robot.na.lr) == (200, 0.005, 0.5)
    # the NA forward MLP is the na_surrogate section; the other sections keep their defaults
    assert arch.baselines["mlp"].training.epochs == 20
    assert robot.baselines["mlp"].training.epochs == 300 and robot.baselines["mlp"].layers == 4
    assert (arch.baselines["mdn"].components, robot.baselines["mdn"].components) == (10, 100)
    assert robot.baselines["cvae"].kl_weight == 0.1 and robot.baselines["cinn"].blocks == 8
