#!/usr/bin/env bash
# Quick start on Debian with Node.js 20: install what is missing, then run the main job once.
#
#   ./quickstart.sh [main job options]        e.g. ./quickstart.sh --rows 5000
#   ./quickstart.sh --install-only [--with CMD]...
#
# Installs MariaDB server and client with apt-get when they are missing (as root;
# otherwise prints the command to run and stops), the npm packages with `npm ci`
# when node_modules is missing or older than package-lock.json, then runs
# `npm start -- --once` with the given options. The Temporal UI's packages are
# installed the same way (`npm ci --prefix ui`) and its build, when ui/build is
# missing or stale, runs beside the main job. --install-only stops after the
# installation; --with CMD also installs the Debian package CMD when the command
# CMD is missing (.ci/run: --with docker-compose).
set -euo pipefail
cd "$(dirname "$0")"

say() { printf 'quickstart: %s\n' "$*"; }
fail() {
  printf 'quickstart: %s\n' "$*" >&2
  exit 1
}

install_only=0
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --install-only) install_only=1 ;;
    --with)
      [ $# -ge 2 ] || fail "--with needs a command name"
      extra+=("$2")
      shift
      ;;
    -h | --help)
      sed -n '2,14s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *) break ;; # the rest goes to the main job
  esac
  shift
done

# Node.js 20 or later, with npm: not installed here.
command -v node >/dev/null 2>&1 || fail "Node.js 20 or later is needed: node not found"
command -v npm >/dev/null 2>&1 || fail "npm is needed: not found next to node $(node --version)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || fail "Node.js 20 or later is needed, found $(node --version)"

# Where the tests and the embedded stack look for the MariaDB binaries (local/mariadb/binaries.ts).
has() { PATH="/usr/sbin:/usr/local/sbin:$PATH" command -v "$1" >/dev/null 2>&1; }

packages=()
has mariadbd && has mariadb-install-db && has mariadb || packages+=(mariadb-server mariadb-client)
for cmd in ${extra[@]+"${extra[@]}"}; do has "$cmd" || packages+=("$cmd"); done

if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "missing ${packages[*]}; install with: sudo apt-get install -y ${packages[*]}" >&2
    exit 1
  fi
  say "installing ${packages[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  has mariadbd && has mariadb || fail "apt-get ran but the MariaDB binaries are still missing"
fi
mariadb_version=$(PATH="/usr/sbin:$PATH" mariadbd --version | sed -n 's/.*Ver \([^ ]*\).*/\1/p')

# node_modules/.package-lock.json is written by every npm install: older than the lock file means stale.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
  npm_state="installed"
else
  npm_state="up to date"
fi

# Temporal's UI (ui/, its own package): its packages, then its build, made once and reused.
# A machine that cannot install them still runs the main job, which says why there is no UI.
ui_state="not installed"
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  say "installing the UI's npm packages (npm ci --prefix ui)"
  if npm ci --prefix ui --no-audit --no-fund; then ui_state="installed"; else say "the UI's packages could not be installed: no UI"; fi
else
  ui_state="up to date"
fi

say "ready: Node.js $(node --version), MariaDB ${mariadb_version:-unknown}, npm packages ${npm_state}, UI packages ${ui_state}"
if [ "$install_only" -eq 1 ]; then
  exit 0
fi

# The UI builds (about 2 minutes) beside the main job when it is missing or stale; the job
# serves it once it is done (`npm start` keeps serving: the URL it prints).
ui_build=""
if [ -d ui/node_modules ]; then
  npm run --silent ui:build > .ui-build.log 2>&1 &
  ui_build=$!
fi

say "running the main job once: npm start -- --once $*"
status=0
npm start -- --once "$@" || status=$?
if [ -n "$ui_build" ]; then
  if wait "$ui_build"; then say "$(tail -1 .ui-build.log); \`npm start\` serves it at the URL above"; else say "the UI build failed (.ui-build.log)"; fi
fi
if [ "$status" -ne 0 ]; then
  fail "the main job failed (exit $status); its output is above"
fi
say "the main job succeeded (exit 0). Next: npm test"
