#!/usr/bin/env bash
# tests/lab/writefile-lab.sh PROG — live lab test of "watch -w": the
# evidence file is pcapng that tcpdump and tshark read, whose section
# comment names the server ports, and "read" of it without -p takes them.
#
# Two namespaces on one veth (documentation addresses): client 192.0.2.10,
# server 203.0.113.25 greeting on port 2525 (not a default port).
# "PROG watch -i c0 -p 2525 -w FILE" in the client namespace while the
# client connects to 2525 and reads the greeting.  Checked: watch's own
# record; tcpdump -r FILE reads it and shows the SYN to 2525; capinfos
# shows the section comment "smtpscope ports: 2525" and the command (on
# one line: capinfos shows its line breaks as spaces); the interface name; "PROG read FILE" (no -p) finds the accepted
# attempt on 2525 with its greeting; "PROG read -p 25 FILE" finds none.
# Then "PROG watch -i nflog:7" while an nftables rule of the client logs
# its SYNs to group 7 with the prefix "to-2525": the record names them.
# Needs root, tcpdump, tshark/capinfos (Debian's tshark); prints
# "writefile-lab: N passed, N failed"; about 5 s.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034  # lib.sh reads it
LAB_PREFIX=swfile-$$
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 PROG" >&2; exit 2; }
PROG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
pass=0; fail=0
check() {	# NAME CONDITION-STATUS [DETAIL]
	if [ "$2" -eq 0 ]; then pass=$((pass+1)); echo "ok   $1"
	else fail=$((fail+1)); echo "FAIL $1${3:+: $3}"; fi
}

lab_require_root
lab_require_tools ip:iproute2 ss:iproute2 tcpdump:tcpdump capinfos:tshark \
    tshark:tshark socat:socat jq:jq timeout:coreutils nft:nftables
lab_init
lab_cli_srv

lab_greeter "$SRV" 2525

F=$LAB_TMP/evidence.pcapng
lab_bg "$CLI" "$LAB_TMP/watch.json" "$PROG" watch -i c0 -p 2525 -w "$F" --json \
    --sensor lab
WATCH=$LAB_LAST_PID
lab_wait_for "[ -s '$F' ]" 5 || lab_die "watch wrote no $F"
sleep 0.5
lab_connect "$CLI" 203.0.113.25 2525 4 "$LAB_TMP/greeting.txt"
sleep 0.5
lab_kill "$WATCH" INT

# stdout and stderr share the log: the JSON lines are those with a brace.
n=$(grep '^{' "$LAB_TMP/watch.json" | jq -s '[.[] | select(.type == "attempt" and .server_port == 2525 and .class == "accepted")] | length' 2>/dev/null)
check "watch saw the attempt on 2525" "$([ "$n" = 1 ]; echo $?)" "$n records"

out=$(tcpdump -nn -r "$F" 2>&1); rc=$?
check "tcpdump -r reads the pcapng" "$rc" "$(printf '%s' "$out" | tail -n1)"
printf '%s\n' "$out" | grep -q '192.0.2.10.[0-9]* > 203.0.113.25.2525: Flags \[S\]'
check "tcpdump shows the SYN to 2525" $? "$(printf '%s' "$out" | head -n3)"

info=$(capinfos "$F" 2>&1)
printf '%s\n' "$info" | grep -q 'smtpscope ports: 2525 smtpscope command'
check "the section comment names the ports" $? "$(printf '%s' "$info" | grep -i comment)"
printf '%s\n' "$info" | grep -q "smtpscope command: smtpscope watch .*-p 2525"
check "the section comment names the command" $?
filt=$(tshark -r "$F" -T fields -e frame.interface_name -c 1 2>/dev/null)
check "tshark reads the interface name" "$([ "$filt" = c0 ]; echo $?)" "$filt"
printf '%s\n' "$info" | grep -q 'Capture length = \|Number of packets' 
check "capinfos reads the packets" $?

rec=$("$PROG" read --json "$F" 2>&1)
n=$(printf '%s\n' "$rec" | jq -s '[.[] | select(.type == "attempt" and .server_port == 2525 and .class == "accepted" and .greeting_code == 220)] | length' 2>/dev/null)
check "read without -p takes port 2525 from the file" "$([ "$n" = 1 ]; echo $?)" "$n records"
n=$("$PROG" read --json -p 25 "$F" 2>/dev/null | jq -s '[.[] | select(.type == "attempt")] | length')
check "read -p 25 overrides the file's ports" "$([ "$n" = 0 ]; echo $?)" "$n records"

# watch on an NFLOG group: the client's nftables rule logs its SMTP SYNs to
# group 7; watch -i nflog:7 compiles no filter and names the rule.
lab_exec "$CLI" nft -f - <<'EOF'
table inet smtplog {
	chain out {
		type filter hook output priority 0;
		tcp dport 2525 log prefix "to-2525" group 7 queue-threshold 1
	}
	chain in {
		type filter hook input priority 0;
		tcp sport 2525 log prefix "from-2525" group 7 queue-threshold 1
	}
}
EOF
lab_bg "$CLI" "$LAB_TMP/nflog.json" "$PROG" watch -i nflog:7 -p 2525 --json \
    --sensor lab
NFW=$LAB_LAST_PID
lab_wait_for "grep -q 'listening on' '$LAB_TMP/nflog.json'" 5 ||
    lab_die "watch -i nflog:7 did not start: $(cat "$LAB_TMP/nflog.json")"
lab_connect "$CLI" 203.0.113.25 2525 4 "$LAB_TMP/greeting2.txt"
sleep 0.5
lab_kill "$NFW" INT
n=$(grep '^{' "$LAB_TMP/nflog.json" | jq -s '[.[] | select(.type == "attempt" and .server_port == 2525 and .class == "accepted" and .nflog_group == 7 and .nflog_prefix == "to-2525")] | length' 2>/dev/null)
check "watch -i nflog:7 names the rule that logged the SYN" "$([ "$n" = 1 ]; echo $?)" \
    "$(grep -v '^{' "$LAB_TMP/nflog.json" | head -n3) $n records"

echo "writefile-lab: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
