#!/usr/bin/env bash
# Install the Debian packages the test suite needs, only when something is missing.
# Runs as root in CI (the clean clone's machine); uses sudo elsewhere when it is available.
set -euo pipefail
needed=()
command -v pdftoppm >/dev/null 2>&1 || needed+=(poppler-utils)
# Debian's Chromium: the dashboard's browser tests (Playwright) and PDF reports (print to PDF).
[ -x /usr/bin/chromium ] || needed+=(chromium)
[ -d /usr/share/fonts/truetype/dejavu ] || needed+=(fonts-dejavu-core)
if [ ${#needed[@]} -eq 0 ]; then
  exit 0
fi
echo "installing Debian packages: ${needed[*]}"
run() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }
export DEBIAN_FRONTEND=noninteractive
run apt-get update -qq || true
run apt-get install -y -qq --no-install-recommends "${needed[@]}"
