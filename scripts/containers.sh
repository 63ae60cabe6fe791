#!/usr/bin/env bash
# What the custom-image tests (tests/e2e/test_images.py) need from Debian:
# podman and runc to run images (runc because crun, podman's default, refuses
# hosts whose cgroups are in hybrid mode), catatonit for `podman run --init`,
# skopeo to ask a registry for a tag's digest,
# mmdebstrap to build the test image from Debian packages, and
# docker-registry to stand in for ECR. Installed when missing and we are
# root; otherwise the tests skip (or fail under CI=true).
#
#   source scripts/containers.sh; containers_for_tests

containers_log() { echo "[containers] $*" >&2; }

containers_for_tests() {
  local missing=()
  for tool in podman runc skopeo mmdebstrap docker-registry; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  [ -x /usr/libexec/podman/catatonit ] || missing+=(catatonit)
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    containers_log "missing ${missing[*]} and not root: the image tests will skip (fail under CI=true)"
    return 0
  fi
  containers_log "installing Debian's podman runc catatonit mmdebstrap docker-registry"
  timeout 600 apt-get update -q >&2 &&
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q --no-install-recommends \
      podman runc catatonit skopeo mmdebstrap docker-registry >&2
}
