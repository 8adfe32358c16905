#!/usr/bin/env bash
# Installs what the test command needs on a fresh machine (Rust, gcc, Python and git are assumed):
# the pinned cbindgen and cargo-fuzz, valgrind, g++ (libFuzzer is C++), libenet-dev for the
# benchmark, and (as root) iproute2, iptables, nftables and conntrack for the NAT lab.
# Idempotent; prints what it does.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
want="$(tr -d '[:space:]' < "$root/scripts/cbindgen-version")"
have="$(cbindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [[ "$have" != "$want" ]]; then
    echo "ensure-tools: installing cbindgen $want (found '${have:-none}')"
    cargo install cbindgen --version "$want" --locked --quiet
fi
fuzz_want=0.13.2
if [[ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}' || true)" != "$fuzz_want" ]]; then
    echo "ensure-tools: installing cargo-fuzz $fuzz_want"
    cargo install cargo-fuzz --version "$fuzz_want" --locked --quiet
fi
missing=()
command -v valgrind >/dev/null || missing+=(valgrind)
command -v g++ >/dev/null || missing+=(g++)
command -v nm >/dev/null || missing+=(binutils)
command -v make >/dev/null || missing+=(make)
# The benchmark's ENet contender (bench/) links the system library.
[[ -f /usr/include/enet/enet.h ]] || missing+=(libenet-dev)
# The NAT lab (scripts/nat-lab/) runs only as root, so only root needs its tools.
if [[ $(id -u) -eq 0 ]]; then
    command -v ip >/dev/null || missing+=(iproute2)
    command -v iptables >/dev/null || missing+=(iptables)
    command -v nft >/dev/null || missing+=(nftables)
    command -v conntrack >/dev/null || missing+=(conntrack)
fi
if ((${#missing[@]})); then
    echo "ensure-tools: installing ${missing[*]}"
    if [[ $(id -u) -ne 0 ]]; then
        echo "ensure-tools: need root for apt-get (or install: ${missing[*]})" >&2
        exit 2
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi
