#!/usr/bin/env bash
# The full test suite: Rust unit, property and integration tests; the generated header's
# freshness and C/C++ compile check; the C examples against a real server (also under valgrind);
# the NAT lab (every pair of five kinds of kernel NAT, as root);
# the C# wrapper under Mono against the real library and server; every fuzz target for a bounded
# time; the benchmarks' smoke runs.
# Installs missing tools first. Exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/ensure-tools.sh

echo "== cargo test"
cargo test --all-targets 2>&1 | tee /tmp/ovrnet-cargo-test.log | grep -E "^(test result|running|error)|FAILED|panicked" || true
if grep -qE "FAILED|^error" /tmp/ovrnet-cargo-test.log || ! grep -q "test result" /tmp/ovrnet-cargo-test.log; then
    echo "cargo test failed; full log in /tmp/ovrnet-cargo-test.log" >&2
    tail -50 /tmp/ovrnet-cargo-test.log >&2
    exit 1
fi

echo "== header"
bash scripts/check-header.sh

if [[ -f scripts/run-c-examples.sh ]]; then
    echo "== C examples"
    bash scripts/run-c-examples.sh
fi

echo "== NAT lab: 25 pairs of real kernel NATs, relay and direct paths"
if [[ $(id -u) -eq 0 ]] && ip netns add ovrnet-probe-$$ 2>/dev/null; then
    ip netns del ovrnet-probe-$$
    cargo build --release -q --bin ovrnet-server --example lab_peer
    bash scripts/nat-lab/matrix.sh 4
else
    echo "skipped: needs root and network namespaces (CI runs as root)"
fi

echo "== C# wrapper under Mono"
bash scripts/test-csharp.sh

echo "== fuzzing (${FUZZ_SECONDS:-30} s per target, from the committed corpus)"
bash scripts/fuzz.sh

echo "== benchmark smoke run (numbers are not checked here; see benches/)"
cargo bench --bench proto -- --quick

echo "== comparative benchmark smoke run (bench/; the full run is cargo run --release -p ovrnet-bench)"
cargo run --release -q -p ovrnet-bench -- --smoke > /tmp/ovrnet-bench-smoke.log 2>&1 || {
    tail -40 /tmp/ovrnet-bench-smoke.log >&2
    exit 1
}
grep -c "^| " /tmp/ovrnet-bench-smoke.log | xargs -I{} echo "benchmark smoke: {} table rows"

passed=$(grep -oE "test result: ok. [0-9]+ passed" /tmp/ovrnet-cargo-test.log | awk '{s+=$4} END {print s+0}')
echo "all suites green: $passed Rust tests passed"
