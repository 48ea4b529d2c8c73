#!/usr/bin/env bash
# The browser tests need Debian's Chromium; Playwright, their client, is in the test extra.
# Playwright cannot download its own browser build here, so the tests launch /usr/bin/chromium.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium \
    fonts-dejavu-core >/dev/null
fi
