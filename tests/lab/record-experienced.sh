#!/usr/bin/env bash
# tests/lab/record-experienced.sh — record the captures of the tracker's
# rules from real Linux kernels in throw-away namespaces:
#   tfo           TCP Fast Open (net.ipv4.tcp_fastopen): a SYN without data
#                 that gets a cookie, a SYN with data the server accepts, and
#                 one whose data a server without Fast Open ignores
#   injected-rst  a gateway forges a RST+ACK (ack = ISN+1) in answer to the
#                 SYN, which it relays to the server 100 ms later; the
#                 client's stack drops the RST (its timestamp echo fails PAWS)
#                 and connects
#   late-answer   the server drops SYNs for 5 s, then takes the retransmission
#                 at ~7 s (read it with --timeout 3: dropped, then answered)
#   reorder       one connection captured at two points, the client's
#                 packets on its side and the server's on its side; the
#                 server side's clock is shifted 500 us ahead (editcap -t),
#                 as a second capture host's clock can be, and the two merged
#                 (mergecap): the SYN-ACK is stamped after the client's ACK
#   bogus-ts      a connection whose SYN the gateway relays 100 ms late, with
#                 a UDP datagram to the server every 10 ms; the first one
#                 between the SYN and its SYN-ACK is
#                 re-stamped 10 years later (editcap -t on that one frame,
#                 put back in place with mergecap -a)
# The last two are post-processed real captures, said so in pcaps/README.md.
#
# Usage: tests/lab/record-experienced.sh [OUTDIR] (default pcaps/lab). As root.
# With LAB_OBSERVER=watch and SMTPSCOPE=PROG, "PROG watch --json" observes
# tfo, injected-rst and late-answer instead of tcpdump (OUTDIR/NAME.json,
# OUTDIR/NAME.pcap its -w capture; LAB_WATCH_OPTS for its options), and the
# two post-processed captures are not made (tests/lab/experienced-lab.sh).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
OUT=${1:-$REPO/pcaps/lab}
HELPER="python3 $HERE/experienced-helper.py"

lab_require_root
lab_require_tools ip:iproute2 tc:iproute2 nft:nftables tcpdump:tcpdump socat:socat \
    python3:python3 editcap:wireshark-common mergecap:wireshark-common ethtool:ethtool \
    timeout:coreutils sysctl:procps
lab_init
export LAB_TX_CSUM_OFF=1
mkdir -p "$OUT"
CLI4=192.0.2.10 SRV4=203.0.113.25 FILTER='tcp or icmp'
LAB_OBSERVER=${LAB_OBSERVER:-tcpdump}

observe() {	# NAME: tcpdump, or smtpscope watch, in the client namespace
    if [ "$LAB_OBSERVER" = watch ]; then
        lab_watch_start "$CLI" c0 "$OUT/$1.json" "$OUT/$1.pcap"
    else
        lab_capture_start "$CLI" c0 "$OUT/$1.pcap" "$FILTER"
    fi
}

# two namespaces joined directly
direct() {
    CLI=$(lab_nsname "cli-$1") SRV=$(lab_nsname "srv-$1")
    lab_ns_add "$CLI" 0
    lab_ns_add "$SRV" 0
    lab_link "$CLI" "$SRV" "$CLI4/24" "$SRV4/24" c0 s0
    ip -n "$CLI" route add 203.0.113.0/24 dev c0
    ip -n "$SRV" route add 192.0.2.0/24 dev s0
}

greet_listener() {	# NS TEXT: socat on port 25 sending TEXT, then waiting for the client
    local sh=$LAB_TMP/greet-$RANDOM.sh
    printf '#!/bin/sh\nprintf "%s\\r\\n"\nread -t 2 _ || true\n' "$2" >"$sh"
    chmod 0755 "$sh"
    lab_bg "$1" "$sh.log" socat TCP4-LISTEN:25,fork,reuseaddr "EXEC:$sh"
    lab_wait_listen "$1" 25 5
}

rec_tfo() {
    direct tfo
    lab_exec "$CLI" sysctl -qw net.ipv4.tcp_fastopen=3
    lab_exec "$SRV" sysctl -qw net.ipv4.tcp_fastopen=3
    lab_bg "$SRV" "$LAB_TMP/tfo.log" $HELPER tfo-server 25 "220 tfo.example.test ESMTP" 20
    lab_wait_listen "$SRV" 25 5
    observe tfo
    lab_exec "$CLI" timeout 5 $HELPER tfo-client "$SRV4" 25 "EHLO first"	# cookie
    sleep 0.2
    lab_exec "$CLI" timeout 5 $HELPER tfo-client "$SRV4" 25 "EHLO second"	# data taken
    sleep 0.2
    lab_exec "$SRV" sysctl -qw net.ipv4.tcp_fastopen=1	# server side off
    lab_exec "$CLI" timeout 5 $HELPER tfo-client "$SRV4" 25 "EHLO third"	# data ignored
    lab_capture_stop 0.5
}

# client - gateway - server; the gateway relays SYNs to port 25 itself
# (experienced-helper.py relay-syn), DELAY s late, forging a RST if MODE is forge
gateway() {	# NAME DELAY MODE
    local gw=198.51.100.1
    CLI=$(lab_nsname "cli-$1") GW=$(lab_nsname "gw-$1") SRV=$(lab_nsname "srv-$1")
    lab_ns_add "$CLI" 0; lab_ns_add "$GW" 0; lab_ns_add "$SRV" 0
    lab_link "$CLI" "$GW" "$CLI4/24" 192.0.2.1/24 c0 g0
    lab_link "$GW" "$SRV" "$gw/24" "198.51.100.25/24,$SRV4/32" g1 s0
    lab_forwarding "$GW"
    ip -n "$CLI" route add default via 192.0.2.1 dev c0
    ip -n "$SRV" route add default via "$gw" dev s0
    ip -n "$GW" route add "$SRV4/32" via 198.51.100.25 dev g1
    lab_exec "$GW" nft -f - <<'EOF'
table inet i20 {
    chain relay {
        type filter hook forward priority 0;
        tcp dport 25 tcp flags & (syn | ack) == syn drop
    }
}
EOF
    lab_bg "$GW" "$LAB_TMP/relay-$1.log" $HELPER relay-syn g0 10 "$2" "$3"
    sleep 0.5
}

rec_injected_rst() {
    gateway inj 0.1 forge
    greet_listener "$SRV" "220 mx.example.test ESMTP lab"
    observe injected-rst
    lab_connect "$CLI" "$SRV4" 25 4 "$LAB_TMP/greeting.txt"
    lab_log "  greeting read: $(tr -d '\r' <"$LAB_TMP/greeting.txt")"
    lab_capture_stop 0.5
    lab_log "  gateway: $(tr '\n' ' ' <"$LAB_TMP/relay-inj.log")"
}

rec_late_answer() {
    direct late
    lab_exec "$CLI" sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0 2>/dev/null || true
    greet_listener "$SRV" "220 mx.example.test ESMTP lab"
    lab_exec "$SRV" nft -f - <<'EOF'
table inet i20 {
    chain syn25 {
        type filter hook input priority 0;
        tcp dport 25 drop
    }
}
EOF
    observe late-answer
    lab_bg "$CLI" "$LAB_TMP/late.log" timeout 20 bash -c \
        'exec 3<>"/dev/tcp/$1/25" && IFS= read -r -t 3 l <&3; echo "$l"' _ "$SRV4"
    local cpid=$LAB_LAST_PID
    sleep 5
    lab_exec "$SRV" nft delete table inet i20
    lab_log "  drop rule deleted 5 s after the first SYN"
    wait "$cpid" || true
    lab_forget_pid "$cpid"
    lab_log "  client read: $(tr -d '\r' <"$LAB_TMP/late.log")"
    lab_capture_stop 0.5
}

rec_reorder() {
    local a=$LAB_TMP/cli-side.pcap b=$LAB_TMP/srv-side.pcap bs=$LAB_TMP/srv-shifted.pcap pid
    direct reo
    greet_listener "$SRV" "220 mx.example.test ESMTP lab"
    lab_capture_start "$SRV" s0 "$b" "tcp and src host $SRV4"
    pid=$LAB_CAP_PID
    lab_capture_start "$CLI" c0 "$a" "tcp and src host $CLI4"
    lab_connect "$CLI" "$SRV4" 25 4 "$LAB_TMP/greeting.txt"
    lab_capture_stop 0.5
    LAB_CAP_PID=$pid
    lab_capture_stop 0.1
    editcap -t 0.0005 "$b" "$bs"
    mergecap -F pcap -w "$OUT/reorder.pcap" "$a" "$bs"
}

rec_bogus_ts() {
    local raw=$LAB_TMP/bogus-raw.pcap n total p
    gateway bts 0.1 plain
    greet_listener "$SRV" "220 mx.example.test ESMTP lab"
    lab_bg "$SRV" "$LAB_TMP/sink.log" socat -u UDP4-RECV:9 /dev/null
    lab_wait_listen "$SRV" 9 5 udp
    lab_capture_start "$CLI" c0 "$raw" "tcp or udp port 9"
    # a datagram every 10 ms, over the connection
    lab_bg "$CLI" "$LAB_TMP/udp.log" bash -c \
        'for i in $(seq 40); do printf tick >"/dev/udp/$1/9"; sleep 0.01; done' _ "$SRV4"
    p=$LAB_LAST_PID
    sleep 0.1
    lab_connect "$CLI" "$SRV4" 25 4 "$LAB_TMP/greeting.txt"
    wait "$p" || true
    lab_forget_pid "$p"
    lab_capture_stop 0.5
    # the first datagram after the SYN
    n=$(tcpdump -nn -r "$raw" 2>/dev/null | awk '/Flags \[S\],/ { s = 1 } s && /UDP/ { print NR; exit }')
    total=$(tcpdump -nn -r "$raw" 2>/dev/null | wc -l)
    [ -n "$n" ] || lab_die "no datagram after the SYN"
    editcap -r "$raw" "$LAB_TMP/b1.pcap" "1-$((n - 1))"
    editcap -r "$raw" "$LAB_TMP/b2.pcap" "$n"
    editcap -t 315360000 "$LAB_TMP/b2.pcap" "$LAB_TMP/b2s.pcap"
    editcap -r "$raw" "$LAB_TMP/b3.pcap" "$((n + 1))-$total"
    mergecap -a -F pcap -w "$OUT/bogus-ts.pcap" "$LAB_TMP/b1.pcap" "$LAB_TMP/b2s.pcap" "$LAB_TMP/b3.pcap"
    lab_log "  frame $n of $total re-stamped 10 years (315360000 s) later"
}

scenarios="tfo injected_rst late_answer reorder bogus_ts"
[ "$LAB_OBSERVER" = watch ] && scenarios="tfo injected_rst late_answer"
for s in $scenarios; do
    lab_log "scenario ${s//_/-}"
    "rec_$s"
    lab_ns_del_all
    LAB_NAMESPACES=()
done
lab_log "done: $OUT"
