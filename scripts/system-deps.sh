#!/usr/bin/env bash
# Installs the Debian packages govopen needs when they are missing.
#   scripts/system-deps.sh run   Pango and HarfBuzz for WeasyPrint (PDF downloads), the open
#                                Noto CJK fonts that the PDFs embed, and LibreOffice without a GUI
#                                (importing .doc, .wps, .rtf, .odt, .xls, .et)
#   scripts/system-deps.sh test  the same, plus the PostgreSQL server (initdb/pg_ctl for the
#                                throwaway test cluster) and Chromium, which the browser tests
#                                drive through Playwright (never a browser Playwright downloads)
set -euo pipefail
mode=${1:-test}
missing=()
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
           libreoffice-writer-nogui libreoffice-calc-nogui; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "$mode" = test ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
