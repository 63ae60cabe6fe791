#!/usr/bin/env bash
# What the web console's tests (tests/e2e/test_console.py) need from Debian:
# Chromium, driven headless by Playwright (which cannot download its own
# browsers here, so it launches this one). Installed when
# missing and we are root; otherwise the tests skip (or fail under CI=true).
# Each test starts and stops its own browser.
#
#   source scripts/chromium.sh; chromium_for_tests

chromium_log() { echo "[chromium] $*" >&2; }

chromium_for_tests() {
  if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
      chromium_log "no chromium and not root: the console tests will skip (fail under CI=true)"
      return 0
    fi
    chromium_log "installing Debian's chromium"
    timeout 600 apt-get update -q >&2 &&
      DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q --no-install-recommends chromium >&2
  fi
  SPARKPLANE_TEST_CHROMIUM="$(command -v chromium)"
  export SPARKPLANE_TEST_CHROMIUM
}
