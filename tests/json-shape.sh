#!/bin/bash
# The JSON shape of findings: every key of every "type":"finding" line that
# `read --findings --json` and `read --scope --json` write over the lab
# captures, in order, is the list the man page documents (FINDINGS AS THEY
# HAPPEN: ".It Li key , key" entries), and every line is jq-parsable; and
# every key of the attempt lines is one the JSON section documents.
#   tests/json-shape.sh PROG
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/prog.sh"
resolve_prog json-shape "${1:-}"
pass=0; fail=0
if ! command -v jq >/dev/null; then
	echo "FAIL jq is not installed (as root: make deps)"
	echo "json-shape: 0 passed, 1 failed"
	exit 1
fi

# The documented keys, in order: the tag list after "A JSON line has these
# fields" in the Findings section.
want=$(awk '
	/^\.Ss Findings as they happen/ { sec = 1 }
	sec && /^A JSON line has these fields/ { json = 1 }
	json && /^\.Bl/ { list = 1; next }
	list && /^\.El/ { exit }
	list && /^\.It Li / {
		sub(/^\.It Li /, ""); gsub(/ , /, " "); gsub(/ ,$/, ""); print
	}' "$top/man/smtpscope.8" | tr '\n' ' ' | sed 's/ *$//')
if [ -z "$want" ]; then
	echo "FAIL the man page documents no finding keys"
	echo "json-shape: 0 passed, 1 failed"
	exit 1
fi

for cap in "$top"/pcaps/lab/*.pcap; do
	for mode in --findings --scope; do
		out=$("$prog" read --json $mode "$cap" 2>/dev/null)
		if ! printf '%s\n' "$out" | jq -e . >/dev/null 2>&1; then
			echo "FAIL $(basename "$cap") $mode: not JSON lines"
			fail=$((fail+1)); continue
		fi
		bad=$(printf '%s\n' "$out" |
			jq -r 'select(.type == "finding") | keys_unsorted | join(" ")' |
			grep -vxF -- "$want" | head -n1)
		n=$(printf '%s\n' "$out" | jq -r 'select(.type == "finding") | .kind' | wc -l)
		if [ -n "$bad" ]; then
			echo "FAIL $(basename "$cap") $mode: keys $bad"
			echo "     documented: $want"
			fail=$((fail+1))
		else
			pass=$((pass+1))
		fi
		[ "$mode" = --findings ] && total=$(( ${total:-0} + n ))
	done
done
# Every key of every attempt line `read --json` writes over the lab
# captures (the optional ones of Fast Open, resets and corrections among
# them) is one the man page's JSON section documents (".It Li key , key").
doc=$(awk '
	/^\.Ss JSON/ { sec = 1; next }
	sec && /^\.Ss / { exit }
	sec && /^\.It Li / {
		sub(/^\.It Li /, ""); sub(/ Pq .*/, ""); gsub(/ , /, " "); print
	}' "$top/man/smtpscope.8" | tr ' ' '\n' | sort -u)
seen=$(for cap in "$top"/pcaps/lab/*.pcap; do
	"$prog" read --json --timeout 3 "$cap" 2>/dev/null
done | jq -r 'select(.type == "attempt") | keys_unsorted[]' | sort -u)
undoc=$(comm -23 <(printf '%s\n' "$seen") <(printf '%s\n' "$doc") | tr '\n' ' ')
if [ -z "$seen" ] || [ -n "$undoc" ]; then
	echo "FAIL attempt keys not in the man page's JSON section: ${undoc:-no keys seen}"
	fail=$((fail+1))
else
	for k in syn_data syn_data_acked reset_before reset_ttl reset_hops \
	    correction corrects_class corrects_reason; do
		printf '%s\n' "$seen" | grep -qx "$k" ||
			{ echo "FAIL no lab capture gives the key $k"; fail=$((fail+1)); }
	done
	pass=$((pass+1))
fi
# The captures must give findings to check at all.
if [ "${total:-0}" -lt 5 ]; then
	echo "FAIL only ${total:-0} findings over the lab captures"
	fail=$((fail+1))
fi
echo "json-shape: $pass passed, $fail failed"
[ $fail -eq 0 ]
