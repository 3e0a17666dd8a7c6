#!/usr/bin/env bash
# shellcheck disable=SC2016  # jq programs are single-quoted on purpose
# tests/lab/verify-lab.sh PROG — live lab test of "smtpscope verify" and "smtpscope diff".
#
# Builds throw-away network namespaces (documentation addresses only):
#
#   snd  192.0.2.10 (primary), 192.0.2.11                      (the verifier)
#    |   s0 -- r0
#   rtr  192.0.2.254 | r1 203.0.113.254; FORWARD REJECT icmp-admin-prohibited to .28:25
#    |   r1 -- e0
#   rcp  203.0.113.25 .26 .27 .28 (socat "220 ..." on 25 and 587), .53 (dnsmasq:
#        MX example.test -> mx1.example.test -> 203.0.113.25)
#
#   203.0.113.25  accepts everything on 25 and 587
#   203.0.113.26  25: REJECT tcp-reset for 192.0.2.11 only; 587: REJECT (icmp-port-unreachable)
#   203.0.113.27  25: REJECT icmp-host-prohibited; 587: DROP
#   203.0.113.28  25: the router rejects it (admin-prohibited, from 192.0.2.254); 587 open
#
# 1. verify (text and --json) of an expectations file restating that configuration:
#    exit 0, every line PASS, every probe's verdict the configured one.
# 2. One rule is added: 203.0.113.25 REJECTs tcp-reset 192.0.2.10 on port 25.  verify
#    again: exit 1, exactly the predicted lines FAIL, with "expected ..., observed
#    refused/reset".
# 3. diff before.json after.json: exit 1, exactly the one changed key; diff of a file
#    with itself: exit 0.
# 4. Malformed expectation files: exit 2, one "file:line:col: message" line, no SYN sent.
# 5. Expectations naming a port outside -p (the capture's ports).
# Every expectation of this script comes from the configuration above, none from
# smtpscope's output.  Needs root; prints "verify-lab: N passed, N failed"; about 15 s.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_PREFIX=svfy-$$
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 PROG" >&2; exit 2; }
PROG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$PROG" ] || { echo "verify-lab: $1 is not executable"; echo "verify-lab: 0 passed, 1 failed"; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
    echo "verify-lab: needs root for network namespaces"
    echo "verify-lab: 0 passed, 1 failed"
    exit 1
fi
lab_require_tools ip:iproute2 ss:iproute2 iptables:iptables socat:socat \
    dnsmasq:dnsmasq-base jq:jq tcpdump:tcpdump timeout:coreutils

pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
# show FILE — indent a file's lines under a failure.
show() { sed 's/^/    | /' "$1"; }

lab_init
T=$LAB_TMP
chmod 755 "$T"
START=$SECONDS

# ---- addresses -------------------------------------------------------------------
A=192.0.2.10 B=192.0.2.11 RTR=192.0.2.254 LAN=203.0.113.254
H25=203.0.113.25 H26=203.0.113.26 H27=203.0.113.27 H28=203.0.113.28 DNS4=203.0.113.53

NS_SND=$(lab_nsname snd) NS_RTR=$(lab_nsname rtr) NS_RCP=$(lab_nsname rcp)

fw() { local ns=$1; shift; lab_log "  rule [${ns#"$LAB_PREFIX"-}]: $*"; lab_exec "$ns" "$@" || lab_die "rule failed: $*"; }

# ---- topology --------------------------------------------------------------------
lab_log "building the lab (prefix $LAB_PREFIX)"
for ns in "$NS_SND" "$NS_RTR" "$NS_RCP"; do lab_ns_add "$ns" 0; done
# The first address added is the primary one: the source of lines without "from".
lab_link "$NS_SND" "$NS_RTR" "$A/24,$B/24" "$RTR/24" s0 r0
lab_link "$NS_RTR" "$NS_RCP" "$LAN/24" "$H25/24,$H26/24,$H27/24,$H28/24,$DNS4/24" r1 e0
lab_forwarding "$NS_RTR"
ip -n "$NS_SND" route add default via "$RTR" dev s0
ip -n "$NS_RCP" route add default via "$LAN" dev e0
# No ICMP rate limit: every rejected SYN gets its ICMP error, run after run.
lab_exec "$NS_RTR" sysctl -qw net.ipv4.icmp_ratelimit=0
lab_exec "$NS_RCP" sysctl -qw net.ipv4.icmp_ratelimit=0

# ---- listeners and DNS -----------------------------------------------------------------
greet=$T/greet.sh
printf '#!/bin/sh\nprintf "220 rcp.example.test ESMTP verify-lab\\r\\n"\nexit 0\n' >"$greet"
chmod 755 "$greet"
for port in 25 587; do
    lab_bg "$NS_RCP" "$T/socat-$port.log" socat "TCP-LISTEN:$port,fork,reuseaddr" "EXEC:$greet"
    lab_wait_listen "$NS_RCP" "$port" 5
done
lab_bg "$NS_RCP" "$T/dnsmasq.log" dnsmasq --no-daemon --no-resolv --no-hosts --conf-file=/dev/null \
    --listen-address="$DNS4" --bind-interfaces --port=53 --local=/test/ \
    --mx-host=example.test,mx1.example.test,10 \
    --host-record=mx1.example.test,"$H25"
lab_wait_listen "$NS_RCP" 53 5 udp

# ---- firewall rules (the configuration the expectations restate) ----------------------
fw "$NS_RCP" iptables -A INPUT -p tcp -d "$H26" --dport 25 -s "$B" -j REJECT --reject-with tcp-reset
fw "$NS_RCP" iptables -A INPUT -p tcp -d "$H26" --dport 587 -j REJECT
fw "$NS_RCP" iptables -A INPUT -p tcp -d "$H27" --dport 25 -j REJECT --reject-with icmp-host-prohibited
fw "$NS_RCP" iptables -A INPUT -p tcp -d "$H27" --dport 587 -j DROP
fw "$NS_RTR" iptables -A FORWARD -p tcp -d "$H28" --dport 25 -j REJECT --reject-with icmp-admin-prohibited
# The verifier's own kernel must not answer the SYN-ACKs with RSTs (smtpscope sends its own);
# the capture (AF_PACKET) still sees them.
fw "$NS_SND" iptables -A INPUT -p tcp --tcp-flags SYN,ACK SYN,ACK -m multiport --sports 25,587 -j DROP

# ---- the expectations file and what each of its lines probes -------------------------
# EXPECT[n]: line n of the file (lines 1-2 are comments).  PROBES: one entry per probe the
# line makes — "LINE SOURCE SERVER PORT BEFORE AFTER RESPONDER", verdicts as class/reason,
# RESPONDER: target, rtr (192.0.2.254) or - (none).  AFTER is the verdict once the one
# changed rule (203.0.113.25 REJECT tcp-reset 192.0.2.10 on 25) is in place.
EF=$T/lab.expect
cat >"$EF" <<EOF
# verify-lab: restates the lab configuration; every line passes before the change.
# lines 3-13 are the expectations; tabs and a trailing comment on purpose.
from $A,$B to $H25 port 25,587 expect accepted
from $A to $H26 port 25 expect accepted/syn-ack via target
from $B	to $H26	port 25	expect refused/reset via target   # RST from the server itself
to $H26 port 587 expect refused/port-unreach via target
from $A,$B to $H27 port 587 expect dropped/no-response
from $B to $H27 port 25 expect any-of refused,prohibited/host-prohibited
from $A to $H27 port 25 expect not accepted
from $A,$B to $H28 port 25 expect prohibited/admin-prohibited via $RTR
from $B to $H28 port 587 expect not dropped via target
from $A,$B to mx:example.test expect accepted/syn-ack via target
from $B to mx1.example.test,$H26 port 25 expect any-of accepted/syn-ack,refused/reset
EOF
OK=accepted/syn-ack RST=refused/reset
PROBES=(
"3  $A $H25 25  $OK $RST target"
"3  $A $H25 587 $OK $OK target"
"3  $B $H25 25  $OK $OK target"
"3  $B $H25 587 $OK $OK target"
"4  $A $H26 25  $OK $OK target"
"5  $B $H26 25  $RST $RST target"
"6  $A $H26 587 refused/port-unreach refused/port-unreach target"
"7  $A $H27 587 dropped/no-response dropped/no-response -"
"7  $B $H27 587 dropped/no-response dropped/no-response -"
"8  $B $H27 25  prohibited/host-prohibited prohibited/host-prohibited target"
"9  $A $H27 25  prohibited/host-prohibited prohibited/host-prohibited target"
"10 $A $H28 25  prohibited/admin-prohibited prohibited/admin-prohibited rtr"
"10 $B $H28 25  prohibited/admin-prohibited prohibited/admin-prohibited rtr"
"11 $B $H28 587 $OK $OK target"
"12 $A $H25 25  $OK $RST target"
"12 $A $H25 587 $OK $OK target"
"12 $B $H25 25  $OK $OK target"
"12 $B $H25 587 $OK $OK target"
"13 $B $H25 25  $OK $OK target"
"13 $B $H26 25  $RST $RST target"
)
LINES=(3 4 5 6 7 8 9 10 11 12 13)
# Lines that fail after the change: each has a 192.0.2.10 -> 203.0.113.25:25 probe that
# expects accepted (line 13's probe of the same key is from 192.0.2.11).
FAIL_AFTER=" 3 12 "

# expected_json WHEN — the expected records as sorted "line src dst port class/reason
# responder pass" lines (WHEN: before|after).
expected_json() {
    local e line src dst port before after resp v r passv
    for e in "${PROBES[@]}"; do
        read -r line src dst port before after resp <<<"$e"
        v=$before
        [ "$1" = after ] && v=$after
        case $resp in target) r=$dst ;; rtr) r=$RTR ;; *) r=null ;; esac
        passv=true
        [ "$1" = after ] && [ "$before" != "$after" ] && passv=false
        echo "$line $src $dst $port $v $r $passv"
    done | sort
}
# observed_json FILE — the same fields from verify --json records.
observed_json() {
    jq -r 'select(.class != null) |
        "\(.expect_line) \(.source) \(.server) \(.server_port) \(.class)/\(.reason) \(.responder // "null") \(.pass)"' "$1" | sort
}

# run_verify NAME [OPTIONS...] FILE — "verify --dns-server 203.0.113.53 --timeout 2 -Z nobody"
# in the sender namespace; NAME.out/.err/.rc (exit status)/.ms (run time).
run_verify() {
    local name=$1 t0 rc=0; shift
    t0=$(lab_now_us)
    timeout 30 ip netns exec "$NS_SND" "$PROG" verify --dns-server "$DNS4" --timeout 2 -Z nobody "$@" >"$T/$name.out" 2>"$T/$name.err" || rc=$?
    echo "$rc" >"$T/$name.rc"
    echo $(( ($(lab_now_us) - t0) / 1000 )) >"$T/$name.ms"
    lab_log "verify $name: exit $rc in $(cat "$T/$name.ms") ms"
}

# check_text NAME WHEN — the text output: PASS/FAIL per line, detail lines, counts.
check_text() {
    local name=$1 when=$2 out=$T/$1.out n want got e line src dst port before after resp v
    local nfail=0 npass=0 bad_lines=()
    for n in "${LINES[@]}"; do
        want=PASS
        [ "$when" = after ] && [[ $FAIL_AFTER == *" $n "* ]] && want=FAIL
        [ "$want" = PASS ] && npass=$((npass + 1)) || nfail=$((nfail + 1))
        # The head line restates the line as written (tabs kept, comment too).
        got=$(grep -cF -x "$want $EF:$n: $(sed -n "${n}p" "$EF" | sed 's/^[ \t]*//')" "$out")
        [ "$got" = 1 ] || bad_lines+=("line $n: want one '$want $EF:$n: ...' line, got $got")
    done
    # Every probe's detail line, with its verdict (and "expected ..., observed ..."
    # on a failure).
    for e in "${PROBES[@]}"; do
        read -r line src dst port before after resp <<<"$e"
        v=$before; [ "$when" = after ] && v=$after
        if [ "$when" = after ] && [ "$before" != "$after" ]; then
            want="  FAIL $src -> $dst:$port( \\([a-z0-9.]*\\))? $v"
        else
            want="  ok   $src -> $dst:$port( \\([a-z0-9.]*\\))? $v"
        fi
        case $resp in
            target) want+=", answered by $dst \\(target\\)" ;;
            rtr) want+=", answered by $RTR \\(hop\\)" ;;
        esac
        [ "$when" = after ] && [ "$before" != "$after" ] && want+=": expected [^,]*, observed $v"
        # the detail line must sit in the block of its expectation line
        got=$(re="^$want\$" hd="^(PASS|FAIL) [^ ]*:$line: " awk '
            BEGIN { re = ENVIRON["re"]; hd = ENVIRON["hd"] }
            $0 ~ /^(PASS|FAIL) / { inblk = ($0 ~ hd) } inblk && $0 ~ re { c++ } END { print c + 0 }' "$out")
        [ "$got" -ge 1 ] || bad_lines+=("line $line: no detail line matching '$want'")
    done
    got=$(grep -c '^  \(ok\|FAIL\) ' "$out")
    [ "$got" = "${#PROBES[@]}" ] || bad_lines+=("want ${#PROBES[@]} probe detail lines, got $got")
    grep -qx "verify: $npass passed, $nfail failed" "$out" ||
        bad_lines+=("want 'verify: $npass passed, $nfail failed'")
    if [ "${#bad_lines[@]}" -eq 0 ]; then
        ok "verify text $when: $npass PASS, $nfail FAIL as configured, every probe's verdict shown"
    else
        bad "verify text $when:"; printf '    %s\n' "${bad_lines[@]}"; show "$out"
    fi
}

# check_json NAME WHEN — every record's line, source, target, port, verdict, responder, pass.
check_json() {
    local name=$1 when=$2 d
    if ! jq -e . "$T/$name.out" >/dev/null 2>&1; then
        bad "verify --json $when: not JSON lines"; show "$T/$name.out"; return
    fi
    d=$(diff <(expected_json "$when") <(observed_json "$T/$name.out"))
    if [ -z "$d" ]; then
        ok "verify --json $when: ${#PROBES[@]} records, each with the configured verdict, responder and pass"
    else
        bad "verify --json $when (< expected, > observed):"; printf '%s\n' "$d" | sed 's/^/    /'
    fi
    # why: null on a pass, "expected WHAT, observed CLASS/REASON" on a failure,
    # WHAT as the line has it after "expect".
    d=$(jq -r 'select(.class != null) | select((.pass and .why != null) or
        ((.pass | not) and .why != "expected \(.expect | sub(".*[ \t]expect[ \t]+"; "") |
            sub("[ \t]+(via|#).*"; "") | sub("any-of +"; "any of ") | gsub(","; ", ")),"
            + " observed \(.class)/\(.reason)")) | "\(.expect_line) \(.why)"' "$T/$name.out")
    if [ -z "$d" ]; then
        ok "verify --json $when: why is null on a pass, 'expected what, observed class/reason' on a failure"
    else
        bad "verify --json $when: bad why fields:"; printf '    %s\n' "$d"
    fi
}

# check_rc NAME WANT WHAT — the exit status of run NAME.
check_rc() {
    local rc
    rc=$(cat "$T/$1.rc")
    if [ "$rc" = "$2" ]; then ok "$3: exit $2"; else bad "$3: exit $rc (want $2)"; show "$T/$1.err"; fi
}

# ---- 1. before the change ------------------------------------------------------------
run_verify before-text "$EF"
check_rc before-text 0 "verify before"
check_text before-text before
run_verify before-json --json "$EF"
check_rc before-json 0 "verify --json before"
check_json before-json before
cp "$T/before-json.out" "$T/before.json"

# ---- 2. one rule changes ---------------------------------------------------------------
fw "$NS_RCP" iptables -I INPUT 1 -p tcp -d "$H25" --dport 25 -s "$A" -j REJECT --reject-with tcp-reset
run_verify after-text "$EF"
check_rc after-text 1 "verify after"
check_text after-text after
run_verify after-json --json "$EF"
check_rc after-json 1 "verify --json after"
check_json after-json after
cp "$T/after-json.out" "$T/after.json"

# ---- 3. diff ---------------------------------------------------------------------------
# The keys (source -> server:port) and their verdicts, from the table.
keys() {
    local e line src dst port before after resp
    for e in "${PROBES[@]}"; do
        read -r line src dst port before after resp <<<"$e"
        echo "$src -> $dst:$port $before $after"
    done | sort -u
}
nkeys=$(keys | wc -l)
# accepted -> a failure is a regression, a failure -> accepted a fix (one verdict a key here).
mapfile -t changed < <(keys | awk '
    function ok(v) { return v ~ /^accepted\// } function failed(v) { return v !~ /^(accepted|unresolved)\// }
    $4 != $5 { tag = ok($4) && failed($5) ? "regression " : failed($4) && ok($5) ? "fixed      " : "changed    "
               print tag " " $1 " " $2 " " $3 " " $4 " -> " $5 }')
nchanged=${#changed[@]}
nregr=$(printf '%s\n' "${changed[@]}" | grep -c '^regression ')
nfixed=$(printf '%s\n' "${changed[@]}" | grep -c '^fixed ')
rc=0
ip netns exec "$NS_SND" "$PROG" diff "$T/before.json" "$T/after.json" >"$T/diff.out" 2>"$T/diff.err" || rc=$?
[ "$nregr" = 1 ] && rs= || rs=s
want=$(printf '%s\n' "${changed[@]}"; echo "diff: $nchanged changed ($nregr regression$rs, $nfixed fixed), 0 appeared, 0 disappeared, $((nkeys - nchanged)) unchanged")
if [ "$rc" = 1 ] && [ "$(cat "$T/diff.out")" = "$want" ]; then
    ok "diff before after: exit 1, exactly: ${changed[*]}"
else
    bad "diff before after: exit $rc (want 1), output (want: $want):"; show "$T/diff.out"; show "$T/diff.err"
fi
rc=0
ip netns exec "$NS_SND" "$PROG" diff "$T/before.json" "$T/before.json" >"$T/diff0.out" 2>&1 || rc=$?
if [ "$rc" = 0 ] && [ "$(cat "$T/diff0.out")" = "diff: 0 changed (0 regressions, 0 fixed), 0 appeared, 0 disappeared, $nkeys unchanged" ]; then
    ok "diff before before: exit 0, $nkeys unchanged"
else
    bad "diff before before: exit $rc (want 0):"; show "$T/diff0.out"
fi

# ---- 4. malformed expectation files ----------------------------------------------------
# NAME|LINE 3 OF THE FILE|WHERE|MESSAGE (a grep -E pattern).  WHERE is the text at the
# error's column (its first occurrence in the line), "$" for the end of the line.  Lines 1-2
# are a comment and a valid expectation, so the line number counts them.
MALFORMED=(
"unknown-keyword|to $H25 expect accepted fro $A|fro|unknown keyword 'fro'"
"bad-source|from 192.0.2.300 to $H25 expect accepted|192.0.2.300|bad address '192.0.2.300'"
"bad-target|from $A to 203.0.113.25.1 expect accepted|203.0.113.25.1|bad address '203.0.113.25.1'"
"bad-hostname|from $A,$B to mx1.example.test,bad_host!.test expect accepted|bad_host|bad address or host name 'bad_host!.test'"
"bad-via|to $H28 port 25 expect prohibited via 192.0.2.999|192.0.2.999|bad address '192.0.2.999'"
"bad-port|to $H25 port 25,65536 expect accepted|65536|bad port '65536'"
"bad-port-range|to $H25 port 587-25 expect accepted|587-25|bad port '587-25'"
"bad-port-zero|to $H25 port 0 expect accepted|0 |bad port '0'"
"unknown-class|to $H25 port 25 expect acepted|acepted|unknown class 'acepted'"
"bad-reason|to $H25 port 25 expect refused/no-response|no-response|'no-response' is not a reason of class refused"
"bad-reason-any-of|to $H25 expect any-of accepted,dropped/reset|reset|'reset' is not a reason of class dropped"
"missing-expect|from $A to $H25 port 25|\$|missing 'expect'"
)
lab_capture_start "$NS_SND" s0 "$T/malformed.pcap" tcp
for m in "${MALFORMED[@]}"; do
    IFS='|' read -r name text where msg <<<"$m"
    if [ "$where" = '$' ]; then col=$(( ${#text} + 1 )); else pre=${text%%"$where"*}; col=$(( ${#pre} + 1 )); fi
    f=$T/bad-$name.expect
    printf '# a malformed file\nfrom %s to %s port 25 expect accepted\n%s\n' "$A" "$H25" "$text" >"$f"
    run_verify "bad-$name" "$f"
    rc=$(cat "$T/bad-$name.rc") ms=$(cat "$T/bad-$name.ms")
    nl=$(wc -l <"$T/bad-$name.err")
    if [ "$rc" = 2 ] && [ "$nl" = 1 ] && [ ! -s "$T/bad-$name.out" ] && [ "$ms" -lt 1000 ] &&
        grep -Eq "^(smtpscope: )?$f:3:$col: $msg" "$T/bad-$name.err"; then
        ok "malformed $name: exit 2, '$(sed "s|$T/||" "$T/bad-$name.err")' (${ms} ms)"
    else
        bad "malformed $name: exit $rc (want 2), ${ms} ms, stderr ($nl lines; want $f:3:$col: $msg):"
        show "$T/bad-$name.err"; show "$T/bad-$name.out"
    fi
done
lab_capture_stop 0.3
nsyn=$(tcpdump -nn -r "$T/malformed.pcap" 2>/dev/null | wc -l)
if [ "$nsyn" = 0 ]; then
    ok "malformed files: no packet left the sender ($nsyn TCP packets on s0)"
else
    bad "malformed files: $nsyn TCP packets on s0 (want 0)"; tcpdump -nn -r "$T/malformed.pcap" 2>/dev/null | head -n 5
fi

# ---- 5. ports of an expectation outside -p ------------------------------------------------
# 203.0.113.25 has nothing on 2525: its kernel answers the SYN with a RST.  Without -p the
# capture's ports are 25 and 587; the expectation's own port must still be classified, so
# line 1 passes and line 2 ("dropped") fails, with or without -p 2525.
P25=$T/port2525.expect
printf 'from %s to %s port 2525 expect refused/reset via target\nfrom %s to %s port 2525 expect dropped\n' \
    "$B" "$H25" "$B" "$H25" >"$P25"
want="1 $B $H25:2525 refused/reset $H25 true null
2 $B $H25:2525 refused/reset $H25 false expected dropped, observed refused/reset"
for opt in "" "-p 2525"; do
    name=port2525${opt:+-p}
    lab_capture_start "$NS_SND" s0 "$T/$name.pcap" tcp port 2525
    # shellcheck disable=SC2086  # $opt is empty or two words
    run_verify "$name" --json $opt "$P25"
    lab_capture_stop 0.3
    got=$(jq -r 'select(.class != null) | "\(.expect_line) \(.source) \(.server):\(.server_port) \(.class)/\(.reason) \(.responder) \(.pass) \(.why)"' \
        "$T/$name.out" 2>/dev/null | sort)
    if [ "$(cat "$T/$name.rc")" = 1 ] && [ "$got" = "$want" ]; then
        ok "port 2525 ${opt:-(not in -p)}: refused/reset from the target; 'expect dropped' fails"
    else
        bad "port 2525 ${opt:-(not in -p)}: exit $(cat "$T/$name.rc") (want 1); records (want):"
        printf '%s\n' "$want" | sed 's/^/    want | /'
        printf '%s\n' "$got" | sed 's/^/    got  | /'
        # What the wire showed: the SYNs out and the server's RSTs back.
        tcpdump -nn -r "$T/$name.pcap" 2>/dev/null | sed 's/, win .*//; s/, length .*//; s/^/    wire | /'
    fi
done

# ---- keep the outputs for a look after the run -------------------------------------------
if [ -n "${VERIFY_LAB_KEEP:-}" ]; then
    mkdir -p "$VERIFY_LAB_KEEP"
    cp "$T"/*.out "$T"/*.err "$T"/*.json "$EF" "$VERIFY_LAB_KEEP"/ 2>/dev/null
fi

lab_log "done in $((SECONDS - START)) s"
echo "verify-lab: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
