#!/bin/bash
# A SYN flood against a small attempt table (--max-attempts 10000): what
# smtpscope reports must be what the table's rules predict (gen.c, --flood:
# decided attempts make room first, then those waiting for a greeting, and
# only then the oldest unanswered attempt is evicted and counted), and its
# peak memory must stay under a bound that does not grow with the flood.
# Two floods: 300000 SYNs, and ten times as many.
#
#   tests/bench/flood.sh PROG
#
# FLOOD_RSS_MB sets the bound (default 64).  Peak RSS as /usr/bin/time -f %M
# gives it (maxrss.c where GNU time is not installed).
# Prints "flood: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
prog=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$here/out
max=10000
bound=${FLOOD_RSS_MB:-64}
export LC_ALL=C
pass=0; fail=0
mkdir -p "$out" || exit 1

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
# same GOT WANT MESSAGE
same() { if [ "$1" = "$2" ]; then ok; else bad "$3"; fi; }

if ! cc -O2 -std=c11 -Wall -Wextra -o "$out/gen-flood" "$here/gen.c" -lm ||
    ! cc -O2 -std=c11 -Wall -Wextra -o "$out/maxrss" "$here/maxrss.c"; then
	echo "flood: 0 passed, 1 failed"
	exit 1
fi
# peak RSS FILE CMD...: GNU time's %M, or the same from wait4 without it
if [ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1; then
	peak() { /usr/bin/time -f %M -o "$@"; }
else
	peak() { "$out/maxrss" "$@"; }
fi

# The value of column COL in the summary row KEY of a "by server" table.
row() {
	awk -v k="$2" -v c="$3" '
	    /^by server/ { for (i = 3; i <= NF; i++) col[$i] = i - 1; t = 1; next }
	    /^by client/ || /^packets:/ { t = 0 }
	    t && $1 == k { print $(col[c]); found = 1 }
	    END { if (!found) print 0 }' "$1"
}

rss_1x=
for n in 300000 3000000; do
	name=flood-$n
	pcap=$out/$name.pcap truth=$out/$name.truth sum=$out/$name.out
	if ! "$out/gen-flood" --seed 1 --flood "$n" --max-attempts "$max" \
	    --out "$pcap" --truth "$truth" 2>/dev/null; then
		bad "$name: gen failed"
		continue
	fi
	peak "$out/$name.rss" "$prog" read --summary --top 0 \
	    --max-attempts "$max" "$pcap" >"$sum" 2>"$out/$name.err"
	st=$?
	same "$st" 0 "$name: exit status $st: $(head -c 300 "$out/$name.err")"

	# evicted, and the other counters of the "ignored:" and "packets:" lines
	got=$(sed -n -e 's/^packets: \([0-9]*\) read, /read \1, /p' \
	    -e 's/^ignored: //p' "$sum" | tr ',' '\n' | sed 's/^ *//' |
	    awk 'NF { n = $NF; $NF = ""; sub(/ $/, ""); gsub(/ /, "_"); print "summary", $0, n }' | sort)
	want=$(grep '^summary ' "$truth")
	e_got=$(printf '%s\n' "$got" | sed -n 's/^summary evicted //p')
	e_want=$(printf '%s\n' "$want" | sed -n 's/^summary evicted //p')
	same "${e_got:-x}" "$e_want" \
	    "$name: evicted ${e_got:-missing}, the rule predicts $e_want"
	d=$(diff <(printf '%s\n' "$want" | grep -v '^summary evicted ') \
	    <(printf '%s\n' "$got" | grep -v '^summary evicted '))
	same "$d" "" "$name: summary counters (< predicted, > got): $d"

	# attempts per class: "summary: N attempts, accepted N, ..."
	for c in accepted refused prohibited unreachable dropped unresolved; do
		w=$(awk -v c="$c" '$1 == "verdict" { split($2, a, "/"); if (a[1] == c) s += $3 } END { print s + 0 }' "$truth")
		g=$(sed -n "s/^summary: .* $c \([0-9]*\).*/\1/p" "$sum")
		same "${g:-x}" "$w" "$name: $c ${g:-missing}, predicted $w"
	done
	w=$(sed -n 's/^records //p' "$truth")
	g=$(sed -n 's/^summary: \([0-9]*\) attempts.*/\1/p' "$sum")
	same "${g:-x}" "$w" "$name: ${g:-no} attempts, predicted $w"

	# which SYNs survived: the last 10000 of the flood went to 203.0.113.26
	while read -r _ key col w; do
		g=$(row "$sum" "$key" "$col")
		same "$g" "$w" "$name: by server $key $col: $g, predicted $w (the oldest unanswered attempts are the ones to evict)"
	done < <(grep '^server ' "$truth")

	rss=$(cat "$out/$name.rss")
	if [ "$rss" -le $((bound * 1024)) ]; then ok; else
		bad "$name: peak RSS $((rss / 1024)) MB, over the bound of $bound MB"; fi
	echo "$name: evicted ${e_got:-?} (predicted $e_want), peak RSS $((rss / 1024)) MB"
	if [ -z "$rss_1x" ]; then
		rss_1x=$rss
	else
		# ten times the flood, the same memory (a few MB of slack)
		if [ "$rss" -le $((rss_1x + 8 * 1024)) ]; then ok; else
			bad "$name: peak RSS $((rss / 1024)) MB, $(((rss - rss_1x) / 1024)) MB more than for a tenth of the flood"; fi
	fi
	[ "$fail" -eq 0 ] && rm -f "$pcap"
done

echo "flood: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
