#!/usr/bin/env bash
# Trains the offline triage model (ticket category classifier).
# Creates/updates a Python venv under ~/.cache/deskflow/triage-venv with the pinned
# requirements, then runs train.py. All arguments are passed through to train.py, e.g.
#   npm run train:triage -- path/to/train.csv --cv 5
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${DESKFLOW_TRIAGE_VENV:-$HOME/.cache/deskflow/triage-venv}"
python="${PYTHON:-python3}"
req="$here/requirements.txt"

if [ ! -x "$venv/bin/python" ]; then
  echo "[train.sh] creating venv $venv" >&2
  mkdir -p "$(dirname "$venv")"
  "$python" -m venv "$venv"
fi

stamp="$venv/.deskflow-requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[train.sh] installing pinned requirements into $venv" >&2
  "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$req"
  echo "$want" > "$stamp"
fi

cd "$root"
exec "$venv/bin/python" -u "$here/train.py" "$@"
