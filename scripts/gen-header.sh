#!/usr/bin/env bash
# Regenerates include/ovrnet.h from src/capi with the pinned cbindgen version.
# Usage: scripts/gen-header.sh [output-path]   (default: include/ovrnet.h)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
want="$(tr -d '[:space:]' < "$root/scripts/cbindgen-version")"
have="$(cbindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [[ "$have" != "$want" ]]; then
    echo "gen-header: need cbindgen $want (found '${have:-none}')." >&2
    echo "  install it with: cargo install cbindgen --version $want --locked" >&2
    exit 2
fi
out="${1:-$root/include/ovrnet.h}"
cd "$root"
# cbindgen reports every skipped non-exported item as a WARN line; keep only real problems.
cbindgen --quiet --config cbindgen.toml --crate ovrnet --output "$out"
