#!/bin/bash
# smtpscope maillog on the real lines of tests/maillog/ (see its README):
# counts checked against what grep finds in the same files, the same lines
# in every log format giving the same scope, hostile input counted, and
# bad input refused with one line naming it.
#   tests/maillog.sh PROG
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/prog.sh"
resolve_prog maillog "${1:-}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
pf=$top/tests/maillog/postfix-grok.log
ex=$top/tests/maillog/exim-testsuite.log

ok() {		# NAME GOT WANT
	if [ "$2" = "$3" ]; then pass=$((pass+1)); else
		echo "FAIL $1: got '$2', want '$3'"; fail=$((fail+1)); fi
}

run() {		# FILE...: the JSON lines
	$prog maillog --json --sensor t --log-tz UTC --log-year 2026 "$@"
}

# jq FILTER over the JSON of a run kept in $tmp/out
q() { jq -r "$1" "$tmp/out"; }

run "$pf" >"$tmp/out"
ok pf-timedout "$(q 'select(.type=="maillog_host" and .mx=="intern.nl" and .server_port==25) | .outcomes["timed-out"]')" \
    "$(grep -c 'connect to intern.nl\[194.109.6.98\]:25: Connection timed out' "$pf")"
ok pf-noroute "$(q 'select(.type=="maillog_host" and .server=="2.115.207.21") | .outcomes["no-route"]')" \
    "$(grep -c 'crabruzzo.it\[2.115.207.21\]:25: No route to host' "$pf")"
ok pf-lostgreet "$(q 'select(.type=="maillog_host" and .mx=="mx3.hotmail.com") | .outcomes["lost-before-greeting"]')" \
    "$(grep -c 'lost connection with mx3.hotmail.com.*initial server greeting' "$pf")"
ok pf-sent "$(q 'select(.type=="maillog_domain" and .domain=="example.com") | .sent')" \
    "$(grep -c 'to=<[^>]*@example.com>.*status=sent' "$pf")"
ok pf-bounced "$(q 'select(.type=="maillog_domain" and .domain=="gmail.com") | .bounced')" \
    "$(grep -c 'to=<[^>]*@gmail.com>.*status=bounced' "$pf")"
ok pf-deferred "$(q 'select(.type=="maillog_domain" and .domain=="yahoo.com") | .deferred')" \
    "$(grep -c 'to=<[^>]*@yahoo.com>.*status=deferred' "$pf")"
ok pf-other "$(q 'select(.type=="maillog_summary") | .other_daemon')" \
    "$(grep -vcE ' postfix/(smtp|error)\[' "$pf")"
ok pf-lines "$(q 'select(.type=="maillog_summary") | .lines')" "$(wc -l <"$pf" | tr -d ' ')"
ok pf-last-success "$(q 'select(.type=="maillog_host" and .mx=="mail1.example.net") | .last_success')" \
    "2026-12-02T11:00:01.000000Z"

run "$ex" >"$tmp/out"
ok ex-bounced "$(q 'select(.type=="maillog_domain" and .domain=="test.ex") | .bounced')" \
    "$(grep -c ' \*\* [^ ]*@test.ex ' "$ex")"
ok ex-deferred "$(q 'select(.type=="maillog_domain" and .domain=="simple") | .deferred')" \
    "$(grep -c ' == [^ ]*@simple ' "$ex")"
ok ex-refused "$(q 'select(.type=="maillog_host" and .mx=="thishost.test.ex") | .outcomes.refused')" \
    "$(grep -c 'H=thishost.test.ex \[127.0.0.1\] Connection refused' "$ex")"
ok ex-delivered "$(q 'select(.type=="maillog_domain" and .domain=="test.ex") | .outcomes.delivered')" \
    "$(grep -c ' => [^ ]*@test.ex ' "$ex")"

# Debian's Postfix 3.7 in the lab: each connect line once, not again for
# the status line that repeats it.
lab=$top/tests/maillog/postfix-lab.log
run "$lab" >"$tmp/out"
ok lab-attempts "$(q 'select(.type=="maillog_summary") | .attempts')" \
    "$(( $(grep -c ']: connect to ' "$lab") + $(grep -c 'relay=[^n][^,]*\]:25, .*status=' "$lab") ))"
ok lab-greet554 "$(q 'select(.type=="maillog_host" and .server=="203.0.113.29") | .outcomes["greeting-5xx"]')" \
    "$(grep -c 'refused to talk to me: 554' "$lab")"
ok lab-refused "$(jq -s '[.[] | select(.type=="maillog_host") | .outcomes.refused] | add' "$tmp/out")" \
    "$(grep -c ']: connect to .*: Connection refused$' "$lab")"
ok lab-bounced "$(q 'select(.type=="maillog_domain" and .domain=="greet.test") | .bounced')" \
    "$(grep -c 'to=<user@greet.test>.*status=bounced' "$lab")"
# A STARTTLS answered with no TLS ("SSL_connect error to ...: -1", then
# the status line "Cannot start TLS"): one TLS failure; a 421 greeting.
ok lab-tls "$(q 'select(.type=="maillog_host" and .server=="203.0.113.34") | .outcomes["tls-failed"]')" \
    "$(grep -c 'SSL_connect error to 203\.0\.113\.34\[203\.0\.113\.34\]:25' "$lab")"
ok lab-greet421 "$(q 'select(.type=="maillog_host" and .server=="203.0.113.35") | .outcomes["greeting-4xx"]')" \
    "$(grep -c '203\.0\.113\.35\] refused to talk to me: 421' "$lab")"

# msimerson/postfix-parser's lines: a 421 greeting, a 554 one, a greeting
# timeout, a network unreachable, a 450 after RCPT; TLS lines with no
# server, or with an address that is none (64.200.28.300, anonymised),
# are no delivery.
pp=$top/tests/maillog/postfix-parser.log
run "$pp" >"$tmp/out"
ok pp-greet421 "$(q 'select(.type=="maillog_host" and .server=="67.231.154.163") | .outcomes["greeting-4xx"]')" \
    "$(grep -c 'mx1-us1.ppe-hosted.com\[67.231.154.163\] refused to talk to me: 421' "$pp")"
ok pp-greet554 "$(q 'select(.type=="maillog_host" and .server=="159.127.185.42") | .outcomes["greeting-5xx"]')" 1
ok pp-lostgreet "$(q 'select(.type=="maillog_host" and .server=="199.91.36.34") | .outcomes["lost-before-greeting"]')" 1
ok pp-netunreach "$(q 'select(.type=="maillog_host" and .mx=="gmail-smtp-in.l.google.com") | .outcomes["net-unreachable"]')" 1
ok pp-rejected "$(q 'select(.type=="maillog_host" and .server=="216.200.106.61") | .outcomes.rejected')" 1
ok pp-counts "$(q 'select(.type=="maillog_summary") | "\(.attempts) \(.not_delivery)"')" "5 4"

# Debian's Exim 4.96 in the lab: the recipient line repeating its host
# line is no second attempt; a DROP's line says "SMTP timeout after
# initial connection: Connection timed out".
elab=$top/tests/maillog/exim-lab.log
run "$elab" >"$tmp/out"
# (A TLS failure is logged on the recipient line alone: an attempt too.)
ok elab-attempts "$(q 'select(.type=="maillog_summary") | .attempts')" \
    "$(( $(grep -cE '^[^ ]+ [^ ]+ [^ ]+ H=' "$elab") + $(grep -c ' == .*: TLS session' "$elab") ))"
ok elab-timedout "$(q 'select(.type=="maillog_host" and .server=="203.0.113.27") | .outcomes["timed-out"]')" \
    "$(grep -cE '^[^ ]+ [^ ]+ [^ ]+ H=203\.0\.113\.27 .*Connection timed out' "$elab")"
ok elab-noroute "$(q 'select(.type=="maillog_host" and .server=="203.0.113.28") | .outcomes["no-route"]')" \
    "$(grep -cE '^[^ ]+ [^ ]+ [^ ]+ H=203\.0\.113\.28 .*No route to host' "$elab")"
ok elab-deferred "$(jq -s '[.[] | select(.type=="maillog_domain") | .deferred] | add' "$tmp/out")" \
    "$(grep -c ' == ' "$elab")"
# A 421 greeting; a TLS handshake that failed, logged on the recipient
# line alone.
ok elab-greet421 "$(q 'select(.type=="maillog_host" and .server=="203.0.113.35") | .outcomes["greeting-4xx"]')" \
    "$(grep -cE '^[^ ]+ [^ ]+ [^ ]+ H=203\.0\.113\.35 .*: 421 ' "$elab")"
ok elab-tls "$(q 'select(.type=="maillog_host" and .server=="203.0.113.34") | .outcomes["tls-failed"]')" \
    "$(grep -c 'H=203\.0\.113\.34 \[203\.0\.113\.34\]:25: TLS session: (gnutls_handshake)' "$elab")"

# The Postfix lines again in ISO 8601 (Debian 12 rsyslog), RFC 5424 and
# journalctl -o json: the same domains and hosts.
run "$pf" | grep -v maillog_summary >"$tmp/want"
sed -E 's/^Dec  2 ([0-9:]+) /2026-12-02T\1+00:00 /' "$pf" >"$tmp/iso.log"
run "$tmp/iso.log" | grep -v maillog_summary >"$tmp/got"
ok iso-same "$(cmp -s "$tmp/want" "$tmp/got" && echo same)" same
sed -E 's/^Dec  2 ([0-9:]+) ([^ ]+) ([^[]+)\[([0-9]+)\]: /<22>1 2026-12-02T\1Z \2 \3 \4 - - /' \
    "$pf" >"$tmp/5424.log"
run "$tmp/5424.log" | grep -v maillog_summary >"$tmp/got"
ok 5424-same "$(cmp -s "$tmp/want" "$tmp/got" && echo same)" same
sed -E 's/^Dec  2 11:00:([0-9]+) [^ ]+ ([^[]+)\[([0-9]+)\]: (.*)$/\1\t\2\t\3\t\4/' "$pf" |
    jq -cR 'split("\t") | {"__REALTIME_TIMESTAMP": (1796209200 + (.[0]|tonumber) | tostring + "000000"),
        "SYSLOG_IDENTIFIER": .[1], "_PID": .[2], "MESSAGE": .[3]}' >"$tmp/journal.json"
run "$tmp/journal.json" | grep -v maillog_summary >"$tmp/got"
ok journal-same "$(cmp -s "$tmp/want" "$tmp/got" && echo same)" same
# Standard input, and the text report.
ok stdin "$($prog maillog --log-tz UTC --log-year 2026 - <"$pf" | grep -c '^  intern.nl\[194.109.6.98\]:25: 1 attempts (timed-out 1)')" 1

# Hostile lines: counted, the rest still read.
{
	head -n 5 "$pf"
	printf 'Dec  2 11:01:00 mx postfix/smtp[1]: connect to a[192.0.2.1]:25: Connection refused\0tail\n'
	head -c 20000 /dev/zero | tr '\0' A; echo
	printf 'Dec  2 11:01:01 mx postfix/smtp[1]: connect to b[192.0.2.2]:25: Connection refused \xff\xfe\n'
	printf '{"__REALTIME_TIMESTAMP":"1796209260000000","MESSAGE":"conn\n'
	printf 'Dec  2 10:00:00 mx postfix/smtp[1]: connect to c[192.0.2.3]:25: Connection refused\n'
} >"$tmp/hostile.log"
run "$tmp/hostile.log" >"$tmp/out"; st=$?
ok hostile-status "$st" 0
ok hostile-counts "$(q 'select(.type=="maillog_summary") | [.nul, .too_long, .bad_utf8, .bad_json, .time_back] | map(tostring) | join(" ")')" "1 1 1 1 1"
ok hostile-read "$(q 'select(.type=="maillog_host" and .mx=="b") | .outcomes.refused')" 1

# expect NAME STATUS PATTERN -- ARGS...: one error line, the status.
expect() {
	local name=$1 want=$2 pat=$3; shift 4
	local err st
	err=$($prog "$@" 2>&1 >/dev/null); st=$?
	if [ "$st" -eq "$want" ] && printf '%s' "$err" | grep -qE -- "$pat" &&
	    [ "$(printf '%s\n' "$err" | grep -c .)" -eq 1 ]; then
		pass=$((pass+1))
	else
		echo "FAIL $name: status $st (want $want), stderr: $err"; fail=$((fail+1))
	fi
}
printf 'not a log\nat all\n' >"$tmp/prose.txt"
: >"$tmp/empty.log"
expect unknown-format 3 "prose.txt: no line in a known log format" -- maillog "$tmp/prose.txt"
expect missing 3 "nope.log: No such file" -- maillog "$tmp/nope.log"
expect no-file 2 "no log file given" -- maillog
expect bad-tz 2 "--log-tz: 'Mars/Olympus' is not" -- maillog --log-tz Mars/Olympus "$pf"
expect bad-year 2 "--log-year: 1900 is out of range" -- maillog --log-year 1900 "$pf"
expect csv 2 "--csv is not an option of maillog" -- maillog --csv "$pf"
ok empty "$($prog maillog "$tmp/empty.log" >/dev/null 2>&1; echo $?)" 0
ok zone-name "$($prog maillog --json --log-tz Europe/Berlin --log-year 2026 "$pf" |
    jq -r 'select(.type=="maillog_host" and .mx=="intern.nl") | .first_failure')" "2026-12-02T10:00:04.000000Z"

echo "maillog: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
