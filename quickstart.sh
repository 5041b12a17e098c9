#!/usr/bin/env bash
# Quick start on Debian with Node.js 20: install what is missing, then run the main job once.
#
#   ./quickstart.sh [main job options]        e.g. ./quickstart.sh --rows 5000
#   ./quickstart.sh --install-only [--with CMD]...
#
# Installs MariaDB server and client with apt-get when they are missing (as root;
# otherwise prints the command to run and stops), the npm packages with `npm ci`
# when node_modules is missing or older than package-lock.json, and the real engines
# (engines/install.sh: the Temporal CLI, Temporal's test server, moto's S3 server),
# then runs `npm start -- --once` with the given options. --install-only stops after
# the installation; --with CMD also installs the Debian package CMD when the command
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
# The engines' toolchains (engines/install.sh): Java and Maven for Temporal's test server, Python's
# venv for moto. Go 1.22 or later builds the Temporal CLI; Debian's own golang is older, so it is not installed here.
has java || packages+=(openjdk-17-jre-headless)
has mvn || packages+=(maven)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || packages+=(python3-venv)
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

# The real engines: each from its own registry, cached in .engines/ while its pinned version stands.
./engines/install.sh

say "ready: Node.js $(node --version), MariaDB ${mariadb_version:-unknown}, npm packages ${npm_state}, engines in .engines/bin"
if [ "$install_only" -eq 1 ]; then
  exit 0
fi

say "running the main job once: npm start -- --once $*"
status=0
npm start -- --once "$@" || status=$?
if [ "$status" -ne 0 ]; then
  fail "the main job failed (exit $status); its output is above"
fi
say "the main job succeeded (exit 0). Next: npm test"
