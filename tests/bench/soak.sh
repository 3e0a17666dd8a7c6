#!/bin/bash
# Soak (not a test): `smtpscope watch` as the service runs it -- findings,
# JSON records, the metrics textfile and endpoint, -w rotation, periodic
# summaries -- for SOAK_SECONDS while tcpreplay replays the bench mix into
# a veth at its recorded pace, SOAK_RATE SMTP attempts a second, in
# namespaces only.  Every SOAK_SAMPLE seconds it prints the process's RSS,
# peak RSS and open fds, the files rotated so far, and the kernel's counts
# from the latest summary; at the end, the first and last samples side by
# side (flat is the goal) and the files' packets against tcpdump's count.
#
#   tests/bench/soak.sh PROG           (make soak; root)
#
# Environment: SOAK_SECONDS (1800), SOAK_RATE (10000), SOAK_SAMPLE (60),
# SOAK_ROTATE (300, -G seconds), SOAK_FILE (60, seconds of attempts in
# the replayed file), BENCH_SEED (1).
set -u
p=${1:-./smtpscope}
prog=$(cd "$(dirname "$p")" && pwd)/$(basename "$p")
here=$(cd "$(dirname "$0")" && pwd)
seconds=${SOAK_SECONDS:-1800}
rate=${SOAK_RATE:-10000}
sample=${SOAK_SAMPLE:-60}
rotate=${SOAK_ROTATE:-300}
filesec=${SOAK_FILE:-60}
# shellcheck source=lib.sh
. "$here/lib.sh"
LAB_PREFIX=ssk-$$
# shellcheck source=../lab/lib.sh
. "$here/../lab/lib.sh"
lab_require_root
lab_require_tools ip:iproute2 tcpreplay:tcpreplay tcpdump:tcpdump curl:curl jq:jq
lab_init

# SOAK_FILE seconds of attempts at the rate, then the generator's 15 s of
# DNS; tcpreplay loops it.  Each attempt has a client port of its own in
# the file, so a tuple comes back once a loop, long after its verdict.
gen_capture soak --attempts $((rate * filesec)) --rate "$rate"
cap=$out/soak.pcap

snd=$(lab_nsname snd) rcv=$(lab_nsname rcv)
lab_ns_add "$snd" 0
lab_ns_add "$rcv" 0
lab_link "$snd" "$rcv" - - v0 v1
lab_exec "$rcv" ip link set lo up

# -Z nobody makes the -G files and rewrites the metrics file: its own
# directory, reachable through the lab's.
dir=$LAB_TMP/w
chmod 711 "$LAB_TMP"
mkdir -p "$dir"
chown nobody "$dir"
lab_bg "$rcv" "$LAB_TMP/watch.err" sh -c "exec '$prog' watch -i v1 --json \
    --findings --stats-interval $sample -Z nobody \
    -w '$dir/soak-%Y%m%d-%H%M%S.pcapng' -G $rotate \
    --metrics-file '$dir/smtpscope.prom' --metrics-listen 127.0.0.1:9187 |
    grep -v '\"type\":\"attempt\"' >'$LAB_TMP/stream'"
lab_wait_for "grep -q 'listening on' '$LAB_TMP/watch.err'" 10 ||
	lab_die "watch did not start: $(cat "$LAB_TMP/watch.err")"
wpid=$(lab_exec "$rcv" pgrep -n -f "watch -i v1 --json --findings") ||
	lab_die "no watch process"
lab_bg "$rcv" "$LAB_TMP/tcpdump.err" tcpdump -i v1 -nn -w /dev/null \
    'tcp port 25 or tcp port 587 or icmp or icmp6'
tpid=$LAB_LAST_PID
lab_bg "$snd" "$LAB_TMP/replay" tcpreplay -i v0 --loop=0 \
    --duration="$seconds" "$cap"
rpid=$LAB_LAST_PID

samples=$LAB_TMP/samples
printf '%6s %9s %9s %5s %6s %12s %12s %9s\n' second rss-MiB hwm-MiB fds files \
    received dropped findings | tee "$samples"
t0=$SECONDS
while kill -0 "$rpid" 2>/dev/null && [ $((SECONDS - t0)) -le $((seconds + 30)) ]; do
	sleep "$sample"
	[ -d "/proc/$wpid" ] || lab_die "watch ended: $(tail -3 "$LAB_TMP/watch.err")"
	rss=$(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$wpid/status")
	hwm=$(awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$wpid/status")
	fds=$(find "/proc/$wpid/fd" -mindepth 1 | wc -l)
	files=$(find "$dir" -name 'soak-*.pcapng' | wc -l)
	last=$(grep '"type":"summary"' "$LAB_TMP/stream" | tail -1)
	recv=$(jq -r '.kernel_received // "?"' <<<"${last:-{\}}")
	drop=$(jq -r '.kernel_dropped // "?"' <<<"${last:-{\}}")
	nf=$(grep -c '"type":"finding"' "$LAB_TMP/stream")
	printf '%6s %9s %9s %5s %6s %12s %12s %9s\n' $((SECONDS - t0)) "$rss" \
	    "$hwm" "$fds" "$files" "$recv" "$drop" "$nf" | tee -a "$samples"
done
lab_kill "$wpid" TERM
lab_kill "$tpid" INT
sleep 2
echo
echo "soak: $seconds s at $rate attempts/s (recorded pace), sampled every $sample s"
awk 'NR == 2 { f = $0 } END { print "first: " f; print "last:  " $0 }' "$samples"
echo "replay: $(grep -E 'Actual|Rated' "$LAB_TMP/replay" | tr -s ' ' | paste -sd ' ')"
echo "tcpdump: $(grep -E 'captured|dropped by kernel' "$LAB_TMP/tcpdump.err" | paste -sd ' ')"
echo "watch: $(grep -i -E 'kernel|stopped|rotat' "$LAB_TMP/watch.err" | tail -4 | paste -sd ' ')"
# Counted by libpcap's bare loop (tcpdump's text would take minutes).
# shellcheck disable=SC2046
cc -O2 -std=c11 -o "$out/pcaploop" "$here/pcaploop.c" \
    $(pkg-config --cflags --libs libpcap) || exit 1
n=0
for f in "$dir"/soak-*.pcapng; do
	k=$("$out/pcaploop" "$f") || k=0
	n=$((n + k))
done
echo "files: $(find "$dir" -name 'soak-*.pcapng' | wc -l) rotated files, $n packets in all" \
    "(watch received $(jq -r 'select(.type == "summary" and .final) | .kernel_received' "$LAB_TMP/stream"))"
echo "findings: $(grep -c '"state":"started"' "$LAB_TMP/stream") started," \
    "$(grep -c '"state":"ended"' "$LAB_TMP/stream") ended"
