#!/usr/bin/env bash
# Prints the gzipped size of what a page downloads from the package: the wasm, the
# wasm-bindgen glue and the hls.js integration. The goal is at most 60 KB (61 440 bytes).
set -euo pipefail
cd "$(dirname "$0")/../sdk-wasm"

total=0
printf '%-28s %10s %10s\n' file bytes gzip-9
for file in pkg/ansdev_player_bg.wasm pkg/ansdev_player.js js/index.js js/hls.js; do
  [ -f "$file" ] || continue
  raw=$(wc -c <"$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  total=$((total + gz))
  printf '%-28s %10d %10d\n' "$file" "$raw" "$gz"
done
printf '%-28s %10s %10d  (%d.%d KB; goal <= 60 KB)\n' total '' "$total" $((total / 1024)) $(((total % 1024) * 10 / 1024))
# Reported, not enforced, until the package meets the goal; set WASM_SIZE_ENFORCE=1 to fail.
if [ "$total" -gt 61440 ]; then
  echo "warning: over the 60 KB goal" >&2
  [ "${WASM_SIZE_ENFORCE:-0}" = 1 ] && exit 1
fi
exit 0
