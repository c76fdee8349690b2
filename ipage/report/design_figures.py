"""Figures of the designs themselves, for the tasks whose x a person reads as a structure:

- architecture_solutions: unit-cell layouts of a method's solutions (and their binarized
  layouts for grey designs) above the training designs closest to the target
- crystal_solutions: DFT gaps of the re-simulated SrTiO3 solutions against y*, and their
  lattice parameters in box units (parallel coordinates)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ipage.atomic import atomic_output
from ipage.crystal.structure import PARAM_NAMES
from ipage.data import Split
from ipage.tasks.base import Task

DPI = 110
NEAR_TARGET_EV = 0.05  # training cells this close to y* are drawn for comparison


def _save(fig: Figure, path: str | Path) -> None:
    with atomic_output(path) as tmp:  # a killed job leaves no half-written figure
        fig.savefig(tmp, dpi=DPI, format="png")


@dataclass(frozen=True)
class LayoutRow:
    """One row of the architecture figure: unit-cell layouts (k, N, N) in [0, 1] titled with
    their E_x/E_s; y_all: every re-simulated E of the method (repeats, n) for the row's MSE, or
    None for the training designs; notes: a suffix per panel (e.g. a lost network)."""

    label: str
    cells: np.ndarray
    e: np.ndarray
    y_all: np.ndarray | None
    notes: list[str]


def architecture_solutions(
    path: str | Path, *, title: str, target: float, rows: Sequence[LayoutRow]
) -> None:
    """One row of unit cells per LayoutRow (solid black, void white), each panel titled with
    its re-simulated E_x/E_s, each row labelled with its MSE against the target."""
    k = len(rows[0].cells)
    fig = Figure(figsize=(1.9 * k + 0.9, 2.4 * len(rows) - 0.1), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(rows), k, squeeze=False)
    for i, row in enumerate(rows):
        for j in range(k):
            ax = axes[i, j]
            ax.imshow(
                row.cells[j], cmap="gray_r", vmin=0.0, vmax=1.0, origin="lower",
                interpolation="nearest",
            )  # fmt: skip
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"E = {row.e[j]:.3f}{row.notes[j]}", fontsize=9)
        if row.y_all is None:
            axes[i, 0].set_ylabel(f"{row.label}\nclosest to target", fontsize=9)
        else:
            mse = float(np.mean((row.y_all - target) ** 2))
            axes[i, 0].set_ylabel(f"{row.label}\nMSE {mse:.2e}", fontsize=9)
    fig.suptitle(title, fontsize=10)
    _save(fig, path)


def crystal_solutions(
    path: str | Path,
    *,
    task: Task,
    target: float,
    split: Split,
    solutions: Sequence[tuple[str, np.ndarray, np.ndarray]],
) -> None:
    """solutions: (method, x (any, 6) lattice parameters, DFT gap (any,) with NaN where the
    DFT run failed) per method. Left: each method's gaps against y* over the histogram of
    the training gaps; right: the cells' lattice parameters in box units, one line each."""
    width = task.upper - task.lower
    fig = Figure(figsize=(12, 4.8), layout="constrained")
    FigureCanvasAgg(fig)
    ax_gap, ax_par = fig.subplots(1, 2, width_ratios=[1, 1.6])
    ax_hist = ax_gap.twinx()
    ax_hist.hist(split.y_train[:, 0], bins=30, color="0.88", zorder=0)
    ax_hist.set_ylabel("training cells per bin", color="0.5")
    ax_gap.set_zorder(ax_hist.get_zorder() + 1)
    ax_gap.patch.set_visible(False)
    ax_gap.axvline(target, color="k", ls="--", lw=1)
    near = np.abs(split.y_train[:, 0] - target) <= NEAR_TARGET_EV
    axes_pos = np.arange(len(PARAM_NAMES))
    for cell in (split.x_train[near] - task.lower) / width:
        ax_par.plot(axes_pos, cell, color="0.8", lw=0.6, zorder=1)
    rng = np.random.default_rng(0)  # vertical jitter of the gap markers only
    labels = []
    for i, (method, x, gap) in enumerate(solutions):
        ok = np.isfinite(gap)
        mse = float(np.mean((gap[ok] - target) ** 2)) if ok.any() else float("nan")
        color = f"C{i}"
        jitter = rng.uniform(-0.15, 0.15, ok.sum())
        ax_gap.scatter(gap[ok], i + jitter, s=14, color=color, alpha=0.8)
        labels.append(f"{method}\n{ok.sum()} by DFT\nMSE {mse:.2e} eV²")
        for cell in (x[ok] - task.lower) / width:
            ax_par.plot(axes_pos, cell, color=color, lw=1.0, alpha=0.7, zorder=2)
        ax_par.plot([], [], color=color, label=method)
    ax_gap.set_yticks(np.arange(len(labels)), labels, fontsize=8)
    ax_gap.set_ylim(-0.6, len(labels) - 0.4)
    ax_gap.set_xlabel(f"PBE band gap (eV); dashed: y* = {target:g} eV")
    ax_par.plot([], [], color="0.8", label=f"training, |gap - y*| <= {NEAR_TARGET_EV} eV")
    ax_par.axhspan(0.0, 1.0, color="0.96", zorder=0)
    ax_par.set_xticks(
        axes_pos,
        [
            f"{n}\n{lo:.3g}..{hi:.3g}"
            for n, lo, hi in zip(PARAM_NAMES, task.lower, task.upper, strict=True)
        ],
    )
    ax_par.set_ylabel("position in the design box (shaded)")
    ax_par.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.suptitle(
        f"SrTiO3, single target {target:g} eV: DFT re-simulated solutions (all repeats), "
        f"preset {task.preset.name}",
        fontsize=10,
    )
    _save(fig, path)
