#!/usr/bin/env bash
# tests/lab/metrics-lab.sh PROG — live lab test of "watch --metrics-file":
# the textfile is written when the capture starts, rewritten on the 15 s
# timer while the run goes on (new mtime, new counts), at once on SIGUSR1,
# and a last time at the end, inside the sandbox, as the -Z user; it passes
# `promtool check metrics`, carries the kernel's counters, and its
# attempts are those watch printed as JSON.  A failed write is said once
# and the run goes on.  Then probe --metrics-file:
# written at its end, with its verdicts.
#
# Two namespaces on one veth (documentation addresses): client 192.0.2.10,
# server 203.0.113.25 greeting on 2525, nothing on 2526 (RST).
# Needs root, promtool (Debian: prometheus), socat, jq; prints
# "metrics-lab: N passed, N failed"; about 25 s.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034  # lib.sh reads it
LAB_PREFIX=smetr-$$
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 PROG" >&2; exit 2; }
PROG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
pass=0; fail=0
check() {	# NAME CONDITION-STATUS [DETAIL]
	if [ "$2" -eq 0 ]; then pass=$((pass+1)); echo "ok   $1"
	else fail=$((fail+1)); echo "FAIL $1${3:+: $3}"; fi
}
# value FILE SERIES: the sample's value, or nothing.
value() { awk -v s="$2" '$1 == s { print $2 }' "$1"; }

lab_require_root
lab_require_tools ip:iproute2 ss:iproute2 socat:socat jq:jq promtool:prometheus \
    timeout:coreutils
lab_init
lab_cli_srv

lab_greeter "$SRV" 2525

# The run drops root to nobody: the directory is theirs to write.
chmod 711 "$LAB_TMP"
D=$LAB_TMP/textfile
mkdir "$D" && chmod 1777 "$D"
M=$D/smtpscope.prom
lab_bg "$CLI" "$LAB_TMP/watch.out" "$PROG" watch -i c0 -p 2525,2526 --json \
    --findings --metrics-file "$M"
WATCH=$LAB_LAST_PID
lab_wait_for "[ -s '$M' ]" 10
check "written when the capture starts" $? "$(head -3 "$LAB_TMP/watch.out")"
cp "$M" "$LAB_TMP/first.prom"
t0=$(stat -c %Y.%y "$M")
ts0=$(value "$M" smtpscope_metrics_timestamp_seconds)
[ -n "$(value "$M" smtpscope_kernel_received_packets_total)" ]
check "watch has the kernel's counters" $?

lab_connect "$CLI" 203.0.113.25 2525 4 "$LAB_TMP/greeting.txt"
lab_connect "$CLI" 203.0.113.25 2526 4
acc='smtpscope_attempts_total{class="accepted",reason="syn-ack",port="2525",source="192.0.2.10"}'
ref='smtpscope_attempts_total{class="refused",reason="reset",port="2526",source="192.0.2.10"}'
# The timer's rewrite: within 15 s of the start, and more under load.
lab_wait_for "[ \"\$(value '$M' '$acc')\" = 1 ] && [ \"\$(value '$M' '$ref')\" = 1 ]" 40
check "rewritten by the timer with the new attempts" $? \
    "$(grep attempts_total "$M" | head -3)"
[ "$(stat -c %Y.%y "$M")" != "$t0" ] && ! cmp -s "$M" "$LAB_TMP/first.prom"
check "a new mtime and new content" $?
ts1=$(value "$M" smtpscope_metrics_timestamp_seconds)
awk -v a="$ts0" -v b="$ts1" 'BEGIN { exit !(b > a) }'
check "the pulse moved on" $? "$ts0 -> $ts1"
r=$(value "$M" smtpscope_kernel_received_packets_total)
[ -n "$r" ] && [ "$r" -gt 0 ]
check "the kernel's received counter counts the attempts' packets" $? "$r"
promtool check metrics <"$M" >"$LAB_TMP/lint" 2>&1
check "promtool check metrics (during the run)" $? "$(head -3 "$LAB_TMP/lint")"

# SIGUSR1: written at once, not at the next tick of the timer.
ts1=$(value "$M" smtpscope_metrics_timestamp_seconds)
sleep 1.1
kill -USR1 "$WATCH"
lab_wait_for "[ \"\$(value '$M' smtpscope_metrics_timestamp_seconds)\" != '$ts1' ]" 5
check "SIGUSR1 rewrites it at once" $?

# A write that fails (the directory made read-only) is said once and the
# run goes on; when one works again, that is said too.  SIGUSR1 makes the
# writes, so no timer is waited for.
chmod 555 "$D"
kill -USR1 "$WATCH"
lab_wait_for "grep -q 'metrics-file .*Permission denied (the run goes on)' '$LAB_TMP/watch.out'" 5
check "a failed write is said" $? "$(grep -v '^{' "$LAB_TMP/watch.out" | tail -2)"
kill -USR1 "$WATCH"
sleep 1
n=$(grep -c 'the run goes on' "$LAB_TMP/watch.out")
kill -0 "$WATCH" 2>/dev/null && [ "$n" = 1 ]
check "said once, and the run goes on" $? "$n lines"
chmod 1777 "$D"
kill -USR1 "$WATCH"
lab_wait_for "grep -q 'metrics-file .*: written again' '$LAB_TMP/watch.out'" 5
check "a write that works again is said" $?

# The end: the last write, then the records printed are the counts.
lab_kill "$WATCH" INT
grep '^{' "$LAB_TMP/watch.out" | jq -s -r '
	[.[] | select(.type == "attempt" and (.correction | not))]
	| group_by([.class, .reason, .server_port, .client])[]
	| "smtpscope_attempts_total{class=\"\(.[0].class)\",reason=\"\(.[0].reason)\",port=\"\(.[0].server_port)\",source=\"\(.[0].client)\"} \(length)"' |
    LC_ALL=C sort >"$LAB_TMP/want"
grep '^smtpscope_attempts_total{' "$M" | LC_ALL=C sort >"$LAB_TMP/got"
[ -s "$LAB_TMP/want" ] && cmp -s "$LAB_TMP/want" "$LAB_TMP/got"
check "the last write's attempts are the JSON records'" $? \
    "$(diff "$LAB_TMP/got" "$LAB_TMP/want" | head -5)"
promtool check metrics <"$M" >"$LAB_TMP/lint" 2>&1
check "promtool check metrics (the last write)" $? "$(head -3 "$LAB_TMP/lint")"
[ "$(ls -A "$D")" = smtpscope.prom ]
check "no temporary file left" $? "$(ls -A "$D")"
[ "$(stat -c %U "$M")" = nobody ]
check "written as the -Z user, not root" $? "$(stat -c %U "$M")"
grep -q 'Bad system call' "$LAB_TMP/watch.out" && st=1 || st=0
check "no sandbox death" $st "$(grep -v '^{' "$LAB_TMP/watch.out" | tail -3)"

# probe: the textfile at the end, with the probes' verdicts.
P=$D/probe.prom
timeout 30 ip netns exec "$CLI" "$PROG" probe --json --source 192.0.2.10 \
    --target 203.0.113.25 -p 2525,2526 --metrics-file "$P" >"$LAB_TMP/probe.out" 2>&1
check "probe --metrics-file ends" $? "$(tail -3 "$LAB_TMP/probe.out")"
[ "$(value "$P" "$acc")" = 1 ] && [ "$(value "$P" "$ref")" = 1 ]
check "probe's textfile has its two verdicts" $? "$(grep attempts_total "$P" 2>&1 | head -3)"
[ -n "$(value "$P" smtpscope_kernel_received_packets_total)" ]
check "probe's textfile has the kernel's counters" $?

echo "metrics-lab: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
