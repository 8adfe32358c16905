#!/usr/bin/env bash
# A NAT test lab from network namespaces with real kernel NATs (needs root).
#
#   lab.sh up NAT_A NAT_B    NAT: public | fullcone | nftcone | eim | sym
#   lab.sh down
#
# Namespaces (prefix $LAB_PREFIX, default "onl"): "inet" holds a bridge, the internet
# 198.51.100.0/24 (a documentation range that exists only inside the lab); "srv" is the server at
# .10 and .11; gateway "gwa" (WAN .2, LAN 10.0.1.1) puts client "a" (10.0.1.2) behind NAT_A,
# "gwb" (WAN .3, LAN 10.0.2.1) client "b" (10.0.2.2) behind NAT_B. A second client "c"
# (10.0.1.3) shares gwa's LAN with "a": two players behind one home router.
#
# public   routed, no NAT
# fullcone 1:1 SNAT+DNAT: endpoint-independent mapping and filtering
# nftcone  nftables dynamic map: full cone for UDP, port preserved
# eim      Linux MASQUERADE: endpoint-independent mapping, address-and-port-dependent filtering
# sym      MASQUERADE --random-fully: a new random port per destination (symmetric)
set -euo pipefail
P=${LAB_PREFIX:-onl}

down() { for n in inet srv gwa gwb a b c; do ip netns del "$P-$n" 2>/dev/null || true; done; }
[[ "${1:-}" == down ]] && { down; exit 0; }
[[ "${1:-}" == up && $# -eq 3 ]] || { echo "usage: lab.sh up NAT_A NAT_B | down" >&2; exit 2; }
A=$2 B=$3
down
for n in inet srv gwa gwb a b c; do ip netns add "$P-$n"; ip -n "$P-$n" link set lo up; done
ip -n "$P-inet" link add br0 type bridge
ip -n "$P-inet" link set br0 up

wan() { # namespace, interface, address
    ip link add "$2" netns "$P-$1" type veth peer name "$1-up" netns "$P-inet"
    ip -n "$P-inet" link set "$1-up" master br0 up
    ip -n "$P-$1" addr add "$3/24" dev "$2"
    ip -n "$P-$1" link set "$2" up
}
wan srv eth0 198.51.100.10
ip -n "$P-srv" addr add 198.51.100.11/24 dev eth0
wan gwa wan 198.51.100.2
wan gwb wan 198.51.100.3

lan() { # gateway, subnet number, then client:host pairs on that LAN (a bridge in the gateway)
    local gw=$1 net=$2
    shift 2
    ip -n "$P-$gw" link add lan type bridge
    ip -n "$P-$gw" addr add "10.0.$net.1/24" dev lan
    ip -n "$P-$gw" link set lan up
    ip netns exec "$P-$gw" sysctl -qw net.ipv4.ip_forward=1
    for pair in "$@"; do
        local client=${pair%%:*} host=${pair##*:}
        ip link add "$client-lan" netns "$P-$gw" type veth peer name eth0 netns "$P-$client"
        ip -n "$P-$gw" link set "$client-lan" master lan up
        ip -n "$P-$client" addr add "10.0.$net.$host/24" dev eth0
        ip -n "$P-$client" link set eth0 up
        ip -n "$P-$client" route add default via "10.0.$net.1"
    done
}
lan gwa 1 a:2 c:3
lan gwb 2 b:2

nat() { # gateway, kind, WAN address, client address
    local X="ip netns exec $P-$1"
    case $2 in
    public) ;;
    fullcone)
        $X iptables -t nat -A POSTROUTING -o wan -j SNAT --to-source "$3"
        $X iptables -t nat -A PREROUTING -i wan -j DNAT --to-destination "$4" ;;
    nftcone)
        $X nft -f - <<NFT
table ip nat {
  map fullcone { type inet_service : ipv4_addr . inet_service; flags dynamic,timeout; timeout 300s; size 65536; }
  chain prerouting { type nat hook prerouting priority dstnat; policy accept;
    iif "wan" meta l4proto udp dnat to udp dport map @fullcone; }
  chain postrouting { type nat hook postrouting priority srcnat; policy accept;
    oif "wan" meta l4proto udp update @fullcone { udp sport timeout 300s : ip saddr . udp sport }
    oif "wan" snat to $3; }
}
NFT
        ;;
    eim | sym)
        local R=""
        [[ $2 == sym ]] && R="--random-fully"
        $X iptables -t nat -A POSTROUTING -o wan -j MASQUERADE $R
        $X iptables -A FORWARD -i wan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
        $X iptables -A FORWARD -i wan -j DROP
        # Unsolicited packets to the gateway's own address: dropped before conntrack keeps them.
        $X iptables -t mangle -A PREROUTING -i wan -m addrtype --dst-type LOCAL -m conntrack --ctstate NEW -j DROP ;;
    *) echo "unknown NAT kind '$2'" >&2; exit 2 ;;
    esac
}
nat gwa "$A" 198.51.100.2 10.0.1.2
nat gwb "$B" 198.51.100.3 10.0.2.2
if [[ $A == public ]]; then
    ip -n "$P-srv" route add 10.0.1.0/24 via 198.51.100.2
    ip -n "$P-gwb" route add 10.0.1.0/24 via 198.51.100.2
fi
if [[ $B == public ]]; then
    ip -n "$P-srv" route add 10.0.2.0/24 via 198.51.100.3
    ip -n "$P-gwa" route add 10.0.2.0/24 via 198.51.100.3
fi
