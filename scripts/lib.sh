# Shared helpers of the scripts in this folder (sourced, not run).
#
# - SPARKPLANE_VENV: the Python tools (boto3, awscli, pytest) live here
#   (default: <repo>/.venv); created on first use from the machine's python3.
# - SPARKPLANE_RUNTIME_DIR: where sparkplane installs its pinned Spark runtime
#   (default: ~/.cache/sparkplane/runtimes), shared so that a fresh data dir
#   does not mean a fresh 300 MB pyspark download.
# - CARGO_TARGET_DIR: honoured if set (default: <repo>/target).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO_ROOT/target}"
export SPARKPLANE_VENV="${SPARKPLANE_VENV:-$REPO_ROOT/.venv}"
export SPARKPLANE_RUNTIME_DIR="${SPARKPLANE_RUNTIME_DIR:-$HOME/.cache/sparkplane/runtimes}"
export SPARKPLANE_BIN="$CARGO_TARGET_DIR/debug/sparkplane"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Creates the venv with the given pip requirements (idempotent, quiet).
ensure_python_tools() {
  if [ ! -x "$SPARKPLANE_VENV/bin/python" ]; then
    log "creating Python venv $SPARKPLANE_VENV"
    python3 -m venv "$SPARKPLANE_VENV"
  fi
  log "installing Python tools: $*"
  "$SPARKPLANE_VENV/bin/python" -m pip install --disable-pip-version-check -q "$@"
  export PATH="$SPARKPLANE_VENV/bin:$PATH"
}

build_sparkplane() {
  log "building sparkplane (cargo, debug)"
  (cd "$REPO_ROOT" && cargo build --locked -p sparkplane-cli)
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_for CMD... : retries CMD for up to $WAIT_SECONDS (default 60) seconds.
wait_for() {
  local deadline=$((SECONDS + ${WAIT_SECONDS:-60}))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then return 1; fi
    sleep 0.2
  done
}
