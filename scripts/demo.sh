#!/usr/bin/env bash
# The README's first command: the Ansdev SDK at work on this machine.
#
#   ./scripts/demo.sh           build, start the reference server with its demo data, run the
#                               native examples against it, print the player URL to open; the
#                               server stays up until Ctrl-C
#   ./scripts/demo.sh --check   the same, then opens the player URL in headless Chromium,
#                               checks that the encrypted video plays, and exits (for tests)
#
# Builds what it needs: server-reference and the examples (cargo), the browser Player SDK (the
# wasm32 target and wasm-bindgen CLI via scripts/install-wasm-tools.sh, `npm ci` in sdk-wasm,
# scripts/build-wasm.sh). Installs Node.js (and, for --check, Chromium) with apt when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
target_dir=${CARGO_TARGET_DIR:-target}
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo apt-get install -y --no-install-recommends "$@"
}

step "tools"
missing=()
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if $check && ! command -v chromium >/dev/null; then missing+=(chromium); fi
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
scripts/install-wasm-tools.sh
if [ ! -f sdk-wasm/node_modules/.package-lock.json ] \
  || [ sdk-wasm/package-lock.json -nt sdk-wasm/node_modules/.package-lock.json ]; then
  (cd sdk-wasm && npm ci --no-audit --no-fund)
fi

step "build: server-reference, examples, the browser Player SDK"
cargo build --locked -p server-reference -p examples --bins
scripts/build-wasm.sh

step "start server-reference (demo data, 127.0.0.1)"
addr=127.0.0.1:8787
if (exec 3<>/dev/tcp/127.0.0.1/8787) 2>/dev/null; then
  echo "port 8787 is taken: using a free port"
  addr=127.0.0.1:0
fi
server_args=(--addr "$addr")
# --check plays past several token lifetimes, so its tokens live 10 s.
if $check; then server_args+=(--dev --token-ttl-seconds 10); fi
"$target_dir/debug/server-reference" "${server_args[@]}" >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 300); do
  grep -q '^demo player: ' "$work/server.out" && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
base=$(sed -n 's/^listening on //p' "$work/server.out")
api_key=$(sed -n 's/^demo api key: //p' "$work/server.out")
if [ -z "$base" ] || [ -z "$api_key" ]; then
  cat "$work/server.log" >&2
  echo "server-reference did not start" >&2
  exit 1
fi
echo "listening on $base (server log: stderr of the process, kept in a temporary file)"
export ANSDEV_BASE_URL=$base ANSDEV_API_KEY=$api_key NO_COLOR=1

step "native client: quickstart (list videos, mint a token, quota, each error class)"
"$target_dir/debug/quickstart"

step "native client: download and decrypt the encrypted demo to a playable .ts"
"$target_dir/debug/download" vid_demo_encrypted "$work/demo.ts" 480p
if command -v ffprobe >/dev/null; then
  ffprobe -v error -show_entries format=format_name,duration -of csv=p=0 "$work/demo.ts" \
    | sed 's/^/ffprobe: /'
fi

# A fresh player URL, minted through the API as any app would.
mint() {
  node -e '
    const [base, key] = process.argv.slice(1);
    fetch(`${base}/v1/video/vid_demo_encrypted/playback-token`, {
      method: "POST", headers: { "x-ansdev-key": key, "content-length": "0" },
    }).then((r) => r.json()).then((b) => {
      if (!b.success) throw new Error(b.error.code);
      console.log(b.data.playerUrl);
    }).catch((e) => { console.error(`mint failed: ${e.message}`); process.exit(1); });
  ' "$base" "$api_key"
}

if $check; then
  step "check: the hosted player page plays the encrypted video in headless Chromium"
  player_url=$(mint)
  # Past three 10-second token lifetimes, on the page's one token.
  node sdk-wasm/tests/e2e/open-player.mjs "$player_url" 31
  echo "demo check passed"
  exit 0
fi

player_url=$(mint)
cat <<TEXT

$(printf '\033[1m')The demo is running.$(printf '\033[0m')

  Open the player (the encrypted demo video, its token state, position and any error):
    $player_url

  That link holds one playback token (5 minutes) and needs nothing else. For a fresh link:
    curl -s -X POST -H 'x-ansdev-key: $api_key' -H 'content-length: 0' \\
      $base/v1/video/vid_demo_encrypted/playback-token   # → data.playerUrl

  What to run next (in another terminal), a Rust backend whose browser player gets its tokens
  from the backend, so the API key never reaches the browser:
    ANSDEV_BASE_URL=$base ANSDEV_API_KEY=$api_key \\
      cargo run -p examples --bin player-backend       # then open http://127.0.0.1:3000/

  The API key above is the demo key generated at this start; it lives as long as this server.
  Every test: ./scripts/test.sh

Ctrl-C stops the server.
TEXT
wait "$server_pid"
