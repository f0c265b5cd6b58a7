#!/usr/bin/env bash
# Builds the npm package's wasm and glue into sdk-wasm/pkg/, twice:
#   ansdev_player         without the `client` feature: the token-provider entry (`@ansdev/player`),
#                         what viewers' pages load; no HTTP client, no JSON decoder;
#   ansdev_player_client  with it: the API-key entry (`@ansdev/player/client`).
# Each: cargo (profile release-wasm) → wasm-bindgen --target web → wasm-opt -Oz. Then reports sizes.
# Needs the wasm32 target, the wasm-bindgen CLI matching Cargo.lock (scripts/install-wasm-tools.sh)
# and `npm ci` in sdk-wasm (for binaryen's wasm-opt).
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir=${CARGO_TARGET_DIR:-target}
out=sdk-wasm/pkg
wasm_opt=sdk-wasm/node_modules/.bin/wasm-opt
if [ ! -x "$wasm_opt" ]; then
  echo "wasm-opt missing: run 'npm ci' in sdk-wasm" >&2
  exit 1
fi
rm -rf "$out"

build() {
  local name=$1
  shift
  # Keep the target_features section for wasm-bindgen and wasm-opt; names are removed below.
  CARGO_PROFILE_RELEASE_WASM_STRIP=false \
    cargo build -p sdk-wasm --lib --target wasm32-unknown-unknown --profile release-wasm --locked "$@"
  wasm-bindgen "$target_dir/wasm32-unknown-unknown/release-wasm/sdk_wasm.wasm" \
    --out-dir "$out" --out-name "$name" --target web --remove-name-section --remove-producers-section
  # The features the wasm may use come from its target_features section; `-all` would let
  # wasm-opt introduce ones Node 20 and older browsers lack (stringref).
  # --converge: repeat the passes while they still shrink the module (about 300 bytes gzipped).
  "$wasm_opt" -Oz --converge --strip-debug --strip-producers "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm.opt"
  mv "$out/${name}_bg.wasm.opt" "$out/${name}_bg.wasm"
}

build ansdev_player --no-default-features
build ansdev_player_client

scripts/wasm-size.sh
