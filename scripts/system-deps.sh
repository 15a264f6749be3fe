#!/usr/bin/env bash
# Install the Debian packages hotich needs when they are missing (needs root or sudo).
# gettext compiles the translations; fonts-liberation2 is the font printed extracts and
# notices embed (hotich/lib/official_pdf.py; without it they fall back to DejaVu Serif from
# matplotlib); with --tests also Chromium for the page tests, and
# LibreOffice Writer (headless) + poppler-utils, which turn the weekly report into PDF and
# read its text back, and LibreOffice Calc, which makes the .xls and .ods files the import
# tests read (tests/exchange/test_formats.py).
set -euo pipefail
need=()
lean=()
command -v msgfmt >/dev/null || need+=(gettext)
[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need+=(fonts-liberation2)
if [ "${1:-}" = "--tests" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v soffice >/dev/null || lean+=(libreoffice-writer-nogui fonts-liberation2)
  command -v pdftotext >/dev/null || lean+=(poppler-utils)
  dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 || lean+=(libreoffice-calc-nogui)
fi
[ $((${#need[@]} + ${#lean[@]})) -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Cài gói hệ thống: ${need[*]} ${lean[*]}"
$SUDO apt-get update -qq
export DEBIAN_FRONTEND=noninteractive
[ ${#need[@]} -eq 0 ] || $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
# LibreOffice's recommended packages (Java, GUI themes…) are not needed to convert to PDF.
[ ${#lean[@]} -eq 0 ] || $SUDO apt-get install -y -qq --no-install-recommends "${lean[@]}" >/dev/null
