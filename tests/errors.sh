#!/bin/bash
# Bad input and bad options: each must give a one-line error naming the file
# or option, the documented exit status, and no crash.
#   tests/errors.sh PROG
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/prog.sh"
resolve_prog errors "${1:-}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0

# expect NAME STATUS STDERR-PATTERN -- ARGS...
expect() {
	local name=$1 want=$2 pat=$3; shift 4
	local err st lines
	# shellcheck disable=SC2086  # prog may carry a wrapper (unshare -n)
	err=$($prog "$@" 2>&1 >/dev/null); st=$?
	lines=$(printf '%s\n' "$err" | grep -c '^smtpscope: ')
	if [ "$st" -eq "$want" ] && printf '%s' "$err" | grep -qE -- "$pat" && [ "$lines" -eq 1 ]; then
		pass=$((pass+1))
	else
		echo "FAIL $name: status $st (want $want), stderr: $err"
		fail=$((fail+1))
	fi
}

good=$top/pcaps/corpus/nmap-tcpconnect_T2.cap
: >"$tmp/empty.pcap"
echo 'this is not a capture' >"$tmp/text.pcap"
head -c 70 "$good" >"$tmp/cut-record.pcap"
head -c 30 "$good" >"$tmp/cut-header.pcap"
# A valid pcap header with link type 147 (USER0), which we do not decode.
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x93\x00\x00\x00' >"$tmp/user0.pcap"
# Corrupt pcap record: caplen larger than any snaplen.
{ head -c 24 "$good"; printf '\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\x7f\xff\xff\xff\x7f'; } >"$tmp/absurd-caplen.pcap"
# pcapng whose first block length is garbage.
printf '\x0a\x0d\x0d\x0a\xff\xff\xff\x00\x4d\x3c\x2b\x1a\x01\x00\x00\x00' >"$tmp/bad-block.pcapng"

expect missing-file 3 "nope.pcap: No such file" -- read "$tmp/nope.pcap"
expect empty-file 3 "empty.pcap: empty file" -- read "$tmp/empty.pcap"
expect not-pcap 3 "text.pcap: not a pcap or pcapng" -- read "$tmp/text.pcap"
expect directory 3 "is a directory" -- read "$tmp"
expect cut-header 3 "cut-header.pcap: truncated" -- read "$tmp/cut-header.pcap"
expect cut-record 3 "cut-record.pcap: truncated dump file" -- read "$tmp/cut-record.pcap"
# A public capture cut inside a record header (pcaps/README.md): the packets
# before it are reported, then the error, status 3.
expect corpus-cut 3 "ndpi-fuzz-2021-10-13.pcap: truncated dump file; tried to read 16 header bytes" -- read "$top/pcaps/corpus/ndpi-fuzz-2021-10-13.pcap"
expect link-type 3 "user0.pcap: unsupported link type .*\(147\)" -- read "$tmp/user0.pcap"
expect absurd-caplen 3 "absurd-caplen.pcap: .*(invalid|larger|bigger)" -- read "$tmp/absurd-caplen.pcap"
expect bad-pcapng 3 "bad-block.pcapng: " -- read "$tmp/bad-block.pcapng"
expect stdin-garbage 3 "\(stdin\): not a pcap" -- read - <"$tmp/text.pcap"
expect no-file 2 "no capture file" -- read
# -r reads a file now; PTR lookups are --resolve, and the old use says so.
expect r-not-for-watch 2 "^smtpscope: watch: -r FILE reads a capture file .*PTR lookups are --resolve$" -- watch -r "$good"
expect r-not-for-scope 2 "^smtpscope: scope: -r FILE reads a capture file .*--resolve$" -- scope -r "$good"
expect r-needs-file 2 "^smtpscope: -r: option needs a value" -- read -r
expect r-missing 3 "nope.pcap: No such file" -- -r "$tmp/nope.pcap"
expect n-and-resolve 2 "^smtpscope: read: -n \(no names\) and --resolve contradict" -- read -n --resolve "$good"
expect top-bad 2 "^smtpscope: --top: '-1' is out of range|^smtpscope: --top: -1 is out of range" -- read --top -1 "$good"
expect top-text 2 "^smtpscope: --top: 'all' is not a number" -- read --top all "$good"
expect top-not-for-verify 2 "^smtpscope: verify: --top is not an option of verify" -- verify --top 3 "$good"
expect c-bad 2 "^smtpscope: -c: '0' is out of range|^smtpscope: -c: 0 is out of range" -- read -c 0 "$good"
expect top-level-no-file 2 "no capture file" -- -nn
expect bad-port 2 "^smtpscope: -p: 99999 is out of range" -- read -p 99999 "$good"
expect bad-port-text 2 "^smtpscope: -p: 'smtp' is not a number" -- read -p smtp "$good"
expect bad-timeout 2 "^smtpscope: --timeout: " -- read --timeout -3 "$good"
expect bad-window-zero 2 "^smtpscope: --window: '0' is not above 0 and within 7 days$" -- read --findings --window 0 "$good"
expect bad-window-long 2 "^smtpscope: --window: '8d' is not above 0" -- read --findings --window 8d "$good"
expect bad-window-unit 2 "^smtpscope: --window: '1x' is not a duration" -- read --findings --window 1x "$good"
expect window-not-for-verify 2 "^smtpscope: " -- verify --window 1h "$good"
# --metrics-listen: an address literal and a port, checked before anything is opened.
expect listen-no-port 2 "^smtpscope: --metrics-listen: '127.0.0.1': no :port after the address$" -- watch --metrics-listen 127.0.0.1
expect listen-bad-port 2 "^smtpscope: --metrics-listen: '127.0.0.1:0': the port is not a number in 1-65535$" -- watch --metrics-listen 127.0.0.1:0
expect listen-big-port 2 "^smtpscope: --metrics-listen: '127.0.0.1:70000': the port" -- watch --metrics-listen 127.0.0.1:70000
expect listen-name 2 "^smtpscope: --metrics-listen: 'localhost:9464': not an IPv4 or \\[IPv6\\] address \\(no host names\\)$" -- watch --metrics-listen localhost:9464
expect listen-v6-bare 2 "^smtpscope: --metrics-listen: '::1:9464': an IPv6 address goes in brackets" -- watch --metrics-listen ::1:9464
expect listen-v4-brackets 2 "^smtpscope: --metrics-listen: '\\[127.0.0.1\\]:9464': not an IPv4" -- watch --metrics-listen '[127.0.0.1]:9464'
expect listen-control 2 "^smtpscope: --metrics-listen: '1\\?2:9': not an IPv4" -- watch --metrics-listen "$(printf '1\n2:9')"
expect listen-not-for-read 2 "^smtpscope: read: --metrics-listen is not an option of read$" -- read --metrics-listen 127.0.0.1:9464 "$good"
expect bad-option 2 "unknown option .--frobnicate." -- read --frobnicate "$good"
expect bad-command 2 "unknown command 'frob'" -- frob
expect stdin-twice 2 "standard input \(-\) given twice" -- read - - <"$good"
# -Z is looked up only by root (any other user keeps running as itself).
if [ "$(id -u)" -eq 0 ]; then
	expect read-bad-user 3 "-Z nosuchuser: no such user" -- read -Z nosuchuser "$good"
else
	echo "SKIP read-bad-user: -Z is looked up only as root"
fi
expect bad-max-attempts 2 "^smtpscope: --max-attempts: " -- read --max-attempts 0 "$good"

# verify: a malformed expectations file is refused before anything runs.
printf 'to 203.0.113.1 expect accepted\nfrom 192.0.2.10 to 203.0.113.1 port 25 expect acepted\n' >"$tmp/bad.expect"
printf 'to 203.0.113.1 port 0 expect accepted\n' >"$tmp/badport.expect"
printf 'frm 192.0.2.10 to 203.0.113.1 expect accepted\n' >"$tmp/badkw.expect"
printf 'from 192.0.2.x to 203.0.113.1 expect accepted\n' >"$tmp/badaddr.expect"
expect verify-class 2 "bad.expect:2:47: unknown class 'acepted'" -- verify "$tmp/bad.expect"
expect verify-port 2 "badport.expect:1:21: bad port '0'" -- verify "$tmp/badport.expect"
expect verify-keyword 2 "badkw.expect:1:1: unknown keyword 'frm'" -- verify "$tmp/badkw.expect"
expect verify-address 2 "badaddr.expect:1:6: bad address '192.0.2.x'" -- verify "$tmp/badaddr.expect"
expect verify-missing 2 "nope.expect: No such file" -- verify "$tmp/nope.expect"
# A control byte of the file is not echoed to the terminal (fuzz_expect).
printf 'to 20\0271.0.113.25 expect accepted\n' >"$tmp/ctl.expect"
expect verify-control-byte 2 "ctl.expect:1:4: bad address or host name '20[?]1[.]0[.]113[.]25'$" -- verify "$tmp/ctl.expect"
# A placeholder left open on its line is not closed by the '@' of a comment.
printf 'tcp and (@PORTS:tcp dst)\n# mail @ host\n' >"$tmp/open.bpf"
expect filter-open-placeholder 2 "open.bpf: malformed @PORTS placeholder$" -- watch -d --filter-file "$tmp/open.bpf"
# (in a new, empty network namespace when possible: these stop before any
# socket, and must stay harmless if they did not)
if unshare -n true 2>/dev/null; then ns="unshare -n"; else ns=; fi
prog_saved=$prog; prog="$ns $prog"
expect probe-nothing 2 "nothing to probe" -- probe
expect probe-bad-source 2 "--source nope: not an IPv4" -- probe --source nope --target 203.0.113.1
expect probe-foreign-source 2 "^smtpscope: --source 198.51.100.99: not an address of this host" -- probe --source 198.51.100.99 --target 203.0.113.1
expect probe-foreign-source6 2 "--source 2001:db8:ffff::99: not an address of this host" -- probe --source 2001:db8:ffff::99 --mx example.test
expect trace-ttl 2 "--ttl is not for --trace" -- probe --trace --ttl 3 --target 203.0.113.1
expect trace-csv 2 "--trace: --csv is not an output" -- probe --trace --csv --target 203.0.113.1
expect trace-max-ttl 2 "--max-ttl: only with --trace" -- probe --max-ttl 5 --target 203.0.113.1
expect trace-max-ttl-range 2 "--max-ttl: 65 is out of range" -- probe --trace --max-ttl 65 --target 203.0.113.1
expect trace-not-read 2 "read: --trace is not an option of read" -- read --trace x.pcap
expect greet-nothing 2 "nothing to probe" -- probe --greet
expect greet-bad-helo 2 "--helo: 'a b' is not a domain name" -- probe --greet --helo "a b" --target 203.0.113.1
expect greet-helo-crlf 2 "--helo: .* is not a domain name" -- probe --greet --helo "$(printf 'x\r\nMAIL FROM:<a@b>')" --target 203.0.113.1
expect helo-without-greet 2 "--helo is an option of --greet" -- probe --helo mta.example.test --target 203.0.113.1
expect greet-csv 2 "probe --greet: text or --json only" -- probe --greet --csv --target 203.0.113.1
expect greet-write 2 "are options of the SYN probe" -- probe --greet -w "$tmp/x.pcap" --target 203.0.113.1
# -w rotation (tcpdump's -C, -G, -W) and --stats-interval.
expect rot-C-zero 2 "^smtpscope: -C: '0' is not a size in millions of bytes" -- watch -C 0 -w "$tmp/x.pcapng"
expect rot-G-negative 2 "^smtpscope: -G: -1 is out of range" -- watch -G -1 -w "$tmp/x.pcapng"
expect rot-W-word 2 "^smtpscope: -W: 'x' is not a number" -- watch -C 1 -W x -w "$tmp/x.pcapng"
expect rot-W-alone 2 "^smtpscope: -W: only with -C or -G$" -- watch -W 3 -w "$tmp/x.pcapng"
expect rot-W-both 2 "^smtpscope: -W: with -C or with -G, not both$" -- watch -C 1 -G 60 -W 3 -w "$tmp/x.pcapng"
expect rot-C-no-w 2 "^smtpscope: -C: only with -w file$" -- watch -C 1
expect rot-G-no-w 2 "^smtpscope: -G: only with -w file$" -- watch -G 60
expect rot-C-read 2 "^smtpscope: read: -C is not an option of read$" -- read -C 1 "$good"
expect stats-zero 2 "^smtpscope: --stats-interval: '0' is not a number of seconds" -- watch --stats-interval 0
expect stats-probe 2 "^smtpscope: probe: --stats-interval is not an option of probe$" -- probe --stats-interval 1 --target 203.0.113.1
expect greet-not-verify 2 "--greet is not an option of verify" -- verify --greet "$tmp/bad.expect"
# A source that is not the host's is refused before any connection: only in
# an empty namespace, where no address is the host's and nothing could leave.
if [ -n "$ns" ]; then
	expect greet-foreign-source 2 "--source 192.0.2.99: not an address of this host" -- probe --greet --source 192.0.2.99 --target 203.0.113.1
	expect greet-max-probes 3 "probe: more connections than --max-probes 1 allows" -- probe --greet --max-probes 1 --target 203.0.113.1 --target 203.0.113.2 -p 25
else
	echo "SKIP greet-foreign-source: needs unshare -n"
fi
prog=$prog_saved

# diff: bad input names the file, line and column.
printf '{"client":"192.0.2.10","server":"203.0.113.1","server_port":25,"class":"accepted","reason":"syn-ack"}\n' >"$tmp/a.json"
printf '{"client":"192.0.2.10","server":"203.0.113.1","server_port":25,"class":"refused","reason":"reset"}\n{"client":\n' >"$tmp/b.json"
expect diff-bad-json 3 "b.json:2:10: unexpected token near end of file" -- diff "$tmp/a.json" "$tmp/b.json"
expect diff-missing 3 "nope.json: No such file" -- diff "$tmp/a.json" "$tmp/nope.json"
expect diff-usage 2 "give two files" -- diff "$tmp/a.json"
head -n1 "$tmp/b.json" >"$tmp/c.json"
out=$("$prog" diff "$tmp/a.json" "$tmp/c.json"); st=$?
if [ $st -eq 1 ] && printf '%s' "$out" | grep -q '^regression  192.0.2.10 -> 203.0.113.1:25 accepted/syn-ack -> refused/reset$'; then
	pass=$((pass+1)); else echo "FAIL diff-changed: status $st: $out"; fail=$((fail+1)); fi
if "$prog" diff "$tmp/a.json" "$tmp/a.json" >/dev/null; then pass=$((pass+1)); else
	echo "FAIL diff-same: status $?"; fail=$((fail+1)); fi

# --sensor: a name that stays one word in every output.
expect sensor-space 2 "^smtpscope: --sensor: 'a b' is not a sensor name" -- read --sensor 'a b' "$good"
expect sensor-empty 2 "^smtpscope: --sensor: '' is not a sensor name" -- read --sensor '' "$good"
expect sensor-quote 2 "^smtpscope: --sensor: 'a\"b' is not a sensor name" -- watch --sensor 'a"b'
expect sensor-long 2 "^smtpscope: --sensor: '$(printf 'x%.0s' $(seq 65))' is not a sensor name" -- read --sensor "$(printf 'x%.0s' $(seq 65))" "$good"

# scope: bad JSON input is named by file and line; the run goes on, the
# reports come, then exit 3.
rec='{"type":"attempt","sensor":"a","ts":"2026-11-23T17:28:30.430515Z","verdict_ts":"2026-11-23T17:28:30.430541Z","client":"192.0.2.10","client_port":41908,"server":"203.0.113.25","server_port":25,"family":4,"class":"refused","reason":"reset","syns":1,"rtt_ms":0.026,"responder":"203.0.113.25","responder_is_server":true,"reply_ttl":64,"hops":0,"errno":"ECONNREFUSED"}'
printf '%s\n' "$rec" "${rec/refused/refusd}" >"$tmp/bad-class.json"
printf '%s\nsmtpscope[1]: {"type":"attempt",\n' "$rec" >"$tmp/cut.json"
expect scope-class 3 "^smtpscope: .*bad-class.json:2: class: 'refusd' is not a class$" -- scope "$tmp/bad-class.json"
expect scope-cut 3 "^smtpscope: .*cut.json:2: bad JSON at column " -- scope "$tmp/cut.json"
expect scope-stdin 3 "^smtpscope: \(stdin\):2: class: " -- scope - <"$tmp/bad-class.json"
expect scope-missing 3 "nope.json: No such file" -- scope "$tmp/nope.json"
expect scope-no-file 2 "scope: no file given" -- scope
expect scope-stdin-twice 2 "standard input \(-\) given twice" -- scope - - <"$tmp/cut.json"
expect scope-option 2 "scope: --timeout is not an option of scope" -- scope --timeout 3 "$tmp/cut.json"
expect scope-sensor 2 "^smtpscope: --sensor: 'a/b c' is not a sensor name" -- scope --sensor 'a/b c' "$tmp/cut.json"
# The report still comes, over the good lines; past 20 messages, a count.
out=$("$prog" scope "$tmp/bad-class.json" 2>/dev/null); st=$?
if [ $st -eq 3 ] && printf '%s\n' "$out" | grep -q '^summary: 1 attempts' &&
    printf '%s\n' "$out" | grep -qx 'input: 1 files, 2 lines, 1 records, 0 not JSON, 0 of other types, 1 bad'; then
	pass=$((pass+1)); else echo "FAIL scope-report: status $st: $out"; fail=$((fail+1)); fi
for i in $(seq 25); do printf '%s\n' "${rec/41908/x}"; done >"$tmp/many.json"
err=$("$prog" scope "$tmp/many.json" 2>&1 >/dev/null); st=$?
if [ $st -eq 3 ] && [ "$(printf '%s\n' "$err" | grep -c 'many.json:[0-9]*: bad JSON')" -eq 20 ] &&
    [ "$(printf '%s\n' "$err" | tail -n 1)" = "smtpscope: 5 more bad lines not shown" ]; then
	pass=$((pass+1)); else echo "FAIL scope-many: status $st: $(printf '%s\n' "$err" | tail -n 2)"; fail=$((fail+1)); fi

# A file cut mid-record reports what it read before the error.
out=$("$prog" read -p 81 "$tmp/cut-record.pcap" 2>/dev/null)
if printf '%s' "$out" | grep -q '^summary: '; then pass=$((pass+1)); else
	echo "FAIL cut-record-output: no summary before the error"; fail=$((fail+1)); fi

# --html: created before anything is read; written at the end, a write
# error failing the run; nothing else changes on stdout.
expect html-no-dir 3 "^smtpscope: --html $tmp/nodir/r.html: No such file or directory$" -- read --html "$tmp/nodir/r.html" "$good"
expect html-full 4 "^smtpscope: --html /dev/full: cannot write the page$" -- read --html /dev/full "$good"
expect html-verify 2 "verify: --html is not an option of verify" -- verify --html "$tmp/v.html" "$good"
expect html-greet 2 "probe --greet: --html is an option of the SYN probe" -- probe --greet --html "$tmp/g.html" --target 203.0.113.1
expect metrics-greet 2 "probe --greet: --metrics-file is an option of the SYN probe" -- probe --greet --metrics-file "$tmp/g.prom" --target 203.0.113.1
expect metrics-no-dir 3 "--metrics-file /nonexistent-smtpscope: No such file or directory" -- read --metrics-file /nonexistent-smtpscope/m.prom "$good"
if [ ! -e "$tmp/g.html" ]; then pass=$((pass+1)); else
	echo "FAIL html-greet: the page was created"; fail=$((fail+1)); fi
if "$prog" read --scope "$good" >"$tmp/plain.out" 2>&1 &&
    "$prog" read --scope --html "$tmp/r.html" "$good" >"$tmp/html.out" 2>&1 &&
    cmp -s "$tmp/plain.out" "$tmp/html.out" && grep -q '^</html>$' "$tmp/r.html"; then
	pass=$((pass+1)); else echo "FAIL html-stdout: output changed, or no page"; fail=$((fail+1)); fi

echo "errors: $pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
