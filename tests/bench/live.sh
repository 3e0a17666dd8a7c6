#!/bin/bash
# Live benchmark (not a test): the tenths of run.sh's mixed, heavy and
# flood captures replayed at top speed (tcpreplay --topspeed) into a veth
# pair while `smtpscope watch` as the service runs it (--json --findings,
# the metrics file and endpoint) and `tcpdump -B 8192 -w /dev/null FILTER`
# capture on the same interface; prints what each received and the
# kernel's drops for each: smtpscope's pcap_stats (its final JSON
# summary, and its /metrics endpoint just before the end) and tcpdump's
# "dropped by kernel".  Namespaces only: the veth lives in two namespaces
# made here, without addresses; the metrics endpoint listens on the
# receiving namespace's own loopback.
#
#   tests/bench/live.sh [PROG]         (make bench-live; root)
#
# Environment: BENCH_LIVE_MIXES ("mixed heavy flood"), BENCH_LIVE_RUNS (3
# replays each), BENCH_LIVE_OPTS (more options for watch), and
# BENCH_PACKETS and BENCH_SEED as for run.sh (the same captures).
set -u
p=${1:-./smtpscope}
prog=$(cd "$(dirname "$p")" && pwd)/$(basename "$p")
here=$(cd "$(dirname "$0")" && pwd)
packets=${BENCH_PACKETS:-5000000}
runs=${BENCH_LIVE_RUNS:-3}
mixes=${BENCH_LIVE_MIXES:-mixed heavy flood}
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
export LAB_PREFIX=sbl-$$
# shellcheck source-path=SCRIPTDIR source=../lab/lib.sh
. "$here/../lab/lib.sh"
lab_require_root
lab_require_tools ip:iproute2 tcpreplay:tcpreplay tcpdump:tcpdump \
    curl:curl jq:jq
lab_init

snd=$(lab_nsname snd) rcv=$(lab_nsname rcv)
lab_ns_add "$snd" 0
lab_ns_add "$rcv" 0
lab_link "$snd" "$rcv" - - v0 v1
# -Z nobody rewrites the metrics file: a directory of its own
chmod 711 "$LAB_TMP"
mkdir -p "$LAB_TMP/m" && chown nobody "$LAB_TMP/m"

printf '%-6s %3s %9s %9s %10s %10s %10s %10s %10s\n' mix run sent pps \
    scope-recv scope-drop metric-drop tcpd-recv tcpd-drop
for mix in $mixes; do
	# the tenths run.sh makes, with its arguments
	maxatt=100000
	case $mix in
	mixed)	name=bench-tenth
		gen_capture "$name" --packets $((packets / 10)) ;;
	heavy)	name=heavy-tenth
		gen_capture "$name" --mix heavy --packets $((packets / 10)) \
		    --max-attempts "$maxatt" ;;
	flood)	name=flood-tenth n=$((packets * 3 / 5)) maxatt=10000
		[ $((n / 10)) -ge $maxatt ] || maxatt=$((n / 10))
		gen_capture "$name" --flood $((n / 10)) --max-attempts "$maxatt" ;;
	*)	lab_die "$mix: no such mix (mixed heavy flood)" ;;
	esac
	cap=$out/$name.pcap
	for ((r = 1; r <= runs; r++)); do
		w=$LAB_TMP/watch.$mix.$r t=$LAB_TMP/tcpdump.$mix.$r
		# shellcheck disable=SC2016,SC2086 # sh -c's own $1; BENCH_LIVE_OPTS: words
		lab_bg "$rcv" "$w.err" sh -c 'out=$1; shift; exec "$@" >"$out"' sh \
		    "$w.json" "$prog" watch -i v1 --json --findings -Z nobody \
		    --max-attempts "$maxatt" --metrics-file "$LAB_TMP/m/smtpscope.prom" \
		    --metrics-listen 127.0.0.1:9187 ${BENCH_LIVE_OPTS:-}
		wpid=$LAB_LAST_PID
		lab_bg "$rcv" "$t" tcpdump -B 8192 -i v1 -nn -w /dev/null "$filter"
		tpid=$LAB_LAST_PID
		lab_wait_for "grep -q 'listening on' '$w.err' &&
		    grep -q 'listening on' '$t'" 10 ||
			lab_die "captures did not start: $(cat "$w.err" "$t")"
		lab_exec "$snd" timeout 300 tcpreplay -i v0 --topspeed "$cap" \
		    >"$LAB_TMP/replay" 2>&1
		sent=$(sed -n 's/.*Successful packets: *\([0-9]*\).*/\1/p' "$LAB_TMP/replay")
		pps=$(sed -n 's/.*Rated:.* \([0-9.]*\) pps.*/\1/p' "$LAB_TMP/replay")
		sleep 1
		md=$(lab_exec "$rcv" curl -s -m 5 http://127.0.0.1:9187/metrics |
		    awk '$1 == "smtpscope_kernel_dropped_packets_total" { print $2 }')
		lab_kill "$wpid" INT
		lab_kill "$tpid" INT
		read -r sr sd < <(jq -r 'select(.type == "summary" and .final) |
		    "\(.kernel_received) \(.kernel_dropped)"' "$w.json")
		tr=$(sed -n 's/^\([0-9]*\) packets received by filter.*/\1/p' "$t")
		td=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$t")
		printf '%-6s %3s %9s %9.0f %10s %10s %10s %10s %10s\n' "$mix" "$r" \
		    "${sent:-?}" "${pps:-0}" "${sr:-?}" "${sd:-?}" "${md:-?}" \
		    "${tr:-?}" "${td:-?}"
	done
done
echo "(scope: smtpscope watch --json --findings --metrics-file --metrics-listen;" \
    "tcpd: tcpdump -B 8192 -w /dev/null FILTER; both on v1, -B 8192 KiB each)"
