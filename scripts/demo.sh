#!/usr/bin/env bash
# The README's first command: shows the SDK at work.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --locked -p examples --bin core-tour
