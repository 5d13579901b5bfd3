#!/usr/bin/env bash
# Makes sure a Chromium for the Dagster UI test is there and prints its path on stdout.
#
# - KLINE_SKIP_UI_TEST=1: prints nothing and installs nothing (the test then skips, saying so).
# - KLINE_CHROMIUM set: checks that it is an executable and prints it.
# - otherwise: Debian's /usr/bin/chromium (or chromium on the PATH); when absent, installs Debian's
#   package `chromium` (apt-get, as root). Playwright drives this executable; it never downloads a
#   browser of its own.
# Fails, saying why, when no Chromium can be had; messages go to stderr.
set -euo pipefail

log() { echo "ensure-chromium: $*" >&2; }

if [[ "${KLINE_SKIP_UI_TEST:-}" == "1" ]]; then
  log "KLINE_SKIP_UI_TEST=1: not looking for Chromium (the Dagster UI test is skipped)"
  exit 0
fi

if [[ -n "${KLINE_CHROMIUM:-}" ]]; then
  [[ -x "$KLINE_CHROMIUM" ]] || { log "KLINE_CHROMIUM=$KLINE_CHROMIUM is not an executable"; exit 1; }
  echo "$KLINE_CHROMIUM"
  exit 0
fi

found() {
  if [[ -x /usr/bin/chromium ]]; then echo /usr/bin/chromium; else command -v chromium 2>/dev/null; fi
}

if ! path="$(found)"; then
  if [[ "$(id -u)" != "0" ]]; then
    log "Chromium is not installed and this user cannot install it: install Debian's 'chromium' package," \
      "set KLINE_CHROMIUM=/path/to/chromium, or KLINE_SKIP_UI_TEST=1 to skip the Dagster UI test"
    exit 1
  fi
  log "installing Debian's chromium (apt-get) ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq chromium >&2
  path="$(found)" || { log "apt-get installed chromium, but no chromium executable is there"; exit 1; }
fi
echo "$path"
