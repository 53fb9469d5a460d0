#!/usr/bin/env bash
# Run by Maven before the tests: the browser tests (src/test/java/dev/switchboard/console) drive
# Debian's Chromium through Debian's chromedriver. Installs both when missing and running as root;
# (with an emoji font for readable screenshots); otherwise fails the build with one line saying what to install. The tests are never skipped.
set -euo pipefail
have() { command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; }
have && exit 0
if [ "$EUID" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[ensure-browser] installing chromium and chromium-driver for the browser tests (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver fonts-noto-color-emoji >/dev/null || true
  have && exit 0
fi
echo "The browser tests need Chromium and its driver: install them as root with 'apt-get install chromium chromium-driver'." >&2
exit 1
