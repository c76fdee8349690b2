#!/usr/bin/env bash
# Install GPAW (built from its PyPI source) with its PAW setups, for the crystal task.
#
# Run as root on Debian 12 with the target Python environment active (or PYTHON=/path/python):
#     source .venv/bin/activate && bash .ci/install_gpaw.sh
# Idempotent: packages and GPAW already present are skipped. About 1-2 minutes from scratch.
#
# The C build needs libxc and, even for serial use, the MPI + ScaLAPACK development packages
# (without them the link fails). `pip install gpaw` also installs the PyPI package `gpaw-data`
# (the PAW setups, found by GPAW without any environment variable; its Sr, Ti and O PBE setups
# are byte-identical to Debian's gpaw-data in /usr/share/gpaw-setups). To use other setups,
# export GPAW_SETUP_PATH=/their/directory before running ipage.
set -euo pipefail

PYTHON=${PYTHON:-python}

need_apt=()
for pkg in build-essential pkg-config python3-dev libxc-dev libopenmpi-dev \
    libscalapack-openmpi-dev; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

if ! "$PYTHON" -c "import gpaw, gpaw_data" >/dev/null 2>&1; then
    "$PYTHON" -m pip install --no-cache-dir gpaw gpaw-data
fi

OMP_NUM_THREADS=1 "$PYTHON" - <<'PY'
import os

import gpaw

missing = [
    el
    for el in ("Sr", "Ti", "O")
    if not any(os.path.exists(os.path.join(str(d), f"{el}.PBE.gz")) for d in gpaw.setup_paths)
]
if missing:
    raise SystemExit(f"no PBE PAW setups for {missing} in {gpaw.setup_paths}")
print(f"GPAW {gpaw.__version__} ok; PAW setups in {[str(p) for p in gpaw.setup_paths]}")
PY
