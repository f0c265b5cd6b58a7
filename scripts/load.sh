#!/usr/bin/env bash
# Load against one server-reference, bounded in count and time (not part of CI; the fault suites
# run a small version of each: 20 native sessions, 5 browser players):
#   scripts/load.sh [SESSIONS] [PLAYERS] [SECONDS]
# - SESSIONS (default 200) concurrent native playback sessions, each with its own client: every one
#   downloads the encrypted demo (playlists, key, every segment) and decrypts it; mints and key
#   fetches counted exactly in the server's journal (sdk-native test `faults`, l2).
# - PLAYERS (default 50) concurrent SDK players in one Chromium (one context each), every one
#   playing past SECONDS (default 10); mints, key deliveries and the reported quota checked.
# Needs the browser package built (scripts/build-wasm.sh) and `npm ci` in sdk-wasm.
set -euo pipefail
cd "$(dirname "$0")/.."

sessions=${1:-200}
players=${2:-50}
seconds=${3:-10}

printf '\n==> %s native sessions\n' "$sessions"
ANSDEV_LOAD_SESSIONS=$sessions timeout 900 \
  cargo test -p sdk-native --test faults --locked l2_ -- --ignored --nocapture

printf '\n==> %s browser players\n' "$players"
cargo build -p server-reference --locked
ANSDEV_SERVER_BIN="${CARGO_TARGET_DIR:-target}/debug/server-reference" timeout 900 \
  node sdk-wasm/tests/e2e/faults/players-load.mjs "$players" "$seconds"
