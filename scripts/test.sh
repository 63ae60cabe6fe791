#!/usr/bin/env bash
# README command (b): every test.
#
# 1. Rust: formatting, clippy (warnings are errors) and all unit/integration
#    tests of the workspace.
# 2. End to end: the real `sparkplane server` driven by boto3 and the AWS CLI,
#    with real Spark jobs (pytest, tests/e2e).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

ensure_python_tools boto3 awscli pytest "moto[server]"

log "cargo fmt --check"
cargo fmt --all -- --check
log "cargo clippy"
cargo clippy --locked --workspace --all-targets -- -D warnings
log "cargo test"
cargo test --locked --workspace
build_sparkplane

log "installing the pinned Spark runtime (once per runtime dir)"
"$SPARKPLANE_BIN" runtime install --runtime-dir "$SPARKPLANE_RUNTIME_DIR"

log "end-to-end tests (pytest tests/e2e)"
export SPARKPLANE_TEST_RUNTIME_DIR="$SPARKPLANE_RUNTIME_DIR"
export SPARKPLANE_TEST_AWS="$SPARKPLANE_VENV/bin/aws"
python -m pytest tests/e2e -q
