#!/usr/bin/env bash
# Debian's chromium renders `explain -o html` in tests/test_html_browser.py (DOM, screenshot, no network).
# Best effort: without it those tests skip and say why.
set -u
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core \
    >/dev/null 2>&1 || echo "note: could not install chromium; the browser tests of -o html will skip"
fi
exit 0
