#!/bin/bash
# --metrics-file on the captures of pcaps/: the textfile passes
# `promtool check metrics`, and its counts are those of the JSON records,
# findings and summary of the same run, computed again with jq (the labels'
# top-N rule included).  Then the file's replacement (no temporary left, an
# unwritable directory said with status 4) and the alert rules'
# `promtool test rules`.  No root needed; as root the run drops to nobody
# (-Z), so the directory is made writable by all.
#   tests/metrics.sh PROG
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/prog.sh"
resolve_prog metrics "${1:-}"
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL $*"; fail=$((fail+1)); }
if ! command -v promtool >/dev/null || ! command -v jq >/dev/null; then
	echo "metrics: promtool (Debian: prometheus) or jq missing"
	echo "metrics: 0 passed, 1 failed"
	exit 1
fi
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
chmod 1777 "$tmp"

# The attempts_total lines the JSON records imply: sources and ports get
# their own label in the order first seen, up to 64 and 16, as
# report/metrics.c does.
attempts_jq='
reduce (.[] | select(.type == "attempt" and (.correction | not))) as $r
    ({src: {}, ns: 0, port: {}, np: 0, n: {}};
	($r.server_port | tostring) as $pt
	| (if .src[$r.client] == null and .ns < 64
	   then .src[$r.client] = true | .ns += 1 else . end)
	| (if .port[$pt] == null and .np < 16
	   then .port[$pt] = true | .np += 1 else . end)
	| (if .src[$r.client] then $r.client else "other" end) as $sl
	| (if .port[$pt] then $pt else "other" end) as $pl
	| .n["class=\"\($r.class)\",reason=\"\($r.reason)\",port=\"\($pl)\",source=\"\($sl)\""] += 1)
| .n | to_entries[] | "smtpscope_attempts_total{\(.key)} \(.value)"'
corrections_jq='
[.[] | select(.type == "attempt" and .correction)
     | "from_class=\"\(.corrects_class)\",class=\"\(.class)\",reason=\"\(.reason)\""]
| group_by(.)[] | "smtpscope_attempt_corrections_total{\(.[0])} \(length)"'
# started_total and active (started less ended) per kind, every kind.
findings_jq='
[.[] | select(.type == "finding")] as $f
| ("local_block middlebox forged_reset source_block rate_limit all_failed mx_down no_failure" | split(" "))[] as $k
| ([$f[] | select(.kind == $k and .state == "started")] | length) as $s
| ([$f[] | select(.kind == $k and .state == "ended")] | length) as $e
| "smtpscope_findings_started_total{kind=\"\($k)\"} \($s)",
  "smtpscope_findings_active{kind=\"\($k)\"} \($s - $e)"'
summary_jq='
.[] | select(.type == "summary")
| "smtpscope_attempt_table_evictions_total \(.ignored_evicted)",
  "smtpscope_frames_total{kind=\"tcp\"} \(.frames_tcp)",
  "smtpscope_frames_total{kind=\"icmp_error\"} \(.frames_icmp_error)",
  "smtpscope_frames_total{kind=\"malformed\"} \(.frames_malformed)",
  "smtpscope_unmatched_answers_total{kind=\"rst\"} \(.ignored_unmatched_rst)"'

# metrics NAME FILE WANT: the lines of FILE that start with NAME, sorted,
# against WANT.
same() {
	local what=$1 file=$2 want=$3 got
	got=$(grep -E "^$what[{ ]" "$file" | LC_ALL=C sort)
	want=$(printf '%s\n' "$want" | sed '/^$/d' | LC_ALL=C sort)
	[ "$got" = "$want" ] && return 0
	echo "  $what: got vs want:"
	diff <(printf '%s\n' "$got") <(printf '%s\n' "$want") | head -10
	return 1
}

check_capture() {
	local cap=$1 name opts exp m=$tmp/m.prom j=$tmp/j.json st
	name=${cap#"$top"/}
	exp=${cap%.*}.expect
	opts=
	[ -f "$exp" ] && opts=$(sed -n 's/^# options: //p' "$exp" | head -1)
	rm -f "$m"
	# shellcheck disable=SC2086
	"$prog" read --json --findings --metrics-file "$m" $opts "$cap" \
	    >"$j" 2>"$tmp/err"; st=$?
	if [ $st -ne 0 ] && [ $st -ne 3 ]; then
		bad "$name: read exit $st: $(head -1 "$tmp/err")"; return
	fi
	if [ ! -s "$m" ]; then bad "$name: no metrics file"; return; fi
	if promtool check metrics <"$m" >"$tmp/lint" 2>&1; then ok
	else bad "$name: promtool check metrics: $(head -3 "$tmp/lint")"; fi
	# One jq for all that the JSON lines imply.
	if ! jq -s -r "($attempts_jq), ($corrections_jq), ($findings_jq), \
	    ($summary_jq)" "$j" >"$tmp/want"; then
		bad "$name: jq failed on the JSON lines"; return
	fi
	for metric in smtpscope_attempts_total smtpscope_attempt_corrections_total \
	    smtpscope_findings_started_total smtpscope_findings_active; do
		same $metric "$m" "$(grep -E "^$metric[{ ]" "$tmp/want")" && ok ||
		    bad "$name: $metric differs from the JSON lines"
	done
	grep -E '^smtpscope_(attempt_table_ev|frames|unmatched)' "$tmp/want" >"$tmp/sum"
	if [ "$(wc -l <"$tmp/sum")" = 5 ] &&
	    [ "$(grep -cxFf "$tmp/sum" "$m")" = 5 ]; then ok
	else bad "$name: frames, unmatched or evictions differ from the summary"; fi
	# read has no kernel counters; the table is empty at the end
	# but for the finished attempts it keeps.
	if grep -q '^smtpscope_kernel_' "$m"; then bad "$name: kernel counters in read"
	else ok; fi
}

n=0
for cap in "$top"/pcaps/lab/*.pcap* "$top"/pcaps/corpus/*.pcap*; do
	check_capture "$cap"
	n=$((n+1))
done
[ $n -gt 30 ] && ok || bad "only $n captures found"

# A capture with more than 64 sources or 16 ports shows "other", and the
# sum over every label still is the summary's attempts.
for cap in "$top"/pcaps/corpus/chrissanders-packets-synscan.pcapng; do
	"$prog" read --json -p 1-65535 --metrics-file "$tmp/scan.prom" "$cap" >"$tmp/scan.json"
	sum=$(awk '/^smtpscope_attempts_total\{/ { s += $NF } END { print s + 0 }' "$tmp/scan.prom")
	want=$(jq -r 'select(.type == "summary") | .attempts' "$tmp/scan.json")
	[ "$sum" = "$want" ] && [ "$sum" -gt 0 ] && ok ||
	    bad "synscan -p 1-65535: attempts_total sums to $sum, summary says $want"
	grep -q 'port="other"' "$tmp/scan.prom" && ok ||
	    bad "synscan -p 1-65535: no port=\"other\" series"
	jq -s -r "$attempts_jq" "$tmp/scan.json" >"$tmp/want" &&
	    same smtpscope_attempts_total "$tmp/scan.prom" "$(cat "$tmp/want")" && ok ||
	    bad "synscan -p 1-65535: attempts_total differs from the JSON records"
	promtool check metrics <"$tmp/scan.prom" >/dev/null 2>&1 && ok ||
	    bad "synscan: promtool check metrics"
done

# The replacement: only the file is left in its directory, readable.
mkdir "$tmp/d" && chmod 1777 "$tmp/d"
"$prog" read --metrics-file "$tmp/d/smtpscope.prom" "$top/pcaps/lab/demo.pcap" >/dev/null
left=$(ls -A "$tmp/d")
[ "$left" = smtpscope.prom ] && ok || bad "directory holds: $left"
# Rewritten over an older file, not appended to.
"$prog" read --metrics-file "$tmp/d/smtpscope.prom" "$top/pcaps/lab/demo.pcap" >/dev/null
[ "$(grep -c '^# TYPE smtpscope_attempts_total' "$tmp/d/smtpscope.prom")" = 1 ] && ok ||
    bad "a second run did not replace the file"

# Bad paths: one line naming the option, statuses 3 and 4.
out=$("$prog" read --metrics-file "$tmp/nodir/m.prom" "$top/pcaps/lab/demo.pcap" 2>&1 >/dev/null); st=$?
[ $st -eq 3 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
    printf '%s' "$out" | grep -q -- '--metrics-file' && ok ||
    bad "missing directory: exit $st, '$out'"
mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
if [ "$(id -u)" -eq 0 ] || [ ! -w "$tmp/ro" ]; then
	out=$("$prog" read --metrics-file "$tmp/ro/m.prom" "$top/pcaps/lab/demo.pcap" 2>&1 >/dev/null); st=$?
	[ $st -eq 4 ] && printf '%s' "$out" | grep -q -- '--metrics-file .*Permission denied' &&
	    ok || bad "unwritable directory: exit $st, '$out'"
fi
out=$("$prog" read --metrics-file "$tmp/" "$top/pcaps/lab/demo.pcap" 2>&1 >/dev/null); st=$?
[ $st -eq 3 ] && ok || bad "a directory as the file: exit $st, '$out'"

# The shipped alert rules and their unit tests.
promtool check rules "$top/service/smtpscope-alerts.yml" >"$tmp/lint" 2>&1 && ok ||
    bad "promtool check rules: $(tail -3 "$tmp/lint")"
(cd "$top/tests/promtool" && promtool test rules ./*.yml) >"$tmp/lint" 2>&1 && ok ||
    bad "promtool test rules: $(tail -15 "$tmp/lint")"

echo "metrics: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
