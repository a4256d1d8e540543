#!/usr/bin/env bash
# Shared by demo.sh and test.sh: create .venv with Python 3.11, 3.12 or 3.13 and install the pinned dependencies.
# The interpreter: $PYTHON if set; else the first of python3.11, python3.13, python3.12, python3 that runs and is
# 3.11–3.13 (3.11 first: CI and the pins are checked on it). A .venv made by another interpreter is recreated.
# Re-running is cheap: it reinstalls only when requirements.lock, pyproject.toml or the interpreter changed.
set -euo pipefail
cd "$(dirname "$0")/.."

usable='import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)'
identity='import sys; print("%d.%d" % sys.version_info[:2], sys.base_prefix)'

# The first candidate that runs (a pyenv shim for a version not selected does not) and is 3.11–3.13.
pick() {
  local candidate
  for candidate in "$@"; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "$usable" >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# What each candidate is, for the message when none will do.
found() {
  local candidate
  for candidate in "$@"; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    echo "  $candidate: $("$candidate" -c 'import sys; print(sys.version.split()[0])' 2>&1 | tail -n 1)"
  done
}

if [ -n "${PYTHON:-}" ]; then
  candidates=("$PYTHON")
else
  candidates=(python3.11 python3.13 python3.12 python3)
fi
if ! PY=$(pick "${candidates[@]}"); then
  {
    echo "gongshi needs Python 3.11, 3.12 or 3.13; none of ${candidates[*]} is one:"
    found "${candidates[@]}"
    echo "Install one (Debian/Ubuntu: sudo apt-get install python3 python3-venv), or set PYTHON=/path/to/python3.1x."
  } >&2
  exit 1
fi
if ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  minor=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  echo "$PY ($minor) cannot create virtual environments: sudo apt-get install python$minor-venv" >&2
  exit 1
fi

want_python=$("$PY" -c "$identity")
have_python=$(.venv/bin/python -c "$identity" 2>/dev/null || true)
if [ "$have_python" != "$want_python" ]; then
  [ -z "$have_python" ] || echo "Recreating .venv with $PY ($want_python; it was made with $have_python)" >&2
  "$PY" -m venv --clear .venv
fi
stamp=.venv/.gongshi-installed
want=$( (cat requirements.lock pyproject.toml; echo "$want_python") | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps -e .
  echo "$want" > "$stamp"
fi
