#!/usr/bin/env bash
# Sets up a fresh machine and runs every test tier: Vitest (Node), pytest (training package),
# Playwright (headless Debian Chromium, WebGPU on SwiftShader, fake camera). This is the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh
echo "== unit tests (vitest)"
npx vitest run
echo "== training package (pytest)"
/usr/bin/python3 -m pytest -q models/training/tests
echo "== build"
npm run build
echo "== end-to-end and WebGPU tests (playwright)"
npx playwright test -c e2e
