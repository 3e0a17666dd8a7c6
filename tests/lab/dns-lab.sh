#!/bin/bash
# --resolve (PTR names) and --dnsbl against a dnsmasq serving a lab blocklist zone,
# on a capture recorded in the lab (source-specific block behind NAT).
#   tests/lab/dns-lab.sh PROG      (root; prints "dns-lab: N passed, N failed")
set -u
prog=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
LAB_PREFIX=sdns-$$
# shellcheck source=lib.sh
. "$here/lib.sh"
lab_require_root
lab_require_tools ip:iproute2 dnsmasq:dnsmasq-base
lab_init
pass=0; fail=0
check() {	# check NAME PATTERN — PATTERN (fixed string) must be in $out
	if printf '%s\n' "$out" | grep -qF -- "$2"; then pass=$((pass+1)); echo "ok   $1"
	else fail=$((fail+1)); echo "FAIL $1: no '$2' in:"; printf '%s\n' "$out" | sed 's/^/      /'; fi
}
check_not() {	# check_not NAME PATTERN — PATTERN (fixed string) must not be in $out
	if ! printf '%s\n' "$out" | grep -qF -- "$2"; then pass=$((pass+1)); echo "ok   $1"
	else fail=$((fail+1)); echo "FAIL $1: '$2' in:"; printf '%s\n' "$out" | sed 's/^/      /'; fi
}

cli=$(lab_nsname cli) dns=$(lab_nsname dns)
lab_ns_add "$cli" 0
lab_ns_add "$dns" 0
lab_link "$cli" "$dns" 198.51.100.10/24 198.51.100.53/24 c0 d0
# The blocklist zone: 192.0.2.11 listed with a reason, 192.0.2.10 not (the
# zones are local, so a name not listed is NXDOMAIN, as on a real DNSBL).
lab_bg "$dns" "$LAB_TMP/dnsmasq.log" dnsmasq --no-daemon --no-resolv --no-hosts \
	--conf-file=/dev/null --bind-interfaces --listen-address 198.51.100.53 --port 53 \
	--local=/bl.example.test/ --local=/2.0.192.in-addr.arpa/ \
	--local=/113.0.203.in-addr.arpa/ \
	--host-record=11.2.0.192.bl.example.test,127.0.0.2 \
	--txt-record=11.2.0.192.bl.example.test,"Listed: spam trap hit from 192.0.2.11" \
	--ptr-record=10.2.0.192.in-addr.arpa,mail1.example.test \
	--ptr-record=11.2.0.192.in-addr.arpa,mail2.example.test \
	--ptr-record=25.113.0.203.in-addr.arpa,mx1.example.test
lab_wait_listen "$dns" 53 5 udp

cap=$top/pcaps/lab/scope-source-block.pcap
out=$(lab_exec "$cli" timeout 30 "$prog" read --evidence --resolve --dnsbl bl.example.test \
	--dns-server 198.51.100.53 "$cap" 2>&1)
check "dnsbl listed with code and reason" \
	'192.0.2.11 LISTED in bl.example.test: 127.0.0.2 "Listed: spam trap hit from 192.0.2.11"'
check "PTR of the destination in the evidence" 'Destination: 203.0.113.25:25 [PTR mx1.example.test]'
check "PTR of the blocked sender in the evidence" 'Sender 192.0.2.11 has PTR mail2.example.test'
check "names section" '  192.0.2.10 mail1.example.test'

out=$(lab_exec "$cli" timeout 30 "$prog" read --dnsbl bl.example.test \
	--dns-server 198.51.100.53 "$cap" 2>&1)
check "dnsbl without --evidence: listed" '192.0.2.11 LISTED in bl.example.test'
check "dnsbl without --evidence: not listed" '192.0.2.10 not listed in bl.example.test'

# A name server that does not answer: reported as a lookup failure, not as
# "not listed", and the records are unchanged.
out=$(lab_exec "$cli" timeout 40 "$prog" read --dnsbl bl.example.test \
	--dns-server 198.51.100.99 "$cap" 2>&1)
check "dnsbl lookup failure is said" '192.0.2.11 unknown in bl.example.test: lookup failed'
check "records unchanged by DNS failure" 'refused/reset'
out=$(lab_exec "$cli" timeout 40 "$prog" read --resolve --dns-server 198.51.100.53 \
	"$top/pcaps/lab/demo.pcap" 2>&1)
check "PTR failure is said" '203.0.113.26 (no name: NXDOMAIN)'
# A name server that cannot be reached is a failed lookup, never "no PTR":
# a closed port answers with ICMP port unreachable, an absent host not at all.
out=$(lab_exec "$cli" timeout 40 "$prog" read --resolve --dns-server 198.51.100.53:5399 \
	"$top/pcaps/lab/demo.pcap" 2>&1)
check "PTR: unreachable server said" '203.0.113.26 (no name: server unreachable)'
check_not "PTR: unreachable server is not NXDOMAIN" 'NXDOMAIN'
out=$(lab_exec "$cli" timeout 40 "$prog" read --resolve --dns-server 198.51.100.99 \
	"$top/pcaps/lab/demo.pcap" 2>&1)
check "PTR: silent server said" '203.0.113.26 (no name: timeout)'
check_not "PTR: silent server is not NXDOMAIN" 'NXDOMAIN'

# One MX of a domain refusing while the other accepts: probe --scope knows
# the MX names, so it can say which MX host is down.
srv=$(lab_nsname srv)
lab_ns_add "$srv" 0
lab_link "$cli" "$srv" 203.0.113.10/24 "203.0.113.31/24,203.0.113.32/24" c1 s1
lab_exec "$srv" iptables -A INPUT -d 203.0.113.32 -p tcp --dport 25 -j REJECT --reject-with tcp-reset
lab_bg "$dns" "$LAB_TMP/dnsmasq2.log" dnsmasq --no-daemon --no-resolv --no-hosts \
	--conf-file=/dev/null --bind-interfaces --listen-address 198.51.100.53 --port 5353 \
	--local=/down.test/ --mx-host=down.test,mxa.down.test,10 --mx-host=down.test,mxb.down.test,20 \
	--host-record=mxa.down.test,203.0.113.31 --host-record=mxb.down.test,203.0.113.32
lab_wait_listen "$dns" 5353 5 udp
lab_bg "$srv" "$LAB_TMP/socat.log" socat TCP4-LISTEN:25,fork,reuseaddr SYSTEM:'echo 220 mx'
lab_wait_listen "$srv" 25 5
out=$(lab_exec "$cli" timeout 30 "$prog" probe --mx down.test -p 25 --timeout 2 \
	--dns-server 198.51.100.53:5353 --scope -Z nobody 2>&1)
check "one MX down: its finding" \
	'finding: one MX host down or misconfigured: mxb.down.test failed all 1 attempts while mxa.down.test (203.0.113.31) of down.test accepted 1'
check "one MX down: the destination line names the MX" '203.0.113.32:25 (mxb.down.test, MX 20 of down.test)'

echo "dns-lab: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
