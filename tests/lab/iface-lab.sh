#!/bin/bash
# The capture interface going down, coming back, deleted and recreated
# under watch (io/capgap.h, io/iface.h): watch -Z nobody, in its sandbox,
# does not exit; it says the stop and the resumption on stderr, records
# resume after each, a "type":"gap" line with a plausible length and its
# reason is on the stream, the summary counts the gaps, the attempt left
# waiting when the interface went down is unresolved "capture-gap" (not
# dropped), and the -w file goes on across both.  A run that ends in a gap
# reports it as not resumed; text output has its gap line; an interface
# recreated with another link type (a tun device) ends the run with a
# capture error, as the capture cannot follow it.
#   tests/lab/iface-lab.sh PROG   (root; "iface-lab: N passed, N failed")
set -u
prog=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
LAB_PREFIX=sifc-$$
# shellcheck source=lib.sh
. "$here/lib.sh"
lab_require_root
lab_require_tools ip:iproute2 iptables:iptables socat:socat jq:jq
lab_init
pass=0; fail=0
ok() { pass=$((pass+1)); echo "ok   $*"; }
bad() { fail=$((fail+1)); echo "FAIL $*"; }
T=$LAB_TMP
chmod 755 "$T"

cli=$(lab_nsname cli) srv=$(lab_nsname srv)
lab_ns_add "$cli" 0
lab_ns_add "$srv" 0
link() { lab_link "$cli" "$srv" 192.0.2.10/24 192.0.2.25/24 c0 s0; }
link
# Port 25 answers; port 2525 drops every SYN (an attempt left waiting).
lab_bg "$srv" "$T/smtpd.log" socat TCP-LISTEN:25,reuseaddr,fork \
    SYSTEM:'echo "220 mx.example.test ESMTP"; sleep 1'
lab_wait_listen "$srv" 25 5
ip netns exec "$srv" iptables -A INPUT -p tcp --dport 2525 -j DROP

# count FILE JQ-FILTER: how many lines of FILE the filter selects.
count() { jq -c "select($2)" "$1" 2>/dev/null | wc -l; }
accepted='.type == "attempt" and .class == "accepted" and .server_port == 25'
# connect_until FILE N: connects to port 25 until FILE has N accepted
# records (a few tries: the first SYN after a change may race the capture).
connect_until() {
	local i
	for ((i = 0; i < 5; i++)); do
		lab_connect "$cli" 192.0.2.25 25 2 "$T/greeting"
		lab_wait_for "[ \$(count '$1' '$accepted') -ge $2 ]" 3 && return 0
	done
	return 1
}
# start NAME ARGS...: watch on c0 in cli as nobody, output to $T/NAME.out.
start() {
	local name=$1; shift
	lab_bg "$cli" "$T/$name.err" sh -c 'exec "$0" "$@" >"'"$T/$name.out"'"' \
	    "$prog" watch -i c0 -Z nobody "$@"
	pid=$LAB_LAST_PID
	lab_wait_for "grep -q 'listening on' '$T/$name.err'" 10 ||
	    lab_die "watch did not start: $(cat "$T/$name.err")"
	lab_wait_for "grep -q '^Seccomp:.*2' /proc/$pid/status" 5 ||
	    lab_die "watch is not in its sandbox: $(cat "$T/$name.err")"
	# Following the interface needs no privilege: none is held.
	[ "$(awk '/^CapEff:|^CapPrm:/ { printf "%s ", $2 }' /proc/$pid/status)" = \
	    "0000000000000000 0000000000000000 " ] ||
	    lab_die "watch holds capabilities: $(grep ^Cap /proc/$pid/status)"
}
# stop PID: SIGINT, bounded; its exit status in $st.
stop() {
	kill -INT "$1" 2>/dev/null
	st=0
	lab_wait_for "! kill -0 $1" 10 || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null || st=$?
	lab_forget_pid "$1"
}

# --- down, up, delete, recreate --------------------------------------
out=$T/a.out err=$T/a.err
# The metrics textfile is written after the drop to nobody: its
# directory is nobody's.
chmod 711 "$T" && mkdir "$T/m" && chown nobody "$T/m" || lab_die "$T/m"
start a --json -p 25,2525 --timeout 6 -w "$T/a.pcapng" --metrics-file "$T/m/a.prom"
connect_until "$out" 1 && ok "before: accepted record" ||
    bad "before: no accepted record ($(cat "$out"))"

# A SYN nobody answers (it is sent again after 1 s), then the interface
# goes down while it waits: the silence after it proves nothing.
lab_connect "$cli" 192.0.2.25 2525 1.3
down=$(lab_now_us)
ip -n "$cli" link set c0 down
lab_wait_for "grep -q 'capture on c0 stopped: the interface went down; retrying' '$err'" 10 &&
    ok "down: said on stderr" || bad "down: not said ($(cat "$err"))"
# Attempts while down go nowhere (no route); watch keeps running.
lab_connect "$cli" 192.0.2.25 25 1
sleep 3
kill -0 "$pid" 2>/dev/null && ok "down: watch still running" ||
    bad "down: watch exited: $(cat "$err")"
ip -n "$cli" link set c0 up
up=$(lab_now_us)
connect_until "$out" 2 && ok "up: records resume" ||
    bad "up: no accepted record after up ($(cat "$out"))"
lab_wait_for "grep -q 'capture on c0 resumed after' '$err'" 35 &&
    ok "up: resumption said on stderr" || bad "up: no resumption said ($(cat "$err"))"
gap1=$(jq -c 'select(.type == "gap")' "$out" | head -n 1)
secs=$(jq -r '.seconds' <<<"$gap1" 2>/dev/null)
# At least the time it was down, less what a loaded machine may take to
# notice (the gap starts when watch finds out).
want_min=$(( (up - down) / 1000 - 2000 ))	# ms
ms=$(awk -v s="${secs:-0}" 'BEGIN { printf "%d", s * 1000 }')
if [ "$(jq -r '"\(.interface) \(.reason) \(.resumed)"' <<<"$gap1" 2>/dev/null)" = \
    "c0 interface-down true" ] && [ "$ms" -ge "$want_min" ] &&
    [ "$ms" -le $(( want_min + 2000 + 8000 )) ]; then
	ok "up: gap record, ${secs} s (down for $(( (up - down) / 1000 )) ms)"
else
	bad "up: gap record '$gap1' (down for $(( (up - down) / 1000 )) ms)"
fi
# The attempt left waiting ends unresolved, its time out inside the gap.
lab_wait_for "[ \$(count '$out' '.server_port == 2525') -ge 1 ]" 10
v=$(jq -r 'select(.type == "attempt" and .server_port == 2525) | "\(.class)/\(.reason)"' "$out" | sort -u | tr '\n' ' ')
[ "$v" = "unresolved/capture-gap " ] && ok "waiting attempt: unresolved/capture-gap" ||
    bad "waiting attempt: '$v', want unresolved/capture-gap"

# Deleted (the veth pair goes with it), then made again, same names and
# addresses: the capture follows it (it is looked at again within 1 s).
ip -n "$cli" link del c0
lab_wait_for "grep -q 'capture on c0 stopped: the interface is gone; retrying' '$err'" 10 &&
    ok "delete: said on stderr" || bad "delete: not said ($(cat "$err"))"
sleep 1.5
kill -0 "$pid" 2>/dev/null && ok "delete: watch still running" ||
    bad "delete: watch exited: $(cat "$err")"
link
lab_wait_for "[ \$(grep -c 'capture on c0 resumed after' '$err') -ge 2 ]" 35 &&
    ok "recreate: resumption said on stderr" || bad "recreate: not resumed ($(cat "$err"))"
connect_until "$out" 3 && ok "recreate: records resume" ||
    bad "recreate: no accepted record after it ($(cat "$out"))"
gap2=$(jq -c 'select(.type == "gap")' "$out" | sed -n 2p)
[ "$(jq -r '"\(.interface) \(.reason) \(.resumed) \(.seconds > 1)"' <<<"$gap2" 2>/dev/null)" = \
    "c0 interface-gone true true" ] && ok "recreate: gap record $gap2" ||
    bad "recreate: gap record '$gap2'"
stop "$pid"
[ "$st" -eq 0 ] && ok "watch exits 0 on SIGINT" || bad "watch exit status $st: $(cat "$err")"
sum=$(jq -c 'select(.type == "summary")' "$out")
[ "$(jq -r '"\(.gaps) \(.gap_seconds > 1)"' <<<"$sum" 2>/dev/null)" = "2 true" ] &&
    ok "summary: gaps 2, gap_seconds $(jq -r .gap_seconds <<<"$sum")" ||
    bad "summary: '$sum'"
grep -qx 'smtpscope_capture_gaps_total 2' "$T/m/a.prom" &&
    grep -Eq '^smtpscope_capture_gap_seconds_total [1-9][0-9]*\.[0-9]{6}$' "$T/m/a.prom" &&
    ok "metrics: $(grep -h '^smtpscope_capture_gap' "$T/m/a.prom" | paste -sd ' ')" ||
    bad "metrics: '$(grep -h gap "$T/m/a.prom")'"
# The -w file holds the attempts of before and after both gaps.
n=$("$prog" read --json "$T/a.pcapng" 2>/dev/null |
    jq -c "select($accepted)" | wc -l)
[ "$n" -ge 3 ] && ok "-w file across both gaps: $n accepted attempts" ||
    bad "-w file: $n accepted attempts, want 3 or more"

# --- the run ends in a gap; text output ------------------------------
out=$T/b.out err=$T/b.err
start b -p 25
ip -n "$cli" link set c0 down
lab_wait_for "grep -q 'capture on c0 stopped' '$err'" 10
sleep 1
stop "$pid"
ip -n "$cli" link set c0 up
if [ "$st" -eq 0 ] && grep -q 'capture on c0 was still stopped when the run ended' "$err" &&
    grep -Eq '^[0-9T:.-]+Z capture gap on c0: [0-9]+\.[0-9]{3} s, interface-down, run ended in it at ' "$out" &&
    grep -Eq '^capture gaps: 1, [0-9]+\.[0-9]{3} s$' "$out"; then
	ok "run ended in a gap: said, text gap line, summary line"
else
	bad "run ended in a gap: status $st; out: $(cat "$out"); err: $(cat "$err")"
fi

# --- recreated with another link type --------------------------------
out=$T/c.out err=$T/c.err
start c --json -p 25
ip -n "$cli" link del c0
lab_wait_for "grep -q 'the interface is gone' '$err'" 10
ip -n "$cli" tuntap add c0 mode tun
ip -n "$cli" link set c0 up
lab_wait_for "! kill -0 $pid" 35
stop "$pid"
if [ "$st" -eq 3 ] && grep -q 'capture failed: c0 came back with another link type' "$err" &&
    [ "$(count "$out" '.type == "gap" and .resumed == false')" -eq 1 ]; then
	ok "other link type: exit 3, said, gap reported"
else
	bad "other link type: status $st; $(cat "$err")"
fi

# Sanitizer builds (SANITIZE=1): nothing reported by any run.
if grep -lE 'runtime error|AddressSanitizer|LeakSanitizer' "$T"/*.err >/dev/null 2>&1; then
	bad "sanitizer reports: $(grep -hE 'runtime error|Sanitizer' "$T"/*.err | head -3)"
else
	ok "no sanitizer report on stderr"
fi

echo "iface-lab: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
