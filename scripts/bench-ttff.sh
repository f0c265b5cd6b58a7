#!/usr/bin/env bash
# Time to first frame of the SDK's hls.js path and of `<ansdev-player preload="metadata">` against plain hls.js (sdk-wasm/bench/ttff.mjs):
# cold Chromium profiles, CDP latency per request, players alternated run by run, medians and
# their ratio printed side by side.
#   scripts/bench-ttff.sh [RUNS=9] [LATENCY_MS=50]
# Needs what scripts/test-wasm.sh installs (wasm tools, npm packages, Chromium); builds the
# package and the server first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-wasm-tools.sh >/dev/null
(cd sdk-wasm && npm ci --no-audit --no-fund >/dev/null)
scripts/build-wasm.sh >/dev/null
cargo build -q -p server-reference --locked
ANSDEV_SERVER_BIN="${CARGO_TARGET_DIR:-target}/debug/server-reference" \
  node sdk-wasm/bench/ttff.mjs "${1:-9}" "${2:-50}"
