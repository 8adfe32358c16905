#!/usr/bin/env bash
# The C# wrapper (unity_bindings/) under Mono, against the freshly built native library and a
# real ovrnet-server: compiles the wrapper (everything but the Unity-only runner) and the console
# test program in unity_bindings/Tests~/Mono with mcs at C# 7.2, runs it (it spawns two more mono
# processes as the other users and one for the Unity init family), prints `N passed, N failed`
# and exits non-zero on any failure.
# The program also checks the Unity package's layout (.meta files with fixed, unique GUIDs,
# plugin platform settings) and runs the samples' network logic against real peers.
# Installs mono-mcs and mono-runtime when missing (needs root for apt-get).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
target="${CARGO_TARGET_DIR:-$root/target}"

if ! command -v mcs >/dev/null || ! command -v mono >/dev/null; then
    echo "test-csharp: installing mono-mcs mono-runtime"
    if [[ $(id -u) -ne 0 ]]; then
        echo "test-csharp: need root for apt-get (or install mono-mcs and mono-runtime)" >&2
        exit 2
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq mono-mcs mono-runtime >/dev/null 2>&1 || {
        apt-get update -qq
        apt-get install -y -qq mono-mcs mono-runtime >/dev/null
    }
fi

echo "== cargo build (native library and server)"
cargo build --quiet --lib --bin ovrnet-server
lib="$target/debug/libovrnet.so"
server_bin="$target/debug/ovrnet-server"

work="$(mktemp -d "${TMPDIR:-/tmp}/ovrnet-csharp.XXXXXX")"
mkdir -p "$work/unity"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "== mcs -langversion:7.2"
pkg="$root/unity_bindings"
# UNITY_5_3_OR_NEWER stays undefined, so the MonoBehaviour runner compiles out.
mcs -langversion:7.2 -unsafe -warnaserror+ -target:library -out:"$work/Oculus.Platform.dll" \
    -recurse:"$pkg/Runtime/*.cs"
mcs -langversion:7.2 -warnaserror+ -r:"$work/Oculus.Platform.dll" -r:System.Core.dll \
    -out:"$work/OvrnetTests.exe" -recurse:"$pkg/Tests~/Mono/*.cs" -recurse:"$pkg/Samples~/*.cs"
# The Unity-only files (runner, sample MonoBehaviours) compile against a UnityEngine API stub
# with UNITY_5_3_OR_NEWER defined: compile-only, nothing of it runs.
mcs -langversion:7.2 -warnaserror+ -target:library -out:"$work/UnityEngine.dll" "$pkg/Tests~/UnityStub/UnityEngine.cs"
mcs -langversion:7.2 -unsafe -warnaserror+ -target:library -define:UNITY_5_3_OR_NEWER -r:"$work/UnityEngine.dll" \
    -out:"$work/unity/Oculus.Platform.dll" -recurse:"$pkg/Runtime/*.cs"
mcs -langversion:7.2 -warnaserror+ -target:library -define:UNITY_5_3_OR_NEWER -r:"$work/UnityEngine.dll" \
    -r:"$work/unity/Oculus.Platform.dll" -out:"$work/unity/Samples.dll" -recurse:"$pkg/Samples~/*.cs"
# DllImport("ovrnet") must find libovrnet.so next to the program, as a Unity player would.
cp "$lib" "$work/libovrnet.so"

echo "== ovrnet-server"
# Created here, not by the background job's redirect, so the first read below cannot race it.
: >"$work/server.out"
"$server_bin" --auth open --listen 127.0.0.1:0 >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
addr=""
for _ in $(seq 1 100); do
    addr="$(awk '/^listening on /{print $3; exit}' "$work/server.out")"
    [[ -n "$addr" ]] && break
    sleep 0.05
done
if [[ -z "$addr" ]]; then
    echo "test-csharp: the server did not start" >&2
    cat "$work/server.log" >&2
    exit 1
fi
echo "server on $addr"

echo "== mono tests"
# The test process must not inherit a configuration: its cases check the refusals without one.
for v in $(env | awk -F= '/^OVRNET_/{print $1}'); do unset "$v"; done
export OVRNET_LOG="${CSHARP_OVRNET_LOG:-error}"
export MONO_EXE="$(command -v mono)"
status=0
(cd "$work" && LD_LIBRARY_PATH="$work" timeout 600 mono --debug OvrnetTests.exe main "$addr" "$work/libovrnet.so" "$root/include/ovrnet.h" "$pkg") || status=$?
exit "$status"
