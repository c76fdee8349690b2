"""PBE band gaps of strained SrTiO3 cells with GPAW (plane waves) through ASE.

`run_structure` never raises for a calculation problem: a non-converged SCF, a GPAW error or a
bad cell becomes a result row with status "failed" and the error message. GPAW runs serially
(no mpiexec) with BLAS/OpenMP limited to one thread around each calculation
(`ipage.threads.one_thread`).

PAW setups: GPAW finds the ones of the PyPI package `gpaw-data` (installed with `pip install
gpaw`, see .ci/install_gpaw.sh) on its own; `GPAW_SETUP_PATH` overrides, and if neither is present
Debian's /usr/share/gpaw-setups is used.
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ipage.crystal.structure import PARAM_NAMES, strained_atoms, write_structure
from ipage.errors import require
from ipage.threads import one_thread

DEBIAN_SETUPS = Path("/usr/share/gpaw-setups")


@dataclass(frozen=True)
class DFTPreset:
    """Numerical settings of one PBE gap calculation."""

    name: str
    ecut: float  # plane-wave cutoff, eV
    kpts: int  # Gamma-centred kpts x kpts x kpts mesh (contains Gamma and R of the cubic cell)
    extra_bands: int = 8  # empty bands on top of the occupied ones
    converge_extra: int = 4  # empty bands included in the eigenstate convergence criterion
    energy_tol: float = 5e-4  # eV / valence electron (GPAW default)
    density_tol: float = 1e-4  # electrons / valence electron (GPAW default)
    eigenstates_tol: float = 4e-8  # eV^2 / valence electron (GPAW default)
    smearing: float = 0.01  # Fermi-Dirac width, eV
    maxiter: int = 100

    def __post_init__(self) -> None:
        require(self.ecut > 0, f"preset ecut={self.ecut} must be > 0 eV")
        require(self.kpts >= 1, f"preset kpts={self.kpts} must be >= 1")
        require(
            0 < self.converge_extra <= self.extra_bands,
            f"preset converge_extra={self.converge_extra}: allowed 1..extra_bands",
        )
        require(self.maxiter >= 1, f"preset maxiter={self.maxiter} must be >= 1")

    def describe(self) -> str:
        return (
            f"PW({self.ecut:g}) {self.kpts}x{self.kpts}x{self.kpts} Gamma; "
            f"+{self.extra_bands} bands; tol E={self.energy_tol:g} rho={self.density_tol:g} "
            f"eig={self.eigenstates_tol:g}; FD {self.smearing:g} eV; maxiter {self.maxiter}"
        )


PRESETS: dict[str, DFTPreset] = {
    # 7-10 CPU s (cubic) / 20-28 CPU s (strained, 36 irreducible k) per cell on one core;
    # 0.01-0.05 eV below `reference` on 5 strained cells (benchmarks/dft_presets.py).
    "fast": DFTPreset("fast", ecut=400.0, kpts=4, extra_bands=4, converge_extra=2),
    # ~135-160 CPU s per strained cell (112 k); within 0.003 eV of `reference`.
    "accurate": DFTPreset(
        "accurate",
        ecut=600.0,
        kpts=6,
        energy_tol=1e-5,
        density_tol=1e-5,
        eigenstates_tol=1e-9,
    ),
    # Converged reference used to benchmark the two presets above (~340-430 CPU s, 260 k).
    "reference": DFTPreset(
        "reference",
        ecut=700.0,
        kpts=8,
        energy_tol=1e-5,
        density_tol=1e-5,
        eigenstates_tol=1e-9,
    ),
}


def get_preset(preset: str | DFTPreset, **overrides) -> DFTPreset:
    """A preset by name (fast / accurate / reference) or as given, with fields overridden."""
    if isinstance(preset, str):
        require(preset in PRESETS, f"preset={preset!r}; allowed: {', '.join(PRESETS)}")
        preset = PRESETS[preset]
    if overrides:
        fields = asdict(preset)
        unknown = sorted(set(overrides) - set(fields))
        require(not unknown, f"unknown preset option(s) {unknown}; allowed: {sorted(fields)}")
        fields.update(overrides)
        preset = DFTPreset(**fields)
    return preset


def _ensure_setup_path() -> None:
    """Fall back to Debian's setups when neither GPAW_SETUP_PATH nor gpaw-data is present."""
    import gpaw

    have = [p for p in gpaw.setup_paths if Path(p, "Sr.PBE.gz").exists()]
    if not have and DEBIAN_SETUPS.is_dir():
        gpaw.setup_paths.append(str(DEBIAN_SETUPS))


def gpaw_version() -> str:
    try:
        import gpaw
    except ImportError:
        return "missing"
    return gpaw.__version__


def make_calculator(preset: DFTPreset, txt: str | os.PathLike | None = None):
    from gpaw import GPAW, PW, FermiDirac

    _ensure_setup_path()
    return GPAW(
        mode=PW(preset.ecut),
        xc="PBE",
        kpts={"size": (preset.kpts,) * 3, "gamma": True},
        nbands=-preset.extra_bands,  # occupied + extra_bands
        occupations=FermiDirac(preset.smearing),
        convergence={
            "energy": preset.energy_tol,
            "density": preset.density_tol,
            "eigenstates": preset.eigenstates_tol,
            "bands": -(preset.extra_bands - preset.converge_extra),  # occupied + converge_extra
        },
        maxiter=preset.maxiter,
        txt=None if txt is None else str(txt),
    )


def band_edges(calc) -> tuple[float, float]:
    """(VBM, CBM) in eV over all irreducible k-points of a converged spin-paired calculation."""
    nelec = calc.get_number_of_electrons()
    nocc = int(round(nelec / 2))
    require(abs(nelec - 2 * nocc) < 1e-6, f"odd number of valence electrons {nelec}")
    eps = np.array([calc.get_eigenvalues(kpt=k) for k in range(len(calc.get_ibz_k_points()))])
    require(eps.shape[1] > nocc, f"no empty band: {eps.shape[1]} bands for {nocc} occupied")
    return float(eps[:, nocc - 1].max()), float(eps[:, nocc].min())


def compute_gap(atoms, preset: DFTPreset, txt=None) -> dict:
    """Run one SCF and return gap / band edges / k-point count / iterations (may raise)."""
    atoms = atoms.copy()
    with one_thread():
        atoms.calc = make_calculator(preset, txt=txt)
        atoms.get_potential_energy()
        vbm, cbm = band_edges(atoms.calc)
        n_ibz = len(atoms.calc.get_ibz_k_points())
        try:
            iters = int(atoms.calc.get_number_of_iterations())
        except Exception:  # not offered by every GPAW version
            iters = -1
    return {"gap": cbm - vbm, "vbm": vbm, "cbm": cbm, "n_ibz_kpts": n_ibz, "scf_iterations": iters}


RESULT_COLUMNS = (
    "id",
    *PARAM_NAMES,
    "gap",
    "vbm",
    "cbm",
    "status",
    "error",
    "wall_s",
    "cpu_s",
    "n_ibz_kpts",
    "scf_iterations",
    "gpaw_version",
    "preset",
    "preset_settings",
    "structure_file",
)


def run_structure(
    params,
    preset: str | DFTPreset = "fast",
    *,
    structure_id: str | int | None = None,
    structure_dir: str | os.PathLike | None = None,
    log_dir: str | os.PathLike | None = None,
    **preset_overrides,
) -> dict:
    """One strained cell -> one result row (a dict with RESULT_COLUMNS); never raises on failure.

    structure_dir: write the cell there as `<id>.extxyz` (parameters in its comment line).
    log_dir: keep GPAW's text output there as `<id>.txt` (default: no output).
    """
    t0, c0 = time.perf_counter(), time.process_time()
    params = np.asarray(params, dtype=float).reshape(-1)
    sid = "s" if structure_id is None else str(structure_id)
    row = {"id": sid, **{k: float(v) for k, v in zip(PARAM_NAMES, params, strict=False)}}
    row.update(
        gap=float("nan"),
        vbm=float("nan"),
        cbm=float("nan"),
        status="failed",
        error="",
        n_ibz_kpts=-1,
        scf_iterations=-1,
        gpaw_version=gpaw_version(),
        structure_file="",
    )
    try:
        preset = get_preset(preset, **preset_overrides)
        row.update(preset=preset.name, preset_settings=preset.describe())
        atoms = strained_atoms(params)
        if structure_dir is not None:
            path = write_structure(Path(structure_dir) / f"{sid}.extxyz", atoms, params, id=sid)
            row["structure_file"] = str(path)
        txt = None
        if log_dir is not None:
            Path(log_dir).mkdir(parents=True, exist_ok=True)
            txt = Path(log_dir) / f"{sid}.txt"
        row.update(compute_gap(atoms, preset, txt=txt))
        row.update(status="ok")
    except Exception as exc:  # any GPAW / SCF / input problem becomes a failed row
        row.setdefault("preset", str(getattr(preset, "name", preset)))
        row.setdefault("preset_settings", "")
        row["error"] = f"{type(exc).__name__}: {exc}".replace("\n", " ")[:500]
    row["wall_s"] = time.perf_counter() - t0
    row["cpu_s"] = time.process_time() - c0
    return {k: row.get(k, "") for k in RESULT_COLUMNS}
