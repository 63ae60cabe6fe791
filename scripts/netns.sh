#!/usr/bin/env bash
# Hosts for the several-hosts tests (tests/e2e/test_hosts.py): network
# namespaces on one bridge, each with its own IP, so a server and agents
# talk over a real network rather than loopback. The server runs in the
# root namespace on the bridge's IP; each agent runs in a namespace of its
# own (`ip netns exec`). iproute2 from Debian when missing; needs root
# (otherwise the tests skip, or fail under CI=true).
#
#   source scripts/netns.sh; netns_for_tests      # up, exported, EXIT trap
#   bash scripts/netns.sh up|down [TAG]            # by hand; TAG 0..250
#
# TAG keeps two runs on one machine apart: bridge spbr<TAG>, namespaces
# sp<TAG>h1 and sp<TAG>h2, subnet 10.77.<TAG>.0/24 (netns_for_tests takes
# 20..219 from its pid; by hand, use another).

netns_log() { echo "[netns] $*" >&2; }

netns_up() {
  local tag="${1:-0}" i ns
  local bridge="spbr$tag" net="10.77.$tag"
  netns_down "$tag" 2>/dev/null || true
  ip link add "$bridge" type bridge &&
    ip addr add "$net.1/24" dev "$bridge" &&
    ip link set "$bridge" up || return 1
  for i in 1 2; do
    ns="sp${tag}h$i"
    ip netns add "$ns" &&
      ip link add "sp${tag}v$i" type veth peer name eth0 netns "$ns" &&
      ip link set "sp${tag}v$i" master "$bridge" up &&
      ip -n "$ns" addr add "$net.1$i/24" dev eth0 &&
      ip -n "$ns" link set eth0 up &&
      ip -n "$ns" link set lo up &&
      ip -n "$ns" route add default via "$net.1" || return 1
    # The machine's DNS server is not reachable from a namespace: every
    # lookup there (a JVM asks for its host name) would wait for its
    # timeouts. `ip netns exec` mounts this over /etc/resolv.conf, so a
    # lookup that /etc/hosts does not answer fails at once instead.
    mkdir -p "/etc/netns/$ns" &&
      printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > "/etc/netns/$ns/resolv.conf" || return 1
  done
  export SPARKPLANE_TEST_NETNS_SERVER="$net.1"
  export SPARKPLANE_TEST_NETNS="sp${tag}h1=$net.11 sp${tag}h2=$net.12"
  netns_log "bridge $bridge $net.1, namespaces $SPARKPLANE_TEST_NETNS"
}

# Every step may fail (already gone, a process that exited meanwhile), and
# it runs from an EXIT trap under `set -e`: none of it may end the script.
netns_down() {
  local tag="${1:-0}" i pids
  for i in 1 2; do
    pids="$(ip netns pids "sp${tag}h$i" 2>/dev/null || true)"
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
    # The veth first: deleting one end deletes its peer in the namespace.
    ip link del "sp${tag}v$i" 2>/dev/null || true
    ip netns del "sp${tag}h$i" 2>/dev/null || true
    rm -rf "/etc/netns/sp${tag}h$i"
  done
  ip link del "spbr$tag" 2>/dev/null || true
  return 0
}

# Up for the e2e tests, down when the calling script exits. The tag comes
# from the script's pid, so two runs on one machine do not share (or tear
# down) each other's namespaces.
netns_for_tests() {
  if [ "$(id -u)" -ne 0 ]; then
    netns_log "not root: the several-hosts tests will skip (fail under CI=true)"
    return 0
  fi
  if ! command -v ip >/dev/null 2>&1; then
    netns_log "installing Debian's iproute2"
    timeout 600 apt-get update -q >&2 &&
      DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q --no-install-recommends iproute2 >&2
  fi
  NETNS_TAG=$(( $$ % 200 + 20 ))
  trap 'netns_down "$NETNS_TAG" || true' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  netns_up "$NETNS_TAG"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    up) netns_up "${2:-0}" && echo "export SPARKPLANE_TEST_NETNS_SERVER='$SPARKPLANE_TEST_NETNS_SERVER' SPARKPLANE_TEST_NETNS='$SPARKPLANE_TEST_NETNS'" ;;
    down) netns_down "${2:-0}" ;;
    *) echo "usage: $0 up|down [TAG]" >&2; exit 2 ;;
  esac
fi
