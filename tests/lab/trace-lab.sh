#!/bin/bash
# Lab test of "smtpscope probe --trace" against traceroute -T -p 25 (Debian's
# traceroute).  A path of four routers between the sender and an MX, IPv4
# and IPv6, documentation addresses, every namespace made here:
#
#   snd --- r1 --- r2 --- r3 --- r4 --- mx (port 25 listening)
#
# Four cases, each traced by smtpscope and by traceroute from snd, which
# must name the same responding address (or none) at every hop, and
# smtpscope's statement must say what the case is:
#   open      nothing in the way           accepted at hop 5 (the server)
#   rst       r2 REJECTs with a TCP reset  reset at hop 2 by r2, not the server
#   prohib    r2 REJECTs with ICMP admin-prohibited
#   drop      r3 DROPs                     silent from hop 4 on, after r3
#   tests/lab/trace-lab.sh PROG
# Needs root; prints "trace-lab: N passed, N failed".  Bounded: every run
# under timeout(1); teardown in the trap.
set -u
PROG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
lab_require_root
lab_require_tools ip:iproute2 iptables:iptables ip6tables:iptables socat:socat \
    jq:jq timeout:coreutils traceroute:traceroute
lab_init
T=$LAB_TMP
chmod 755 "$T"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
MAXTTL=8

SND=$(lab_nsname snd) MX=$(lab_nsname mx)
R=("" "$(lab_nsname r1)" "$(lab_nsname r2)" "$(lab_nsname r3)" "$(lab_nsname r4)")
for ns in "$SND" "${R[@]:1}" "$MX"; do lab_ns_add "$ns"; done
# Link i joins hop i-1 and hop i: 198.51.100.(8i+1) and 2001:db8:i::1 on
# the router side nearer the sender, .(8i+2) and ::2 on the far side.
NODES=("$SND" "${R[@]:1}" "$MX")
for i in 1 2 3 4; do
    lab_link "${NODES[i-1]}" "${NODES[i]}" \
        "198.51.100.$((8 * i + 2))/29,2001:db8:$i::2/64" \
        "198.51.100.$((8 * i + 1))/29,2001:db8:$i::1/64" "l${i}a" "l${i}b"
done
lab_link "${R[4]}" "$MX" "203.0.113.1/24,2001:db8:25::1/64" \
    "203.0.113.25/24,2001:db8:25::25/64" l5a l5b
# Hop i's address towards the sender (what its time exceeded comes from).
HOP4=("" 198.51.100.9 198.51.100.17 198.51.100.25 198.51.100.33)
HOP6=("" 2001:db8:1::1 2001:db8:2::1 2001:db8:3::1 2001:db8:4::1)
MX4=203.0.113.25 MX6=2001:db8:25::25
# Every node routes towards the MX through the next and back through the one before.
for i in 0 1 2 3 4; do
    ns=${NODES[i]}
    if [ "$i" -lt 4 ]; then
        ip -n "$ns" route add 203.0.113.0/24 via "198.51.100.$((8 * (i + 1) + 1))"
        ip -n "$ns" -6 route add 2001:db8:25::/64 via "2001:db8:$((i + 1))::1"
    fi
    if [ "$i" -gt 0 ]; then
        lab_forwarding "$ns"
        # Answer every probe: no ICMP rate limit to tell the two tools apart.
        lab_exec "$ns" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
        ip -n "$ns" route add 198.51.100.0/24 via "198.51.100.$((8 * i + 2))" 2>/dev/null ||
            ip -n "$ns" route replace 198.51.100.8/29 via "198.51.100.$((8 * i + 2))"
        for j in 1 2 3; do
            [ "$j" -lt "$i" ] && ip -n "$ns" -6 route add "2001:db8:$j::/64" via "2001:db8:$i::2"
        done
    fi
done
ip -n "$MX" route add default via 203.0.113.1
ip -n "$MX" -6 route add default via 2001:db8:25::1
for i in 1 2 3 4; do
    # Routers reach the sender's link through the one before them.
    [ "$i" -gt 1 ] && ip -n "${R[i]}" route replace 198.51.100.8/29 via "198.51.100.$((8 * i + 2))"
done
lab_bg "$MX" "$T/socat.log" socat TCP6-LISTEN:25,fork,reuseaddr,ipv6only=0 SYSTEM:true
lab_wait_listen "$MX" 25
# The path works both ways before any rule (a connection, bounded).
reach() { ip netns exec "$SND" timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/25"' _ "$1"; }
lab_wait_for "reach $MX4" 5 || lab_die "no IPv4 path to the MX"
lab_wait_for "reach $MX6" 5 || lab_die "no IPv6 path to the MX"

# rules CASE — the filter rules of CASE on r2 and r3 (none for open).
rules() {
    local f
    for f in iptables ip6tables; do
        lab_exec "${R[2]}" "$f" -F FORWARD
        lab_exec "${R[3]}" "$f" -F FORWARD
    done
    case $1 in
    rst)
        for f in iptables ip6tables; do
            lab_exec "${R[2]}" "$f" -A FORWARD -p tcp --dport 25 -j REJECT --reject-with tcp-reset
        done ;;
    prohib)
        lab_exec "${R[2]}" iptables -A FORWARD -p tcp --dport 25 -j REJECT \
            --reject-with icmp-admin-prohibited
        lab_exec "${R[2]}" ip6tables -A FORWARD -p tcp --dport 25 -j REJECT \
            --reject-with icmp6-adm-prohibited ;;
    drop)
        for f in iptables ip6tables; do
            lab_exec "${R[3]}" "$f" -A FORWARD -p tcp --dport 25 -j DROP
        done ;;
    esac
}

# hops_traceroute FILE — "hop address" per line ("*" for none), from traceroute -n -q 1.
hops_traceroute() {
    awk '$1 ~ /^[0-9]+$/ { print $1, $2 }' "$1"
}

# hops_smtpscope FILE — the same from smtpscope's trace line.
hops_smtpscope() {
    jq -r 'select(.type == "trace") | .hops[] | "\(.hop) \(.responder // "*")"' "$1"
}

# check FAMILY CASE WANT — trace with both tools, compare, match the statement.
check() {
    local fam=$1 case=$2 want=$3 dst n rc
    if [ "$fam" = 4 ]; then dst=$MX4; else dst=$MX6; fi
    n=$fam-$case
    rules "$case"
    # --rate 20: 50 ms between TTLs, time enough for an answer to stop the rest.
    timeout 60 ip netns exec "$SND" "$PROG" probe --trace --max-ttl $MAXTTL --target "$dst" \
        -p 25 --timeout 2 --rate 20 --json -Z nobody >"$T/$n.json" 2>"$T/$n.err" </dev/null
    rc=$?
    timeout 60 ip netns exec "$SND" traceroute "-$fam" -T -p 25 -n -q 1 -w 2 -m $MAXTTL \
        "$dst" >"$T/$n.tr" 2>&1 </dev/null
    timeout 60 ip netns exec "$SND" "$PROG" probe --trace --max-ttl $MAXTTL --target "$dst" \
        -p 25 --timeout 2 --rate 20 -Z nobody >"$T/$n.txt" 2>&1 </dev/null
    rc="$rc $?"
    [ "$rc" = "0 0" ] || bad "IPv$fam $case: smtpscope exit status $rc (JSON, text), want 0 0"
    sed 's/^/    /' "$T/$n.txt"
    sed 's/^/    /' "$T/$n.tr"
    hops_traceroute "$T/$n.tr" >"$T/$n.tr.hops"
    hops_smtpscope "$T/$n.json" >"$T/$n.ss.hops"
    # traceroute stops at the end, or goes on to the maximum: the hops
    # smtpscope shows must be traceroute's, and none may be missing.
    if [ -s "$T/$n.ss.hops" ] && cmp -s "$T/$n.ss.hops" "$T/$n.tr.hops"; then
        ok "IPv$fam $case: every hop's responder as traceroute -T -p 25 shows it"
    else
        bad "IPv$fam $case: hops differ (smtpscope | traceroute):"
        paste "$T/$n.ss.hops" "$T/$n.tr.hops" | sed 's/^/    /'
        cat "$T/$n.err"
    fi
    if jq -se --arg w "$want" 'map(select(.type == "trace")) | length == 1 and .[0].statement == $w' \
        "$T/$n.json" >/dev/null &&
        grep -qxF "  => $want" "$T/$n.txt"; then
        ok "IPv$fam $case: \"$want\" (text and JSON)"
    else
        bad "IPv$fam $case: statement '$(jq -r 'select(.type == "trace") | .statement' "$T/$n.json")', want '$want'"
    fi
}

for fam in 4 6; do
    if [ "$fam" = 4 ]; then H=("${HOP4[@]}"); else H=("${HOP6[@]}"); fi
    check "$fam" open "accepted at hop 5 (the server)"
    check "$fam" rst "reset at hop 2 by ${H[2]}, which is not the server (answering the TTL 3 SYN)"
    check "$fam" prohib "admin-prohibited at hop 2 by ${H[2]} (answering the TTL 3 SYN)"
    check "$fam" drop "silent from hop 4 on: dropped after ${H[3]}"
done
# The TTLs past the end are never sent: 5 attempts of 8 when the MX answers
# at hop 5, 3 when r2 rejects the TTL 3 SYN; all 8 when r3 drops.
for c in open:5 rst:3 prohib:3 drop:8; do
    for fam in 4 6; do
        got=$(jq -rs 'map(select(.type == "summary")) | .[0].attempts' "$T/$fam-${c%%:*}.json")
        if [ "$got" = "${c#*:}" ]; then
            ok "IPv$fam ${c%%:*}: ${c#*:} SYNs sent"
        else
            bad "IPv$fam ${c%%:*}: $got attempts, want ${c#*:}"
        fi
    done
done
# The JSON trace line: its fields and the sensor.
if jq -se 'map(select(.type == "trace")) | length == 1 and (.[0] | (.sensor | type) == "string" and .server_port == 25 and
    .max_ttl == 8 and .end_hop == 5 and .hops[4].responder_is_server and
    .hops[0].class == "unreachable" and .hops[0].reason == "ttl-exceeded" and
    .hops[0].icmp_type == 11 and (.hops[0].rtt_ms | type) == "number")' "$T/4-open.json" >/dev/null; then
    ok "the trace line's fields (IPv4 open)"
else
    bad "the trace line's fields: $(cat "$T/4-open.json")"
fi
echo "trace-lab: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
