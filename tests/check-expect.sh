#!/bin/bash
# Checks smtpscope's verdicts for captures against the statements beside them.
#
#   tests/check-expect.sh PROG FILE.expect ...
#
# FILE.expect sits beside FILE.pcap (or .pcapng/.cap, named by a "# capture:"
# line).  Each non-comment line is one expected attempt: key=value pairs
# compared with the JSON record fields (responder=- means null), plus an
# optional count=N.  The records matching a line's keys must number exactly
# the line's count, and the capture must produce no other records.  A
# "# options: ..." line gives extra read options (e.g. -p 80).
# With EXPECT_RECORDS=FILE (one file given), the JSON records are taken from
# FILE (e.g. the output of a live watch) instead of running "PROG read".
# A "# finding: TEXT" line must appear (as a substring) in the output of
# "PROG read --scope --evidence", and every finding that output makes must
# contain one of them.  "# stream: KIND" lines name the kinds of finding
# "PROG read --findings --json" starts, all of them.
# Prints one line per file and "N passed, N failed".
set -u
. "$(dirname "$0")/prog.sh"
resolve_prog expect "${1:-}"
shift
if ! command -v jq >/dev/null; then
	echo "FAIL jq is not installed (as root: make deps)"
	echo "expect: 0 passed, 1 failed"
	exit 1
fi
pass=0; fail=0

capture_for() {
	local e=$1 base=${1%.expect} c
	c=$(sed -n 's/^# capture: *//p' "$e" | head -n1)
	if [ -n "$c" ]; then echo "$(dirname "$e")/$c"; return; fi
	for ext in pcap pcapng cap; do
		[ -f "$base.$ext" ] && { echo "$base.$ext"; return; }
	done
}

# jq condition for one line's key=value pairs, in $cond.
condition() {
	local kv k v
	cond=true
	for kv in "$@"; do
		k=${kv%%=*}; v=${kv#*=}
		[ "$k" = count ] && continue
		cond="$cond and ((if .$k == null then \"-\" else (.$k|tostring) end) == \"$v\")"
	done
}

for e in "$@"; do
	cap=$(capture_for "$e")
	name=${e%.expect}
	if [ -z "$cap" ]; then echo "FAIL $name: no capture beside it"; fail=$((fail+1)); continue; fi
	# shellcheck disable=SC2046
	opts=$(sed -n 's/^# options: *//p' "$e" | head -n1)
	out=$(mktemp)
	if [ -n "${EXPECT_RECORDS:-}" ]; then
		cp "$EXPECT_RECORDS" "$out"; st=$?
	else
		# shellcheck disable=SC2086
		"$prog" read --json $opts "$cap" >"$out" 2>/dev/null
		st=$?
	fi
	# The attempt records only (lines written before records had a type
	# count as attempts): not the summary line, not findings.
	# Of an attempt with a correction record, only the last record (the
	# final verdict) counts.
	if jq -c -s 'map(select((.type // "attempt") == "attempt")) |
	    group_by([.client, .client_port, .server, .server_port, .ts]) |
	    map(last) | .[]' "$out" >"$out.rec" 2>/dev/null; then
		mv "$out.rec" "$out"
	else
		rm -f "$out.rec"
	fi
	ok=1; why=
	if [ $st -ne 0 ]; then ok=0; why="exit status $st"; fi
	total=0
	# Identical lines add up: "count=N" or N copies of a line mean N attempts.
	# One jq run per file counts the records matching each line.
	lines=(); wants=(); prog_jq='. as $r'; sep=' |'
	while read -r copies line; do
		case "$line" in ''|'#'*) continue ;; esac
		# shellcheck disable=SC2086
		set -- $line
		want=1
		for kv in "$@"; do [ "${kv%%=*}" = count ] && want=${kv#*=}; done
		want=$((want * copies))
		total=$((total + want))
		lines+=("$line"); wants+=("$want")
		condition "$@"
		prog_jq="$prog_jq$sep ([\$r[] | select($cond)] | length)"; sep=','
	done < <(grep -v '^[[:space:]]*\(#\|$\)' "$e" | sort | uniq -c)
	if [ ${#lines[@]} -gt 0 ]; then
		mapfile -t gots < <(jq -s "$prog_jq" "$out" 2>/dev/null)
		if [ ${#gots[@]} -ne ${#lines[@]} ]; then
			ok=0; why="$why; the records are not JSON lines"
		else
			for i in "${!lines[@]}"; do
				if [ "${gots[$i]}" -ne "${wants[$i]}" ]; then
					ok=0; why="$why; ${gots[$i]} record(s), want ${wants[$i]}: ${lines[$i]}"
				fi
			done
		fi
	fi
	n=$(wc -l <"$out")
	if [ "$n" -ne "$total" ]; then ok=0; why="$why; $n records in all, want $total"; fi
	if grep -q '^# finding: ' "$e" && [ -z "${EXPECT_RECORDS:-}" ]; then
		# shellcheck disable=SC2086
		report=$("$prog" read --scope --evidence $opts "$cap" 2>/dev/null)
		while IFS= read -r f; do
			printf '%s\n' "$report" | grep -qF -- "$f" || { ok=0; why="$why; no finding: $f"; }
		done < <(sed -n 's/^# finding: //p' "$e")
		# ... and no finding that the file does not state.
		while IFS= read -r got; do
			printf '%s\n' "$got" | grep -qF -f <(sed -n 's/^# finding: //p' "$e") ||
				{ ok=0; why="$why; unexpected finding: $got"; }
		done < <(printf '%s\n' "$report" | sed -n 's/^ *finding: //p')
	fi
	if grep -q '^# stream: ' "$e" && [ -z "${EXPECT_RECORDS:-}" ]; then
		# The kinds "read --findings" starts: exactly those stated.
		want=$(sed -n 's/^# stream: //p' "$e" | sort -u | tr '\n' ' ')
		# shellcheck disable=SC2086
		got=$("$prog" read --findings --json $opts "$cap" 2>/dev/null |
			jq -r 'select(.type == "finding" and .state == "started") | .kind' |
			sort -u | tr '\n' ' ')
		[ "$got" = "$want" ] || { ok=0; why="$why; findings started: '$got', want '$want'"; }
	fi
	if [ $ok -eq 1 ]; then
		echo "ok   $name ($n attempts)"; pass=$((pass+1))
	else
		echo "FAIL $name:${why#;}"; fail=$((fail+1))
		sed 's/^/      got: /' "$out" | cut -c1-300
	fi
	rm -f "$out"
done
echo "expect: $pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
