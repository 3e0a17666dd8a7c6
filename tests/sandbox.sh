#!/bin/bash
# The seccomp sandbox of read and scope (no root needed): a test build with
# the hook of io/sandbox.c (make test-hooks) makes, once the sandbox is up,
# the calls an attacker in control of the process would (execve, a packet
# socket, opening a file for writing) and must die of SIGSYS; reading a file
# fails with EACCES and the run goes on; SMTPSCOPE_SANDBOX=errno turns the
# deaths into EPERM; --no-sandbox lets the same execve through (the control:
# the hook is real).  With --metrics-file the textfile is written in the
# sandbox, and a rename or an append open outside that rule still die.
# The shipped binary has no hook.
#   tests/sandbox.sh PROG HOOKS_PROG
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/prog.sh"
resolve_prog sandbox "${1:-}"
shipped=$prog
resolve_prog sandbox "${2:-}"
hooks=$prog
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass+1)); echo "ok   $*"; }
bad() { fail=$((fail+1)); echo "FAIL $*"; }
pcap=$top/pcaps/lab/demo.pcap
created=/tmp/smtpscope-sandbox-hook	# what the open-write hook creates
rm -f "$created"

# A read-only open fails with EACCES, but in sanitizer builds, whose
# run-time reads /proc (io/syscalls.c).
read_open='open-read returned -1 \(Permission denied\)'
[ "${SANITIZE:-0}" = 1 ] && read_open='open-read returned [0-9]+ \(allowed\)'

# hook NAME WANT-STATUS STDERR-PATTERN -- ARGS...: runs the hooks build
# with SMTPSCOPE_TEST_HOOK=NAME and SMTPSCOPE_SANDBOX=$mode.
mode=
# The audit record of a kill, checked first: the kernel logs at most 10
# such records in 5 s (printk's rate limit), and the kills below, or those
# of a suite run just before, use them up; so once more after 6 s.
audit_seen() {
	SMTPSCOPE_TEST_HOOK=execve "$hooks" read "$pcap" >/dev/null 2>&1 &
	pid=$!
	wait "$pid" 2>/dev/null
	dmesg | grep "type=1326" | grep -q "pid=$pid .*sig=31 .*syscall=59 "
}
if [ "$(uname -m)" = x86_64 ] && dmesg >/dev/null 2>&1; then
	if audit_seen || { sleep 6; audit_seen; }; then
		ok "audit record: pid $pid, SIGSYS, syscall 59 (execve)"
	else
		bad "no audit record for pid $pid in dmesg"
	fi
else
	echo "skip audit record: dmesg not readable by $(id -un) (or not x86_64)"
fi

hook() {
	local name=$1 want=$2 pat=$3 st; shift 4
	# The subshell, not this shell, says "Bad system call".
	(SMTPSCOPE_SANDBOX=$mode SMTPSCOPE_TEST_HOOK=$name "$hooks" "$@" \
	    >"$tmp/out" 2>"$tmp/err"; exit $?) 2>/dev/null; st=$?
	if [ "$st" -eq "$want" ] && grep -q "^test hook: $name\$" "$tmp/err" &&
	    grep -qE -- "$pat" "$tmp/err"; then
		ok "${mode:-kill} $name ($*): status $st"
	else
		bad "${mode:-kill} $name ($*): status $st (want $want, stderr /$pat/):"
		sed 's/^/      /' "$tmp/err"
	fi
}

# JSON records of the demo capture, for scope.
"$shipped" read --json "$pcap" >"$tmp/demo.json" 2>/dev/null

# Killed: 159 is 128 + SIGSYS (31); the hook never says what it returned.
for args in "read $pcap" "scope $tmp/demo.json"; do
	# shellcheck disable=SC2086
	{
	hook execve 159 '^test hook: execve$' -- $args
	hook packet-socket 159 '^test hook: packet-socket$' -- $args
	hook open-write 159 '^test hook: open-write$' -- $args
	# Without -w nothing may create a file, even with O_EXCL.
	hook open-excl 159 '^test hook: open-excl$' -- $args
	hook open-read 0 "$read_open" -- $args
	}
done
[ ! -e "$created" ] && ok "open-write created no file" || bad "open-write created $created"

# --metrics-file: the textfile is written inside the sandbox (openat of
# its directory, renameat within it); a rename elsewhere, an open in that
# directory with other flags and any other open that writes still die.
# As root the run is nobody's (-Z) by then: the directory is made theirs
# to reach and write.
mdir=$tmp/metrics
chmod 711 "$tmp"
mkdir "$mdir" && chmod 1777 "$mdir"
if "$shipped" read --metrics-file "$mdir/m.prom" "$pcap" >/dev/null 2>"$tmp/err" &&
    grep -q '^smtpscope_attempts_total{' "$mdir/m.prom"; then
	ok "kill --metrics-file: written in the sandbox"
else
	bad "kill --metrics-file: $(head -c 200 "$tmp/err")"
fi
for h in open-write rename open-append-dir; do
	hook $h 159 "^test hook: $h\$" -- read --metrics-file "$mdir/m.prom" "$pcap"
done
[ ! -e "$created" ] && [ ! -e "$mdir/smtpscope-sandbox-hook" ] &&
    ok "--metrics-file: the hooks created no file" ||
    bad "--metrics-file: a hook created a file"
[ "$(ls -A "$mdir")" = m.prom ] && ok "--metrics-file: no temporary file left" ||
    bad "--metrics-file: the directory holds $(ls -A "$mdir")"

# The run after a refused read-only open is the run without the hook.
SMTPSCOPE_TEST_HOOK=open-read "$hooks" read "$pcap" >"$tmp/a" 2>/dev/null
"$shipped" read "$pcap" >"$tmp/b" 2>/dev/null
cmp -s "$tmp/a" "$tmp/b" && ok "open-read: output unchanged" ||
    bad "open-read: output differs"

# errno mode: the calls fail with EPERM and the run completes.
mode=errno
hook execve 0 'execve returned -1 \(Operation not permitted\)' -- read "$pcap"
hook packet-socket 0 'packet-socket returned -1 \(Operation not permitted\)' -- read "$pcap"
hook open-write 0 'open-write returned -1 \(Operation not permitted\)' -- read "$pcap"
# The metrics endpoint's calls are only for watch --metrics-listen (in
# errno mode: one more kill here and the kernel's printk rate limit, 10
# in 5 s, would swallow the audit record checked below).
hook accept 0 'accept returned -1 \(Operation not permitted\)' -- read "$pcap"
hook open-append-dir 0 'open-append-dir returned -1 \(Operation not permitted\)' \
    -- read --metrics-file "$mdir/m.prom" "$pcap"
grep -q '^packets: 33 read' "$tmp/out" && ok "errno mode: full summary" ||
    bad "errno mode: no summary"
mode=

# The control: without the sandbox the execve goes through (the process
# becomes /bin/true, so no summary), and --no-sandbox is said on stderr.
hook execve 0 '^smtpscope: --no-sandbox: running without the system call filter$' \
    -- read --no-sandbox "$pcap"
grep -q '^packets:' "$tmp/out" && bad "--no-sandbox: execve did not replace the process" ||
    ok "--no-sandbox: execve replaced the process"

# The shipped binary has no hook: the variable does nothing.
SMTPSCOPE_TEST_HOOK=execve "$shipped" read "$pcap" >"$tmp/out" 2>"$tmp/err"
st=$?
if [ "$st" -eq 0 ] && ! grep -q 'test hook' "$tmp/err" && cmp -s "$tmp/out" "$tmp/b"; then
	ok "shipped binary: no test hook"
else
	bad "shipped binary: status $st, $(head -c 200 "$tmp/err")"
fi
if grep -q 'SMTPSCOPE_TEST_HOOK' "$shipped"; then
	bad "shipped binary contains SMTPSCOPE_TEST_HOOK"
else
	ok "shipped binary does not contain SMTPSCOPE_TEST_HOOK"
fi

# A bad mode is a usage error.
SMTPSCOPE_SANDBOX=off "$shipped" read "$pcap" >/dev/null 2>"$tmp/err"
st=$?
if [ "$st" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
    grep -q "^smtpscope: SMTPSCOPE_SANDBOX: 'off' is not kill, errno or log$" "$tmp/err"; then
	ok "SMTPSCOPE_SANDBOX=off: usage error"
else
	bad "SMTPSCOPE_SANDBOX=off: status $st, $(cat "$tmp/err")"
fi

# The audit trail: the kernel's record of the killed call (execve is 59 on
# x86_64), where the kernel log can be read.

rm -f "$created"
echo "sandbox: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
