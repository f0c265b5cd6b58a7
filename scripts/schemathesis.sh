#!/usr/bin/env bash
# Fuzzes a `--dev` reference server against its own /openapi.json with schemathesis: every
# operation, every check, bounded in count and time. Fails on any failure.
#
# Usage: scripts/schemathesis.sh [SERVER_BINARY]   (default: builds target/debug/server-reference)
# Env: SCHEMATHESIS_MAX_EXAMPLES (per operation, default 100: about 1,800 cases, under a minute
#      on 2 busy cores), SCHEMATHESIS_TIME_CAP (seconds per phase, default 150: a hung run fails
#      within about 5 minutes, and the playback token it hands out outlives the first phase).
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned: a new release may add checks, which should land as a change of this line.
version=4.32.0
venv=target/schemathesis-venv
max_examples=${SCHEMATHESIS_MAX_EXAMPLES:-100}
time_cap=${SCHEMATHESIS_TIME_CAP:-150}

if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "$version"; then
  if ! python3 -m venv --clear "$venv" 2>/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq && $sudo apt-get install -y --no-install-recommends python3-venv
    python3 -m venv --clear "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi

server=${1:-}
if [ -z "$server" ]; then
  cargo build --locked -q -p server-reference --bin server-reference
  server=target/debug/server-reference
fi

work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A fresh in-memory server with the demo seed; its first stdout line is the address, a later
# one the demo key.
"$server" --dev --addr 127.0.0.1:0 >"$work/stdout" 2>"$work/stderr" &
pid=$!
base="" key=""
for _ in $(seq 1 300); do
  base=$(sed -n '1s/^listening on //p' "$work/stdout")
  key=$(sed -n 's/^demo api key: //p' "$work/stdout")
  [ -n "$base" ] && [ -n "$key" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/stderr" >&2; echo "server exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$base" ] && [ -n "$key" ] || { echo "server did not print its address and key" >&2; exit 1; }
echo "server: $base"

# Credentials for every scheme of the document: the demo key (above), the demo user's JWT as
# bearer and session cookie, and (through the settings file) a playback token for the demo's
# encrypted video with its job id. The run is far shorter than the token's 5 minutes.
json_field() { "$venv/bin/python" -c "import json,sys; print(json.load(sys.stdin)$1)"; }
ANSDEV_USER_JWT=$(curl -fsS -X POST -H 'content-length: 0' "$base/dev/users/user_demo/token" | json_field "['token']")
ANSDEV_PLAYBACK_TOKEN=$(curl -fsS -X POST -H 'content-length: 0' -H "x-ansdev-key: $key" \
  "$base/v1/video/vid_demo_encrypted/playback-token" | json_field "['data']['token']")
ANSDEV_JOB_ID=$(curl -fsS -H "x-ansdev-key: $key" "$base/v1/video/vid_demo_encrypted" |
  json_field "['data']['jobId']")
ANSDEV_API_KEY=$key
export ANSDEV_API_KEY ANSDEV_USER_JWT ANSDEV_PLAYBACK_TOKEN ANSDEV_JOB_ID

# One worker: with two, hypothesis's description of its strategies raced and raised a runtime
# error in schemathesis itself (not a finding about the server). A fixed seed makes a failure
# reproducible with the same command.
run() {
  local phase=$1
  shift
  echo "--- schemathesis: $phase"
  timeout --signal=INT "$time_cap" "$venv/bin/schemathesis" \
    --config-file scripts/schemathesis.toml run "$base/openapi.json" \
    --checks all --max-examples "$max_examples" --workers 1 \
    --generation-database none --seed 1 --no-color \
    "$@" ||
    { echo "schemathesis ($phase) failed or ran past ${time_cap}s" >&2; return 1; }
}

# Armed faults make the routes they hit answer what the test asked for, and clock moves expire
# the playback token the settings file hands out, both by design: they get a phase of their
# own, after every other operation has run on an unfaulted server with the wall clock.
# Status moves and seeds change which videos exist and can be minted for: second phase too.
run "every operation but the state-changing dev routes" \
  --exclude-path-regex '^/dev/(faults|clock|seed|videos/.*)$'
run "/dev/faults, /dev/clock, /dev/seed and /dev/videos/{videoId}/status" \
  --include-path-regex '^/dev/(faults|clock|seed|videos/.*)$'

