#!/usr/bin/env bash
# The front door. Two commands on a fresh machine:
#   ./run.sh start   install what is needed, load the demo event, start the server (SQLite)
#   ./run.sh test    install what is needed and run the whole test suite
# Both are idempotent: a second run only does what is missing.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
export FLASK_APP=competition

say() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@";
  else echo "Please install as root: $*" >&2; return 1; fi
}

apt_install() {  # apt_install PACKAGE... : installs only those missing
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "Not a Debian/Ubuntu machine: please install ${missing[*]} yourself." >&2; return 0
  fi
  say "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

python_deps() {  # python_deps EXTRAS
  local extras=$1
  if [ ! -x "$PY" ]; then
    say "Creating the Python environment in .venv"
    python3 -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$extras"
  if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ]; then
    say "Installing Python packages ($extras)"
    "$PY" -m pip install -q --upgrade pip >/dev/null
    "$PY" -m pip install -q -e ".[$extras]"
    touch "$stamp"
  fi
}

js_deps() {
  command -v npm >/dev/null || apt_install nodejs npm
  if { [ ! -f node_modules/socket.io-client/dist/socket.io.min.js ] || [ ! -f node_modules/echarts/dist/echarts.min.js ]; } \
      && [ -f package.json ]; then
    say "Installing the browser libraries from npm: Socket.IO client, ECharts (served locally, no CDN)"
    if [ -f package-lock.json ]; then npm ci --silent --no-audit --no-fund; else npm install --silent --no-audit --no-fund; fi
  fi
}

translations() { "$PY" -m competition.i18n >/dev/null; }

start() {
  apt_install fonts-wqy-zenhei
  python_deps postgres
  js_deps
  translations
  say "Creating the database and loading the demo event (fictional data)"
  "$VENV/bin/flask" demo
  say "Starting the server (Ctrl+C to stop)"
  exec "$VENV/bin/flask" serve --port "${PORT:-5000}"
}

services() {  # PostgreSQL and Redis for the production-path tests, if installed here
  if command -v pg_ctlcluster >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  if command -v redis-server >/dev/null && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null || true
  fi
}

test_suite() {
  apt_install chromium fonts-wqy-zenhei fonts-arphic-ukai poppler-utils zbar-tools
  python_deps test,postgres
  js_deps
  translations
  services
  say "Lint (ruff)"
  "$VENV/bin/ruff" check competition exports tests bench
  local workers="${TEST_WORKERS:-$(nproc 2>/dev/null || echo 2)}"
  say "Running the tests (SQLite and PostgreSQL, $workers workers)"
  set +e
  "$VENV/bin/pytest" -q -p no:cacheprovider -n "$workers" "$@"
  local rc=$?
  set -e
  [ $rc -eq 5 ] && { echo "no tests were collected" >&2; exit 1; }
  exit $rc
}

case "${1:-}" in
  start) start ;;
  test) shift; test_suite "$@" ;;
  *) echo "usage: ./run.sh start | ./run.sh test [pytest args]" >&2; exit 2 ;;
esac
