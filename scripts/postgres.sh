# A throwaway PostgreSQL cluster for the store tests (sourced, not run, by
# test.sh; `bash scripts/postgres.sh start|stop DIR` for a manual one).
#
# postgres_for_tests: unless SPARKPLANE_TEST_POSTGRES_URL is set already,
# starts a cluster and exports SPARKPLANE_TEST_POSTGRES_URL. With CI=true a
# cluster that cannot start fails the run (the store's PostgreSQL tests must
# run in CI); locally the tests then skip with a notice.
#
# The cluster: Debian's `postgresql` (installed when `initdb` is missing and
# we are root), `initdb` and `pg_ctl` as the `postgres` user (or the current
# user when not root), a data dir and a unix socket dir of its own under
# /tmp, listening on a free loopback port with a random password. An EXIT
# trap stops it and removes its dir, on success and on failure alike.

PG_TEST_START_SECONDS="${PG_TEST_START_SECONDS:-60}"

pg_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The directory of initdb/pg_ctl: PATH first, then Debian's newest version.
pg_bindir() {
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return 0
  fi
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

# Installs Debian's postgresql without its default cluster (we make our own).
pg_install() {
  if [ "$(id -u)" -ne 0 ]; then
    pg_log "initdb is missing and we are not root: cannot install postgresql"
    return 1
  fi
  pg_log "installing Debian's postgresql"
  mkdir -p /etc/postgresql-common
  [ -e /etc/postgresql-common/createcluster.conf ] ||
    echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf
  timeout 600 apt-get update -q >&2 &&
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q --no-install-recommends postgresql >&2
}

# Runs a command as the cluster's owner, from a directory it may read.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

# Starts the cluster; sets PG_TEST_DIR and exports SPARKPLANE_TEST_POSTGRES_URL.
postgres_start() {
  local bindir port password attempt
  bindir="$(pg_bindir)" || bindir=""
  if [ -z "$bindir" ]; then
    pg_install || return 1
    bindir="$(pg_bindir)" || { pg_log "postgresql installed but initdb not found"; return 1; }
  fi
  PG_TEST_BINDIR="$bindir"
  PG_TEST_DIR="$(mktemp -d /tmp/sparkplane-pg.XXXXXX)"
  mkdir -p "$PG_TEST_DIR/socket"
  password="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
  printf '%s\n' "$password" >"$PG_TEST_DIR/pwfile"
  chmod -R go-rwx "$PG_TEST_DIR"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$PG_TEST_DIR"; fi
  pg_log "initdb $PG_TEST_DIR/data"
  pg_as_owner "$bindir/initdb" -D "$PG_TEST_DIR/data" -U postgres --pwfile="$PG_TEST_DIR/pwfile" \
    --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --no-instructions \
    >"$PG_TEST_DIR/initdb.log" 2>&1 || { cat "$PG_TEST_DIR/initdb.log" >&2; return 1; }
  rm -f "$PG_TEST_DIR/pwfile"
  # A free port can be taken between asking and binding: a few tries.
  for attempt in 1 2 3; do
    port="$(free_port)"
    if pg_as_owner "$bindir/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" \
      -w -t "$PG_TEST_START_SECONDS" start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TEST_DIR/socket -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      >/dev/null; then
      break
    fi
    pg_log "postgres did not start on port $port (try $attempt)"
    tail -n 5 "$PG_TEST_DIR/server.log" >&2 2>/dev/null || true
    port=""
  done
  [ -n "$port" ] || return 1
  WAIT_SECONDS="$PG_TEST_START_SECONDS" wait_for "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" || {
    pg_log "postgres on port $port is not ready"
    return 1
  }
  export SPARKPLANE_TEST_POSTGRES_URL="postgres://postgres:$password@127.0.0.1:$port/postgres"
  pg_log "postgres ready on 127.0.0.1:$port (data in $PG_TEST_DIR)"
}

# Stops the cluster (fast, then immediate) and removes its dir.
postgres_stop() {
  local dir="${1:-${PG_TEST_DIR:-}}" bindir="${PG_TEST_BINDIR:-$(pg_bindir)}"
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  if [ "$dir" = "${PG_TEST_DIR:-}" ]; then unset SPARKPLANE_TEST_POSTGRES_URL PG_TEST_DIR; fi
  pg_log "postgres stopped ($dir removed)"
}

postgres_for_tests() {
  if [ -n "${SPARKPLANE_TEST_POSTGRES_URL:-}" ]; then
    pg_log "using the PostgreSQL of SPARKPLANE_TEST_POSTGRES_URL"
    return 0
  fi
  # Signals end the script through exit, so the EXIT trap runs for them too.
  trap 'postgres_stop' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  if postgres_start; then return 0; fi
  postgres_stop
  if [ "${CI:-}" = "true" ]; then
    pg_log "CI=true and no PostgreSQL could be started: the store's PostgreSQL tests must run"
    return 1
  fi
  pg_log "notice: no PostgreSQL for the store tests; they skip (set SPARKPLANE_TEST_POSTGRES_URL to run them)"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
  case "${1:-}" in
    start)
      postgres_start || { postgres_stop; exit 1; }
      echo "export SPARKPLANE_TEST_POSTGRES_URL='$SPARKPLANE_TEST_POSTGRES_URL'"
      echo "# stop with: bash scripts/postgres.sh stop $PG_TEST_DIR"
      ;;
    stop) postgres_stop "${2:?usage: postgres.sh stop DIR}" ;;
    *) echo "usage: bash scripts/postgres.sh start | stop DIR" >&2; exit 2 ;;
  esac
fi
