#!/bin/bash
# Live lab test of the rules of what the client experienced, under "smtpscope watch": the tfo,
# injected-rst and late-answer scenarios of record-experienced.sh run with watch
# observing in the client namespace (--timeout 3).  The records must match
# each capture's statements (pcaps/lab/NAME.expect, the final record of an
# attempt), and watch must have written the first verdict and then a
# correction record, marked as the man page says.
#   tests/lab/experienced-lab.sh PROG
# Needs root (namespaces); prints "experienced-lab: N passed, N failed".
set -u
prog=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
	echo "experienced-lab: needs root for network namespaces"
	echo "experienced-lab: 0 passed, 1 failed"
	exit 1
fi
out=$(mktemp -d /tmp/smtpscope-i20.XXXXXX)
trap 'rm -rf "$out"' EXIT
chmod 755 "$out"
pass=0; fail=0
ok() { pass=$((pass+1)); echo "ok   $*"; }
bad() { fail=$((fail+1)); echo "FAIL $*"; }

if LAB_OBSERVER=watch SMTPSCOPE=$prog LAB_WATCH_OPTS="--timeout 3" \
    bash "$here/record-experienced.sh" "$out" >"$out/run.log" 2>&1; then
	ok "scenarios ran under watch (uid nobody, exit 0 on SIGINT)"
else
	bad "scenario run:"; tail -n 25 "$out/run.log"
fi
for name in tfo injected-rst late-answer; do
	if EXPECT_RECORDS=$out/$name.json bash "$top/tests/check-expect.sh" "$prog" \
	    "$top/pcaps/lab/$name.expect" >"$out/$name.check" 2>&1; then
		ok "watch $name"
	else
		bad "watch $name"; grep -v '^expect:' "$out/$name.check"
	fi
done
# The verdict first written, then its correction: one attempt, two lines.
check_correction() {	# NAME CLASS/REASON WRITTEN FIRST
	local got
	got=$(jq -r 'select(.type == "attempt") |
	    "\(.class)/\(.reason) \(.correction // false) \(.corrects_class // "-")/\(.corrects_reason // "-")"' \
	    "$out/$1.json" 2>/dev/null | tr '\n' ';')
	if [ "$got" = "$2 false -/-;accepted/syn-ack true $2;" ]; then
		ok "watch $1: $2, then its correction"
	else
		bad "watch $1: records '$got', want $2 then a correction to accepted/syn-ack"
	fi
}
check_correction injected-rst refused/reset
check_correction late-answer dropped/no-response
echo "experienced-lab: $pass passed, $fail failed"
[ $fail -eq 0 ]
