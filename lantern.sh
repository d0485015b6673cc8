#!/usr/bin/env bash
# Lantern's two entry points on a fresh machine (Python 3.11+ and pip only):
#   ./lantern.sh demo   set up, load demo data and serve on http://127.0.0.1:8000
#   ./lantern.sh test   set up and run the whole test suite (lint, types, migrations, tests on SQLite and PostgreSQL)
# Anything else is passed to the `lantern` console command inside the project's virtual environment.
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
venv="$root/.venv"
python=${PYTHON:-python3}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

setup() {
  if [ ! -x "$venv/bin/python" ]; then
    say "creating the virtual environment in .venv"
    "$python" -m venv "$venv"
  fi
  # Reinstall only when the lock or the project metadata changed.
  local stamp="$venv/.lantern-installed" want
  want=$(cat requirements/lock.txt pyproject.toml | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "installing the locked dependencies"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/lock.txt
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e .
    echo "$want" > "$stamp"
  fi
  "$venv/bin/lantern" compilemessages --quiet
}

case "${1:-}" in
  demo)
    shift
    setup
    exec "$venv/bin/lantern" demo "$@"
    ;;
  test)
    shift
    setup
    exec "$venv/bin/python" tests/run.py "$@"
    ;;
  ""|-h|--help)
    sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    setup
    exec "$venv/bin/lantern" "$@"
    ;;
esac
