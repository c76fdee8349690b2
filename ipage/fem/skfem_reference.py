"""Independent cross-check of `homogenize` with scikit-fem (optional dependency, slow).

Same physics (periodic Q4 plane stress on the unit-pixel torus, one node pinned), but mesh,
element integrals, assembly and solve all come from scikit-fem:

    chi_k = argmin: a(chi, v) = a(eps0_k, v) for periodic v,
    C_H_ij = (1/|Y|) [ int eps0_i : C : eps0_j  -  a(eps0_j, chi_i) ].
"""

from __future__ import annotations

import numpy as np

from ipage.fem.homogenize import NU


def homogenize_skfem(e: np.ndarray, nu: float = NU) -> np.ndarray:
    """C_H (n_cells, 3, 3) for element moduli e (n_cells, N, N), rows = y, columns = x."""
    from skfem import (
        Basis,
        BilinearForm,
        ElementQuad1,
        ElementVector,
        Functional,
        LinearForm,
        MeshQuad1DG,
        condense,
        solve,
    )
    from skfem.helpers import ddot, sym_grad, trace

    e = np.asarray(e, dtype=float)
    e = e[None] if e.ndim == 2 else e
    n = e.shape[-1]
    grid = np.arange(n + 1, dtype=float)
    mesh = MeshQuad1DG.init_tensor(grid, grid, periodic=[0, 1])
    basis = Basis(mesh, ElementVector(ElementQuad1()))
    lam0, mu0 = nu / (1 - nu**2), 1 / (2 * (1 + nu))  # plane stress, E = 1
    eps0 = np.zeros((3, 2, 2))
    eps0[0, 0, 0] = 1.0
    eps0[1, 1, 1] = 1.0
    eps0[2, 0, 1] = eps0[2, 1, 0] = 0.5  # engineering shear strain 1

    def stress(modulus, t):
        tr = trace(t)
        return modulus * (2 * mu0 * t + lam0 * np.eye(2)[:, :, None, None] * tr)

    pinned = basis.nodal_dofs[:, 0]
    out = np.empty((len(e), 3, 3))
    for c, cell in enumerate(e):

        def modulus(x, cell=cell):
            ix = np.clip(np.floor(x[0]).astype(int), 0, n - 1)
            iy = np.clip(np.floor(x[1]).astype(int), 0, n - 1)
            return cell[iy, ix]

        @BilinearForm
        def stiffness(u, v, w):
            return ddot(stress(modulus(w.x), sym_grad(u)), sym_grad(v))

        k_mat = stiffness.assemble(basis)
        chis, loads = [], []
        for i in range(3):
            ei = eps0[i][:, :, None, None]

            @LinearForm
            def load(v, w, ei=ei):
                return ddot(stress(modulus(w.x), ei + 0 * w.x[0]), sym_grad(v))

            f = load.assemble(basis)
            chis.append(solve(*condense(k_mat, f, D=pinned)))
            loads.append(f)
        for i in range(3):
            for j in range(3):
                ei, ej = eps0[i][:, :, None, None], eps0[j][:, :, None, None]

                @Functional
                def energy(w, ei=ei, ej=ej):
                    return ddot(stress(modulus(w.x), ei + 0 * w.x[0]), ej + 0 * w.x[0])

                out[c, i, j] = (energy.assemble(basis) - loads[j] @ chis[i]) / n**2
    return out
