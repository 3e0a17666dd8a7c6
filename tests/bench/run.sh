#!/bin/bash
# Benchmark (not a test): `smtpscope read --json` against tcpdump, a bare
# libpcap loop, tshark and argus on the same synthetic SMTP capture, in the
# same run.  The counts smtpscope gives must equal the generator's truth: a
# mismatch fails the bench (exit 1); a time never does.
#
#   tests/bench/run.sh [PROG]          (make bench)
#
# Environment: BENCH_PACKETS (5000000), BENCH_SMALL (200000, the tshark
# file), BENCH_RUNS (5), BENCH_PAIRS (9, interleaved rounds for the paired
# ratios), BENCH_SEED (1).  Everything it makes goes to
# tests/bench/out/; captures are made again only when their parameters or
# the generator change.
set -u
here=$(cd "$(dirname "$0")" && pwd)
p=${1:-./smtpscope}
prog=$(cd "$(dirname "$p")" && pwd)/$(basename "$p")
packets=${BENCH_PACKETS:-5000000}
small=${BENCH_SMALL:-200000}
runs=${BENCH_RUNS:-5}
filter='tcp port 25 or tcp port 587 or icmp or icmp6 or (vlan and (tcp port 25 or tcp port 587 or icmp or icmp6))'
yfilter='tcp.port==25 || tcp.port==587 || icmp || icmpv6'
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
# shellcheck disable=SC2046
cc -O2 -std=c11 -Wall -Wextra -o "$out/pcaploop" "$here/pcaploop.c" \
	$(pkg-config --cflags --libs libpcap) || exit 1

gen bench "$packets"
gen bench-tenth $((packets / 10))
gen bench-small "$small"

fail=0
for name in bench bench-tenth bench-small; do
	check_counts "$name" || fail=1
done

have_hyperfine=0
command -v hyperfine >/dev/null && have_hyperfine=1
# peak RSS FILE CMD...: GNU time's %M, or the same from wait4 without it
if [ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1; then
	peak() { /usr/bin/time -f %M -o "$@"; }
else
	peak() { "$out/maxrss" "$@"; }
fi

# measure NAME RUNS CMD...: sets med (median wall s) and rss (peak RSS MB)
# and adds a row to the table.
rows=()
measure() {
	local name=$1 n=$2 j=$out/time-$1.json; shift 2
	med=; rss=
	if [ $have_hyperfine = 1 ]; then
		local q=() a
		for a in "$@"; do q+=("$(printf '%q' "$a")"); done
		hyperfine -N --style basic --warmup 1 --runs "$n" --export-json "$j" \
		    -n "$name" "${q[*]}" >"$out/time-$name.log" 2>&1 &&
			med=$(jq -r '.results[0].median' "$j")
	else
		local i t0 t1 ts=()
		"$@" >/dev/null 2>&1	# warm the page cache
		for ((i = 0; i < n; i++)); do
			t0=$EPOCHREALTIME; "$@" >/dev/null 2>&1; t1=$EPOCHREALTIME
			ts+=("$(echo "$t1 $t0" | awk '{ printf "%.6f", $1 - $2 }')")
		done
		med=$(printf '%s\n' "${ts[@]}" | sort -g | awk '{ v[NR] = $1 } END {
		    print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	fi
	peak "$out/rss" "$@" >/dev/null 2>&1
	rss=$(awk 'END { printf "%.1f", $1 / 1024 }' "$out/rss")
	[ -n "$med" ] || { echo "bench: $name: did not run, see $out/time-$name.log"; med=; }
	rows+=("$name|$med|$rss")
}

npk() { sed -n 's/^summary read //p' "$out/$1.truth"; }
big=$out/bench.pcap tenth=$out/bench-tenth.pcap smallf=$out/bench-small.pcap
nbig=$(npk bench) nsmall=$(npk bench-small) ntenth=$(npk bench-tenth)

echo "bench: timing, $runs runs each$([ $have_hyperfine = 1 ] && echo ' (hyperfine)')"
measure smtpscope "$runs" "$prog" read --json "$big"; t_smtp=$med rss_big=$rss
measure tcpdump "$runs" tcpdump -nr "$big" -w /dev/null "$filter"; t_tcpdump=$med
measure pcaploop-filter "$runs" "$out/pcaploop" "$big" "$filter"; t_loopf=$med
measure pcaploop "$runs" "$out/pcaploop" "$big"; t_loop=$med
measure smtpscope-tenth "$runs" "$prog" read --json "$tenth"; rss_tenth=$rss
# pair_ratio N A... -- B...: the median over N rounds of time(A) / time(B),
# the two run back to back in each round.  On a noisy machine the load
# changes between hyperfine's blocks of runs; within a round it mostly
# does not, so this ratio moves less than the ratio of the two medians.
pair_ratio() {
	local n=$1 i t0 t1 t2 a=() b=(); shift
	while [ "$1" != -- ]; do a+=("$1"); shift; done; shift; b=("$@")
	for ((i = 0; i < n; i++)); do
		t0=$EPOCHREALTIME; "${a[@]}" >/dev/null 2>&1
		t1=$EPOCHREALTIME; "${b[@]}" >/dev/null 2>&1
		t2=$EPOCHREALTIME
		echo "$t0 $t1 $t2"
	done | awk '{ print ($2 - $1) / ($3 - $2) }' | sort -g |
	    awk '{ v[NR] = $1 } END { if (NR) printf "%.2f (%d rounds, %.2f to %.2f)",
		NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, NR, v[1], v[NR] }'
}
pairs=${BENCH_PAIRS:-9}
echo "bench: $pairs interleaved rounds against tcpdump and the filtered libpcap loop"
p_tcpdump=$(pair_ratio "$pairs" "$prog" read --json "$big" -- \
    tcpdump -nr "$big" -w /dev/null "$filter")
p_loopf=$(pair_ratio "$pairs" "$prog" read --json "$big" -- \
    "$out/pcaploop" "$big" "$filter")

t_argus=
if ! command -v argus >/dev/null &&
    apt-cache policy argus-server 2>/dev/null | grep -q 'Candidate: [0-9]'; then
	make -s --no-print-directory -C "$here/../.." deps PKGS=argus-server >/dev/null 2>&1
fi
if command -v argus >/dev/null; then
	# -X: none of /etc/argus.conf (it adds an output file of its own)
	measure argus 3 argus -X -r "$big" -w /dev/null; t_argus=$med
else
	echo "argus: not available"
fi
t_tshark=
if command -v tshark >/dev/null; then
	measure smtpscope-small "$runs" "$prog" read --json "$smallf"; t_smtp_small=$med
	measure tshark 3 tshark -r "$smallf" -Y "$yfilter"; t_tshark=$med
else
	echo "tshark: not available"
fi

# The table
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.0f MB", b / 1048576 }'; }
echo
echo "files: bench.pcap $nbig packets ($(mb "$big")), bench-tenth.pcap $ntenth" \
    "packets ($(mb "$tenth")), bench-small.pcap $nsmall packets ($(mb "$smallf"))"
{
	printf '%-54s %10s %12s %12s\n' command "median s" packets/s "peak RSS MB"
	for r in "${rows[@]}"; do
		IFS='|' read -r name med rss <<<"$r"
		case $name in
		smtpscope) cmd="smtpscope read --json bench.pcap >/dev/null"; n=$nbig ;;
		tcpdump) cmd="tcpdump -nr bench.pcap -w /dev/null FILTER"; n=$nbig ;;
		pcaploop-filter) cmd="pcaploop bench.pcap FILTER"; n=$nbig ;;
		pcaploop) cmd="pcaploop bench.pcap (no filter)"; n=$nbig ;;
		smtpscope-tenth) cmd="smtpscope read --json bench-tenth.pcap"; n=$ntenth ;;
		argus) cmd="argus -X -r bench.pcap -w /dev/null"; n=$nbig ;;
		smtpscope-small) cmd="smtpscope read --json bench-small.pcap"; n=$nsmall ;;
		tshark) cmd="tshark -r bench-small.pcap -Y YFILTER"; n=$nsmall ;;
		esac
		awk -v c="$cmd" -v m="$med" -v n="$n" -v r="${rss:--}" 'BEGIN {
		    if (m == "") printf "%-54s %10s %12s %12s\n", c, "-", "-", r
		    else printf "%-54s %10.3f %12.0f %12s\n", c, m, n / m, r }'
	done
	echo "FILTER  = $filter"
	echo "YFILTER = $yfilter"
	ratio() {	# ratio LABEL A B
		[ -n "$2" ] && [ -n "$3" ] &&
			awk -v l="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%-38s %6.2f\n", l, a / b }'
	}
	ratio "smtpscope / tcpdump" "$t_smtp" "$t_tcpdump"
	ratio "smtpscope / pcaploop (filter)" "$t_smtp" "$t_loopf"
	printf '%-38s %6s\n' "smtpscope / tcpdump, paired" "$p_tcpdump"
	printf '%-38s %6s\n' "smtpscope / pcaploop (filter), paired" "$p_loopf"
	ratio "smtpscope / pcaploop (no filter)" "$t_smtp" "$t_loop"
	ratio "tshark / smtpscope (small file)" "$t_tshark" "${t_smtp_small:-}"
	ratio "argus / smtpscope" "$t_argus" "$t_smtp"
	if [ -n "$rss_big" ] && [ -n "$rss_tenth" ]; then
		awk -v a="$rss_big" -v b="$rss_tenth" -v n="$nbig" -v m="$ntenth" 'BEGIN {
		    printf "memory: smtpscope peak RSS %.1f MB on %d packets, %.1f MB on %d packets: difference %+.1f MB\n", a, n, b, m, a - b }'
	fi
} | tee "$out/results.txt"
echo "(goals: smtpscope / tcpdump <= 1.0, smtpscope / pcaploop (filter) <= 1.2," \
    "peak RSS independent of file length)"

if [ $fail -ne 0 ]; then
	echo "bench: FAILED: smtpscope's counts differ from the truth (see above)"
	exit 1
fi
echo "bench: counts match the truth"
