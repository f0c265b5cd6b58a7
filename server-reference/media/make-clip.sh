#!/bin/sh
# Regenerates the bundled test clip: a 42-second H.264 baseline + AAC test pattern in MPEG-TS,
# two renditions (320x180 "hi", 160x90 "lo"), cut into 6-second chunk_NNNN.ts segments.
# Low bitrates keep the whole clip to a few hundred KB so it can live in the repository.
# Keyframes every 6 s (10 fps, GOP 60) make every segment exactly 6 s long, matching the
# playlists' target duration. Requires ffmpeg (apt-get install -y --no-install-recommends ffmpeg).
set -eu
cd "$(dirname "$0")"
DURATION=42
render() {
  name=$1 size=$2 vbitrate=$3
  rm -rf "$name" && mkdir -p "$name"
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=${size}:rate=10:duration=${DURATION}" \
    -f lavfi -i "sine=frequency=440:sample_rate=22050:duration=${DURATION}" \
    -c:v libx264 -profile:v baseline -level 3.0 -pix_fmt yuv420p -preset veryslow \
    -b:v "$vbitrate" -maxrate "$vbitrate" -bufsize "$vbitrate" \
    -g 60 -keyint_min 60 -sc_threshold 0 \
    -c:a aac -b:a 16k -ac 1 \
    -map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact \
    -f hls -hls_time 6 -hls_playlist_type vod -hls_segment_type mpegts \
    -hls_segment_filename "$name/chunk_%04d.ts" "$name/index.m3u8"
}
render hi 320x180 24k
render lo 160x90 10k
