#!/bin/bash
# Live benchmark (not a test): the bench capture replayed at top speed into
# a veth pair while "smtpscope watch" and "tcpdump -w /dev/null" capture on
# the same interface; prints both kernel drop counts.  Namespaces only.
#   tests/bench/live.sh PROG [CAPTURE]     (make bench-live; root)
set -u
p=$1
prog=$(cd "$(dirname "$p")" && pwd)/$(basename "$p")
here=$(cd "$(dirname "$0")" && pwd)
cap=${2:-$here/out/bench-tenth.pcap}
LAB_PREFIX=sbl-$$
# shellcheck source=../lab/lib.sh
. "$here/../lab/lib.sh"
lab_require_root
lab_require_tools ip:iproute2 tcpreplay:tcpreplay tcpdump:tcpdump
[ -f "$cap" ] || lab_die "$cap: missing (make bench generates it)"
lab_init

snd=$(lab_nsname snd) rcv=$(lab_nsname rcv)
lab_ns_add "$snd" 0
lab_ns_add "$rcv" 0
lab_link "$snd" "$rcv" - - v0 v1

runs=${BENCH_LIVE_RUNS:-3}
printf '%-4s %14s %14s %14s %14s\n' run sent smtpscope-drop tcpdump-drop smtpscope-recv
for ((r = 1; r <= runs; r++)); do
	lab_bg "$rcv" "$LAB_TMP/watch.$r" "$prog" watch -i v1 --summary -Z nobody ${BENCH_LIVE_OPTS:-}
	wpid=$LAB_LAST_PID
	lab_bg "$rcv" "$LAB_TMP/tcpdump.$r" tcpdump -i v1 -nn -w /dev/null \
		'tcp port 25 or tcp port 587 or icmp or icmp6 or (vlan and (tcp port 25 or tcp port 587 or icmp or icmp6))'
	tpid=$LAB_LAST_PID
	lab_wait_for "grep -q 'listening on' '$LAB_TMP/watch.$r' && grep -q 'listening on' '$LAB_TMP/tcpdump.$r'" 5 ||
		lab_die "captures did not start"
	sent=$(lab_exec "$snd" timeout 120 tcpreplay -i v0 --topspeed "$cap" 2>&1 |
		sed -n 's/.*Successful packets: *\([0-9]*\).*/\1/p')
	sleep 1
	lab_kill "$wpid" INT
	lab_kill "$tpid" INT
	sd=$(sed -n 's/^kernel: received \([0-9]*\), dropped \([0-9]*\).*/\2/p' "$LAB_TMP/watch.$r")
	sr=$(sed -n 's/^kernel: received \([0-9]*\), dropped.*/\1/p' "$LAB_TMP/watch.$r")
	td=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$LAB_TMP/tcpdump.$r")
	printf '%-4s %14s %14s %14s %14s\n' "$r" "${sent:-?}" "${sd:-?}" "${td:-?}" "${sr:-?}"
done
