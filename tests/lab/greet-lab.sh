#!/usr/bin/env bash
# shellcheck disable=SC2016  # jq programs and listener scripts are single-quoted on purpose
# tests/lab/greet-lab.sh PROG — live lab test of "smtpscope probe --greet".
#
# Builds throw-away network namespaces (documentation addresses only):
#
#   snd  192.0.2.10, 192.0.2.11, 2001:db8:10::10; default routes via the router (the prober)
#    |   s0 -- r0
#   rtr  192.0.2.254, 2001:db8:10::254 | r1 203.0.113.254, 2001:db8:203::254; forwarding;
#        SNAT 192.0.2.11 -> 198.51.100.11 (the NATed source)
#    |   r1 -- e0
#   mx   203.0.113.25  port 25: greets "220-" on two lines, EHLO offers STARTTLS
#        203.0.113.26  port 25: "421 4.7.0 too many connections from your IP", closes
#        203.0.113.27  port 25: "554 5.7.1 Service unavailable; client [ADDR] blocked
#                      using zen.example" (ADDR: the address it saw)
#        203.0.113.28  port 25: accepts, never greets
#        203.0.113.29  port 25: greets 220, answers EHLO "550 5.7.1 Access denied"
#        203.0.113.30  port 25: greets "HELLO there" (no reply code)
#        2001:db8:203::25 port 25: as 203.0.113.25
#        port 587: nothing listening (the kernel's RST), but 203.0.113.26:587, DROPped
#
# Each listener (socat EXEC of a shell script) logs every line it receives.
# "PROG probe --greet" from both sources to the four addresses, ports 25 and 587:
# JSON then text.  Checked: per (source, target, port) the outcome, codes, enhanced
# codes, texts (every line of the 220), STARTTLS, errno and finding, all from the
# configuration above; the 554 names the NATed address for 192.0.2.11; nothing
# reached a listener but "EHLO <helo>" (the 220 only) and "QUIT"; the text output's
# finding lines and matrix; over IPv6 without --source, the kernel's choice of source;
# a --source not of this host is refused in one line.
# Needs root; prints "greet-lab: N passed, N failed"; about 15 s.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034  # lib.sh reads it
LAB_PREFIX=sgreet-$$
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 PROG" >&2; exit 2; }
PROG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$PROG" ] || { echo "greet-lab: $1 is not executable"; echo "greet-lab: 0 passed, 1 failed"; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
    echo "greet-lab: needs root for network namespaces"
    echo "greet-lab: 0 passed, 1 failed"
    exit 1
fi
lab_require_tools ip:iproute2 ss:iproute2 iptables:iptables socat:socat jq:jq timeout:coreutils

pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

lab_init
T=$LAB_TMP
chmod 755 "$T"

A=192.0.2.10 B=192.0.2.11 BPUB=198.51.100.11 RTR4=192.0.2.254 LAN4=203.0.113.254
M220=203.0.113.25 M421=203.0.113.26 M554=203.0.113.27 MNONE=203.0.113.28
M550=203.0.113.29 MBAD=203.0.113.30
HELO=probe.example.test
A6=2001:db8:10::10 RTR6=2001:db8:10::254 LAN6=2001:db8:203::254 M220_6=2001:db8:203::25
SND=$(lab_nsname snd) RTR=$(lab_nsname rtr) MX=$(lab_nsname mx)

lab_log "building namespaces"
for ns in "$SND" "$RTR" "$MX"; do lab_ns_add "$ns"; done
lab_forwarding "$RTR"
lab_link "$SND" "$RTR" "$A/24,$B/24,$A6/64" "$RTR4/24,$RTR6/64" s0 r0
lab_link "$RTR" "$MX" "$LAN4/24" "$M220/24,$M421/24,$M554/24,$MNONE/24,$M550/24,$MBAD/24,$M220_6/64" r1 e0
lab_addr "$RTR" r1 "$LAN6/64"
ip -n "$SND" route add default via "$RTR4" dev s0
ip -n "$MX" route add default via "$LAN4" dev e0
ip -n "$SND" -6 route add default via "$RTR6" dev s0
ip -n "$MX" -6 route add default via "$LAN6" dev e0
lab_exec "$RTR" iptables -t nat -A POSTROUTING -o r1 -s "$B" -j SNAT --to-source "$BPUB" ||
    lab_die "cannot add the SNAT rule"
lab_exec "$MX" iptables -A INPUT -p tcp -d "$M421" --dport 587 -j DROP ||
    lab_die "cannot add the DROP rule"

# ---- listeners ---------------------------------------------------------------------
LOG=$T/received.log
: >"$LOG"
chmod 666 "$LOG"
# A listener script: $1 the greeting ("" none), $2 what to answer EHLO with.  Every
# line received is logged as "LISTENER PEER LINE"; QUIT gets 221 and ends it.
cat >"$T/smtpd.sh" <<'EOF'
#!/bin/bash
name=$1 log=$2
crlf() { printf '%s\r\n' "$@"; }
case $name in
    220) crlf "220-mx1.example.test ESMTP lab" "220 mail service ready" ;;
    550) crlf "220 mx5.example.test ESMTP" ;;
    bad) crlf "HELLO there" ;;
    421) crlf "421 4.7.0 too many connections from your IP" ;;
    554) crlf "554 5.7.1 Service unavailable; client [$SOCAT_PEERADDR] blocked using zen.example" ;;
    none) ;;
esac
for ((i = 0; i < 10; i++)); do
    IFS= read -r -t 5 line || exit 0
    line=${line%$'\r'}
    peer=${SOCAT_PEERADDR#[}	# socat writes an IPv6 address in brackets
    printf '%s %s %s\n' "$name" "${peer%]}" "$line" >>"$log"
    case $line in
        EHLO\ *)
            if [ "$name" = 550 ]; then crlf "550 5.7.1 Access denied"
            else crlf "250-mx1.example.test" "250-PIPELINING" "250-STARTTLS" "250 8BITMIME"; fi ;;
        QUIT) crlf "221 2.0.0 Bye"; exit 0 ;;
        *) crlf "502 5.5.2 not expected here" ;;
    esac
    [ "$name" = 421 ] && exit 0
done
EOF
chmod 755 "$T/smtpd.sh"
listen() {	# ADDR NAME
    lab_bg "$MX" "$T/socat-$2.log" socat "TCP4-LISTEN:25,bind=$1,fork,reuseaddr" \
        "EXEC:$T/smtpd.sh $2 $LOG"
}
listen "$M220" 220; listen "$M421" 421; listen "$M554" 554; listen "$MNONE" none
listen "$M550" 550; listen "$MBAD" bad
lab_bg "$MX" "$T/socat-220-6.log" socat "TCP6-LISTEN:25,bind=[$M220_6],fork,reuseaddr" \
    "EXEC:$T/smtpd.sh 220 $LOG"
lab_wait_for "[ \$(ip netns exec '$MX' ss -Hltn 'sport = :25' | wc -l) -eq 7 ]" 5 ||
    lab_die "the seven listeners did not start within 5 s"

# ---- probe --greet, JSON ---------------------------------------------------------------
GREET=(probe --greet --helo "$HELO" --source "$A" --source "$B" --target "$M220"
    --target "$M421" --target "$M554" --target "$MNONE" --target "$M550" --target "$MBAD" -p "25,587" --timeout 2 -Z nobody
    --sensor lab)
lab_log "probe --greet --json"
rc=0
lab_exec "$SND" timeout 60 "$PROG" "${GREET[@]}" --json >"$T/greet.json" 2>"$T/greet.err" || rc=$?
if [ "$rc" -eq 0 ] && [ ! -s "$T/greet.err" ]; then
    ok "probe --greet --json: exit 0, nothing on stderr"
else
    bad "probe --greet --json: exit $rc: $(head -n3 "$T/greet.err")"
fi
n=$(jq -s 'map(select(.type == "greeting" and .sensor == "lab")) | length' "$T/greet.json")
[ "$n" = 24 ] && ok "24 greeting lines (2 sources x 6 targets x 2 ports)" ||
    bad "greeting lines: $n, want 24"

# source server port outcome greeting_code enhanced_code starttls ehlo_code errno finding
#   ("-" for null); then the greeting's lines, joined with "|"
EXP=(
"$A $M220 25 greeting 220 - true 250 - -|mx1.example.test ESMTP lab|mail service ready"
"$B $M220 25 greeting 220 - true 250 - -|mx1.example.test ESMTP lab|mail service ready"
"$A $M421 25 greeting 421 4.7.0 - - - rate-limit|too many connections from your IP"
"$B $M421 25 greeting 421 4.7.0 - - - rate-limit|too many connections from your IP"
"$A $M554 25 greeting 554 5.7.1 - - - blocklist|Service unavailable; client [$A] blocked using zen.example"
"$B $M554 25 greeting 554 5.7.1 - - - blocklist|Service unavailable; client [$BPUB] blocked using zen.example"
"$A $MNONE 25 no-greeting - - - - - -|"
"$B $MNONE 25 no-greeting - - - - - -|"
"$A $M550 25 ehlo-rejected 220 - false 550 - -|mx5.example.test ESMTP"
"$B $M550 25 ehlo-rejected 220 - false 550 - -|mx5.example.test ESMTP"
"$A $MBAD 25 bad-reply - - - - - -|"
"$B $MBAD 25 bad-reply - - - - - -|"
"$A $M550 587 refused - - - - ECONNREFUSED -|"
"$B $M550 587 refused - - - - ECONNREFUSED -|"
"$A $MBAD 587 refused - - - - ECONNREFUSED -|"
"$B $MBAD 587 refused - - - - ECONNREFUSED -|"
"$A $M220 587 refused - - - - ECONNREFUSED -|"
"$B $M220 587 refused - - - - ECONNREFUSED -|"
"$A $M421 587 connect-timeout - - - - ETIMEDOUT -|"
"$B $M421 587 connect-timeout - - - - ETIMEDOUT -|"
"$A $M554 587 refused - - - - ECONNREFUSED -|"
"$B $M554 587 refused - - - - ECONNREFUSED -|"
"$A $MNONE 587 refused - - - - ECONNREFUSED -|"
"$B $MNONE 587 refused - - - - ECONNREFUSED -|"
)
for e in "${EXP[@]}"; do
    key=${e%%|*}
    read -r src srv port _ <<<"$key"
    got=$(jq -r --arg s "$src" --arg d "$srv" --argjson p "$port" '
        def n: if . == null then "-" else tostring end;
        select(.type == "greeting" and .source == $s and .server == $d and .server_port == $p)
        | "\(.source) \(.server) \(.server_port) \(.outcome) \(.greeting_code | n) \(.enhanced_code | n) \(.starttls | n) \(.ehlo_code | n) \(.errno | n) \(.finding | n)|\((.greeting_lines // []) | join("|"))"' \
        "$T/greet.json")
    if [ "$got" = "$e" ]; then
        ok "$key"
    else
        bad "$key: got '${got:-nothing}', want '$e'"
    fi
done
# The first line is "greeting"; a connection that was made has its connect time.
bad_first=$(jq -r 'select(.type == "greeting" and .greeting != null and .greeting != .greeting_lines[0]) | .server' "$T/greet.json")
[ -z "$bad_first" ] && ok "greeting is the first of greeting_lines" || bad "greeting != greeting_lines[0] for $bad_first"
why=$(jq -r 'select(.type == "greeting" and .server == "'"$MBAD"'" and .server_port == 25) | .why' "$T/greet.json" | sort -u)
[ "$why" = "a line without a reply code" ] && ok "bad-reply: why says a line without a reply code" || bad "bad-reply why: '$why'"
ehlo=$(jq -r 'select(.type == "greeting" and .server == "'"$M550"'" and .server_port == 25) | "\(.ehlo_enhanced_code) \(.ehlo_lines | join("|"))"' "$T/greet.json" | sort -u)
[ "$ehlo" = "5.7.1 Access denied" ] && ok "ehlo-rejected: the EHLO reply's code and text" || bad "ehlo-rejected reply: '$ehlo'"
# The fields, in the order the man page gives them (OUTPUT, Greetings).
keys=$(jq -r -c 'select(.type == "greeting") | keys_unsorted | join(",")' "$T/greet.json" | sort -u)
want_keys=type,sensor,ts,source,server,server_port,family,mx,mx_pref,outcome,errno,connect_ms,greeting_code,enhanced_code,greeting,greeting_lines,greeting_truncated,ehlo_code,ehlo_enhanced_code,ehlo_lines,starttls,finding,why
[ "$keys" = "$want_keys" ] && ok "every greeting line has the documented fields in order" ||
    bad "greeting fields: '$keys'"
no_ms=$(jq -r 'select(.type == "greeting" and (.outcome | IN("greeting", "no-greeting", "ehlo-rejected", "bad-reply")) and (.connect_ms | type) != "number") | .server' "$T/greet.json")
[ -z "$no_ms" ] && ok "connect_ms on every connection made" || bad "no connect_ms for $no_ms"

# ---- what the listeners received ---------------------------------------------------------
# The 220s get EHLO then QUIT from each source (from the NATed address for B); the 554
# only QUIT; the 421 closes at once (a QUIT may or may not reach it); the silent one and
# the one with no reply code: nothing.
others=$(grep -v -E "^((220|550) [0-9a-f.:]+ EHLO $HELO|(220|550|421|554) [0-9a-f.:]+ QUIT)\$" "$LOG")
[ -z "$others" ] && ok "the listeners received only EHLO $HELO and QUIT" ||
    bad "the listeners received more: $others"
for peer in "$A" "$BPUB"; do
    seq=$(awk -v p="$peer" '$1 == "220" && $2 == p { $1 = $2 = ""; sub(/^ +/, ""); printf "%s;", $0 }' "$LOG")
    [ "$seq" = "EHLO $HELO;QUIT;" ] && ok "220 listener: EHLO then QUIT from $peer" ||
        bad "220 listener from $peer: '$seq'"
    seq=$(awk -v p="$peer" '$1 == "550" && $2 == p { $1 = $2 = ""; sub(/^ +/, ""); printf "%s;", $0 }' "$LOG")
    [ "$seq" = "EHLO $HELO;QUIT;" ] && ok "550-to-EHLO listener: EHLO then QUIT from $peer" ||
        bad "550-to-EHLO listener from $peer: '$seq'"
    seq=$(awk -v p="$peer" '$1 == "554" && $2 == p { $1 = $2 = ""; sub(/^ +/, ""); printf "%s;", $0 }' "$LOG")
    [ "$seq" = "QUIT;" ] && ok "554 listener: QUIT only (no EHLO) from $peer" ||
        bad "554 listener from $peer: '$seq'"
done
grep -q -E "^(none|bad) " "$LOG" && bad "the silent or bad listener received: $(grep -E '^(none|bad) ' "$LOG")" ||
    ok "the silent and the bad listeners received nothing"

# ---- text ------------------------------------------------------------------------------
lab_log "probe --greet (text)"
rc=0
lab_exec "$SND" timeout 60 "$PROG" "${GREET[@]}" -p 25 >"$T/greet.txt" 2>"$T/greet-text.err" || rc=$?
sed 's/^/[lab]   /' "$T/greet.txt" >&2
[ "$rc" -eq 0 ] && ok "probe --greet (text): exit 0" || bad "probe --greet (text): exit $rc $(head -n2 "$T/greet-text.err")"
n=$(grep -c " greet " "$T/greet.txt")
[ "$n" = 12 ] && ok "text: 12 lines" || bad "text: $n greet lines, want 12"
if grep -q -F "$B -> $M554:25 greet greeting 554 5.7.1 \"Service unavailable; client [$BPUB] blocked using zen.example\"" "$T/greet.txt" &&
   grep -q -F "$A -> $M220:25 greet greeting 220 \"mx1.example.test ESMTP lab\" (+1 lines) ehlo=250 starttls=yes" "$T/greet.txt" &&
   grep -q -F "$A -> $MNONE:25 greet no-greeting connect=" "$T/greet.txt"; then
    ok "text: the 554, the 220 with STARTTLS, the no-greeting"
else
    bad "text lines:"; cat "$T/greet.txt"
fi
nb=$(grep -c "^finding: blocklist: $M554:25 answers .* with 554 5.7.1" "$T/greet.txt")
nr=$(grep -c "^finding: rate-limit: $M421:25 answers .* with 421 4.7.0" "$T/greet.txt")
[ "$nb" = 2 ] && [ "$nr" = 2 ] && ok "text: 2 blocklist and 2 rate-limit finding lines" ||
    bad "text findings: blocklist $nb, rate-limit $nr (want 2 and 2)"
# The matrix: rows in the order of the sources, columns of the targets, as given.
mx=$(sed -n '/^greet matrix:/,$p' "$T/greet.txt" | tr -s ' ')
want="greet matrix: rows are sources, columns targets
 [1] $M220:25
 [2] $M421:25
 [3] $M554:25
 [4] $MNONE:25
 [5] $M550:25
 [6] $MBAD:25
source [1] [2] [3] [4] [5] [6]
$A 220 starttls 421 4.7.0 554 5.7.1 no-greeting 220, EHLO 550 bad-reply
$B 220 starttls 421 4.7.0 554 5.7.1 no-greeting 220, EHLO 550 bad-reply"
[ "$mx" = "$want" ] && ok "text: the matrix" || bad "text matrix: '$mx'"

# ---- IPv6, the kernel's choice of source ------------------------------------------------
rc=0
lab_exec "$SND" timeout 30 "$PROG" probe --greet --json -6 --helo "$HELO" --target "$M220_6" \
    --target "$M220" -p 25 --timeout 2 -Z nobody >"$T/greet6.json" 2>"$T/greet6.err" || rc=$?
got=$(jq -r -c 'select(.type == "greeting") | [.source, .server, .family, .outcome, .greeting_code, .starttls, .greeting_lines]' "$T/greet6.json")
want='["'"$A6"'","'"$M220_6"'",6,"greeting",220,true,["mx1.example.test ESMTP lab","mail service ready"]]'
[ "$rc" = 0 ] && [ "$got" = "$want" ] && ok "IPv6 (-6, no --source): $M220_6 from the kernel's $A6, 220 with STARTTLS" ||
    bad "IPv6: exit $rc, got '$got', want '$want' $(head -n2 "$T/greet6.err")"
# socat names the peer in full, with every zero: 2001:0db8:0010:0000:...
seq=$(awk -v p="2001:0db8:0010:0000:0000:0000:0000:0010" '$1 == "220" && $2 == p { $1 = $2 = ""; sub(/^ +/, ""); printf "%s;", $0 }' "$LOG")
[ "$seq" = "EHLO $HELO;QUIT;" ] && ok "220 listener (IPv6): EHLO then QUIT from $A6" ||
    bad "220 listener (IPv6) from $A6: '$seq'"

# ---- a source that is not this host's ------------------------------------------------
rc=0
lab_exec "$SND" "$PROG" probe --greet --source 192.0.2.99 --target "$M220" -p 25 \
    >"$T/spoof.out" 2>"$T/spoof.err" || rc=$?
if [ "$rc" = 2 ] && [ "$(wc -l <"$T/spoof.err")" = 1 ] &&
   grep -q -- "--source 192.0.2.99: not an address of this host" "$T/spoof.err" && [ ! -s "$T/spoof.out" ]; then
    ok "--greet --source 192.0.2.99 (not of this host): exit 2, one line"
else
    bad "--greet --source 192.0.2.99: exit $rc, $(cat "$T/spoof.err")"
fi

echo "greet-lab: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
