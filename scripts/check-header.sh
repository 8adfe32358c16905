#!/usr/bin/env bash
# Fails when the generated SDK surface or include/ovrnet.h is stale, or when any header in include/ does not compile cleanly as
# C11 and as C++17.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The generated SDK surface (Rust stubs, enums, header shims) must match sdk/surface.tsv.
python3 "$root/scripts/gen-surface.py" --check

"$root/scripts/gen-header.sh" "$tmp/ovrnet.h"
if ! diff -u "$root/include/ovrnet.h" "$tmp/ovrnet.h"; then
    echo "check-header: include/ovrnet.h is stale; run scripts/gen-header.sh and commit it." >&2
    exit 1
fi

# One translation unit that includes every header, twice each to prove the include guards work.
{
    for h in "$root"/include/*.h; do
        echo "#include \"$(basename "$h")\""
        echo "#include \"$(basename "$h")\""
    done
    # The original enum tags (`enum ovrSendPolicy_`) and constants work too.
    echo 'int main(void) { ovrMessageHandle m = 0; enum ovrSendPolicy_ p = ovrSend_Reliable; enum ovrMessageType_ t = ovrMessage_Room_Join2; (void)m; (void)t; return (int)p - 1 + (int)invalidRequestID; }'
} > "$tmp/all_headers.c"
cp "$tmp/all_headers.c" "$tmp/all_headers.cpp"

gcc -std=c11 -Wall -Wextra -Werror -pedantic -I "$root/include" -fsyntax-only "$tmp/all_headers.c"
g++ -std=c++17 -Wall -Wextra -Werror -pedantic -I "$root/include" -fsyntax-only "$tmp/all_headers.cpp"
echo "check-header: ovrnet.h is current; $(ls "$root"/include/*.h | wc -l) headers compile as C11 and C++17."
