#!/bin/bash
# Operator habits (issue 18): tcpdump's -r/-n/-c/-l, --help from the option
# table, --localtime in every output, SIGUSR1 during a read from a pipe.
# Every wait is bounded; only processes started here are signalled, by PID.
#   tests/habits.sh PROG
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/prog.sh"
resolve_prog habits "${1:-}"
tmp=$(mktemp -d)
# The background jobs still running are ours: end them by PID.
cleanup() {
	local p
	for p in $(jobs -pr); do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL $*"; fail=$((fail+1)); }
demo=$top/pcaps/lab/demo.pcap
block=$top/pcaps/lab/scope-source-block.pcap

# ---- --help: a line for every option, from the table in src/conf.c --------
help=$("$prog" --help); st=$?
[ $st -eq 0 ] || bad "--help: exit $st"
longs=$(sed -n 's/^[[:space:]]*{ "\([a-z0-9-]*\)", [a-z_]*_argument.*/\1/p' "$top/src/conf.c")
shorts=$(sed -n 's/.*getopt_long(argc, argv, "\([^"]*\)".*/\1/p' "$top/src/conf.c" | tr -d ':')
if [ -z "$longs" ] || [ -z "$shorts" ]; then
	bad "--help: could not read the options of src/conf.c"
fi
for o in $longs; do
	# "  [-x, ]--name[ value]   meaning": the option starts the line, a
	# meaning follows it.
	if printf '%s\n' "$help" | grep -Eq "^  (-[a-zA-Z0-9], )?--$o( [^ ]+)? +[^ ].+"; then ok
	else bad "--help: no line for --$o"; fi
done
for o in $(printf '%s' "$shorts" | fold -w1); do
	if printf '%s\n' "$help" | grep -Eq "^  -$o(,| ).* [^ ]+"; then ok
	else bad "--help: no line for -$o"; fi
done
long=$(printf '%s\n' "$help" | awk 'length > 80')
[ -z "$long" ] && ok || bad "--help: lines over 80 columns: $long"
for c in read watch probe verify scope; do
	printf '%s\n' "$help" | grep -qx "options of $c:" && ok || bad "--help: no group for $c"
	# A command's -h shows its own group only, and every option listed
	# there is one the command takes (getopt refuses the others).
	sub=$("$prog" "$c" -h); st=$?
	if [ $st -eq 0 ] && [ "$(printf '%s\n' "$sub" | grep -c '^options of ')" = 1 ] &&
	    printf '%s\n' "$sub" | grep -qx "options of $c:"; then ok
	else bad "$c -h: exit $st, groups: $(printf '%s\n' "$sub" | grep '^options of ')"; fi
done
if "$prog" read -h | grep -q -- '--rate'; then bad "read -h lists --rate"; else ok; fi
if "$prog" watch -h | grep -q -- '--read'; then bad "watch -h lists --read"; else ok; fi

# ---- -r FILE, at the top level and in read; -n, -nn ------------------------
want=$("$prog" read "$demo" 2>&1)
for args in "-r $demo" "read -r $demo" "-nn -r $demo" "-n -r $demo" "read -n $demo" \
    "--read=$demo"; do
	# shellcheck disable=SC2086
	got=$("$prog" $args 2>&1)
	[ "$got" = "$want" ] && ok || bad "'$args' differs from 'read FILE'"
done
# -r files first, then the operands: the same as naming them in that order.
a=$("$prog" read -r "$block" "$demo" 2>&1); b=$("$prog" read "$block" "$demo" 2>&1)
c=$("$prog" read "$demo" -r "$block" 2>&1)
[ "$a" = "$b" ] && [ "$c" = "$b" ] && ok || bad "read -r A B / B -r A differ from read A B"

# ---- -c in read: that many records, no packet read past the last -----------
out=$("$prog" read -c 2 "$demo")
n=$(printf '%s\n' "$out" | grep -c '^20[0-9][0-9]-')
all=$(printf '%s\n' "$want" | sed -n 's/^packets: \([0-9]*\) read.*/\1/p')
got=$(printf '%s\n' "$out" | sed -n 's/^packets: \([0-9]*\) read.*/\1/p')
if [ "$n" = 2 ] && printf '%s\n' "$out" | grep -q '^summary: 2 attempts' &&
    [ "$got" -lt "$all" ]; then ok
else bad "read -c 2: $n records, $got of $all packets read"; fi
# The same from a pcapng file, which has a reader of its own.
ng=$top/pcaps/corpus/chrissanders-packets-synscan.pcapng
ngp="-p 25,465,587,2525"
# shellcheck disable=SC2086
all=$("$prog" read $ngp "$ng" | sed -n 's/^packets: \([0-9]*\) read.*/\1/p')
# shellcheck disable=SC2086
out=$("$prog" read $ngp -c 2 "$ng")
n=$(printf '%s\n' "$out" | grep -c '^20[0-9][0-9]-')
got=$(printf '%s\n' "$out" | sed -n 's/^packets: \([0-9]*\) read.*/\1/p')
if [ "$n" = 2 ] && [ -n "$all" ] && [ "$got" -lt "$all" ]; then ok
else bad "read -c 2 of pcapng: $n records, $got of $all packets read"; fi

# ---- reading from a pipe that stays open: -l and SIGUSR1 ------------------
# feed FIFO: demo.pcap into the FIFO, which then stays open for 4 s.
feed() {
	( exec 3>"$1"; cat "$demo" >&3; sleep 4 ) &
}
mkfifo "$tmp/f1" "$tmp/f2" "$tmp/f3"
feed "$tmp/f1"
"$prog" read -l - <"$tmp/f1" >"$tmp/l.out" 2>&1 & p=$!
feed "$tmp/f2"
"$prog" read - <"$tmp/f2" >"$tmp/nol.out" 2>&1 & q=$!
sleep 1.5
# -l: the records are out while the pipe is still open; without it they wait
# in the 64 KiB buffer.
nl=$(grep -c '^20[0-9][0-9]-' "$tmp/l.out"); nn=$(grep -c '^20[0-9][0-9]-' "$tmp/nol.out")
[ "$nl" = 6 ] && [ "$nn" = 0 ] && ok || bad "-l: $nl records out with -l (want 6), $nn without (want 0)"
# SIGUSR1 while the read waits on the idle pipe: the summary so far, at once.
kill -USR1 "$p"
for _ in 1 2 3 4 5 6 7 8 9 10; do
	grep -q '^summary so far: 6 attempts' "$tmp/l.out" && break
	sleep 0.1
done
if grep -q '^summary so far: 6 attempts' "$tmp/l.out" && kill -0 "$p" 2>/dev/null; then ok
else bad "SIGUSR1: no 'summary so far' within 1 s, or the read died: $(cat "$tmp/l.out")"; fi
wait "$p"; st=$?
if [ $st -eq 0 ] && grep -q '^summary: 7 attempts' "$tmp/l.out"; then ok
else bad "read after SIGUSR1: exit $st (want 0), final summary missing"; fi
wait "$q"
[ "$(grep -c '^20[0-9][0-9]-' "$tmp/nol.out")" = 7 ] && ok || bad "read without -l: not every record at the end"
# The same from a pcapng file (another reader) on an idle pipe.
mkfifo "$tmp/f6"
( exec 3>"$tmp/f6"; cat "$ng" >&3; sleep 3 ) &
"$prog" read -l -p 25,465,587,2525 - <"$tmp/f6" >"$tmp/ng.out" 2>&1 & p=$!
sleep 1; kill -USR1 "$p"
for _ in 1 2 3 4 5 6 7 8 9 10; do
	grep -q '^summary so far: 7 attempts' "$tmp/ng.out" && break
	sleep 0.1
done
grep -q '^summary so far: 7 attempts' "$tmp/ng.out" && ok ||
    bad "SIGUSR1, pcapng on a pipe: no 'summary so far' within 1 s"
wait "$p" && grep -q '^summary: 7 attempts' "$tmp/ng.out" && ok ||
    bad "SIGUSR1, pcapng on a pipe: the read did not end well"

# --json: each SIGUSR1 writes a summary line with "final":false, and the
# read goes on to its final one.
feed "$tmp/f3"
"$prog" read --json - <"$tmp/f3" >"$tmp/j.out" 2>&1 & p=$!
sleep 1; kill -USR1 "$p"; sleep 0.3; kill -USR1 "$p"
wait "$p"; st=$?
n=$(grep -c '"final":false' "$tmp/j.out")
if [ $st -eq 0 ] && [ "$n" = 2 ] && [ "$(grep -c '"final":true' "$tmp/j.out")" = 1 ]; then ok
else bad "read --json, two SIGUSR1: exit $st, $n summaries so far (want 2)"; fi

# scope -l: its records too, from a pipe that stays open.
"$prog" read --json "$demo" 2>/dev/null >"$tmp/demo.json"
mkfifo "$tmp/f4" "$tmp/f5"
( exec 3>"$tmp/f4"; cat "$tmp/demo.json" >&3; sleep 3 ) &
"$prog" scope -l --json - <"$tmp/f4" >"$tmp/sl.out" 2>/dev/null & p=$!
( exec 3>"$tmp/f5"; cat "$tmp/demo.json" >&3; sleep 3 ) &
"$prog" scope --json - <"$tmp/f5" >"$tmp/snol.out" 2>/dev/null & q=$!
sleep 1.5
nl=$(grep -c '"type":"attempt"' "$tmp/sl.out"); nn=$(grep -c '"type":"attempt"' "$tmp/snol.out")
[ "$nl" = 7 ] && [ "$nn" = 0 ] && ok || bad "scope -l: $nl records out with -l (want 7), $nn without (want 0)"
wait "$p" "$q"

# ---- --localtime: every output, the same instants --------------------------
utc_re='[0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]{6}Z'
loc_re='[0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]{6}\+05:30'
for opts in "" "--json" "--csv" "--scope --evidence" "--findings" "--json --findings --scope"; do
	# shellcheck disable=SC2086
	out=$(TZ=Asia/Kolkata "$prog" read --localtime $opts "$block" 2>&1)
	# shellcheck disable=SC2086
	utc=$("$prog" read $opts "$block" 2>&1)
	nu=$(printf '%s\n' "$utc" | grep -Eo "$utc_re" | wc -l)
	nloc=$(printf '%s\n' "$out" | grep -Eo "$loc_re" | wc -l)
	left=$(printf '%s\n' "$out" | grep -Eo "$utc_re" | wc -l)
	if [ "$nu" -gt 0 ] && [ "$nloc" = "$nu" ] && [ "$left" = 0 ]; then ok
	else bad "--localtime $opts: $nloc local times for $nu UTC ones, $left still in UTC"; fi
done
# The same instants: each local time read back by date(1) is the UTC one.
ts_utc=$("$prog" read --json "$block" | jq -r 'select(.type == "attempt") | .ts, .verdict_ts')
ts_loc=$(TZ=America/St_Johns "$prog" read --json --localtime "$block" |
    jq -r 'select(.type == "attempt") | .ts, .verdict_ts')
e1=$(while read -r t; do date -u -d "$t" +%s.%N; done <<<"$ts_utc")
e2=$(while read -r t; do date -u -d "$t" +%s.%N; done <<<"$ts_loc")
if [ -n "$e1" ] && [ "$e1" = "$e2" ] && grep -q -- '-03:30$' <<<"$ts_loc"; then ok
else bad "--localtime: the JSON times are not the same instants"; fi
# Headings say which; scope reads local times back to the same report.
out=$(TZ=Europe/Berlin "$prog" read --localtime --evidence "$block")
grep -q '^evidence (for an unblock request; times in local time):' <<<"$out" &&
    grep -q '^  Window (local time): 2026-11-23T18:29:46.900547+01:00 to ' <<<"$out" && ok ||
    bad "--localtime --evidence: the headings do not say local time"
a=$(TZ=Asia/Kolkata "$prog" read --json --localtime "$block" 2>/dev/null | "$prog" scope - 2>&1)
b=$("$prog" read --json "$block" 2>/dev/null | "$prog" scope - 2>&1)
[ -n "$b" ] && [ "$a" = "$b" ] && ok || bad "scope of --localtime records differs from scope of UTC ones"

echo "habits: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
