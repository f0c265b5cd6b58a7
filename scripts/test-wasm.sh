#!/usr/bin/env bash
# Builds the browser package and runs its tests: a strict type-check of the package, wasm-bindgen
# tests under Node and in headless Chromium, the package's loader, API-key transport, lifecycle
# and packaging tests under Node, the end-to-end
# playback tests in Chromium against server-reference, and the fault suites (tests/e2e/faults/). Installs what it needs on a fresh
# machine: the wasm32 target, the wasm-bindgen CLI matching Cargo.lock, the npm packages of
# sdk-wasm/package-lock.json, and Chromium + chromedriver (and ffmpeg) via apt.
#
# Every test step checks that tests really ran: a runner that finds nothing fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# `cargo test` output must report at least one passed test and no failure.
expect_ran() {
  local log=$1 what=$2 passed
  passed=$(grep -Eo 'test result: ok\. [0-9]+ passed' "$log" | awk '{s += $4} END {print s + 0}')
  if [ "$passed" -eq 0 ]; then
    echo "no $what test ran" >&2
    exit 1
  fi
  echo "$what: $passed tests passed"
}

step "tools: wasm32 target and wasm-bindgen CLI"
scripts/install-wasm-tools.sh

step "npm packages (sdk-wasm/package-lock.json)"
(cd sdk-wasm && npm ci --no-audit --no-fund)

step "Chromium, chromedriver and ffmpeg"
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

step "lint (wasm32)"
cargo clippy -p sdk-wasm --target wasm32-unknown-unknown --all-targets --locked -- -D warnings
cargo clippy -p sdk-wasm --target wasm32-unknown-unknown --all-targets --no-default-features --locked -- -D warnings

step "package build (cargo → wasm-bindgen → wasm-opt) and size"
# The size budgets (the token-provider entry's wasm + glue ≤ 60 506 bytes gzipped, each adapter and the element ≤ 5 KB) are enforced here.
WASM_SIZE_ENFORCE=1 scripts/build-wasm.sh

step "types: tsc --strict over the package's JS and .d.ts (lib ES2022, skipLibCheck off) and a strict consumer"
# sdk-wasm/tsconfig.json; tests/types/consumer.ts's @ts-expect-error lines fail this step if the
# types grow loose again. Needs pkg/*.d.ts from the build above.
(cd sdk-wasm && node_modules/.bin/tsc --noEmit --strict -p .)

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner

# The server comes from this workspace (or ANSDEV_SERVER_BIN, e.g. a build of another branch).
server_bin=${ANSDEV_SERVER_BIN:-}
if [ -z "$server_bin" ] && [ -f server-reference/src/main.rs ]; then
  cargo build -p server-reference --locked
  server_bin="${CARGO_TARGET_DIR:-target}/debug/server-reference"
fi
# The browser examples' backend (examples/src/bin/player-backend.rs), driven by the e2e tests.
backend_bin=${ANSDEV_PLAYER_BACKEND_BIN:-}
if [ -z "$backend_bin" ] && [ -f examples/src/bin/player-backend.rs ]; then
  cargo build -p examples --bin player-backend --locked
  backend_bin="${CARGO_TARGET_DIR:-target}/debug/player-backend"
fi
# The wasm tests' CONTRACT flows (tests/contract.rs) run against a server started here; its URL
# and demo key reach the tests at build time.
wasm_tests=(--test node)
server_pid=""
stop_server() { [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true; }
trap 'stop_server; rm -rf "$logs"' EXIT
if [ -n "$server_bin" ]; then
  "$server_bin" --addr 127.0.0.1:0 --dev >"$logs/server.out" 2>"$logs/server.err" &
  server_pid=$!
  for _ in $(seq 300); do
    grep -q '^demo api key: ' "$logs/server.out" && break
    sleep 0.1
  done
  ANSDEV_TEST_SERVER=$(sed -n 's/^listening on //p' "$logs/server.out" | head -1)
  ANSDEV_TEST_API_KEY=$(sed -n 's/^demo api key: //p' "$logs/server.out" | head -1)
  if [ -z "$ANSDEV_TEST_SERVER" ] || [ -z "$ANSDEV_TEST_API_KEY" ]; then
    cat "$logs/server.err" >&2
    echo "server-reference did not start" >&2
    exit 1
  fi
  export ANSDEV_TEST_SERVER ANSDEV_TEST_API_KEY
  wasm_tests=(--tests)
else
  echo "(CONTRACT flows skipped: no server-reference binary in this tree yet)"
fi

step "wasm-bindgen tests under Node"
cargo test -p sdk-wasm --target wasm32-unknown-unknown "${wasm_tests[@]}" --locked 2>&1 | tee "$logs/node.log"
expect_ran "$logs/node.log" "wasm (Node)"

step "wasm-bindgen tests in headless Chromium"
profile=$(mktemp -d)
cat >"$logs/webdriver.json" <<EOF
{"goog:chromeOptions": {"binary": "$(command -v chromium)", "args": ["--headless=new", "--no-sandbox",
  "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
  "--user-data-dir=$profile"]}}
EOF
WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=$(command -v chromedriver) \
  WASM_BINDGEN_TEST_WEBDRIVER_JSON="$logs/webdriver.json" \
  cargo test -p sdk-wasm --target wasm32-unknown-unknown "${wasm_tests[@]}" --locked 2>&1 | tee "$logs/browser.log"
rm -rf "$profile"
expect_ran "$logs/browser.log" "wasm (Chromium)"
stop_server
server_pid=""

step "package tests under Node (hls.js loader; token-provider contract; API-key transport against servers on 127.0.0.1; lifecycle; exports and tarball)"
# Every package test file (a new one cannot be left out).
node --test sdk-wasm/tests/*.test.mjs 2>&1 | tee "$logs/loader.log"
grep -Eq '^# pass [1-9]' "$logs/loader.log" || { echo "no loader test ran" >&2; exit 1; }
grep -Eq '^# fail 0' "$logs/loader.log"

if [ -n "$server_bin" ]; then
  step "end-to-end in Chromium against server-reference: playback, the hosted player page, the browser examples"
  ANSDEV_SERVER_BIN="$server_bin" ANSDEV_PLAYER_BACKEND_BIN="$backend_bin" \
    node --test --test-concurrency=1 sdk-wasm/tests/e2e/*.test.mjs 2>&1 | tee "$logs/e2e.log"
  grep -Eq '^# pass [1-9]' "$logs/e2e.log" || { echo "no e2e test ran" >&2; exit 1; }
  grep -Eq '^# fail 0' "$logs/e2e.log"

  step "fault suites in Chromium: hls.js integration and hosted page under bursts, outages, clock jumps, offline; 5 players at once"
  # Each file has its own server (its own clock and fault list), so files run concurrently; the
  # tests of a file run one after another. Three at a time: ~3 minutes on 2 cores.
  ANSDEV_SERVER_BIN="$server_bin" \
    node --test --test-concurrency=3 sdk-wasm/tests/e2e/faults/*.test.mjs 2>&1 | tee "$logs/faults.log"
  grep -Eq '^# pass [1-9]' "$logs/faults.log" || { echo "no fault suite ran" >&2; exit 1; }
  grep -Eq '^# fail 0' "$logs/faults.log"
else
  echo "(end-to-end tests skipped: no server-reference binary in this tree yet)"
fi

if [ -n "$server_bin" ] && [ -z "${ANSDEV_SERVER_BIN:-}" ]; then
  step "the demo command: scripts/demo.sh --check (native examples, then the hosted player page in Chromium)"
  scripts/demo.sh --check
fi
