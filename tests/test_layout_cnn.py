"""The layout CNN and the relaxed coefficient -> layout map it is searched through."""

import numpy as np
import torch

from ipage.fem import spectral
from ipage.models.layout_cnn import (
    LayoutCNN,
    PeriodicConv2d,
    RelaxedLayoutSurrogate,
    built_layout_predictor,
)
from ipage.settings import FitSettings, LayoutSurrogateSettings
from ipage.tasks import get_task
from ipage.train import train_layout_cnn

TASK = get_task("architecture")  # spectral: 35 coefficients, 32 x 32 layouts


def test_basis_product_is_the_spectral_field():
    x = TASK.sample_prior(5, np.random.default_rng(0))
    by_product = (x @ TASK.layout_basis()).reshape(5, TASK.size, TASK.size)
    exact = spectral.field(x, TASK.wavenumbers, TASK.size)
    np.testing.assert_allclose(by_product, exact, rtol=0, atol=1e-9 * np.abs(exact).max())


def test_periodic_conv_is_torchs_circular_convolution():
    torch.manual_seed(0)
    periodic = PeriodicConv2d(2, 3)
    circular = torch.nn.Conv2d(2, 3, 3, padding=1, padding_mode="circular")
    circular.load_state_dict(periodic.state_dict())
    cells = torch.rand(4, 2, 8, 6)
    with torch.no_grad():
        np.testing.assert_allclose(periodic(cells).numpy(), circular(cells).numpy(), atol=1e-6)


def test_cnn_is_invariant_to_periodic_shifts_by_its_pooling_stride():
    torch.manual_seed(0)
    cnn = LayoutCNN(np.array([[0.2], [0.5]]), width=4).eval()
    cells = torch.as_tensor(TASK.cells(TASK.sample_prior(3, np.random.default_rng(1))))
    cells = cells.float()
    shifted = torch.roll(cells, (4, -8), dims=(1, 2))
    with torch.no_grad():
        np.testing.assert_allclose(cnn(shifted).numpy(), cnn(cells).numpy(), rtol=1e-4)


def test_relaxed_layout_is_the_thresholded_field_away_from_the_level_set():
    x = TASK.sample_prior(4, np.random.default_rng(2))
    cnn = LayoutCNN(np.array([[0.2], [0.5]]), width=4)
    surrogate = RelaxedLayoutSurrogate(cnn, TASK.layout_basis(), TASK.size, beta=16.0)
    with torch.no_grad():
        soft = surrogate.relaxed_layouts(torch.as_tensor(x, dtype=torch.float32)).numpy()
    g = spectral.field(x, TASK.wavenumbers, TASK.size)
    far = np.abs(g) > 0.5  # sigmoid(16 * 0.5) = 1 - 3e-4
    assert far.mean() > 0.5
    np.testing.assert_allclose(soft[far], (g[far] > 0).astype(float), atol=1e-3)


def test_training_learns_the_volume_fraction_of_random_layouts():
    rng = np.random.default_rng(3)
    cells = (rng.random((320, 16, 16)) < rng.uniform(0.2, 0.8, (320, 1, 1))).astype(float)
    y = cells.mean(axis=(1, 2))[:, None]
    s = LayoutSurrogateSettings(
        enabled=True, width=4, beta=16.0, training=FitSettings(epochs=15, batch_size=32, lr=3e-3)
    )
    cnn, history, _ = train_layout_cnn(
        (cells[:256], cells[256:]), (y[:256], y[256:]), s, seed=0, device=torch.device("cpu")
    )
    assert len(history) == 15
    with torch.no_grad():
        pred = cnn(torch.as_tensor(cells[256:], dtype=torch.float32)).numpy()
    assert np.mean((pred - y[256:]) ** 2) < 0.05 * y[256:].var()


def test_built_layout_predictor_sees_the_cleaned_layouts():
    torch.manual_seed(0)
    cnn = LayoutCNN(np.array([[0.2], [0.5]]), width=4).eval()
    surrogate = RelaxedLayoutSurrogate(cnn, TASK.layout_basis(), TASK.size, beta=16.0)
    x = TASK.sample_prior(6, np.random.default_rng(2))
    with torch.no_grad():
        on_layouts = cnn(torch.as_tensor(TASK.cells(x), dtype=torch.float32)).numpy()
    np.testing.assert_array_equal(built_layout_predictor(surrogate, TASK.cells)(x), on_layouts)
