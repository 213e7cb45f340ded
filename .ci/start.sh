#!/usr/bin/env bash
# Sets up, builds the PWA and serves it on http://127.0.0.1:4173 (the README's run command).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh
npm run build
echo "Open http://127.0.0.1:4173 in Chromium or Chrome (WebGPU). No camera? Choose the bundled demo source."
exec npx vite preview --host 127.0.0.1 --port 4173 --strictPort
