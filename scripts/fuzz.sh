#!/usr/bin/env bash
# Fuzzes every parser of untrusted bytes (the cargo-fuzz crate in fuzz/), two targets at a time
# (one per core of a 2-core machine), starting from the committed corpora in fuzz/corpus/.
#
#   scripts/fuzz.sh [SECONDS]   every target for SECONDS (default 600), then a summary
#   scripts/fuzz.sh --smoke     every target for 10 s: the CI smoke step of scripts/test.sh
#
# A crash (panic, broken invariant, hang, out of memory) fails the run; its input is kept in
# fuzz/artifacts/<target>/ (reproduce: cargo +nightly fuzz run -a <target> <file>). New inputs go to
# fuzz/target/corpus/<target>/ (not committed); fold them into the committed corpus with
# `cargo +nightly fuzz cmin -a <target> fuzz/corpus/<target> fuzz/target/corpus/<target>`.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
[ "$seconds" = "--smoke" ] && seconds=10
case "$seconds" in
  '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS | --smoke]" >&2; exit 2 ;;
esac

# cargo-fuzz needs the nightly toolchain (sanitizer flags); the image has it, a fresh one may not.
if ! rustup toolchain list | grep -q '^nightly'; then
  rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi

cd fuzz
# -a: debug assertions on, so an integer overflow is a crash here as in a debug build.
cargo +nightly fuzz build -a
targets=$(cargo +nightly fuzz list)
mkdir -p target/logs

run_one() {
  local target=$1 seconds=$2
  mkdir -p "target/corpus/$target" "corpus/$target"
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: libFuzzer's default, stated.
  if cargo +nightly fuzz run -a "$target" "target/corpus/$target" "corpus/$target" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      >"target/logs/$target.log" 2>&1; then
    echo "ok     $target"
  else
    echo "CRASH  $target (log: fuzz/target/logs/$target.log)"
    grep -a -m1 -A3 "panicked at\|ERROR: libFuzzer\|SUMMARY:\|^error" "target/logs/$target.log" || true
    return 1
  fi
}
export -f run_one

status=0
printf '%s\n' $targets | xargs -P 2 -I{} bash -c 'run_one "$@"' _ {} "$seconds" || status=1

printf '\n%-16s %14s %10s\n' target executions exec/s
for target in $targets; do
  log="target/logs/$target.log"
  runs=$(grep -a -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}' || true)
  rate=$(grep -a -m1 'stat::average_exec_per_sec' "$log" | awk '{print $2}' || true)
  printf '%-16s %14s %10s\n' "$target" "${runs:-?}" "${rate:-?}"
done
exit $status
