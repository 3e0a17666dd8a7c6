#!/usr/bin/env bash
# tests/lab/rotate-lab.sh PROG — live lab test of watch's -w rotation
# (-C, -G, -W), of its no-clobber rule, of SIGHUP and of --stats-interval.
#
# Two namespaces on one veth (documentation addresses): client 192.0.2.10,
# server 203.0.113.25 with no listener on 2525, so each connect is a SYN
# and a RST.  A bounded generator (bash connects, bounded in count and in
# time) makes the attempts; a tcpdump in the client namespace captures the
# same packets beside watch, and the packets of watch's files (tcpdump -r,
# printed without time stamps: the client ports tell the packets apart)
# are compared with it (tcpdump -t -S).  watch runs as nobody (-Z) and in its sandbox, so
# every later file is made under both.  Checked:
#   -G 2 -W 3: the run ends by itself after three files, each read by
#     tcpdump, which together hold every packet of the parallel capture
#     once (-G 2, not 1: the generator stops a second before the run's end
#     even on a loaded machine);
#   -C 0.02 -W 3: a ring FILE0..FILE2, none over 20000 bytes, holding the
#     newest packets of the capture, every one of them, once;
#   a restart with the same -w leaves the old file as it was (checksum)
#     and writes FILE.1, and says so; a symbolic link at the name is not
#     followed;
#   SIGHUP after the file was moved away (logrotate) opens FILE again, a
#     second SIGHUP FILE.1; across them every packet is written once;
#     SIGHUP when the directory is not writable keeps the current file;
#     logrotate with the man page's rule (nocreate, SIGHUP in postrotate)
#     leaves FILE.1 and FILE, every packet in one of them;
#   --stats-interval 1 --json: summaries with "interval":true, attempts
#     that grow and the kernel's drop counter; in text, "pulse:" lines.
# With HOOKS (the test-hooks build, make test-hooks): in watch -w's
# sandbox, a new file with O_EXCL may be made and a truncating open still
# kills (io/syscalls.c).
#   tests/lab/rotate-lab.sh PROG [HOOKS]
# Needs root, tcpdump, jq, logrotate; prints "rotate-lab: N passed, N failed"; ~40 s.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034  # lib.sh reads it
LAB_PREFIX=srot-$$
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 PROG" >&2; exit 2; }
PROG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HOOKS=${2:-}
pass=0; fail=0
check() {	# NAME CONDITION-STATUS [DETAIL]
	if [ "$2" -eq 0 ]; then pass=$((pass+1)); echo "ok   $1"
	else fail=$((fail+1)); echo "FAIL $1${3:+: $3}"; fi
}

lab_require_root
lab_require_tools ip:iproute2 tcpdump:tcpdump jq:jq timeout:coreutils \
    sha256sum:coreutils logrotate:logrotate
lab_init
lab_cli_srv
# watch drops to nobody: the files' directory is its.
chmod 0711 "$LAB_TMP"
D=$LAB_TMP/files
mkdir "$D"
chown nobody "$D"

# gen COUNT SECS [PAUSE]: COUNT connects to the closed port, ten at a time
# with a pause (0.05 s), ending early after SECS seconds.
gen() {
	ip netns exec "$CLI" timeout "$2" bash -c '
		for ((i = 0; i < $1; i++)); do
			exec 3<>/dev/tcp/203.0.113.25/2525
			[ $((i % 10)) = 9 ] && sleep "$2"
		done 2>/dev/null; exit 0' _ "$1" "${3:-0.05}" || true
}

# watch_start OUT ERR ARGS...: watch in the client namespace; waits until
# it listens.
watch_start() {
	local out=$1 err=$2; shift 2
	ip netns exec "$CLI" "$PROG" watch -i c0 -p 2525 -Z nobody "$@" \
	    >"$out" 2>"$err" </dev/null &
	WATCH=$!
	LAB_PIDS+=("$WATCH")
	lab_wait_for "grep -q 'listening on' '$err'" 10 ||
	    lab_die "watch did not start: $(cat "$err")"
}

# watch_end: SIGINT, then its status (a watchdog kills it after 10 s).
watch_end() {
	local rc=0 wd
	kill -INT "$WATCH" 2>/dev/null
	( sleep 10; kill -KILL "$WATCH" 2>/dev/null ) &
	wd=$!
	wait "$WATCH" || rc=$?
	kill "$wd" 2>/dev/null; wait "$wd" 2>/dev/null
	lab_forget_pid "$WATCH"
	return "$rc"
}

# packets FILE...: the packets, one line each, without time stamps and
# with absolute sequence numbers (-S: tcpdump's relative ones depend on
# what came before in the same file, and a client port may come back).
packets() {
	local f
	for f in "$@"; do tcpdump -nn -t -S -r "$f" 2>/dev/null; done
}

# same_packets NAME WANT-FILE GOT-FILE: the two lists hold the same
# packets, each once.
same_packets() {
	local dups
	dups=$(sort "$3" | uniq -d | wc -l)
	check "$1: no packet twice" "$([ "$dups" = 0 ]; echo $?)" "$dups"
	cmp -s <(sort "$2") <(sort "$3")
	check "$1: every packet of the parallel capture, and no other" $? \
	    "$(wc -l <"$2") captured, $(wc -l <"$3") in the files: $(diff <(sort "$2") <(sort "$3") | head -n 4 | tr '\n' ' ')"
}

# --- -G 2 -W 3 --------------------------------------------------------------
lab_capture_start "$CLI" c0 "$LAB_TMP/g.pcap" tcp port 2525
watch_start "$LAB_TMP/g.out" "$LAB_TMP/g.err" -G 2 -W 3 -w "$D/g-%s.pcapng"
t0=$(lab_now_us)
gen 1000 5 0.1
lab_sleep_until_us $((t0 + 5000000))
kill -0 "$WATCH" 2>/dev/null
check "-G 2 -W 3: still running at 5 s" $?
rc=0
lab_wait_for "! kill -0 $WATCH" 10 || rc=1
check "-G 2 -W 3: ended by itself after three files" "$rc"
wait "$WATCH"; rc=$?
lab_forget_pid "$WATCH"
check "-G 2 -W 3: exit status 0" "$rc" "$(cat "$LAB_TMP/g.err")"
grep -q '^smtpscope: -G -W: the last of 3 files is written$' "$LAB_TMP/g.err"
check "-G 2 -W 3: says why it ended" $? "$(cat "$LAB_TMP/g.err")"
lab_capture_stop
mapfile -t gfiles < <(ls "$D"/g-*.pcapng 2>/dev/null)
check "-G 2 -W 3: three files" "$([ "${#gfiles[@]}" = 3 ]; echo $?)" \
    "${gfiles[*]}"
for f in "${gfiles[@]}"; do
	tcpdump -nn -r "$f" >/dev/null 2>&1
	check "tcpdump reads $(basename "$f")" $?
	n=$(packets "$f" | wc -l)
	check "$(basename "$f") holds packets ($n)" "$([ "$n" -gt 0 ]; echo $?)"
	grep -aq "smtpscope ports: 2525" "$f"
	check "$(basename "$f") has the section comment" $?
done
packets "$LAB_TMP/g.pcap" >"$LAB_TMP/g.want"
packets "${gfiles[@]}" >"$LAB_TMP/g.got"
check "-G: packets were sent" "$([ "$(wc -l <"$LAB_TMP/g.want")" -gt 100 ]; echo $?)"
same_packets "-G 2 -W 3" "$LAB_TMP/g.want" "$LAB_TMP/g.got"
grep -q '^summary: [0-9]* attempts' "$LAB_TMP/g.out"
check "-G 2 -W 3: the final summary" $?

# --- -C 0.02 -W 3: a ring --------------------------------------------------
lab_capture_start "$CLI" c0 "$LAB_TMP/c.pcap" tcp port 2525
watch_start "$LAB_TMP/c.out" "$LAB_TMP/c.err" -C 0.02 -W 3 -w "$D/ring.pcapng"
fds0=$(ls "/proc/$WATCH/fd" | wc -l)
gen 600 15
sleep 0.5
fds1=$(ls "/proc/$WATCH/fd" | wc -l)
check "-C -W: open files after the rotations as at the start ($fds0, $fds1)" \
    "$([ "$fds0" = "$fds1" ]; echo $?)"
watch_end; rc=$?
check "-C -W: exit status 0" "$rc" "$(cat "$LAB_TMP/c.err")"
lab_capture_stop
mapfile -t cfiles < <(ls "$D"/ring.pcapng* 2>/dev/null)
check "-C 0.02 -W 3: ring.pcapng0, 1, 2 and no other" \
    "$([ "${cfiles[*]}" = "$D/ring.pcapng0 $D/ring.pcapng1 $D/ring.pcapng2" ]; echo $?)" \
    "${cfiles[*]}"
for f in "${cfiles[@]}"; do
	s=$(stat -c %s "$f")
	check "$(basename "$f"): $s bytes, at most 20000" "$([ "$s" -le 20000 ]; echo $?)"
	tcpdump -nn -r "$f" >/dev/null 2>&1
	check "tcpdump reads $(basename "$f")" $?
done
packets "$LAB_TMP/c.pcap" >"$LAB_TMP/c.all"
packets "${cfiles[@]}" >"$LAB_TMP/c.got"
n=$(wc -l <"$LAB_TMP/c.got")
check "-C: the ring went round (capture $(wc -l <"$LAB_TMP/c.all") > ring $n packets)" \
    "$([ "$(wc -l <"$LAB_TMP/c.all")" -gt "$n" ]; echo $?)"
tail -n "$n" "$LAB_TMP/c.all" >"$LAB_TMP/c.want"
same_packets "-C 0.02 -W 3 (the newest $n)" "$LAB_TMP/c.want" "$LAB_TMP/c.got"

# --- a restart does not clobber ----------------------------------------------
watch_start "$LAB_TMP/r1.out" "$LAB_TMP/r1.err" -w "$D/keep.pcapng"
gen 20 5
watch_end
sum1=$(sha256sum <"$D/keep.pcapng")
watch_start "$LAB_TMP/r2.out" "$LAB_TMP/r2.err" -w "$D/keep.pcapng"
gen 20 5
watch_end; rc=$?
check "restart: exit status 0" "$rc" "$(cat "$LAB_TMP/r2.err")"
check "restart: the first run's file is unchanged" \
    "$([ "$(sha256sum <"$D/keep.pcapng")" = "$sum1" ]; echo $?)"
n=$(packets "$D/keep.pcapng.1" | wc -l)
check "restart: the second run wrote keep.pcapng.1 ($n packets)" \
    "$([ "$n" -ge 40 ]; echo $?)"
grep -q "^smtpscope: -w $D/keep.pcapng exists: writing $D/keep.pcapng.1\$" "$LAB_TMP/r2.err"
check "restart: said on stderr" $? "$(cat "$LAB_TMP/r2.err")"
echo precious >"$LAB_TMP/target"
ln -s "$LAB_TMP/target" "$D/link.pcapng"
watch_start "$LAB_TMP/l.out" "$LAB_TMP/l.err" -G 60 -w "$D/link.pcapng"
watch_end
check "a symbolic link at the name is not followed" \
    "$([ "$(cat "$LAB_TMP/target")" = precious ] && [ -s "$D/link.pcapng.1" ]; echo $?)"

# --- SIGHUP --------------------------------------------------------------------
lab_capture_start "$CLI" c0 "$LAB_TMP/h.pcap" tcp port 2525
watch_start "$LAB_TMP/h.out" "$LAB_TMP/h.err" -w "$D/hup.pcapng"
gen 200 10 0.1 &
GEN=$!
sleep 0.5
mv "$D/hup.pcapng" "$D/hup.pcapng.old"	# as logrotate does
kill -HUP "$WATCH"
lab_wait_for "grep -q 'SIGHUP: writing $D/hup.pcapng\$' '$LAB_TMP/h.err'" 5
check "SIGHUP after a move: hup.pcapng again" $? "$(cat "$LAB_TMP/h.err")"
sleep 0.5
kill -HUP "$WATCH"
lab_wait_for "grep -q 'SIGHUP: writing $D/hup.pcapng.1\$' '$LAB_TMP/h.err'" 5
check "SIGHUP with the name taken: hup.pcapng.1" $? "$(cat "$LAB_TMP/h.err")"
wait "$GEN"
gen 20 5
sleep 0.5
watch_end; rc=$?
check "SIGHUP: watch ran on (exit status 0)" "$rc" "$(cat "$LAB_TMP/h.err")"
lab_capture_stop
for f in hup.pcapng.old hup.pcapng hup.pcapng.1; do
	n=$(packets "$D/$f" | wc -l)
	check "SIGHUP: $f holds packets ($n)" "$([ "$n" -gt 0 ]; echo $?)"
done
packets "$LAB_TMP/h.pcap" >"$LAB_TMP/h.want"
packets "$D/hup.pcapng.old" "$D/hup.pcapng" "$D/hup.pcapng.1" >"$LAB_TMP/h.got"
same_packets "SIGHUP" "$LAB_TMP/h.want" "$LAB_TMP/h.got"

# logrotate itself, with the rule of the man page's EXAMPLES (nocreate,
# SIGHUP in postrotate).
lab_capture_start "$CLI" c0 "$LAB_TMP/lr.pcap" tcp port 2525
watch_start "$LAB_TMP/lr.out" "$LAB_TMP/lr.err" -w "$D/lr.pcapng"
printf '%s {\n\trotate 3\n\tnocreate\n\tmissingok\n\tsu nobody nogroup\n\tpostrotate\n\t\tkill -HUP %s\n\tendscript\n}\n' \
    "$D/lr.pcapng" "$WATCH" >"$LAB_TMP/lr.conf"
gen 30 5
logrotate -f -s "$LAB_TMP/lr.state" "$LAB_TMP/lr.conf" 2>"$LAB_TMP/lr.log"
check "logrotate ran" $? "$(cat "$LAB_TMP/lr.log")"
lab_wait_for "grep -q 'SIGHUP: writing $D/lr.pcapng\$' '$LAB_TMP/lr.err'" 5
check "logrotate: watch made lr.pcapng again" $? "$(cat "$LAB_TMP/lr.err")"
gen 30 5
sleep 0.3
watch_end
lab_capture_stop
packets "$LAB_TMP/lr.pcap" >"$LAB_TMP/lr.want"
packets "$D/lr.pcapng.1" "$D/lr.pcapng" >"$LAB_TMP/lr.got"
n1=$(packets "$D/lr.pcapng.1" | wc -l) n2=$(packets "$D/lr.pcapng" | wc -l)
check "logrotate: lr.pcapng.1 and lr.pcapng hold packets ($n1, $n2)" \
    "$([ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] && [ ! -e "$D/lr.pcapng.1.1" ]; echo $?)"
same_packets "logrotate" "$LAB_TMP/lr.want" "$LAB_TMP/lr.got"

# SIGHUP in a directory nobody may not write: the current file is kept.
mkdir "$LAB_TMP/ro"
watch_start "$LAB_TMP/ro.out" "$LAB_TMP/ro.err" -w "$LAB_TMP/ro/x.pcapng"
kill -HUP "$WATCH"
lab_wait_for "grep -q 'SIGHUP: .*Permission denied; still writing $LAB_TMP/ro/x.pcapng\$' '$LAB_TMP/ro.err'" 5
check "SIGHUP, directory not writable: says so, keeps the file" $? \
    "$(cat "$LAB_TMP/ro.err")"
gen 10 5
sleep 0.3
watch_end; rc=$?
n=$(packets "$LAB_TMP/ro/x.pcapng" | wc -l)
check "SIGHUP, directory not writable: packets still written ($n)" \
    "$([ "$rc" = 0 ] && [ "$n" -ge 20 ]; echo $?)"

# --- --stats-interval ------------------------------------------------------------
watch_start "$LAB_TMP/s.out" "$LAB_TMP/s.err" --json --stats-interval 1
gen 300 4
lab_wait_for "[ \$(grep -c '\"interval\":true' '$LAB_TMP/s.out') -ge 4 ]" 10
watch_end
jq -e . "$LAB_TMP/s.out" >/dev/null
check "--stats-interval: every line is JSON" $?
jq -s -e '[.[] | select(.type == "summary" and .interval == true)] |
    length >= 3 and all(.final == false and (.kernel_dropped | type) == "number"
    and (.kernel_received | type) == "number" and (.table_used | type) == "number"
    and .table_size == 100000)' "$LAB_TMP/s.out" >/dev/null
check "--stats-interval: periodic summaries with the kernel's drops and the table" $?
jq -s -e '[.[] | select(.interval == true) | .attempts] as $a |
    ($a | . == sort) and $a[-1] > $a[0] and $a[-1] > 0' "$LAB_TMP/s.out" >/dev/null
check "--stats-interval: attempts grow" $? \
    "$(jq -c 'select(.interval == true) | .attempts' "$LAB_TMP/s.out" | tr '\n' ' ')"
jq -s -e '[.[] | select(.type == "summary" and .final == true and
    (has("interval") | not))] | length == 1' "$LAB_TMP/s.out" >/dev/null
check "--stats-interval: the final summary keeps its shape" $?
watch_start "$LAB_TMP/t.out" "$LAB_TMP/t.err" --stats-interval 1
lab_wait_for "grep -q '^pulse: ' '$LAB_TMP/t.out'" 5
check "--stats-interval in text: a pulse line on stdout" $? \
    "$(head -c 300 "$LAB_TMP/t.out")"
grep -qE '^pulse: [0-9]+ attempts, accepted [0-9]+, .*; packets [0-9]+; table [0-9]+/100000, evicted 0; kernel received [0-9]+, dropped 0, interface dropped [0-9]+$' \
    "$LAB_TMP/t.out"
check "--stats-interval in text: the pulse's fields" $? "$(grep '^pulse' "$LAB_TMP/t.out" | head -n 1)"
watch_end

# --- the sandbox of watch -w ------------------------------------------------------
created=/tmp/smtpscope-sandbox-hook	# what the hooks create
if [ -n "$HOOKS" ] && [ -x "$HOOKS" ]; then
	rm -f "$created"
	SMTPSCOPE_TEST_HOOK=open-excl ip netns exec "$CLI" timeout 10 "$HOOKS" \
	    watch -i c0 -p 2525 -Z nobody -w "$D/hook1.pcapng" --duration 1 \
	    >/dev/null 2>"$LAB_TMP/hook1.err"; rc=$?
	grep -q 'open-excl returned [0-9]* (allowed)' "$LAB_TMP/hook1.err" && [ -e "$created" ]
	check "sandbox of -w: a new file with O_EXCL is allowed (status $rc)" $? \
	    "$(cat "$LAB_TMP/hook1.err")"
	rm -f "$created"
	(SMTPSCOPE_TEST_HOOK=open-write ip netns exec "$CLI" timeout 10 "$HOOKS" \
	    watch -i c0 -p 2525 -Z nobody -w "$D/hook2.pcapng" --duration 1 \
	    >/dev/null 2>"$LAB_TMP/hook2.err"; exit $?) 2>/dev/null; rc=$?
	check "sandbox of -w: a truncating open still kills (status $rc)" \
	    "$([ "$rc" = 159 ] && [ ! -e "$created" ]; echo $?)" "$(cat "$LAB_TMP/hook2.err")"
	rm -f "$created"
else
	echo "skip the sandbox hooks: no HOOKS build given"
fi

echo "rotate-lab: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
