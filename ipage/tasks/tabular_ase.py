"""An ASE calculator as a tabular task's simulator: one x row -> Atoms -> calculator -> y."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ipage.errors import require


def ase_simulator(recipe: dict, key: str, y_dim: int) -> Callable[[np.ndarray], np.ndarray]:
    """{atoms: 'mod:fn' (row -> Atoms), calculator: 'mod:factory', properties: [energy]}
    -> a vectorised simulator (n, x_dim) -> (n, len(properties))."""
    from ipage.tasks.tabular import import_function

    allowed = {"atoms", "calculator", "properties"}
    unknown = sorted(set(recipe) - allowed)
    require(not unknown, f"{key}: unknown key(s) {unknown}; allowed: {', '.join(sorted(allowed))}")
    for k in ("atoms", "calculator"):
        require(k in recipe, f"{key}.{k}: missing; an ASE simulator needs atoms and calculator")
    make_atoms = import_function(recipe["atoms"], f"{key}.atoms")
    make_calc = import_function(recipe["calculator"], f"{key}.calculator")
    properties = list(recipe.get("properties", ["energy"]))
    require(
        len(properties) == y_dim,
        f"{key}.properties: {properties} has {len(properties)} entries but y_dim = {y_dim}",
    )

    def simulate(x: np.ndarray) -> np.ndarray:
        rows = []
        for row in x:
            atoms = make_atoms(row)
            atoms.calc = make_calc()
            values = []
            for prop in properties:
                if prop == "energy":
                    values.append(atoms.get_potential_energy())
                else:
                    values.append(np.ravel(atoms.calc.get_property(prop, atoms))[0])
            rows.append(values)
        return np.asarray(rows, dtype=float).reshape(len(x), len(properties))

    return simulate
