#!/usr/bin/env bash
# Runs every test of the workspace, installing what it needs on a fresh machine.
# This is the README's test command and what CI (.ci/run) runs.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain: wasm32 target"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
rustup component list --installed | grep -q '^clippy' || rustup component add clippy
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt

step "ffmpeg (a real HLS client for the server and example tests)"
if ! command -v ffmpeg >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y --no-install-recommends ffmpeg
fi

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --workspace --all-targets --locked --features sdk-native/axum -- -D warnings

step "sdk-core builds for wasm32 (no I/O, no clock)"
cargo build -p sdk-core --target wasm32-unknown-unknown --locked

step "tests (unit, integration, doc)"
cargo test --workspace --locked --features sdk-native/axum

step "doc tests"
cargo test --workspace --doc --locked

step "reference server against its own OpenAPI document (schemathesis, every check)"
scripts/schemathesis.sh

step "browser package: wasm tests (Node, Chromium), loader tests, end-to-end playback"
scripts/test-wasm.sh

step "fuzz smoke: every parser of untrusted bytes for 10 s (nightly + cargo-fuzz, installed if missing)"
scripts/fuzz.sh --smoke
