#!/bin/bash
# Fault injection, each fault with the outcome the man page documents
# (SECURITY, "Faults"): a full disk under standard output and under -w, a
# reader of standard output that goes away, SIGTERM in each phase of a run,
# a DNS server that answers garbage, truncated or mismatched replies, or
# nothing, and the capture interface going away (which watch outlives).  In lab namespaces; the sandbox is on throughout.
#   tests/lab/faults-lab.sh PROG   (root; "faults-lab: N passed, N failed")
set -u
prog=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
LAB_PREFIX=sflt-$$
# shellcheck source=lib.sh
. "$here/lib.sh"
lab_require_root
lab_require_tools ip:iproute2 socat:socat iptables:iptables
lab_init
pass=0; fail=0
ok() { pass=$((pass+1)); echo "ok   $*"; }
bad() { fail=$((fail+1)); echo "FAIL $*"; }
T=$LAB_TMP
demo=$top/pcaps/lab/demo.pcap

cli=$(lab_nsname cli) srv=$(lab_nsname srv) dns=$(lab_nsname dns)
lab_ns_add "$cli" 0
lab_ns_add "$srv" 0
lab_ns_add "$dns" 0
lab_link "$cli" "$srv" 192.0.2.10/24 192.0.2.25/24 c0 s0
lab_link "$cli" "$dns" 198.51.100.10/24 198.51.100.53/24 c1 d0
lab_bg "$srv" "$T/smtpd.log" socat TCP-LISTEN:25,reuseaddr,fork \
    SYSTEM:'echo "220 mx.example.test ESMTP"; sleep 1'
lab_wait_listen "$srv" 25 5
# Ports 2525-2530 of the server drop SYNs: the probes wait their timeout.
ip netns exec "$srv" iptables -A INPUT -p tcp --dport 2525:2530 -j DROP
in_cli() { ip netns exec "$cli" "$@"; }
# valid FILE NAME: the -w file reads back as a whole capture.
valid() {
	if "$prog" read "$1" >/dev/null 2>"$T/valid.err"; then
		ok "$2: -w file is a valid capture"
	else
		bad "$2: -w file: $(cat "$T/valid.err")"
	fi
}
# reap PID: waits for it (10 s at most), its exit status in $st.
# execd PID: waits (at most 2 s) until the background job PID has exec'd
# its program.  Before that it is still this shell, with its TERM trap: a
# SIGTERM then would run lab_cleanup in the child and delete the lab.
shell_exe=$(readlink -f "$BASH")
execd() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(readlink "/proc/$1/exe" 2>/dev/null)" != "$shell_exe" ] && return
		sleep 0.01
	done
}

reap() {
	local i
	for ((i = 0; i < 200; i++)); do kill -0 "$1" 2>/dev/null || break; sleep 0.05; done
	kill -0 "$1" 2>/dev/null && kill -KILL "$1"
	wait "$1" 2>/dev/null; st=$?
	lab_forget_pid "$1"
}

# --- A full disk under standard output: status 4, one line naming it.
"$prog" read "$demo" >/dev/full 2>"$T/err"; st=$?
[ "$st" -eq 4 ] && grep -qx 'smtpscope: write error on standard output: No space left on device' "$T/err" &&
    ok "read >/dev/full: status 4, one line" || bad "read >/dev/full: status $st: $(cat "$T/err")"
ip netns exec "$cli" "$prog" watch -i c0 -w "$T/full-out.pcap" >/dev/full 2>"$T/wfull.err" </dev/null &
wpid=$!; LAB_PIDS+=("$wpid")
lab_wait_for "grep -q 'listening on' '$T/wfull.err'" 5
lab_connect "$cli" 192.0.2.25 25 3
reap "$wpid"
[ "$st" -eq 4 ] && grep -q 'cannot write the output (No space left on device)' "$T/wfull.err" &&
    ok "watch >/dev/full: ends at the first record, status 4" ||
    bad "watch >/dev/full: status $st: $(cat "$T/wfull.err")"
valid "$T/full-out.pcap" "watch >/dev/full"

# --- A full disk under -w: at start, an error before anything is
# captured; during the run, status 3 after the reports, and what reached
# the disk reads back up to the cut.
in_cli "$prog" watch -i c0 -w /dev/full --duration 2 >/dev/null 2>"$T/err"; st=$?
[ "$st" -eq 3 ] && grep -qx 'smtpscope: -w /dev/full: No space left on device' "$T/err" &&
    ok "watch -w /dev/full: status 3 at start" || bad "watch -w /dev/full: status $st: $(cat "$T/err")"
mkdir -p "$T/small"
in_cli sh -c 'mount -t tmpfs -o size=8k tmpfs "$1" || exit 99
	"$2" watch -i c0 -w "$1/ev.pcap" >"$3/small.out" 2>"$3/small.err" </dev/null &
	pid=$!; i=0
	while [ $i -lt 100 ] && ! grep -qs "listening on" "$3/small.err"; do sleep 0.05; i=$((i+1)); done
	i=0
	while [ $i -lt 150 ] && kill -0 $pid 2>/dev/null; do
		timeout 1 bash -c "exec 3<>/dev/tcp/192.0.2.25/25; head -c 40 <&3 >/dev/null"; i=$((i+1))
	done
	kill -TERM $pid 2>/dev/null; wait $pid; echo $? >"$3/small.status"
	cp "$1/ev.pcap" "$3/small.pcap"; umount "$1"' _ "$T/small" "$prog" "$T"
st=$(cat "$T/small.status" 2>/dev/null || echo none)
if [ "$st" = 3 ] && grep -q 'capture failed: -w .*/ev.pcap: cannot write the evidence file' "$T/small.err" &&
    grep -q '^packets: ' "$T/small.out"; then
	ok "watch -w on a full tmpfs: status 3 after the summary"
else
	bad "watch -w on a full tmpfs: status $st: $(cat "$T/small.err")"
fi
"$prog" read "$T/small.pcap" >"$T/small.read" 2>"$T/small.read.err"; st=$?
if { [ "$st" -eq 0 ] || [ "$st" -eq 3 ]; } && grep -q ' accepted' "$T/small.read"; then
	ok "the cut -w file reads back up to the cut (status $st)"
else
	bad "the cut -w file: status $st: $(cat "$T/small.read.err")"
fi

# --- The reader of standard output goes away: status 4, nothing on
# stderr, no death by SIGPIPE.
# Eight times the largest capture: far more than a pipe holds (64 KiB),
# so the writes after head(1) has gone must fail.
big=$(ls -S "$top"/pcaps/corpus/*.pcap | head -n 1)
"$prog" read --json -p 1-65535 "$big" "$big" "$big" "$big" "$big" "$big" "$big" "$big" \
    2>"$T/err" | head -c 100 >/dev/null
st=${PIPESTATUS[0]}
[ "$st" -eq 4 ] && [ ! -s "$T/err" ] && ok "read | head -c 100: status 4, quiet" ||
    bad "read | head -c 100: status $st: $(cat "$T/err")"
ip netns exec "$cli" "$prog" watch -i c0 2>"$T/pipe.err" </dev/null | head -n 1 >"$T/pipe.out" &
reader=$!
lab_wait_for "grep -q 'listening on' '$T/pipe.err'" 5
for i in 1 2 3; do lab_connect "$cli" 192.0.2.25 25 3; done
# The reader, not the job: a watch that missed its reader's going would
# keep the job (and a plain wait) forever; the check below sees it, and
# lab_cleanup kills what is left in the namespace.
lab_wait_for "! kill -0 $reader" 10
# The watch itself: the first process of the pipeline, found by name in
# the namespace it alone runs in.  Its start and stop lines ('watching
# c0') are not errors.
if lab_wait_for "! ip netns pids '$cli' | grep -q ." 5 && [ -s "$T/pipe.out" ] &&
    ! grep -v 'listening on\|watching c0\|no routing table' "$T/pipe.err" | grep -q .; then
	ok "watch | head -n 1: ends quietly after the reader goes"
else
	bad "watch | head -n 1: $(cat "$T/pipe.err")"
fi

# --- SIGTERM in each phase: complete output, a valid -w file.
# Start-up: read blocked opening a FIFO that no one writes.
mkfifo "$T/fifo"
"$prog" read "$T/fifo" >"$T/out" 2>"$T/err" &
pid=$!; LAB_PIDS+=("$pid"); execd "$pid"; sleep 0.3; kill -TERM "$pid"
reap "$pid"
[ "$st" -eq 143 ] && [ ! -s "$T/out" ] && ok "SIGTERM at start-up (read): status 143, no output" ||
    bad "SIGTERM at start-up (read): status $st"
# watch at once, then 50 ms and 200 ms in: whatever the phase, status 0
# or 143, and a -w file that exists reads back.
for d in 0 0.05 0.2; do
	rm -f "$T/early.pcap"
	ip netns exec "$cli" "$prog" watch -i c0 -w "$T/early.pcap" >"$T/out" 2>"$T/err" </dev/null &
	pid=$!; LAB_PIDS+=("$pid"); execd "$pid"; sleep "$d"; kill -TERM "$pid"
	reap "$pid"
	if { [ "$st" -eq 143 ] && [ ! -s "$T/out" ]; } || { [ "$st" -eq 0 ] && grep -q '^packets: ' "$T/out"; }; then
		ok "SIGTERM ${d}s into watch: status $st, output complete"
	else
		bad "SIGTERM ${d}s into watch: status $st: $(cat "$T/err")"
	fi
	[ -e "$T/early.pcap" ] && valid "$T/early.pcap" "SIGTERM ${d}s into watch"
done
# probe: resolving (the DNS server never answers), probing (--rate 1,
# six ports), draining (one SYN, a 10 s timeout).
lab_bg "$dns" "$T/dns.log" socat UDP-RECVFROM:53,fork SYSTEM:"bash $here/dns-fault-server.sh silent $T"
sleep 0.3
phase() {	# phase NAME DELAY PATTERN ARGS...
	local name=$1 delay=$2 pat=$3; shift 3
	ip netns exec "$cli" "$prog" probe -w "$T/$name.pcap" "$@" >"$T/$name.out" 2>"$T/$name.err" </dev/null &
	pid=$!; LAB_PIDS+=("$pid"); execd "$pid"; sleep "$delay"; kill -TERM "$pid"
	reap "$pid"
	if [ "$st" -eq 0 ] && grep -q '^summary: ' "$T/$name.out" && grep -qE -- "$pat" "$T/$name.out"; then
		ok "SIGTERM while $name: status 0, records and summary"
	else
		bad "SIGTERM while $name: status $st: $(cat "$T/$name.err" "$T/$name.out")"
	fi
	valid "$T/$name.pcap" "SIGTERM while $name"
}
phase resolving 1 '^summary: 0 attempts' --mx example.test --dns-server 198.51.100.53 -p 25
phase probing 2.5 'unresolved' --target 192.0.2.25 -p 2525-2530 --rate 1 --timeout 10
phase draining 2 'unresolved' --target 192.0.2.25 -p 2525 --timeout 10
lab_kill "$LAB_LAST_PID"

# --- A broken DNS server: every lookup ends with an error in the report,
# the run completes with status 0, in bounded time.
for mode in garbage truncated badid wrongq silent; do
	lab_bg "$dns" "$T/dns-$mode.log" socat UDP-RECVFROM:53,fork \
	    SYSTEM:"bash $here/dns-fault-server.sh $mode $T"
	dpid=$LAB_LAST_PID
	sleep 0.3
	start=$SECONDS
	in_cli timeout 30 "$prog" read --resolve --dns-server 198.51.100.53 "$demo" >"$T/r.out" 2>"$T/r.err"; st=$?
	took=$((SECONDS - start))
	if [ "$st" -eq 0 ] && grep -q '^  192.0.2.10 (no name: ' "$T/r.out" &&
	    grep -q '^summary: 7 attempts' "$T/r.out" && [ "$took" -le 8 ]; then
		ok "DNS $mode, read --resolve: $(grep -m1 '^  192.0.2.10 (no name' "$T/r.out" | sed 's/^ *//'), ${took}s"
	else
		bad "DNS $mode, read --resolve: status $st, ${took}s: $(cat "$T/r.err"; grep -A2 'names' "$T/r.out")"
	fi
	in_cli timeout 30 "$prog" probe --mx example.test --dns-server 198.51.100.53 -p 25 \
	    >"$T/p.out" 2>"$T/p.err"; st=$?
	if [ "$st" -ne 0 ] && [ "$st" -lt 128 ] && [ "$(grep -c '^smtpscope: ' "$T/p.err")" -le 2 ]; then
		ok "DNS $mode, probe --mx: status $st: $(grep -m1 'example.test' "$T/p.out" "$T/p.err" | head -n 1)"
	else
		bad "DNS $mode, probe --mx: status $st: $(cat "$T/p.err" "$T/p.out")"
	fi
	lab_kill "$dpid"
done

# --- The capture interface goes away (last: c0 is gone after it): watch
# goes on (tests/lab/iface-lab.sh follows it back); SIGTERM then ends it
# with status 0, the gap reported as not resumed, and the -w file reads
# back.
ip netns exec "$cli" "$prog" watch -i c0 -w "$T/gone.pcap" >"$T/gone.out" 2>"$T/gone.err" </dev/null &
gpid=$!; LAB_PIDS+=("$gpid")
lab_wait_for "grep -q 'listening on' '$T/gone.err'" 5
lab_connect "$cli" 192.0.2.25 25 2
ip -n "$cli" link del c0
lab_wait_for "grep -q 'capture on c0 stopped: the interface is gone; retrying' '$T/gone.err'" 10
kill -0 "$gpid" 2>/dev/null && alive=1 || alive=0
kill -TERM "$gpid" 2>/dev/null
reap "$gpid"
if [ "$alive" -eq 1 ] && [ "$st" -eq 0 ] &&
    grep -q 'capture on c0 was still stopped when the run ended' "$T/gone.err" &&
    grep -q ' capture gap on c0: .*interface-gone, run ended in it' "$T/gone.out" &&
    grep -q '^packets: ' "$T/gone.out"; then
	ok "interface gone: watch goes on; SIGTERM: the gap, reports, status 0"
else
	bad "interface gone: alive $alive, status $st: $(cat "$T/gone.err")"
fi
valid "$T/gone.pcap" "interface gone"

echo "faults-lab: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
