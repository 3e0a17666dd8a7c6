#!/bin/bash
# JSON lines: their shape, their sensors, and smtpscope scope over them.
#   tests/json.sh PROG
# 1. shape: every stdout line of `read --json` of each TESTLIST capture is
#    JSON (jq), has a type and the sensor given; the attempts, then one
#    summary whose counts are the attempts'; nothing on stderr.
# 2. round trip: `scope --json` of those lines gives the same attempt lines
#    back, byte for byte (every field read back as it was written).
# 3. two sensors: sensor a refused, sensor b accepted by the same server;
#    scope over both files (in either order, with syslog prefixes, from
#    standard input) merges them by time and names the finding.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/prog.sh"
resolve_prog json "${1:-}"
if ! command -v jq >/dev/null; then
	echo "FAIL jq is not installed (as root: make deps)"
	echo "json: 0 passed, 1 failed"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL $*"; fail=$((fail+1)); }

# ---- 1, 2: every capture of the golden list ----
# One file per capture, then one jq and one scope over them all.
n=0; names=()
while read -r name cap opts; do
	case "$name" in ''|'#'*) continue ;; esac
	cap=${cap#<}
	files=()
	IFS=+ read -ra parts <<<"$cap"
	for f in "${parts[@]}"; do files+=("$top/pcaps/$f"); done
	# the capture options only (-p, --timeout ...), not the output's
	o=" $opts "
	for w in --json --csv --summary --scope --evidence --findings; do o=${o// $w / }; done
	o=$(printf '%s' "$o" | sed 's/ --window [^ ]* / /g')
	o=${o// --sensor golden / }
	n=$((n+1)); names+=("$name")
	# shellcheck disable=SC2086
	"$prog" read --json --sensor "t-$name" $o "${files[@]}" >"$tmp/r$n.json" 2>"$tmp/r$n.err"
	# read's status is its own (a cut capture: 3, with its message)
	if [ $? -eq 0 ] && [ -s "$tmp/r$n.err" ]; then
		bad "shape $name: stderr: $(head -n 2 "$tmp/r$n.err")"
	fi
done <"$top/tests/TESTLIST"
outs=()
for i in $(seq 1 "$n"); do outs+=("$tmp/r$i.json"); done
# (awk, not a process per file: this is the slow part on a busy machine)
mapfile -t whys < <(awk 'FNR == 1 && NR > 1 { print "{\"type\":\"end-of-file\"}" } { print }
    END { print "{\"type\":\"end-of-file\"}" }' "${outs[@]}" |
    jq -rn '
    def check($s):
	(map(select(.type == "attempt" and .correction != true)) | length) as $n
	| if length == 0 then "no line"
	  elif any(.[]; .type != "attempt" and .type != "summary") then "a line of another type"
	  elif any(.[]; .sensor != $s) then "a line without sensor \($s)"
	  elif .[-1].type != "summary" then "the last line is not the summary"
	  elif (map(select(.type == "summary")) | length) != 1 then "not one summary"
	  elif .[-1].attempts != $n then "summary attempts \(.[-1].attempts), \($n) attempt lines"
	  elif .[-1].attempts != (.[-1] | .accepted + .refused + .prohibited +
	      .unreachable + .dropped + .unresolved) then "summary classes do not add up"
	  else empty end;
    foreach (inputs, null) as $l ({cur: [], out: null};
	if $l == null or $l.type == "end-of-file"
	then {cur: [], out: (.cur | (check(.[0].sensor // "?") // "ok") as $w | "\(.[0].sensor // "?") \($w)")}
	else {cur: (.cur + [$l]), out: null} end;
	select(.out != null) | .out)' 2>&1)
nshape=0
for i in $(seq 1 "$n"); do
	w=${whys[$((i-1))]:-}
	if [ "$w" = "t-${names[$((i-1))]} ok" ]; then nshape=$((nshape+1)); else
		bad "shape ${names[$((i-1))]}: $w"; fi
done
if [ "$nshape" -eq "$n" ] && [ "$n" -gt 0 ]; then ok; echo "ok   shape of read --json: $n captures"; fi
# The attempts of all, each capture's under its own sensor, back through
# scope: the same lines (scope merges the files by time: compared sorted).
awk '/^\{"type":"attempt"/ { print > (FILENAME ".in") }' "${outs[@]}"
sort "$tmp"/*.json.in >"$tmp/in.sorted"
"$prog" scope --json "$tmp"/*.json.in 2>/dev/null | grep '^{"type":"attempt"' | sort >"$tmp/out.sorted"
if [ -s "$tmp/in.sorted" ] && cmp -s "$tmp/in.sorted" "$tmp/out.sorted"; then
	ok; echo "ok   scope --json gives the records back: $(wc -l <"$tmp/in.sorted") records of $n captures"
else
	bad "round trip:"; diff "$tmp/in.sorted" "$tmp/out.sorted" | head -n 4
fi

# ---- 3: two sensors ----
"$prog" read --json --sensor a "$top/pcaps/lab/reject-tcp-reset.pcap" >"$tmp/a.json"
"$prog" read --json --sensor b "$top/pcaps/lab/greet-220.pcap" >"$tmp/b.json"
finding='finding: rate limiting or a new block for 192.0.2.10: accepted 1 time (the last at 2026-11-23T17:28:26.798272Z), then refused/reset from 2026-11-23T17:28:30.430515Z'
check_scope() {	# LABEL FILE...: the report names the finding, counts the input
	local label=$1 out st; shift
	out=$("$prog" scope "$@" 2>"$tmp/scope.err" <"$tmp/stdin.json"); st=$?
	if [ $st -eq 0 ] && [ ! -s "$tmp/scope.err" ] &&
	    printf '%s\n' "$out" | grep -qF -- "$finding" &&
	    printf '%s\n' "$out" | grep -qx 'summary: 2 attempts, accepted 1, refused 1, prohibited 0, unreachable 0, dropped 0, unresolved 0' &&
	    printf '%s\n' "$out" | grep -qx 'input: 2 files, 4 lines, 2 records, 0 not JSON, 2 of other types, 0 bad'; then
		ok; echo "ok   scope $label"
	else
		bad "scope $label: status $st, stderr $(cat "$tmp/scope.err")"; printf '%s\n' "$out" | head -n 12
	fi
}
: >"$tmp/stdin.json"
check_scope "a b" "$tmp/a.json" "$tmp/b.json"
check_scope "b a" "$tmp/b.json" "$tmp/a.json"
sed 's/^/Dec  2 06:49:19 mta1 smtpscope[123]: /' "$tmp/a.json" >"$tmp/a.syslog"
check_scope "with syslog prefixes" "$tmp/a.syslog" "$tmp/b.json"
cp "$tmp/b.json" "$tmp/stdin.json"
check_scope "with - for standard input" "$tmp/a.json" -
: >"$tmp/stdin.json"

# --json: the records merged by verdict time, each with its own sensor; the
# finding (--scope, implied) and the summary in the name of the sensor that
# ran scope.
got=$("$prog" scope --json --sensor central "$tmp/a.json" "$tmp/b.json" 2>/dev/null |
    jq -r '"\(.type) \(.sensor) \(.client_port // .kind // .attempts)"' | tr '\n' ' ')
if [ "$got" = "attempt b 41872 attempt a 41908 finding central rate_limit summary central 2 " ]; then
	ok; echo "ok   scope --json: merged by time, sensors kept"
else
	bad "scope --json: got '$got'"
fi
# --evidence applies as in read.
if "$prog" scope --evidence "$tmp/a.json" "$tmp/b.json" 2>/dev/null | grep -q '^evidence '; then
	ok; echo "ok   scope --evidence"
else
	bad "scope --evidence: no evidence block"
fi
# diff reads the typed lines and skips the summaries.
out=$("$prog" diff "$tmp/a.json" "$tmp/a.json"); st=$?
if [ $st -eq 0 ] && [ "$out" = "diff: 0 changed (0 regressions, 0 fixed), 0 appeared, 0 disappeared, 1 unchanged" ]; then
	ok; echo "ok   diff of typed lines"
else
	bad "diff of typed lines: status $st: $out"
fi

echo "json: $pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
