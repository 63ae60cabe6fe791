#!/usr/bin/env bash
# README command (b): every test.
#
# 1. Rust: formatting, clippy (warnings are errors) and all unit/integration
#    tests of the workspace; the store's suite runs on SQLite and on a
#    throwaway PostgreSQL cluster (scripts/postgres.sh; required when CI=true),
#    which also serves the end-to-end failover test of several servers.
# 2. End to end: the real `sparkplane server` driven by boto3 and the AWS CLI,
#    with real Spark jobs (pytest, tests/e2e); Debian's podman, mmdebstrap
#    and docker-registry for the custom-image tests (scripts/containers.sh);
#    network namespaces as hosts for the several-hosts tests (scripts/netns.sh);
#    Debian's Chromium for the web console's tests (scripts/chromium.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/postgres.sh"
source "$(dirname "${BASH_SOURCE[0]}")/containers.sh"
source "$(dirname "${BASH_SOURCE[0]}")/netns.sh"
source "$(dirname "${BASH_SOURCE[0]}")/chromium.sh"
cd "$REPO_ROOT"

ensure_python_tools boto3 awscli pytest "moto[server]" prometheus-client duckdb==1.5.5 duckdb-extension-tpch==1.5.5 \
  playwright
# The session tests' Spark Connect client lives apart: its pandas, pyarrow
# and numpy must not become importable by jobs, whose Python is the venv's.
export SPARKPLANE_TEST_CONNECT_PYTHON="$REPO_ROOT/.venv-connect/bin/python"
[ -x "$SPARKPLANE_TEST_CONNECT_PYTHON" ] || python3 -m venv "$REPO_ROOT/.venv-connect"
"$SPARKPLANE_TEST_CONNECT_PYTHON" -m pip install --disable-pip-version-check -q pyspark-client==4.0.1

log "cargo fmt --check"
cargo fmt --all -- --check
log "cargo clippy"
cargo clippy --locked --workspace --all-targets -- -D warnings
postgres_for_tests
log "cargo test"
cargo test --locked --workspace
build_sparkplane

log "installing the pinned Spark runtime (once per runtime dir)"
"$SPARKPLANE_BIN" runtime install --runtime-dir "$SPARKPLANE_RUNTIME_DIR"
# Spark 4.0, which sessions and emr-spark-8.0.x runs use.
"$SPARKPLANE_BIN" runtime install --release-label emr-spark-8.0.0 --runtime-dir "$SPARKPLANE_RUNTIME_DIR"
# Sail, the Rust Spark Connect server sessions may ask for.
"$SPARKPLANE_BIN" runtime install --engine sail --runtime-dir "$SPARKPLANE_RUNTIME_DIR"

log "container tools for the custom-image tests"
containers_for_tests

log "network namespaces for the several-hosts tests"
netns_for_tests

log "Chromium for the web console's tests"
chromium_for_tests

log "end-to-end tests (pytest tests/e2e)"
export SPARKPLANE_TEST_RUNTIME_DIR="$SPARKPLANE_RUNTIME_DIR"
export SPARKPLANE_TEST_AWS="$SPARKPLANE_VENV/bin/aws"
python -m pytest tests/e2e -q
# The cluster served the store tests and test_servers.py's failover; the
# EXIT trap covers failures.
postgres_stop
