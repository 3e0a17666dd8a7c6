#!/bin/bash
# The system clock stepping during watch (an NTP step, forwards and
# backwards by an hour): the timers run on the monotonic clock and the
# verdicts on the packet clock, so a SYN nobody answers is still called
# dropped its --timeout after the last SYN, neither at the step nor an
# hour late, and its record keeps the packet's time.  The step is made by
# an LD_PRELOAD shim (clockstep.c) on clock_gettime(CLOCK_REALTIME) of
# smtpscope alone: the machine's clock is never touched, and the kernel's
# packet timestamps do not move, as after a step taken before the capture.
#   tests/lab/clock-lab.sh PROG   (root; "clock-lab: N passed, N failed")
set -u
prog=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
LAB_PREFIX=sclk-$$
# shellcheck source=lib.sh
. "$here/lib.sh"
lab_require_root
lab_require_tools ip:iproute2 iptables:iptables cc:gcc
lab_init
pass=0; fail=0
ok() { pass=$((pass+1)); echo "ok   $*"; }
bad() { fail=$((fail+1)); echo "FAIL $*"; }
T=$LAB_TMP
cc -shared -fPIC -o "$T/clockstep.so" "$here/clockstep.c" -ldl ||
    lab_die "cannot build the clock shim"
# The sanitizers' run-time must come first in the preload list.
preload=$T/clockstep.so
asan=$(ldd "$prog" | awk '/libasan/ { print $3 }')
[ -n "$asan" ] && preload="$asan:$preload"

cli=$(lab_nsname cli) srv=$(lab_nsname srv)
lab_ns_add "$cli" 0
lab_ns_add "$srv" 0
lab_link "$cli" "$srv" 192.0.2.10/24 192.0.2.25/24 c0 s0
ip netns exec "$srv" iptables -A INPUT -p tcp --dport 2525 -j DROP

for step in 3600 -3600; do
	out=$T/watch$step.json
	ip netns exec "$cli" env LD_PRELOAD="$preload" CLOCKSTEP_AFTER=2 \
	    CLOCKSTEP_SECONDS=$step "$prog" watch -i c0 -p 2525 --timeout 3 --json \
	    >"$out" 2>"$T/watch.err" </dev/null &
	pid=$!; LAB_PIDS+=("$pid")
	lab_wait_for "grep -q 'listening on' '$T/watch.err'" 5 ||
	    lab_die "watch did not start: $(cat "$T/watch.err")"
	started=$(lab_now_us)
	# SYN at once, again after 1 s, then the client gives up: the last
	# SYN about 1 s in, the verdict due 3 s after it.  The step comes 2 s
	# after watch started, in between.
	lab_connect "$cli" 192.0.2.25 2525 1.5
	due=$((started + 4000000))
	seen=
	for ((i = 0; i < 200; i++)); do
		if grep -q '"class":"dropped"' "$out"; then seen=$(lab_now_us); break; fi
		sleep 0.05
	done
	lab_kill "$pid" INT
	if [ -z "$seen" ]; then
		bad "step ${step}s: no dropped record within 10 s ($(cat "$out"))"
		continue
	fi
	late=$(( (seen - due) / 1000 ))
	if [ "$late" -ge -600 ] && [ "$late" -le 1500 ]; then
		ok "step ${step}s: dropped ${late} ms from the due time (last SYN + 3 s)"
	else
		bad "step ${step}s: dropped ${late} ms from the due time (last SYN + 3 s)"
	fi
	# The record's time is the SYN's, from the kernel, not the stepped clock.
	ts=$(grep -m1 '"class":"dropped"' "$out" | sed 's/.*"ts":"\([^"]*\)".*/\1/')
	syn=$(date -u -d "$ts" +%s 2>/dev/null || echo 0)
	if [ $((syn - started / 1000000)) -ge -2 ] && [ $((syn - started / 1000000)) -le 2 ]; then
		ok "step ${step}s: record ts $ts is the packet's time"
	else
		bad "step ${step}s: record ts $ts, watch started at $((started / 1000000))"
	fi
done

echo "clock-lab: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
