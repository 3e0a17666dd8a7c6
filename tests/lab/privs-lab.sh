#!/bin/bash
# Privileges and the sandbox of the live commands, in a lab namespace:
# once started, watch, probe and read hold no capability (CapEff, CapPrm,
# CapInh, CapBnd, CapAmb all zero in /proc/PID/status), run as the -Z user
# (root too keeps no capability), have no_new_privs and a seccomp filter;
# and the test build's hook (io/sandbox.c) is killed by SIGSYS in watch,
# probe, probe --greet and verify when it tries execve or a packet socket.
#   tests/lab/privs-lab.sh PROG HOOKS_PROG   (root; "privs-lab: N passed, N failed")
set -u
prog=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
hooks=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
LAB_PREFIX=sprv-$$
# shellcheck source=lib.sh
. "$here/lib.sh"
lab_require_root
lab_require_tools ip:iproute2 socat:socat
lab_init
pass=0; fail=0
ok() { pass=$((pass+1)); echo "ok   $*"; }
bad() { fail=$((fail+1)); echo "FAIL $*"; }

cli=$(lab_nsname cli) srv=$(lab_nsname srv)
lab_ns_add "$cli" 0
lab_ns_add "$srv" 0
lab_link "$cli" "$srv" 192.0.2.10/24 192.0.2.25/24 c0 s0
lab_bg "$srv" "$LAB_TMP/smtpd.log" socat TCP-LISTEN:25,reuseaddr,fork \
    SYSTEM:'echo "220 mx.example.test ESMTP"; sleep 1'
lab_wait_listen "$srv" 25 5

# status_of PID NAME: what /proc/PID/status says of the process, as
# "uid=U,U,U,U caps=EFF/PRM/INH/BND/AMB nnp=N seccomp=S".
status_of() {
	awk '/^Uid:/ { u = $2 "," $3 "," $4 "," $5 }
	    /^CapEff:/ { e = $2 } /^CapPrm:/ { p = $2 } /^CapInh:/ { i = $2 }
	    /^CapBnd:/ { b = $2 } /^CapAmb:/ { a = $2 }
	    /^NoNewPrivs:/ { n = $2 } /^Seccomp:/ { s = $2 }
	    END { printf "uid=%s caps=%s/%s/%s/%s/%s nnp=%s seccomp=%s\n", u, e, p, i, b, a, n, s }' \
	    "/proc/$1/status"
}
zero=0000000000000000
want_status() {	# want_status NAME PID UID
	local got want="uid=$3,$3,$3,$3 caps=$zero/$zero/$zero/$zero/$zero nnp=1 seccomp=2"
	got=$(status_of "$2")
	[ "$got" = "$want" ] && ok "$1: $got" || bad "$1: $got (want $want)"
}
# started FILE: waits (5 s at most) for "listening on" in FILE.
started() { lab_wait_for "grep -q 'listening on' '$1'" 5; }
nobody=$(id -u nobody)

# watch, -Z nobody then -Z root: nothing held once started.
for user in nobody root; do
	uid=$nobody; [ "$user" = root ] && uid=0
	lab_bg "$cli" "$LAB_TMP/watch-$user.err" "$prog" watch -i c0 -Z "$user" \
	    -w "$LAB_TMP/watch-$user.pcap"
	pid=$LAB_LAST_PID
	# "listening on" comes just before the sandbox: wait for it too.
	if started "$LAB_TMP/watch-$user.err" &&
	    lab_wait_for "grep -q '^Seccomp:.*2' /proc/$pid/status" 5; then
		want_status "watch -Z $user" "$pid" "$uid"
	else
		bad "watch -Z $user did not start: $(cat "$LAB_TMP/watch-$user.err")"
	fi
	lab_connect "$cli" 192.0.2.25 25 3 "$LAB_TMP/greeting"
	lab_kill "$pid" TERM
	if grep -q '^packets: ' "$LAB_TMP/watch-$user.err" ||
	    "$prog" read "$LAB_TMP/watch-$user.pcap" 2>/dev/null | grep -q ' accepted '; then
		ok "watch -Z $user: the sandboxed run saw the connection, -w readable"
	else
		bad "watch -Z $user: no accepted attempt in its -w file"
	fi
done

# probe towards an address nobody answers (it waits its timeout).
lab_bg "$cli" "$LAB_TMP/probe.err" "$prog" probe --target 192.0.2.99 -p 25 \
    --timeout 3 --retries 0
pid=$LAB_LAST_PID
if started "$LAB_TMP/probe.err" &&
    lab_wait_for "grep -q '^Seccomp:.*2' /proc/$pid/status" 5; then
	want_status "probe -Z nobody" "$pid" "$nobody"
else
	bad "probe did not start: $(cat "$LAB_TMP/probe.err")"
fi
lab_kill "$pid" TERM

# read from a pipe that stays open: never needed a capability.
mkfifo "$LAB_TMP/fifo"
"$prog" read - <"$LAB_TMP/fifo" >/dev/null 2>&1 &
pid=$!; LAB_PIDS+=("$pid")
exec 7>"$LAB_TMP/fifo"
head -c 24 "$top/pcaps/lab/demo.pcap" >&7
lab_wait_for "grep -q '^Seccomp:.*2' /proc/$pid/status" 5
want_status "read -" "$pid" "$nobody"
exec 7>&-
lab_kill "$pid" TERM

# The hook in every live command: SIGSYS (status 159) once started.
hook() {	# hook NAME -- ARGS...
	local name=$1 st; shift 2
	# The subshell, not this shell, says "Bad system call".
	(SMTPSCOPE_TEST_HOOK=$name ip netns exec "$cli" timeout 20 "$hooks" "$@" \
	    >"$LAB_TMP/hook.out" 2>"$LAB_TMP/hook.err"; exit $?) 2>/dev/null
	st=$?
	if [ "$st" -eq 159 ] && grep -q "^test hook: $name\$" "$LAB_TMP/hook.err" &&
	    ! grep -q 'returned' "$LAB_TMP/hook.err"; then
		ok "$name in $1: killed by SIGSYS"
	else
		bad "$name in $1: status $st: $(tr '\n' ' ' <"$LAB_TMP/hook.err")"
	fi
}
for name in execve packet-socket open-write; do
	hook "$name" -- watch -i c0 --duration 5
	hook "$name" -- probe --target 192.0.2.25 -p 25 --timeout 1
	hook "$name" -- probe --greet --target 192.0.2.25 -p 25 --helo t.example.test
done
printf 'to 192.0.2.25 port 25 expect accepted\n' >"$LAB_TMP/rules.expect"
hook execve -- verify "$LAB_TMP/rules.expect"
hook packet-socket -- verify "$LAB_TMP/rules.expect"

echo "privs-lab: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
