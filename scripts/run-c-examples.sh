#!/usr/bin/env bash
# Builds the crate (debug) and the C examples, starts a real ovrnet-server, runs each example as
# a pair of processes against it (room_chat as four processes in one room) and checks what they
# print, then runs the same groups under valgrind (no definite or indirect leaks, no invalid
# accesses), and stops the server.
# Exits non-zero on any failure; the last line is "N passed, M failed".
# Uses CARGO_TARGET_DIR when set; KEEP_OUTPUT=1 keeps the programs' outputs and valgrind logs
# (they are always kept after a failure). Needs cc, make and valgrind.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
bin="$target/debug"
examples="$root/c_examples/build"
work="$(mktemp -d)"
passed=0
failed=0
server_pid=""

pass() { passed=$((passed + 1)); echo "  ok    $1"; }
fail() { failed=$((failed + 1)); echo "  FAIL  $1"; }
# Stops the server if it still runs, then prints the summary line last and exits. Also runs on
# any early exit, so the server never outlives the script.
finished=0
finish() {
    [[ $finished -eq 1 ]] && return
    finished=1
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
        server_pid=""
    fi
    if [[ $failed -eq 0 && -z ${KEEP_OUTPUT:-} ]]; then rm -rf "$work"; else echo "outputs kept in $work"; fi
    echo "$passed passed, $failed failed"
    [[ $failed -eq 0 ]]
    exit
}
trap 'finish' EXIT INT TERM

echo "== build"
if ! cargo build --quiet --lib --bin ovrnet-server; then fail "cargo build"; finish; fi
if ! make --quiet -C c_examples TARGET_DIR="$target" PROFILE=debug >"$work/make.log" 2>&1; then
    cat "$work/make.log"
    fail "make c_examples"
    finish
fi
pass "crate and C examples build"

echo "== server"
# Created here, not by the background job's redirect, so the first read below cannot race it.
: >"$work/server.out"
"$bin/ovrnet-server" --auth open --listen 127.0.0.1:0 >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
server=""
for _ in $(seq 100); do
    server="$(sed -n 's/^listening on //p' "$work/server.out")"
    [[ -n $server ]] && break
    sleep 0.1
done
if [[ -z $server ]]; then fail "ovrnet-server prints 'listening on ADDR'"; finish; fi
pass "ovrnet-server listening on $server"
# Examples started through the stock init read their settings from the environment: they pin
# the server's key, as a shipped game would.
for _ in $(seq 50); do
    server_key="$(sed -n 's/^server key //p' "$work/server.out")"
    [[ -n $server_key ]] && break
    sleep 0.1
done
if [[ ${#server_key} -eq 64 ]]; then pass "ovrnet-server announces its key"; else fail "ovrnet-server prints 'server key HEX'"; fi
export OVRNET_SERVER_KEY=$server_key

mode=plain
# run OUT CMD...: runs one example (under valgrind in valgrind mode) with stdout in OUT.
run() {
    local out=$1
    shift
    if [[ $mode == valgrind ]]; then
        timeout 300 valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
            --show-leak-kinds=definite,indirect --error-exitcode=1 --log-file="$out.valgrind" \
            "$@" >"$out" 2>"$out.err"
    else
        timeout 120 "$@" >"$out" 2>"$out.err"
    fi
}

# check_exit NAME STATUS OUT: the example exited 0 (and, under valgrind, reported no errors).
check_exit() {
    local name=$1 status=$2 out=$3
    if [[ $status -eq 0 ]]; then pass "$name exits 0"; else fail "$name exits 0 (got $status; see $out*)"; fi
    if [[ $mode == valgrind ]]; then
        if grep -q "ERROR SUMMARY: 0 errors" "$out.valgrind"; then
            pass "$name: valgrind reports no errors or leaks"
        else
            fail "$name: valgrind ($(grep -h 'ERROR SUMMARY' "$out.valgrind" | head -1))"
        fi
    fi
}

# check_line NAME OUT LINE: OUT has exactly this line.
check_line() {
    if grep -Fxq -- "$3" "$2"; then pass "$1 printed '$3'"; else fail "$1 printed '$3' (see $2)"; fi
}

chat_pair() {
    local a=$(($1 + 1)) b=$(($1 + 2)) n=5 dir="$work/$mode-chat"
    mkdir -p "$dir"
    echo "== chat ($mode): $a connects, $b accepts; $n lines each way"
    run "$dir/b.out" "$examples/chat" --server "$server" --user "$b" --say "hello from $b" --repeat $n \
        --lines $n --timeout 60 </dev/null &
    local b_pid=$!
    run "$dir/a.out" "$examples/chat" --server "$server" --user "$a" --connect "$b" \
        --say "hello from $a" --repeat $n --lines $n --timeout 60 </dev/null
    local a_status=$?
    wait $b_pid
    local b_status=$?
    check_exit "chat $a" $a_status "$dir/a.out"
    check_exit "chat $b" $b_status "$dir/b.out"
    check_line "chat $b" "$dir/b.out" "connect request from $a"
    check_line "chat $a" "$dir/a.out" "peer $b is CONNECTED"
    check_line "chat $b" "$dir/b.out" "peer $a is CONNECTED"
    for i in $(seq $n); do
        check_line "chat $a" "$dir/a.out" "$b: hello from $b #$i"
        check_line "chat $b" "$dir/b.out" "$a: hello from $a #$i"
    done
    check_line "chat $a" "$dir/a.out" "done: received $n lines"
    check_line "chat $b" "$dir/b.out" "done: received $n lines"
    check_line "chat $a" "$dir/a.out" "peer $b is CLOSED"
    check_line "chat $b" "$dir/b.out" "peer $a is CLOSED"

    echo "== chat ($mode): lines from stdin"
    run "$dir/d.out" "$examples/chat" --server "$server" --user $((b + 2)) --lines 3 --timeout 60 </dev/null &
    local d_pid=$!
    printf 'first line\nsecond line\nthird line\n' >"$dir/stdin.txt"
    run "$dir/c.out" "$examples/chat" --server "$server" --user $((a + 2)) --connect $((b + 2)) \
        --timeout 60 <"$dir/stdin.txt"
    local c_status=$?
    wait $d_pid
    check_exit "chat (stdin) $((a + 2))" $c_status "$dir/c.out"
    check_exit "chat (stdin) $((b + 2))" $? "$dir/d.out"
    for line in "first line" "second line" "third line"; do
        check_line "chat $((b + 2))" "$dir/d.out" "$((a + 2)): $line"
    done
}

avatar_pair() {
    local a=$(($1 + 1)) b=$(($1 + 2)) seconds=$2 dir="$work/$mode-avatar"
    mkdir -p "$dir"
    echo "== avatar ($mode): $a and $b stream transforms at 30 Hz for ${seconds}s"
    run "$dir/b.out" "$examples/avatar" --server "$server" --user "$b" --peer "$a" --seconds "$seconds" &
    local b_pid=$!
    run "$dir/a.out" "$examples/avatar" --server "$server" --user "$a" --peer "$b" --seconds "$seconds"
    local a_status=$?
    wait $b_pid
    local b_status=$?
    check_exit "avatar $a" $a_status "$dir/a.out"
    check_exit "avatar $b" $b_status "$dir/b.out"
    check_line "avatar $a" "$dir/a.out" "avatar: connected to $b"
    check_line "avatar $b" "$dir/b.out" "avatar: connected to $a"
    # Loopback loses nothing, but each side starts and stops on its own clock: it must have
    # received at least 70 % of what the other sent, applied + stale = received, nothing malformed.
    local me other
    for me in a b; do
        [[ $me == a ]] && other=b || other=a
        local out="$dir/$me.out" peer_out="$dir/$other.out"
        local peer_sent received applied stale malformed
        peer_sent="$(sed -n 's/^avatar: sent \([0-9]*\) frames$/\1/p' "$peer_out")"
        read -r received applied stale malformed < <(sed -n \
            's/^avatar: received \([0-9]*\) frames, applied \([0-9]*\), stale dropped \([0-9]*\), malformed \([0-9]*\)$/\1 \2 \3 \4/p' \
            "$out")
        if [[ -n ${received:-} && -n ${peer_sent:-} ]] && ((peer_sent >= 10 && received * 10 >= peer_sent * 7 &&
            received <= peer_sent && applied + stale == received && applied >= 10 && malformed == 0)); then
            pass "avatar ${!me}: received $received of $peer_sent frames, applied $applied, stale $stale"
        else
            fail "avatar ${!me}: counters (sent by peer '${peer_sent:-}', received '${received:-}', applied '${applied:-}', stale '${stale:-}', malformed '${malformed:-}')"
        fi
    done
}

ping_pair() {
    local a=$(($1 + 1)) b=$(($1 + 2)) n=5 dir="$work/$mode-ping"
    mkdir -p "$dir"
    echo "== ping ($mode): $a pings $b $n times; $b configured by file, $a by environment"
    printf '# ovrnet client settings\nserver = %s\nuser_id = %s\ncredential = ping-file-secret\n' \
        "$server" "$b" >"$dir/b.conf"
    OVRNET_CONFIG="$dir/b.conf" run "$dir/b.out" "$examples/ping" --peer "$a" --answer --timeout 60 &
    local b_pid=$!
    OVRNET_SERVER="$server" OVRNET_USER_ID="$a" OVRNET_CREDENTIAL="ping-env-secret" OVRNET_BIND=127.0.0.1 \
        run "$dir/a.out" "$examples/ping" --peer "$b" --count $n --interval 50 --timeout 60
    local a_status=$?
    wait $b_pid
    local b_status=$?
    check_exit "ping $a" $a_status "$dir/a.out"
    check_exit "ping $b" $b_status "$dir/b.out"
    check_line "ping $a" "$dir/a.out" "ping: I am $a"
    check_line "ping $b" "$dir/b.out" "ping: I am $b"
    local replies
    replies="$(grep -cE "^ping [1-$n]/$n to $b: [0-9]+ us \((direct|relayed)\)$" "$dir/a.out")"
    if [[ $replies -eq $n ]]; then pass "ping $a printed $n RTT lines"; else fail "ping $a printed $n RTT lines (got $replies)"; fi
    check_line "ping $a" "$dir/a.out" "ping: $n of $n answered"
    check_line "ping $b" "$dir/b.out" "connect request from $a"
    check_line "ping $b" "$dir/b.out" "peer $a is CLOSED"
}

# room_group BASE: four players (BASE+1 creates the room, the others join it by the id it prints)
# broadcast reliable lines and unreliable positions to the room.
room_group() {
    local n=4 lines=20 dir="$work/$mode-room" creator=$(($1 + 1)) room="" i u
    mkdir -p "$dir"
    echo "== room_chat ($mode): $n players in one room, $lines lines each to everyone"
    run "$dir/$creator.out" "$examples/room_chat" --server "$server" --user "$creator" --create \
        --members $n --lines $lines --timeout 100 &
    local pids=($!)
    for _ in $(seq 600); do
        room="$(sed -n 's/^room \([0-9]*\)$/\1/p' "$dir/$creator.out")"
        [[ -n $room ]] && break
        sleep 0.1
    done
    if [[ -z $room ]]; then
        fail "room_chat $creator prints 'room ID'"
        wait "${pids[@]}"
        return
    fi
    pass "room_chat $creator created room $room"
    for i in $(seq 2 $n); do
        u=$(($1 + i))
        run "$dir/$u.out" "$examples/room_chat" --server "$server" --user "$u" --room "$room" \
            --members $n --lines $lines --timeout 100 &
        pids+=($!)
    done
    local members=()
    for i in $(seq 1 $n); do members+=($(($1 + i))); done
    for i in $(seq 0 $((n - 1))); do
        wait "${pids[$i]}"
        check_exit "room_chat ${members[$i]}" $? "$dir/${members[$i]}.out"
    done
    local me from expected got total=0 positions
    expected="$(for i in $(seq $lines); do echo "line $i/$lines from FROM"; done)"
    for me in "${members[@]}"; do
        [[ $me == "$creator" ]] || check_line "room_chat $me" "$dir/$me.out" \
            "joined room $room owned by $creator, game room_chat"
        check_line "room_chat $me" "$dir/$me.out" "room has $n members"
        for from in "${members[@]}"; do
            [[ $from == "$me" ]] && continue
            # Every line of every other member, exactly once and in the order it was sent.
            got="$(sed -n "s/^got $from: //p" "$dir/$me.out")"
            if [[ $got == "${expected//FROM/$from}" ]]; then
                pass "room_chat $me got the $lines lines of $from once each, in order"
            else
                fail "room_chat $me got the $lines lines of $from once each, in order (see $dir/$me.out)"
            fi
        done
        check_line "room_chat $me" "$dir/$me.out" "all lines received"
        check_line "room_chat $me" "$dir/$me.out" "left room $room"
        positions="$(sed -n 's/^positions: .*, received \([0-9]*\)$/\1/p' "$dir/$me.out")"
        total=$((total + ${positions:-0}))
    done
    # Unreliable positions are best effort; over loopback they arrive.
    if ((total > 0)); then pass "room_chat: $total positions received in all"; else fail "room_chat: positions received"; fi
}

# stock_pair BASE: the stock v49 game (C host, C++ guest), configured the ways a headset allows:
# the host by its app id string, the guest by a login token and an ovrnet.cfg in its directory.
stock_pair() {
    local host=$(($1 + 1)) guest=$(($1 + 2)) n=5 dir="$work/$mode-stock" token
    mkdir -p "$dir"
    echo "== stock game ($mode): C host $host by app id, C++ guest $guest by token + ovrnet.cfg"
    # The server runs in open mode: the token only names the user here.
    token="$("$bin/ovrnet-server" token --secret any --user "$guest" --ttl 600)"
    printf 'server = %s\n' "$server" >"$dir/ovrnet.cfg"
    run "$dir/host.out" "$examples/stock_host" --app-id "server=$server;user_id=$host;credential=h" --timeout 60 &
    local host_pid=$!
    (cd "$dir" && run "$dir/guest.out" "$examples/stock_guest" --host "$host" --token "$token" --pings $n --timeout 60)
    local guest_status=$?
    wait $host_pid
    local host_status=$?
    check_exit "stock_host $host" $host_status "$dir/host.out"
    check_exit "stock_guest $guest" $guest_status "$dir/guest.out"
    for line in "host: platform SUCCESS" "host: entitled yes" "host: I am $host ($host), locale en-US" \
        "host: achievements not available" "host: connect request from $guest" "host: peer $guest is CONNECTED" \
        "host: answered $n pings" "host: peer $guest is CLOSED" "host: done"; do
        check_line "stock_host $host" "$dir/host.out" "$line"
    done
    for line in "guest: logged in as $guest: yes" "guest: peer $host is CONNECTED" "guest: $n of $n pings answered" \
        "guest: peer $host is CLOSED" "guest: done"; do
        check_line "stock_guest $guest" "$dir/guest.out" "$line"
    done
}

chat_pair 1000
avatar_pair 1100 3
ping_pair 1200
room_group 1300
stock_pair 1400

if command -v valgrind >/dev/null; then
    mode=valgrind
    chat_pair 2000
    avatar_pair 2100 6
    ping_pair 2200
    room_group 2300
    stock_pair 2400
else
    fail "valgrind is not installed (apt-get install valgrind)"
fi

echo "== stop server"
if kill "$server_pid" && wait "$server_pid"; then pass "server stopped cleanly"; else fail "server stopped cleanly"; fi
server_pid=""
finish
