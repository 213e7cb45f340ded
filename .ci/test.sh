#!/usr/bin/env bash
# Sets up a fresh machine and runs every test tier: Vitest (Node), pytest (training package),
# Playwright (headless Debian Chromium, WebGPU on SwiftShader, fake camera). This is the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
stage() { echo; echo "== [$((SECONDS - start)) s] $*"; }
stage "setup"
bash .ci/setup.sh
stage "unit tests (vitest)"
npx vitest run
stage "training package (pytest)"
/usr/bin/python3 -m pytest -q models/training/tests
stage "build"
npm run build
stage "end-to-end and WebGPU tests (playwright)"
npx playwright test -c e2e
stage "all tiers passed"
