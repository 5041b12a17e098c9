#!/usr/bin/env bash
# Installs the real engines the embedded stack and the tests run on, into .engines/ of the
# project, each from its own registry at the version pinned in engines/versions.env:
#   - the Temporal CLI (`temporal server start-dev`: Temporal's server, HTTP API and UI),
#     built with `go install` from the Go module proxy (about 4 minutes on 2 cores);
#   - Temporal's time-skipping test server, resolved with Maven from Maven Central, with a
#     launcher and a class-data-sharing archive that cuts the JVM's start;
#   - moto's S3 server, installed with pip from PyPI into a virtual environment.
# Each is reused while its pinned version stands. A `temporal` named by TEMPORAL_CLI, or
# already on PATH, is used instead of building one. What is used is linked from .engines/bin/.
# Run again after a failure, it retries the step that failed: the others are done.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=versions.env
. "$root/engines/versions.env"
dest="$root/.engines"
bin="$dest/bin"
logs="$dest/logs"
mkdir -p "$bin" "$logs"

say() { printf 'engines: %s\n' "$*"; }
# run_step WHAT LOG COMMAND...: runs the step with its output in LOG; when it fails, says what
# failed, how to retry and where its output is, with the log's tail.
run_step() {
  local what="$1" log="$2"
  shift 2
  "$@" > "$log" 2>&1 && return 0
  printf 'engines: %s failed: %s\n  retry: engines/install.sh\n  log:   %s\n' "$what" "$*" "$log" >&2
  tail -n 15 "$log" | cut -c1-300 | sed 's/^/  | /' >&2
  exit 1
}
need() { command -v "$1" >/dev/null 2>&1 || { printf 'engines: %s needs `%s`, which is not installed (%s)\n' "$2" "$1" "$3" >&2; exit 1; }; }

# --- the Temporal CLI -------------------------------------------------------------------
cli_dir="$dest/temporal-cli-$TEMPORAL_CLI_VERSION"
if [ -n "${TEMPORAL_CLI:-}" ]; then
  [ -x "$TEMPORAL_CLI" ] || { printf 'engines: TEMPORAL_CLI=%s is not an executable\n' "$TEMPORAL_CLI" >&2; exit 1; }
  ln -sfn "$TEMPORAL_CLI" "$bin/temporal"
  say "Temporal CLI: $TEMPORAL_CLI (TEMPORAL_CLI)"
elif [ -x "$cli_dir/temporal" ]; then
  ln -sfn "$cli_dir/temporal" "$bin/temporal"
  say "Temporal CLI $TEMPORAL_CLI_VERSION: installed"
elif on_path="$(PATH="${PATH//$bin:/}" command -v temporal 2>/dev/null)" && [ "$on_path" != "$bin/temporal" ]; then
  ln -sfn "$on_path" "$bin/temporal"
  say "Temporal CLI: $on_path (on PATH)"
else
  need go "building the Temporal CLI" "Go 1.22 or later"
  # The release's own version stamped in, as its release builds do (`temporal --version`).
  ldflags="-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION#v}"
  say "building the Temporal CLI $TEMPORAL_CLI_VERSION from the Go module proxy (go install; about 4 minutes on 2 cores)"
  GOBIN="$cli_dir.partial" run_step "building the Temporal CLI" "$logs/temporal-cli.log" \
    go install -ldflags "$ldflags" "$TEMPORAL_CLI_MODULE@$TEMPORAL_CLI_VERSION"
  rm -rf "$cli_dir" && mv "$cli_dir.partial" "$cli_dir"
  ln -sfn "$cli_dir/temporal" "$bin/temporal"
  say "Temporal CLI $TEMPORAL_CLI_VERSION: built ($("$cli_dir/temporal" --version))"
fi

# --- Temporal's test server ------------------------------------------------------------
ts_dir="$dest/temporal-test-server-$TEMPORAL_TEST_SERVER_VERSION"
if [ -s "$ts_dir/classpath" ] && [ -x "$ts_dir/temporal-test-server" ]; then
  say "Temporal test server $TEMPORAL_TEST_SERVER_VERSION: installed"
else
  need java "running Temporal's test server" "Java 17 or later"
  need mvn "resolving Temporal's test server" "Maven"
  say "resolving Temporal's test server $TEMPORAL_TEST_SERVER_VERSION from Maven Central (mvn; under a minute)"
  mkdir -p "$ts_dir"
  run_step "resolving Temporal's test server" "$logs/temporal-test-server.log" \
    mvn -B -f "$root/engines/test-server/pom.xml" dependency:build-classpath \
    -Dtemporal.test-server.version="$TEMPORAL_TEST_SERVER_VERSION" -Dmdep.outputFile="$ts_dir/classpath.partial"
  mv "$ts_dir/classpath.partial" "$ts_dir/classpath"
  # The launcher takes the arguments the SDK passes to an existing-path test server: <port> [--enable-time-skipping].
  cat > "$ts_dir/temporal-test-server" <<LAUNCHER
#!/bin/sh
# Temporal's test server $TEMPORAL_TEST_SERVER_VERSION (written by engines/install.sh).
archive="$ts_dir/classes.jsa"
share=""
[ -f "\$archive" ] && share="-XX:SharedArchiveFile=\$archive -Xshare:auto"
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \$share \${TEMPORAL_TEST_SERVER_JAVA_OPTS:-} -cp "\$(cat "$ts_dir/classpath")" io.temporal.testserver.TestServer "\$@"
LAUNCHER
  chmod +x "$ts_dir/temporal-test-server"
  # The class-data-sharing archive: one start that loads the server's classes, dumped at exit.
  say "writing the test server's class-data-sharing archive (a few seconds)"
  rm -f "$ts_dir/classes.jsa"
  TEMPORAL_TEST_SERVER_JAVA_OPTS="-XX:ArchiveClassesAtExit=$ts_dir/classes.jsa" \
    "$root/node_modules/.bin/tsx" "$root/engines/warm-test-server.ts" "$ts_dir/temporal-test-server" > "$logs/temporal-test-server-cds.log" 2>&1 ||
    say "no class-data-sharing archive (the server starts without it; $logs/temporal-test-server-cds.log)"
fi
[ -x "$ts_dir/temporal-test-server" ] && ln -sfn "$ts_dir/temporal-test-server" "$bin/temporal-test-server"

# --- moto's S3 server ------------------------------------------------------------------
moto_dir="$dest/moto-$MOTO_VERSION"
if [ -f "$moto_dir/.installed" ]; then
  say "moto S3 server $MOTO_VERSION: installed"
else
  need python3 "installing moto's S3 server" "Python 3.9 or later with venv"
  say "installing moto's S3 server $MOTO_VERSION from PyPI (pip; about a minute)"
  rm -rf "$moto_dir"
  run_step "creating moto's virtual environment" "$logs/moto-venv.log" python3 -m venv "$moto_dir"
  run_step "installing moto's S3 server" "$logs/moto.log" "$moto_dir/bin/pip" install --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  touch "$moto_dir/.installed"
fi
[ -x "$moto_dir/bin/moto_server" ] && ln -sfn "$moto_dir/bin/moto_server" "$bin/moto_server"
