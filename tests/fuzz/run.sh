#!/bin/bash
# Runs each fuzz harness (packets, capture, pcapfile: our pcap and pcapng readers
# against libpcap, jsonrec: JSON records read back, smtpreply: what an SMTP
# server sends to probe --greet, maillog: MTA log lines, expect: verify's
# expectations files, ports: port lists and the -w pcapng comment's ports
# line, timefmt: the times of JSON records, filter: --filter-file templates)
# for SECONDS (seeded from pcaps/, the JSON lines of tests/golden/, the MTA
# logs of tests/maillog/ and the minimized corpus tests/fuzz/corpus/HARNESS/),
# after replaying the regression inputs under tests/fuzz/regressions/HARNESS/.
#   tests/fuzz/run.sh FUZZDIR SECONDS
# Prints "fuzz: N passed, N failed" (one per harness and per regression set).
set -u
dir=$1; secs=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
pass=0; fail=0
work=${FUZZ_WORK:-$top/fuzz-out}
harnesses="packets capture pcapfile jsonrec smtpreply maillog expect ports timefmt filter"
for h in $harnesses; do mkdir -p "$work/seeds-$h"; done
"$dir/mkseeds" "$work/seeds-packets" "$top"/pcaps/*/*.pcap* "$top"/pcaps/*/*.cap >/dev/null
cp "$top"/pcaps/*/*.pcap* "$top"/pcaps/*/*.cap "$work/seeds-capture/" 2>/dev/null
cp "$top"/pcaps/*/*.pcap "$top"/pcaps/*/*.pcapng "$top"/tests/malformed/*.pcap \
    "$work/seeds-pcapfile/" 2>/dev/null
# jsonrec: byte 0 (here 128) puts the second file halfway.
for g in "$top"/tests/golden/*.out; do
	grep -q '^{' "$g" || continue
	{ printf '\200'; grep '^{' "$g"; } >"$work/seeds-jsonrec/$(basename "$g" .out)"
done
# smtpreply: byte 0 is the piece size; replies as servers send them.
printf '\003220-mx.example.test ESMTP\r\n220 hi\r\n250-mx\r\n250-STARTTLS\r\n250 8BITMIME\r\n221 2.0.0 Bye\r\n' \
    >"$work/seeds-smtpreply/ehlo"
printf '\377554 5.7.1 Service unavailable; client [192.0.2.11] blocked using zen.example\r\n' \
    >"$work/seeds-smtpreply/rbl"
printf '\000421 4.7.0 too many connections from your IP\n' >"$work/seeds-smtpreply/rate"
# maillog: bytes 0 and 1 are the piece size and the clock.
for l in "$top"/tests/maillog/*.log; do
	[ -f "$l" ] || continue
	{ printf '\007\001'; cat "$l"; } >"$work/seeds-maillog/$(basename "$l")"
done
for h in $harnesses; do
	reg=$top/tests/fuzz/regressions/$h
	if [ -d "$reg" ] && [ -n "$(ls -A "$reg" 2>/dev/null)" ]; then
		if "$dir/fuzz_$h" "$reg"/* >"$work/$h-regressions.log" 2>&1; then
			pass=$((pass+1))
		else
			echo "FAIL regressions for fuzz_$h:"; tail -n 30 "$work/$h-regressions.log"
			fail=$((fail+1))
		fi
	fi
	mkdir -p "$work/corpus-$h"
	kept=()
	[ -d "$top/tests/fuzz/corpus/$h" ] && kept=("$top/tests/fuzz/corpus/$h")
	if "$dir/fuzz_$h" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
		-timeout=10 -print_final_stats=1 -artifact_prefix="$work/$h-" \
		"$work/corpus-$h" "$work/seeds-$h" "${kept[@]}" >"$work/$h.log" 2>&1; then
		echo "fuzz_$h: $(grep -E '^#[0-9]+.*DONE' "$work/$h.log" | tail -n1)"
		pass=$((pass+1))
	else
		echo "FAIL fuzz_$h:"; grep -E 'ERROR|SUMMARY|artifact|==[0-9]+==' "$work/$h.log" | head -n 20
		fail=$((fail+1))
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
