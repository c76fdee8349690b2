"""Finite-element homogenization of pixel unit cells and the random design generator."""

from ipage.fem.designs import binarize, sample_designs
from ipage.fem.homogenize import homogenize, homogenize_moduli, youngs_moduli

__all__ = ["binarize", "homogenize", "homogenize_moduli", "sample_designs", "youngs_moduli"]
