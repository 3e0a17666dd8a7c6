#!/bin/bash
# Benchmark (not a test): `smtpscope read --json` against tcpdump and a
# bare libpcap loop on synthetic SMTP captures of several mixes, in the
# same run.  The counts smtpscope gives must equal the generator's truth
# on each capture and its tenth: a mismatch fails the bench (exit 1); a
# time never does.
#
#   tests/bench/run.sh [PROG]          (make bench)
#
# Mixes (BENCH_MIXES, default "mixed heavy dests flood"):
#   mixed  gen's default mix, about 14 packets an attempt, 2000 a second
#          (bench.pcap; tshark and argus are compared on this one only)
#   heavy  gen --mix heavy: 9 packets an attempt, half failed, about
#          100000 attempts in the table at once
#   dests  the mixed mix to 100000 servers (gen --servers): the
#          per-server aggregation
#   flood  flood.sh's SYN flood (gen --flood) against --max-attempts 10000
# For each: the median times of read --json, tcpdump -w /dev/null FILTER
# and pcaploop FILTER; the paired ratios (interleaved rounds) of read
# --json to the other two, and of read --scope to read in CPU time; and
# the peak RSS on the capture against its tenth, with the same
# --max-attempts: "flat" when the difference is within what the table's
# unfilled part on the tenth explains (smtpscope(8): bytes per entry)
# plus BENCH_RSS_SLACK_MB (8), "GROWS" otherwise.
#
# Environment: BENCH_PACKETS (5000000; the flood has 3/5 of it in SYNs,
# as flood.sh's 3000000), BENCH_SMALL (200000, the tshark file),
# BENCH_RUNS (5), BENCH_PAIRS (7, interleaved rounds), BENCH_SEED (1).
# Everything it makes goes to tests/bench/out/; captures are made again
# only when their parameters or the generator change.
set -u
here=$(cd "$(dirname "$0")" && pwd)
p=${1:-./smtpscope}
prog=$(cd "$(dirname "$p")" && pwd)/$(basename "$p")
packets=${BENCH_PACKETS:-5000000}
small=${BENCH_SMALL:-200000}
runs=${BENCH_RUNS:-5}
pairs=${BENCH_PAIRS:-7}
mixes=${BENCH_MIXES:-mixed heavy dests flood}
slack=${BENCH_RSS_SLACK_MB:-8}
yfilter='tcp.port==25 || tcp.port==587 || icmp || icmpv6'
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
# shellcheck disable=SC2046
cc -O2 -std=c11 -Wall -Wextra -o "$out/pcaploop" "$here/pcaploop.c" \
	$(pkg-config --cflags --libs libpcap) || exit 1
# Bytes per table entry, from smtpscope(8) (--max-attempts)
entry=$(tr '\n' ' ' <"$here/../../man/smtpscope.8" |
    sed -n 's/.*The table takes about \([0-9][0-9]*\) bytes per entry.*/\1/p')
[ -n "$entry" ] || { echo "bench: smtpscope(8): no bytes per table entry" >&2; exit 1; }

have_hyperfine=0
command -v hyperfine >/dev/null && have_hyperfine=1
# peak RSS FILE CMD...: GNU time's %M, or the same from wait4 without it
if [ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1; then
	peak() { /usr/bin/time -f %M -o "$@"; }
else
	peak() { "$out/maxrss" "$@"; }
fi

# measure SLUG LABEL PACKETS RUNS CMD...: sets med (median wall s) and rss
# (peak RSS MB) and adds "LABEL|MED|RSS|PACKETS" to rows.
rows=()
measure() {
	local slug=$1 label=$2 n=$3 r=$4 j=$out/time-$1.json; shift 4
	med=; rss=
	if [ $have_hyperfine = 1 ]; then
		local q=() a
		for a in "$@"; do q+=("$(printf '%q' "$a")"); done
		hyperfine -N --style basic --warmup 1 --runs "$r" --export-json "$j" \
		    -n "$slug" "${q[*]}" >"$out/time-$slug.log" 2>&1 &&
			med=$(jq -r '.results[0].median' "$j")
	else
		local i t0 t1 ts=()
		"$@" >/dev/null 2>&1	# warm the page cache
		for ((i = 0; i < r; i++)); do
			t0=$EPOCHREALTIME; "$@" >/dev/null 2>&1; t1=$EPOCHREALTIME
			ts+=("$(echo "$t1 $t0" | awk '{ printf "%.6f", $1 - $2 }')")
		done
		med=$(printf '%s\n' "${ts[@]}" | sort -g | awk '{ v[NR] = $1 } END {
		    print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	fi
	peak "$out/rss" "$@" >/dev/null 2>&1
	rss=$(awk 'END { printf "%.1f", $1 / 1024 }' "$out/rss")
	[ -n "$med" ] || echo "bench: $slug: did not run, see $out/time-$slug.log"
	rows+=("$label|$med|$rss|$n")
}

# pair_ratio N A... -- B...: the median over N rounds of time(A) / time(B),
# the two run back to back in each round, each first in turn (as
# pair_cpu).  On a noisy machine the load changes between blocks of runs;
# within a round it mostly does not, so this ratio moves less than the
# ratio of the two medians.  A round in which either command fails gives
# no ratio.
pair_ratio() {
	local n=$1 i t0 t1 t2 a=() b=() x=() y=(); shift
	while [ "$1" != -- ]; do a+=("$1"); shift; done; shift; b=("$@")
	for ((i = 1; i <= n; i++)); do
		if [ $((i % 2)) = 1 ]; then x=("${a[@]}") y=("${b[@]}")
		else x=("${b[@]}") y=("${a[@]}"); fi
		t0=$EPOCHREALTIME; "${x[@]}" >/dev/null 2>&1 || continue
		t1=$EPOCHREALTIME; "${y[@]}" >/dev/null 2>&1 || continue
		t2=$EPOCHREALTIME
		echo "$i $t0 $t1 $t2"
	done | awk '{ x = $3 - $2; y = $4 - $3; print $1 % 2 ? x / y : y / x }' |
	    rounds_median
}

mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.0f MB", b / 1048576 }'; }
truth() { sed -n "s/^$2 //p" "$out/$1.truth"; }
# ratio LABEL A B
ratio() {
	[ -n "$2" ] && [ -n "$3" ] &&
		awk -v l="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%-44s %6.2f\n", l, a / b }'
}

# The extra comparisons on the mixed capture: the libpcap loop without a
# filter, argus, and tshark on a small file.
extras() {
	local big=$1 smallf=$out/bench-small.pcap ns t_smtp_small='' t_tshark='' t_argus=''
	measure pcaploop "pcaploop bench.pcap (no filter)" "$npk" "$runs" \
	    "$out/pcaploop" "$big"
	x_loop=$med
	if ! command -v argus >/dev/null &&
	    apt-cache policy argus-server 2>/dev/null | grep -q 'Candidate: [0-9]'; then
		make -s --no-print-directory -C "$here/../.." deps \
		    PKGS=argus-server >/dev/null 2>&1
	fi
	if command -v argus >/dev/null; then
		# -X: none of /etc/argus.conf (it adds an output file of its own)
		measure argus "argus -X -r bench.pcap -w /dev/null" "$npk" 3 \
		    argus -X -r "$big" -w /dev/null
		t_argus=$med
	else
		echo "argus: not available"
	fi
	if command -v tshark >/dev/null; then
		gen_capture bench-small --packets "$small"
		check_counts bench-small || fail=1
		ns=$(truth bench-small 'summary read')
		measure smtpscope-small "smtpscope read --json bench-small.pcap" \
		    "$ns" "$runs" "$prog" read --json "$smallf"
		t_smtp_small=$med
		measure tshark "tshark -r bench-small.pcap -Y YFILTER" "$ns" 3 \
		    tshark -r "$smallf" -Y "$yfilter"
		t_tshark=$med
	else
		echo "tshark: not available"
	fi
	x_lines=("$(ratio "read --json / pcaploop (no filter)" "$t_smtp" "$x_loop")"
	    "$(ratio "tshark / read --json (small file)" "$t_tshark" "$t_smtp_small")"
	    "$(ratio "argus / read --json" "$t_argus" "$t_smtp")")
}

fail=0
summary=()
: >"$out/results.txt"
for mix in $mixes; do
	name=$mix maxatt=100000
	case $mix in
	mixed)
		name=bench
		gen_capture bench --packets "$packets"
		gen_capture bench-tenth --packets $((packets / 10)) ;;
	heavy|dests)
		if [ "$mix" = heavy ]; then a=(--mix heavy); else a=(--servers 100000); fi
		gen_capture "$mix" "${a[@]}" --packets "$packets" --max-attempts "$maxatt"
		gen_capture "$mix-tenth" "${a[@]}" --packets $((packets / 10)) \
		    --max-attempts "$maxatt" ;;
	flood)
		# flood.sh's floods: N and N/10 SYNs against a table of 10000
		n=$((packets * 3 / 5)) maxatt=10000
		[ $((n / 10)) -ge $maxatt ] || maxatt=$((n / 10))
		gen_capture flood --flood "$n" --max-attempts "$maxatt"
		gen_capture flood-tenth --flood $((n / 10)) --max-attempts "$maxatt" ;;
	*)
		echo "bench: $mix: no such mix (mixed heavy dests flood)"
		fail=1
		continue ;;
	esac
	ro=(--max-attempts "$maxatt")
	check_counts "$name" "${ro[@]}" || fail=1
	check_counts "$name-tenth" "${ro[@]}" || fail=1
	big=$out/$name.pcap tenth=$out/$name-tenth.pcap
	npk=$(truth "$name" 'summary read') ntenth=$(truth "$name-tenth" 'summary read')

	echo "bench: $mix: timing, $runs runs each$([ $have_hyperfine = 1 ] &&
	    echo ' (hyperfine)'), $pairs interleaved rounds for the ratios"
	rows=()
	measure smtpscope "smtpscope read --json $name.pcap" "$npk" "$runs" \
	    "$prog" read --json "${ro[@]}" "$big"
	t_smtp=$med rss_big=$rss
	measure tcpdump "tcpdump -nr $name.pcap -w /dev/null FILTER" "$npk" \
	    "$runs" tcpdump -nr "$big" -w /dev/null "$filter"
	t_tcpdump=$med
	measure pcaploop-filter "pcaploop $name.pcap FILTER" "$npk" "$runs" \
	    "$out/pcaploop" "$big" "$filter"
	t_loopf=$med
	peak "$out/rss" "$prog" read --json "${ro[@]}" "$tenth" >/dev/null 2>&1
	rss_tenth=$(awk 'END { printf "%.1f", $1 / 1024 }' "$out/rss")
	x_lines=()
	[ "$mix" = mixed ] && extras "$big"

	p_tcpdump=$(pair_ratio "$pairs" "$prog" read --json "${ro[@]}" "$big" -- \
	    tcpdump -nr "$big" -w /dev/null "$filter")
	p_loopf=$(pair_ratio "$pairs" "$prog" read --json "${ro[@]}" "$big" -- \
	    "$out/pcaploop" "$big" "$filter")
	p_scope=$(pair_cpu "$pairs" "$prog" read --scope "${ro[@]}" "$big" -- \
	    "$prog" read "${ro[@]}" "$big")

	# Memory: what the tenth leaves of the table unfilled may be touched
	# on the whole capture; anything beyond that and the slack grows.
	rec=$(truth "$name-tenth" records)
	rss_line=$(awk -v a="$rss_big" -v b="$rss_tenth" -v m="$maxatt" \
	    -v r="$rec" -v e="$entry" -v s="$slack" 'BEGIN {
		room = (m > r ? m - r : 0) * e / 1048576
		printf "%s %.1f MB on the capture, %.1f MB on its tenth: %+.1f MB" \
		    " (table room on the tenth %.1f MB, slack %d MB)\n",
		    a - b <= room + s ? "flat" : "GROWS", a, b, a - b, room, s }')
	rss_verdict=${rss_line%% *} rss_line=${rss_line#* }

	{
		echo
		echo "== $mix: $name.pcap $npk packets ($(mb "$big")," \
		    "$(truth "$name" records) attempts, $(truth "$name" servers)" \
		    "servers), $name-tenth.pcap $ntenth packets; --max-attempts $maxatt"
		printf '%-52s %10s %12s %12s\n' command "median s" packets/s "peak RSS MB"
		for r in "${rows[@]}"; do
			IFS='|' read -r label med rss n <<<"$r"
			awk -v c="$label" -v m="$med" -v n="$n" -v r="${rss:--}" 'BEGIN {
			    if (m == "") printf "%-52s %10s %12s %12s\n", c, "-", "-", r
			    else printf "%-52s %10.3f %12.0f %12s\n", c, m, n / m, r }'
		done
		ratio "read --json / tcpdump (medians)" "$t_smtp" "$t_tcpdump"
		ratio "read --json / pcaploop FILTER (medians)" "$t_smtp" "$t_loopf"
		printf '%-44s %s\n' "read --json / tcpdump, paired" "$p_tcpdump" \
		    "read --json / pcaploop FILTER, paired" "$p_loopf" \
		    "read --scope / read, CPU time, paired" "$p_scope"
		for l in "${x_lines[@]}"; do [ -z "$l" ] || echo "$l"; done
		echo "peak RSS of read --json: $rss_verdict: $rss_line"
	} | tee -a "$out/results.txt"
	summary+=("$mix|${p_tcpdump%% *}|${p_loopf%% *}|${p_scope%% *}|$rss_verdict")
done

# One row a mix against the goals, from the paired medians.
{
	echo
	echo "FILTER  = $filter"
	echo "YFILTER = $yfilter"
	echo
	echo "goals: read --json <= 0.8 x tcpdump and <= 1.2 x pcaploop FILTER (wall)," \
	    "read --scope <= 1.3 x read (CPU), peak RSS flat"
	printf '%-7s %16s %16s %16s %6s\n' mix "json/tcpdump" "json/pcaploop" \
	    "scope/read CPU" RSS
	for s in "${summary[@]}"; do
		awk -v s="$s" 'function v(x, g) {
			return x == "" ? "-" : sprintf("%.2f %s", x, x <= g ? "ok" : "over")
		    }
		    BEGIN { split(s, f, "|")
			printf "%-7s %16s %16s %16s %6s\n", f[1], v(f[2], 0.8),
			    v(f[3], 1.2), v(f[4], 1.3), f[5] }'
	done
} | tee -a "$out/results.txt"

if [ $fail -ne 0 ]; then
	echo "bench: FAILED: smtpscope's counts differ from the truth (see above)"
	exit 1
fi
echo "bench: counts match the truth"
