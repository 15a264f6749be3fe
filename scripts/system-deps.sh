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
# Another apt-get (a second checkout's setup, the system's own updates) may hold apt's locks:
# wait for it, up to 15 minutes, instead of failing at once ("Could not get lock").
APT=($SUDO apt-get -o DPkg::Lock::Timeout=900)
for attempt in $(seq 1 90); do
  "${APT[@]}" update -qq && break
  [ "$attempt" -lt 90 ] || exit 1
  echo "apt-get update thất bại (có thể apt đang bận), thử lại sau 10 giây…"
  sleep 10
done
export DEBIAN_FRONTEND=noninteractive
[ ${#need[@]} -eq 0 ] || "${APT[@]}" install -y -qq "${need[@]}" >/dev/null
# LibreOffice's recommended packages (Java, GUI themes…) are not needed to convert to PDF.
[ ${#lean[@]} -eq 0 ] || "${APT[@]}" install -y -qq --no-install-recommends "${lean[@]}" >/dev/null
