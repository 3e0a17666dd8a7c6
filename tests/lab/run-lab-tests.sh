#!/bin/bash
# Live lab test of "smtpscope watch": every scenario of record-pcaps.sh is run
# again with smtpscope watching inside the client namespace instead of
# tcpdump, and its records must match the scenario's statements; the -w
# evidence capture, re-read with "smtpscope read", must give the same
# verdicts (but for DROPs, see below); a DROP verdict must come from the timer on an idle link (within
# a second of last SYN + timeout), before the watch is stopped.
#   tests/lab/run-lab-tests.sh PROG [SCENARIO...]
# Needs root (namespaces); prints "lab: N passed, N failed".
set -u
prog=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); shift
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
	echo "lab: needs root for network namespaces"
	echo "lab: 0 passed, 1 failed"
	exit 1
fi
out=$(mktemp -d /tmp/smtpscope-lab.XXXXXX)
trap 'rm -rf "$out"' EXIT
chmod 755 "$out"
pass=0; fail=0
ok() { pass=$((pass+1)); echo "ok   $*"; }
bad() { fail=$((fail+1)); echo "FAIL $*"; }

if LAB_OBSERVER=watch SMTPSCOPE=$prog bash "$here/record-pcaps.sh" "$out/" "$@" >"$out/run.log" 2>&1; then
	ok "all scenarios ran under watch (uid nobody, exit 0 on SIGINT)"
else
	bad "scenario run:"; tail -n 25 "$out/run.log"
fi

for e in "$out"/*.expect; do
	[ -f "$e" ] || continue
	name=$(basename "$e" .expect)
	grep -q '^# SKIPPED' "$e" && { echo "skip $name"; continue; }
	# The live records against the scenario's statements ...
	if EXPECT_RECORDS=${e%.expect}.json bash "$top/tests/check-expect.sh" "$prog" "$e" >"$out/$name.check" 2>&1; then
		ok "watch $name"
	else
		bad "watch $name"; grep -v '^expect:' "$out/$name.check"
	fi
	# ... and the evidence file re-read offline must give the same attempts
	# and verdicts.  One difference is allowed: the file holds only the
	# attempts' own packets and a pcap has no end time, so a DROP whose last
	# SYN is the last packet in the file is unresolved offline.
	"$prog" read --json "${e%.expect}.pcap" >"$out/$name.offline.json" 2>/dev/null
	diffs=$(jq -rs --slurpfile off "$out/$name.offline.json" '
		def key: "\(.client) \(.client_port) \(.server) \(.server_port)";
		def v: "\(.class)/\(.reason)";
		def attempts: map(select((.type // "attempt") == "attempt"));
		(attempts | map({(key): v}) | add // {}) as $live
		| ($off | attempts | map({(key): v}) | add // {}) as $offline
		| ($live + $offline | keys[])
		| select($live[.] != $offline[.])
		| select(($live[.] == "dropped/no-response" and $offline[.] == "unresolved/capture-ended") | not)
		| "\(.): live \($live[.]) offline \($offline[.])"' "${e%.expect}.json")
	if [ -z "$diffs" ] && [ -s "$out/$name.offline.json" ]; then
		ok "read -w evidence of $name"
	else
		bad "read -w evidence of $name: ${diffs:-no records}"
	fi
done

# DROP on time: the verdict comes 10 s (the timeout) after the last SYN, from
# the poll timer (nothing else arrives), well before the watch is stopped.
for n in drop v6-drop; do
	j=$out/$n.json
	[ -f "$j" ] || continue
	late=$(jq -r 'select(.class == "dropped") |
		((.verdict_ts | sub("\\.[0-9]+Z$"; "Z") | fromdate) - (.ts | sub("\\.[0-9]+Z$"; "Z") | fromdate))' "$j")
	# SYNs go out at 0..3 s, so the verdict is due 10..13 s after the first.
	if [ -n "$late" ] && [ "$late" -ge 10 ] && [ "$late" -le 14 ]; then
		ok "$n: dropped verdict $late s after the first SYN"
	else
		bad "$n: dropped verdict timing '${late:-none}'"
	fi
done
echo "lab: $pass passed, $fail failed"
[ $fail -eq 0 ]
