#!/usr/bin/env bash
# tests/lab/record-nflog.sh — record the NFLOG and multi-interface captures.
#
# Usage: tests/lab/record-nflog.sh [OUTDIR]     (as root; default pcaps/lab)
#
# One run, two captures of the same two connection attempts from a client
# namespace whose nftables rules log SMTP traffic to NFLOG groups 5 and 6
# (the "log group N prefix ..." statement an operator writes to see what a
# rule matched):
#   OUTDIR/nflog-group.pcap      tcpdump -i nflog:6 (classic pcap, link
#                                type NFLOG): what the rules logged, only
#   OUTDIR/nflog-multi-if.pcapng dumpcap -i c0 -i nflog:5: one pcapng with
#                                two interfaces of different link types
#                                (EN10MB and NFLOG), each SYN seen twice
# and their .expect files, written from the scenario below (never from a
# tool's output).  The server listens on 25 and REJECTs 587 with a reset.
# Documentation addresses only: client 192.0.2.10, server 203.0.113.25.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

OUTDIR=${1:-$REPO/pcaps/lab}
CLI4=192.0.2.10
SRV4=203.0.113.25
GREET='220 mx.example.test ESMTP lab'

lab_require_root
lab_require_tools ip:iproute2 ss:iproute2 nft:nftables iptables:iptables \
    tcpdump:tcpdump dumpcap:wireshark-common socat:socat ethtool:ethtool \
    timeout:coreutils
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
lab_init
export LAB_TX_CSUM_OFF=1

CLI=$(lab_nsname cli) SRV=$(lab_nsname srv)
lab_ns_add "$CLI" 0
lab_ns_add "$SRV" 0
lab_link "$CLI" "$SRV" "$CLI4/24" - c0 s0
lab_addr "$SRV" s0 "$SRV4/24"
ip -n "$CLI" route add 203.0.113.0/24 dev c0
ip -n "$SRV" route add 192.0.2.0/24 dev s0

# The client's rules: out- and incoming SMTP segments logged twice, to
# group 5 (the multi-interface capture) and group 6 (the NFLOG one).
lab_exec "$CLI" nft -f - <<'EOF'
table inet smtplog {
	chain out {
		type filter hook output priority 0;
		tcp dport { 25, 587 } log prefix "smtp-out" group 5 queue-threshold 1
		tcp dport { 25, 587 } log prefix "smtp-out" group 6
	}
	chain in {
		type filter hook input priority 0;
		tcp sport { 25, 587 } log prefix "smtp-in" group 5 queue-threshold 1
		tcp sport { 25, 587 } log prefix "smtp-in" group 6
	}
}
EOF
lab_log "client rules: $(lab_exec "$CLI" nft list ruleset | grep -c ' log ') log statements"
lab_exec "$SRV" iptables -A INPUT -p tcp --dport 587 -j REJECT --reject-with tcp-reset

printf '%s\r\n' "$GREET" >"$LAB_TMP/greet.txt"
printf '#!/bin/bash\ncat %q\nIFS= read -r -t 3 _ || true\n' "$LAB_TMP/greet.txt" \
    >"$LAB_TMP/greet.sh"
chmod 0755 "$LAB_TMP/greet.sh"
lab_bg "$SRV" "$LAB_TMP/socat.log" socat TCP4-LISTEN:25,fork,reuseaddr \
    "EXEC:$LAB_TMP/greet.sh"
lab_wait_listen "$SRV" 25 5

MULTI=$LAB_TMP/nflog-multi-if.pcapng NFL=$LAB_TMP/nflog-group.pcap
lab_bg "$CLI" "$LAB_TMP/dumpcap.err" dumpcap -q -i c0 -i nflog:5 -w "$MULTI"
DUMPCAP=$LAB_LAST_PID
lab_capture_start "$CLI" nflog:6 "$NFL"
lab_wait_for "grep -q 'Capturing on' '$LAB_TMP/dumpcap.err'" 5 ||
    lab_die "dumpcap did not start: $(cat "$LAB_TMP/dumpcap.err")"
sleep 1

lab_connect "$CLI" "$SRV4" 25 4 "$LAB_TMP/greeting.txt"
lab_log "  greeting read: $(tr -d '\r' <"$LAB_TMP/greeting.txt")"
lab_connect "$CLI" "$SRV4" 587 4

sleep 1.5
lab_capture_stop 1
lab_kill "$DUMPCAP" INT
[ -s "$MULTI" ] || lab_die "dumpcap wrote nothing: $(cat "$LAB_TMP/dumpcap.err")"
mv -f -- "$MULTI" "$OUTDIR/nflog-multi-if.pcapng"
mv -f -- "$NFL" "$OUTDIR/nflog-group.pcap"

scenario="client nftables rules log tcp dport {25,587} (prefix smtp-out) and tcp sport {25,587} (prefix smtp-in) to NFLOG; the server greets on 25 and REJECTs 587 with tcp-reset"
cat >"$OUTDIR/nflog-group.expect" <<EOF
# scenario: $scenario
# recorded with: tcpdump -i nflog:6 in the client namespace (link type NFLOG): only what the rules logged
server=$SRV4 server_port=25 class=accepted reason=syn-ack responder=$SRV4 responder_is_server=true greeting_code=220 syns=1 nflog_group=6 nflog_prefix=smtp-out
server=$SRV4 server_port=587 class=refused reason=reset responder=$SRV4 responder_is_server=true syns=1 nflog_group=6 nflog_prefix=smtp-out
EOF
cat >"$OUTDIR/nflog-multi-if.expect" <<EOF
# scenario: $scenario
# recorded with: dumpcap -i c0 -i nflog:5 in the client namespace: pcapng with an EN10MB and an NFLOG interface; every SYN is there twice (its NFLOG copy and the wire copy) and is one transmission
server=$SRV4 server_port=25 class=accepted reason=syn-ack responder=$SRV4 responder_is_server=true greeting_code=220 syns=1 nflog_group=5 nflog_prefix=smtp-out
server=$SRV4 server_port=587 class=refused reason=reset responder=$SRV4 responder_is_server=true syns=1 nflog_group=5 nflog_prefix=smtp-out
EOF
lab_log "wrote $OUTDIR/nflog-group.pcap and $OUTDIR/nflog-multi-if.pcapng with their .expect files"
