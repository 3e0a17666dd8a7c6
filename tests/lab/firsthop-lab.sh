#!/usr/bin/env bash
# shellcheck disable=SC2016  # jq programs are single-quoted on purpose
# tests/lab/firsthop-lab.sh PROG — live lab test of the first-hop attribution: an
# answer in the server's name that the client's gateway made is not the server's.
#
# Builds throw-away network namespaces (documentation addresses only):
#
#   snd  192.0.2.10, 2001:db8:c0::10; default routes via the router    (watch, probe)
#    |   s0 -- r0
#   rtr  192.0.2.1, 2001:db8:c0::1 | r1 203.0.113.1, 2001:db8:25::1; forwarding;
#        FORWARD: tcp dport 25 REJECT --reject-with tcp-reset (iptables, ip6tables);
#        no listener of its own
#    |   r1 -- e0
#   srv  203.0.113.25, 2001:db8:25::25: socat "220 ..." on 25 and 587;
#        INPUT: tcp dport 2525 REJECT --reject-with tcp-reset (its own RST)
#
# 1. "PROG watch -Z nobody --scope" in snd on s0 while snd connects to, in this order:
#    203.0.113.25 port 25 (before any answer came through the router), 587, 25 again,
#    2525; the router's own 192.0.2.1 port 25; 2001:db8:25::25 port 25, 587.
#    Port 25 of the server: refused/reset, the server's address, hops 0, made by the
#    first hop (responder_is_server false, responder_first_hop true), every time: the
#    routing table says the server is reached through a gateway, and the watch asks
#    it after dropping root.  587: accepted from 1 hop, the server's.  2525: the
#    server's own RST, from 1 hop.  192.0.2.1:25: the router's own RST for its own
#    address, on-link: the server's.  The scope report names the first hop.
# 2. "PROG read" of the watch's -w evidence, where no routing table helps: the same,
#    but for the two answers the man page's limits name: the first RST to port 25
#    came before any answer through the router (so it is taken as the server's), and
#    the router's own RST for its own address comes through a next hop that handed
#    over answers from 1 hop (so it is taken as the first hop's).
# 3. "PROG probe" from snd of both server addresses, ports 25 and 587: 25 made by
#    the first hop, 587 the server's.
# Every expectation comes from the configuration above, none from smtpscope's output.
# Needs root; prints "firsthop-lab: N passed, N failed"; about 10 s.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_PREFIX=sfhop-$$
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 PROG" >&2; exit 2; }
PROG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$PROG" ] || { echo "firsthop-lab: $1 is not executable"; echo "firsthop-lab: 0 passed, 1 failed"; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
    echo "firsthop-lab: needs root for network namespaces"
    echo "firsthop-lab: 0 passed, 1 failed"
    exit 1
fi
lab_require_tools ip:iproute2 ss:iproute2 iptables:iptables ip6tables:iptables socat:socat \
    jq:jq timeout:coreutils

pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

lab_init
T=$LAB_TMP
chmod 755 "$T"

# ---- addresses -------------------------------------------------------------------
SND4=192.0.2.10      SND6=2001:db8:c0::10
GW4=192.0.2.1        GW6=2001:db8:c0::1
SRV4=203.0.113.25    SRV6=2001:db8:25::25
SND=$(lab_nsname snd) RTR=$(lab_nsname rtr) SRV=$(lab_nsname srv)

fw() { local ns=$1; shift; lab_log "  rule [${ns#"$LAB_PREFIX"-}]: $*"; lab_exec "$ns" "$@" || lab_die "rule failed: $*"; }

# ---- topology --------------------------------------------------------------------
lab_log "building the lab (prefix $LAB_PREFIX)"
for ns in "$SND" "$RTR" "$SRV"; do lab_ns_add "$ns" 1; done
lab_link "$SND" "$RTR" "$SND4/24,$SND6/64" "$GW4/24,$GW6/64" s0 r0
lab_link "$RTR" "$SRV" "203.0.113.1/24,2001:db8:25::1/64" "$SRV4/24,$SRV6/64" r1 e0
lab_forwarding "$RTR"
ip -n "$SND" route add default via "$GW4" dev s0
ip -n "$SND" -6 route add default via "$GW6" dev s0
ip -n "$SRV" route add default via 203.0.113.1 dev e0
ip -n "$SRV" -6 route add default via 2001:db8:25::1 dev e0
fw "$RTR" iptables -A FORWARD -p tcp --dport 25 -j REJECT --reject-with tcp-reset
fw "$RTR" ip6tables -A FORWARD -p tcp --dport 25 -j REJECT --reject-with tcp-reset
fw "$SRV" iptables -A INPUT -p tcp --dport 2525 -j REJECT --reject-with tcp-reset

# listen PORT — socat on [::]:PORT (IPv4 too) in srv, sending a 220 greeting.
listen() {
    local sh=$T/greet-$1.sh
    printf '#!/bin/sh\nprintf "220 mx.example.test ESMTP lab\\r\\n"\nsleep 1\nexit 0\n' >"$sh"
    chmod 755 "$sh"
    lab_bg "$SRV" "$T/socat-$1.log" socat "TCP6-LISTEN:$1,fork,reuseaddr,ipv6only=0" "EXEC:$sh"
    lab_wait_listen "$SRV" "$1" 5
}
listen 25
listen 587
# The router's routes, as the sender sees them: the server through a gateway.
ip -n "$SND" route get "$SRV4" | grep -q " via $GW4 " || lab_die "snd: $SRV4 is not routed via $GW4"
ip -n "$SND" -6 route get "$SRV6" | grep -q " via $GW6 " || lab_die "snd: $SRV6 is not routed via $GW6"

# record FILE SERVER PORT NTH — the NTH (1-based) record to SERVER:PORT, as
# "class/reason responder is_server first_hop hops" ("-" for null or absent).
record() {
    jq -rs --arg s "$2" --argjson p "$3" --argjson k "$4" '
        def n(x): if x == null then "-" else (x | tostring) end;
        [.[] | select(.server == $s and .server_port == $p)] | .[$k - 1] // empty
        | "\(.class)/\(.reason) \(n(.responder)) \(n(.responder_is_server)) \(n(.responder_first_hop)) \(n(.hops))"' "$1"
}

# want LABEL FILE SERVER PORT NTH EXPECTED
want() {
    local got
    got=$(record "$2" "$3" "$4" "$5")
    if [ "$got" = "$6" ]; then
        ok "$1 $3:$4 #$5: $6"
    else
        bad "$1 $3:$4 #$5: got '${got:-no record}', want '$6'"
    fi
}

# count LABEL FILE N — exactly N records.
count() {
    local n
    n=$(jq -s length "$2")
    if [ "$n" = "$3" ]; then ok "$1: $3 records"; else bad "$1: $n records, want $3"; fi
}

FIRST4="refused/reset $SRV4 false true 0"
FIRST6="refused/reset $SRV6 false true 0"
FORGED4="refused/reset $SRV4 true - 0"		# taken as the server's (read: nothing to compare)
OK4="accepted/syn-ack $SRV4 true - 1"
OK6="accepted/syn-ack $SRV6 true - 1"
OWN2525="refused/reset $SRV4 true - 1"
GWOWN="refused/reset $GW4 true - 0"
GWOWN_READ="refused/reset $GW4 false true 0"	# read: the gateway's own service

# ---- 1. watch ----------------------------------------------------------------------
lab_log "watch in snd"
SMTPSCOPE=$PROG LAB_WATCH_OPTS="--scope -p 25,587,2525" \
    lab_watch_start "$SND" s0 "$T/watch.json" "$T/watch.pcap"
lab_connect "$SND" "$SRV4" 25 3
lab_connect "$SND" "$SRV4" 587 3 "$T/greet-587.txt"
lab_connect "$SND" "$SRV4" 25 3
lab_connect "$SND" "$SRV4" 2525 3
lab_connect "$SND" "$GW4" 25 3
lab_connect "$SND" "$SRV6" 25 3
lab_connect "$SND" "$SRV6" 587 3 "$T/greet-587-6.txt"
lab_capture_stop 0.5
if grep -q 'no routing table' "$T/watch.json.stderr"; then
    bad "watch had no routing table: $(grep 'no routing table' "$T/watch.json.stderr")"
else
    ok "watch asked the routing table (as nobody)"
fi
count watch "$T/watch.json" 7
want watch "$T/watch.json" "$SRV4" 25 1 "$FIRST4"
want watch "$T/watch.json" "$SRV4" 587 1 "$OK4"
want watch "$T/watch.json" "$SRV4" 25 2 "$FIRST4"
want watch "$T/watch.json" "$SRV4" 2525 1 "$OWN2525"
want watch "$T/watch.json" "$GW4" 25 1 "$GWOWN"
want watch "$T/watch.json" "$SRV6" 25 1 "$FIRST6"
want watch "$T/watch.json" "$SRV6" 587 1 "$OK6"
for s in "$SRV4" "$SRV6"; do
    f="finding: local firewall or provider block, not the recipient: 1 of 1 failures were answered by the first hop in the server's name ($s)"
    [ "$s" = "$SRV4" ] && f=${f/1 of 1/2 of 2}
    if grep -qF "$f" "$T/watch.json.stderr"; then
        ok "watch --scope: $s:25 answered by the first hop"
    else
        bad "watch --scope: no '$f'"; sed 's/^/    | /' "$T/watch.json.stderr"
    fi
done

# ---- 2. read of the evidence --------------------------------------------------------
"$PROG" read --json -p 25,587,2525 "$T/watch.pcap" >"$T/read.json" 2>"$T/read.err"
count read "$T/read.json" 7
want read "$T/read.json" "$SRV4" 25 1 "$FORGED4"
want read "$T/read.json" "$SRV4" 587 1 "$OK4"
want read "$T/read.json" "$SRV4" 25 2 "$FIRST4"
want read "$T/read.json" "$SRV4" 2525 1 "$OWN2525"
want read "$T/read.json" "$GW4" 25 1 "$GWOWN_READ"
want read "$T/read.json" "$SRV6" 25 1 "$FIRST6"
want read "$T/read.json" "$SRV6" 587 1 "$OK6"

# ---- 3. probe -----------------------------------------------------------------------
lab_log "probe from snd"
timeout 30 ip netns exec "$SND" "$PROG" probe --target "$SRV4" --target "$SRV6" \
    -p 25,587 --source "$SND4" --source "$SND6" --timeout 2 --json -Z nobody \
    >"$T/probe.json" 2>"$T/probe.err" </dev/null
rc=$?
if [ "$rc" -eq 0 ]; then ok "probe: exit 0"; else bad "probe: exit $rc"; sed 's/^/    | /' "$T/probe.err"; fi
count probe "$T/probe.json" 4
want probe "$T/probe.json" "$SRV4" 25 1 "$FIRST4"
want probe "$T/probe.json" "$SRV4" 587 1 "$OK4"
want probe "$T/probe.json" "$SRV6" 25 1 "$FIRST6"
want probe "$T/probe.json" "$SRV6" 587 1 "$OK6"

echo "firsthop-lab: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
