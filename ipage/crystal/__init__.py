"""Strained SrTiO3 -> PBE band gap (GPAW): structures, DFT presets, result rows, chunked runs."""

from ipage.crystal.structure import (
    A0,
    PARAM_NAMES,
    DesignBox,
    cubic_structure,
    lattice_parameters,
    strained_atoms,
    strained_structure,
    to_atoms,
    write_structure,
)

__all__ = [
    "A0",
    "PARAM_NAMES",
    "DesignBox",
    "cubic_structure",
    "lattice_parameters",
    "strained_atoms",
    "strained_structure",
    "to_atoms",
    "write_structure",
]
