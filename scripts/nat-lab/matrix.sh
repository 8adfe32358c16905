#!/usr/bin/env bash
# Every pair of NAT kinds in the lab (lab.sh, needs root): a real ovrnet-server on the lab's
# internet and two players behind their gateways, each streaming numbered reliable and
# unreliable messages (examples/lab_peer.rs). A pair passes when both sides get every reliable
# message once and in order plus unreliable ones, and the connection ends on the path the pair
# allows: direct, or relayed for the three pairs no hole punching can open (eim x sym, sym x eim,
# sym x sym). Prints the matrix as a Markdown table; exits non-zero if any pair fails.
#
#   scripts/nat-lab/matrix.sh [SECS]     (binaries from cargo build --release --example lab_peer)
#   ONLY="eim:sym public:eim" scripts/nat-lab/matrix.sh     (just those pairs)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
SECS=${1:-4}
export LAB_PREFIX=${LAB_PREFIX:-onl$$}
lab="bash scripts/nat-lab/lab.sh"
server_bin="$root/target/release/ovrnet-server"
peer_bin="$root/target/release/examples/lab_peer"
for b in "$server_bin" "$peer_bin"; do
    [[ -x $b ]] || { echo "missing $b (cargo build --release --bins --example lab_peer)" >&2; exit 2; }
done
out=$(mktemp -d)
trap '$lab down; pkill -f "$server_bin --auth open --insecure-open --listen 198.51.100.10" 2>/dev/null; true' EXIT
kinds=(public fullcone nftcone eim sym)
failures=0

expect_route() { # the path a pair of NAT kinds allows
    case "$1 $2" in
    "eim sym" | "sym eim" | "sym sym") echo relayed ;;
    *) echo direct ;;
    esac
}

field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" "$2" | head -1; }

# Scenario knobs for run_pair: IDLE (seconds both players send nothing, halfway), CONNTRACK
# (UDP conntrack timeout on both gateways, seconds), KILL_SERVER (seconds after the players
# start, the server is killed), ANSWER_NS (where the answering player runs: b, or c beside a
# behind gwa), WANT_ADDR (a prefix the direct path's address must have), BLOCK_DIRECT (seconds
# after the players start, gateway A drops everything between its LAN and gateway B, so only
# the relay through the server still works), WANT_ROUTE (the route the pair must end on).
run_pair() { # nat_a nat_b [tag] -> prints one cell
    local A=$1 B=$2 dir="$out/$1-$2${3:+-$3}"
    mkdir -p "$dir"
    $lab up "$A" "$B" > "$dir/lab.log" 2>&1 || { echo "lab up failed: $(tail -1 "$dir/lab.log")"; return; }
    if [[ -n ${CONNTRACK:-} ]]; then
        for g in gwa gwb; do
            ip netns exec "$LAB_PREFIX-$g" sysctl -qw net.netfilter.nf_conntrack_udp_timeout="$CONNTRACK" \
                net.netfilter.nf_conntrack_udp_timeout_stream="$CONNTRACK"
        done
    fi
    ip netns exec "$LAB_PREFIX-srv" "$server_bin" --auth open --insecure-open \
        --listen 198.51.100.10:7650 > "$dir/server.out" 2> "$dir/server.log" &
    local srv=$!
    for _ in $(seq 50); do grep -q "listening" "$dir/server.out" 2>/dev/null && break; sleep 0.1; done
    ip netns exec "$LAB_PREFIX-a" "$peer_bin" 198.51.100.10:7650 1 2 dial "$SECS" auto "${IDLE:-0}" > "$dir/a.out" 2> "$dir/a.err" &
    local pa=$!
    ip netns exec "$LAB_PREFIX-${ANSWER_NS:-b}" "$peer_bin" 198.51.100.10:7650 2 1 answer "$SECS" auto "${IDLE:-0}" > "$dir/b.out" 2> "$dir/b.err" &
    local pb=$!
    if [[ -n ${KILL_SERVER:-} ]]; then
        sleep "$KILL_SERVER"
        kill -9 $srv
    fi
    if [[ -n ${BLOCK_DIRECT:-} ]]; then
        sleep "$BLOCK_DIRECT"
        ip netns exec "$LAB_PREFIX-gwa" iptables -I FORWARD -d 198.51.100.3 -j DROP
        ip netns exec "$LAB_PREFIX-gwa" iptables -I FORWARD -s 198.51.100.3 -j DROP
    fi
    wait $pa; local ra=$?
    wait $pb; local rb=$?
    kill $srv 2>/dev/null; wait $srv 2>/dev/null
    $lab down
    local want; want=${WANT_ROUTE:-$(expect_route "$A" "$B")}
    local route_a route_b; route_a=$(field route "$dir/a.out"); route_b=$(field route "$dir/b.out")
    local ok=1
    [[ $ra -eq 0 && $rb -eq 0 ]] || ok=0
    [[ $route_a == "$want" && $route_b == "$want" ]] || ok=0
    if [[ -n ${WANT_ADDR:-} ]]; then
        [[ $(field addr "$dir/a.out") == "$WANT_ADDR"* && $(field addr "$dir/b.out") == "$WANT_ADDR"* ]] || ok=0
    fi
    local t_a t_b; t_a=$(field direct_after_ms "$dir/a.out"); t_b=$(field direct_after_ms "$dir/b.out")
    local cell
    if [[ -n ${BLOCK_DIRECT:-} ]]; then
        cell="direct ${t_a} ms, then relayed (route changes: $(field switches "$dir/a.out")/$(field switches "$dir/b.out"))"
    elif [[ $want == direct ]]; then
        local t=$t_a
        [[ -n $t_b && $t_b != - ]] && { [[ -z $t || $t == - ]] || awk "BEGIN{exit !($t_b > $t)}"; } && t=$t_b
        cell="direct ${t} ms"
    else
        cell="relayed"
    fi
    [[ $ok -eq 1 ]] && echo "$cell" || echo "FAIL ($route_a/$route_b, exit $ra/$rb)"
}

echo "| A \\ B | public | fullcone | nftcone | eim | sym |"
printf '|---|'; for _ in "${kinds[@]}"; do printf -- '---|'; done; echo
for A in "${kinds[@]}"; do
    row="| $A |"
    for B in "${kinds[@]}"; do
        if [[ -n ${ONLY:-} && " $ONLY " != *" $A:$B "* ]]; then row="$row |"; continue; fi
        cell=$(run_pair "$A" "$B")
        [[ $cell == FAIL* ]] && failures=$((failures + 1))
        row="$row $cell |"
    done
    echo "$row"
done
echo
# Beyond the matrix: bindings kept by keepalives alone, and a game that outlives its server.
scenario() { # description, nat_a, nat_b, tag
    local cell
    cell=$(run_pair "$2" "$3" "$4")
    [[ $cell == FAIL* ]] && failures=$((failures + 1))
    echo "| $1 | $2 x $3 | $cell |"
}
echo "| scenario | pair | result |"
echo "|---|---|---|"
CONNTRACK=3 IDLE=6 scenario "NAT bindings time out after 3 s idle; players idle 6 s mid-game" eim eim idle
KILL_SERVER=2 scenario "server killed 2 s into the game" eim fullcone killed
ANSWER_NS=c WANT_ADDR=10.0.1. scenario "two players behind one router (no hairpin): the LAN path" eim eim samenat
BLOCK_DIRECT=2 WANT_ROUTE=relayed scenario "direct path cut 2 s into the game: back to the relay, nothing lost" eim eim cut
echo
echo "connect times (ms, dialler): $(cat "$out"/*/a.out | sed -n 's/.*connected_ms=\([0-9]*\).*/\1/p' | sort -n | tr '\n' ' ')"
if [[ $failures -gt 0 ]]; then
    echo "$failures pair(s) failed; logs in $out" >&2
    for f in "$out"/*/a.out "$out"/*/b.out; do grep -H RESULT "$f"; done >&2
    exit 1
fi
echo "every pair run delivered on the path it allows; logs in $out"
