#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for a bounded time (FUZZ_SECONDS, default 30 s each) with
# cargo-fuzz (libFuzzer, AddressSanitizer), starting from the committed corpus in
# fuzz/corpus/<target>. Any crash, leak or timeout fails the run and leaves the input in
# fuzz/artifacts/<target>. New inputs go to a scratch directory, so the committed corpus stays
# small (regenerate it with: cd fuzz && cargo run --example make_corpus).
#
# Needs cargo-fuzz (cargo install cargo-fuzz --version 0.13.2 --locked) and a C++ compiler
# (libFuzzer is C++). cargo-fuzz passes nightly-only flags (-Zsanitizer); RUSTC_BOOTSTRAP=1
# lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../fuzz"
secs=${FUZZ_SECONDS:-30}
export RUSTC_BOOTSTRAP=1
cargo fuzz build --release 2>&1 | tail -3
failed=0
for t in $(cargo fuzz list); do
    work=$(mktemp -d)
    mkdir -p "corpus/$t"
    if cargo fuzz run --release "$t" "$work" "corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=2048 \
        >"$work.log" 2>&1; then
        echo "  ok    fuzz $t: $(grep -Eo '^#[0-9]+' "$work.log" | tail -1 | tr -d '#') runs in ${secs} s, no crash"
    else
        tail -30 "$work.log"
        echo "  FAIL  fuzz $t (input kept in fuzz/artifacts/$t)"
        failed=1
    fi
    rm -rf "$work" "$work.log"
done
exit $failed
