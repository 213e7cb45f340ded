#!/usr/bin/env bash
# Installs what a fresh Debian machine of this kind lacks: Debian's chromium (never Playwright's own
# browser download), ffmpeg for fixture conversion, Python 3.11 with torch/numpy/pytest for the training
# package, and the npm dependencies. Idempotent: does nothing that is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v ffmpeg >/dev/null || need_apt+=(ffmpeg)
/usr/bin/python3 -c 'import torch, numpy, pytest' 2>/dev/null || need_apt+=(python3-torch python3-numpy python3-pytest libopenblas0-pthread)
/usr/bin/python3 -c 'import PIL, openpyxl' 2>/dev/null || need_apt+=(python3-pil python3-openpyxl)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "== installing Debian packages: ${need_apt[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need_apt[@]}"
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  # `npm install`, not `npm ci`: this machine's npm writes lockfiles without registry URLs
  # (omit-lockfile-registry-resolved), which drops other platforms' optional packages (rollup's) from the lock,
  # and `npm ci` then refuses the lock as out of sync. `npm install` keeps every locked version.
  echo "== npm install (locked versions)"
  npm install --no-audit --no-fund
fi
