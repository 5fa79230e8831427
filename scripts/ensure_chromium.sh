#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (Playwright cannot download its own
# browser here). Installs the package when it is missing.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
echo "Chromium est absent : installation du paquet Debian « chromium »…"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
command -v chromium >/dev/null 2>&1 || { echo "Échec de l'installation de Chromium." >&2; exit 1; }
