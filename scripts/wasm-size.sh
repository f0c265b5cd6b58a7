#!/usr/bin/env bash
# Prints the gzipped size of what a page downloads from the package, per entry: the wasm, the
# wasm-bindgen glue, the entry module and the hls.js integration. The token-provider entry, the
# one viewers' pages load, must not grow past 60 506 bytes of wasm + glue (its size when the
# adapters and the element came in; 60 KB was the first goal); the whole download (with the
# hand-written entry and loader, shipped unminified) is reported beside.
# Each adapter and the element add at most 5 KB (5 120 bytes) gzipped of their own JS.
set -euo pipefail
cd "$(dirname "$0")/../sdk-wasm"

entry() {
  local title=$1
  shift
  local total=0 raw gz
  printf '%s\n' "$title"
  for file in "$@"; do
    raw=$(wc -c <"$file")
    gz=$(gzip -9 -c "$file" | wc -c)
    total=$((total + gz))
    printf '  %-34s %8d bytes %8d gzipped\n' "$file" "$raw" "$gz"
  done
  printf '  %-34s %8s       %8d gzipped (%d.%d KB)\n' total '' "$total" $((total / 1024)) $(((total % 1024) * 10 / 1024))
  last_total=$total
}

entry "@ansdev/player (token provider), wasm + glue:" \
  pkg/ansdev_player_bg.wasm pkg/ansdev_player.js
player_total=$last_total
entry "@ansdev/player (token provider), everything a page loads:" \
  pkg/ansdev_player_bg.wasm pkg/ansdev_player.js js/index.js js/errors.js js/lifecycle.js js/hls.js js/endpoint.js
entry "@ansdev/player/client (API key):" \
  pkg/ansdev_player_client_bg.wasm pkg/ansdev_player_client.js js/client.js js/errors.js js/lifecycle.js js/hls.js
entry "@ansdev/player/element, its own JS (on top of the token-provider entry):" \
  js/element.js
element_total=$last_total
entry "@ansdev/player/shaka, its own JS (on top of the token-provider entry):" \
  js/shaka.js js/prefetch.js
shaka_total=$last_total
entry "@ansdev/player/videojs, its own JS (on top of the token-provider entry):" \
  js/videojs.js js/prefetch.js
videojs_total=$last_total

# WASM_SIZE_ENFORCE=1 (set by scripts/test-wasm.sh) turns the warning into a failure.
if [ "$player_total" -gt 60506 ]; then
  echo "warning: the token-provider wasm + glue grew past 60 506 bytes gzipped" >&2
  [ "${WASM_SIZE_ENFORCE:-0}" = 1 ] && exit 1
fi
if [ "$element_total" -gt 5120 ]; then
  echo "warning: the element's own JS is over the 5 KB goal" >&2
  [ "${WASM_SIZE_ENFORCE:-0}" = 1 ] && exit 1
fi
if [ "$shaka_total" -gt 5120 ]; then
  echo "warning: the Shaka integration's own JS is over the 5 KB goal" >&2
  [ "${WASM_SIZE_ENFORCE:-0}" = 1 ] && exit 1
fi
if [ "$videojs_total" -gt 5120 ]; then
  echo "warning: the Video.js integration's own JS is over the 5 KB goal" >&2
  [ "${WASM_SIZE_ENFORCE:-0}" = 1 ] && exit 1
fi
exit 0
