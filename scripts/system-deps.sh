#!/usr/bin/env bash
# Install the Debian packages hotich needs when they are missing (needs root or sudo).
# gettext compiles the translations; with --tests also Chromium for the page tests.
set -euo pipefail
need=()
command -v msgfmt >/dev/null || need+=(gettext)
if [ "${1:-}" = "--tests" ] && [ ! -x /usr/bin/chromium ]; then need+=(chromium); fi
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Cài gói hệ thống: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
