#!/usr/bin/env bash
# Builds the npm package's wasm and glue into sdk-wasm/pkg/:
# cargo (profile release-wasm) → wasm-bindgen --target web → wasm-opt -Oz, then reports sizes.
# Needs the wasm32 target, the wasm-bindgen CLI matching Cargo.lock (scripts/install-wasm-tools.sh)
# and `npm ci` in sdk-wasm (for binaryen's wasm-opt).
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir=${CARGO_TARGET_DIR:-target}
out=sdk-wasm/pkg
name=ansdev_player

# Keep the target_features section for wasm-bindgen; names are removed below instead.
CARGO_PROFILE_RELEASE_WASM_STRIP=false \
  cargo build -p sdk-wasm --lib --target wasm32-unknown-unknown --profile release-wasm --locked
rm -rf "$out"
wasm-bindgen "$target_dir/wasm32-unknown-unknown/release-wasm/sdk_wasm.wasm" \
  --out-dir "$out" --out-name "$name" --target web --remove-name-section --remove-producers-section

wasm_opt=sdk-wasm/node_modules/.bin/wasm-opt
if [ ! -x "$wasm_opt" ]; then
  echo "wasm-opt missing: run 'npm ci' in sdk-wasm" >&2
  exit 1
fi
# The features the wasm may use come from its target_features section (kept by cargo above);
# `-all` would let wasm-opt introduce ones Node 20 and older browsers lack (stringref).
"$wasm_opt" -Oz --strip-debug --strip-producers \
  "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm.opt"
mv "$out/${name}_bg.wasm.opt" "$out/${name}_bg.wasm"

scripts/wasm-size.sh
