#!/usr/bin/env bash
# shellcheck disable=SC2016  # jq programs are single-quoted on purpose
# tests/lab/findings-lab.sh PROG — live lab test of the windowed findings: "smtpscope
# watch --findings --window" as firewall rules change, and "smtpscope scope" over the
# JSON of two sensors.
#
# Builds throw-away network namespaces (documentation addresses only):
#
#   snd  192.0.2.10, 192.0.2.11 (s0)        snd2  192.0.2.130 (s0)    (senders: socat bind=)
#    |   s0 -- r0                              |   s0 -- r2
#   rtr  r0 192.0.2.1/25 | r2 192.0.2.129/25 | r1 203.0.113.254, 198.51.100.10, 198.51.100.11
#    |   SNAT 192.0.2.10 -> 198.51.100.10, 192.0.2.11 -> 198.51.100.11 (out of r1)
#    |   r1 -- e0
#   rcp  203.0.113.25 (socat "220 ..." on 25 and 587)
#
# Parts 1-3 each run their own "watch --json --findings --window 10" while the senders
# connect every 0.3 s (a bounded loop), and change one firewall rule:
# 1. watch on the router's outside interface (it sees the NATed sources); the recipient
#    REJECTs 198.51.100.11 on 25 with tcp-reset, then the rule is removed: a source_block
#    finding naming .11 (failed) and .10 (accepted) starts within the window and ends
#    ("accepted") once the rule is gone; nothing before the rule, nothing else after.
# 2. As 1, the recipient accepts 198.51.100.11's SYNs on 25 at most once in 3 s and
#    REJECTs the rest: a rate_limit finding naming .11, not .10, once, ended ("accepted")
#    within a window of the limit's removal.
# 3. watch in the sender namespace; the router REJECTs port 25 to the recipient with
#    tcp-reset in FORWARD (a RST in the server's name from the first hop), 587 passes:
#    a forged_reset or local_block finding, not_recipient, responder 203.0.113.25, hops 0,
#    and, once a SYN-ACK of the server was seen, no finding that blames the recipient.
# 4. Two sensors, "watch --json --sensor A --findings" in snd and "--sensor B" in snd2, to
#    files; the recipient refuses 198.51.100.11 (A's 192.0.2.11), accepts B's 192.0.2.130:
#    A's own findings name sensor A; "scope --json --findings A.json B.json" says
#    source_block, A's source failed, B's accepted, sensors_seen 2; A.json alone says
#    all_failed (one_source), B.json nothing.
# Every expectation comes from the rules above, none from smtpscope's output.  Needs
# root; prints "findings-lab: N passed, N failed"; about 45 s.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_PREFIX=sfnd-$$
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 PROG" >&2; exit 2; }
PROG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$PROG" ] || { echo "findings-lab: $1 is not executable"; echo "findings-lab: 0 passed, 1 failed"; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
    echo "findings-lab: needs root for network namespaces"
    echo "findings-lab: 0 passed, 1 failed"
    exit 1
fi
lab_require_tools ip:iproute2 ss:iproute2 iptables:iptables socat:socat jq:jq timeout:coreutils

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
A=192.0.2.10 B=192.0.2.11 C=192.0.2.130 GW=192.0.2.1 GW2=192.0.2.129 LAN=203.0.113.254
PA=198.51.100.10 PB=198.51.100.11 RCP=203.0.113.25
W=10		# --window, seconds

NS_SND=$(lab_nsname snd) NS_SND2=$(lab_nsname snd2) NS_RTR=$(lab_nsname rtr) NS_RCP=$(lab_nsname rcp)

fw() { local ns=$1; shift; lab_log "  rule [${ns#"$LAB_PREFIX"-}]: $*"; lab_exec "$ns" "$@" || lab_die "rule failed: $*"; }

# ---- topology --------------------------------------------------------------------
lab_log "building the lab (prefix $LAB_PREFIX)"
for ns in "$NS_SND" "$NS_SND2" "$NS_RTR" "$NS_RCP"; do lab_ns_add "$ns" 0; done
lab_link "$NS_SND" "$NS_RTR" "$A/25,$B/25" "$GW/25" s0 r0
lab_link "$NS_SND2" "$NS_RTR" "$C/25" "$GW2/25" s0 r2
lab_link "$NS_RTR" "$NS_RCP" "$LAN/24,$PA/32,$PB/32" "$RCP/24" r1 e0
lab_forwarding "$NS_RTR"
ip -n "$NS_SND" route add default via "$GW" dev s0
ip -n "$NS_SND2" route add default via "$GW2" dev s0
ip -n "$NS_RCP" route add default via "$LAN" dev e0
fw "$NS_RTR" iptables -t nat -A POSTROUTING -o r1 -s "$A" -j SNAT --to-source "$PA"
fw "$NS_RTR" iptables -t nat -A POSTROUTING -o r1 -s "$B" -j SNAT --to-source "$PB"

# ---- listeners ---------------------------------------------------------------------
greet=$T/greet.sh
printf '#!/bin/sh\nprintf "220 rcp.example.test ESMTP findings-lab\\r\\n"\nexit 0\n' >"$greet"
chmod 755 "$greet"
for port in 25 587; do
    lab_bg "$NS_RCP" "$T/socat-$port.log" socat "TCP-LISTEN:$port,fork,reuseaddr,backlog=64" "EXEC:$greet"
    lab_wait_listen "$NS_RCP" "$port" 5
done

# ---- the senders and the watches ----------------------------------------------------
# send.sh STOPFILE N SRC:PORT... — N rounds at most, 0.3 s apart, until STOPFILE exists:
# one connection from each SRC to the recipient's PORT at once, each reading the banner
# (2 s bound).
SEND=$T/send.sh
cat >"$SEND" <<EOF
#!/bin/bash
stop=\$1 n=\$2; shift 2
for ((i = 0; i < n; i++)); do
    [ -e "\$stop" ] && exit 0
    for sp in "\$@"; do
        timeout 2 socat -u "TCP:$RCP:\${sp#*:},bind=\${sp%:*},connect-timeout=1" STDOUT >/dev/null 2>&1 &
    done
    wait
    sleep 0.3
done
EOF
chmod 755 "$SEND"
# connect_once NS SRC PORT — one connection from SRC to the recipient's PORT (2 s bound).
connect_once() {
    lab_exec "$1" timeout 2 socat -u "TCP:$RCP:$3,bind=$2,connect-timeout=1" STDOUT >/dev/null 2>&1
}

declare -A SEND_PIDS WATCH_PIDS
# senders_start NAME NS SRC:PORT... — the send loop in NS (200 rounds at most).
senders_start() {
    local name=$1 ns=$2; shift 2
    lab_bg "$ns" "$T/$name.send.log" "$SEND" "$T/$name.stop" 200 "$@"
    SEND_PIDS[$name]=$LAB_LAST_PID
}
# senders_stop NAME — ask the loop to stop after its round, wait for it (bounded).
senders_stop() {
    local pid=${SEND_PIDS[$1]}
    touch "$T/$1.stop"
    lab_wait_for "! kill -0 $pid" 5 || lab_log "  send loop $pid did not stop; killed"
    lab_kill "$pid"
}

# watch_start NAME NS IFACE OPTION... — "watch -i IFACE --json -Z nobody OPTION..." in NS:
# NAME.json (its standard output), NAME.err; waits until it listens.
watch_start() {
    local name=$1 ns=$2 ifc=$3; shift 3
    ip netns exec "$ns" "$PROG" watch -i "$ifc" --json -Z nobody "$@" \
        >"$T/$name.json" 2>"$T/$name.err" </dev/null &
    WATCH_PIDS[$name]=$!
    LAB_PIDS+=("$!")
    lab_wait_for "grep -q 'listening on' '$T/$name.err'" 5 ||
        { show "$T/$name.err"; lab_die "watch on ${ns#"$LAB_PREFIX"-}:$ifc did not start within 5 s"; }
}
# watch_stop NAME — SIGINT; it must exit 0 within 5 s.
watch_stop() {
    local rc=0 pid=${WATCH_PIDS[$1]}
    kill -s INT "$pid" 2>/dev/null
    if lab_wait_for "! kill -0 $pid" 5; then
        wait "$pid" || rc=$?
        lab_forget_pid "$pid"
    else
        rc=timeout
        lab_kill "$pid" KILL
    fi
    if [ "$rc" = 0 ]; then ok "$1: watch exits 0 on SIGINT"; else bad "$1: watch exit $rc on SIGINT"; show "$T/$1.err"; fi
}

# findings FILE FILTER — the finding lines of FILE selected by the jq FILTER, compact.
findings() { jq -c 'select(.type == "finding") | select('"$2"')' "$1" 2>/dev/null; }
# events FILE — "state kind" of each finding line as it happened (not the
# whole run's findings that --scope, implied by scope, adds), comma-terminated.
events() { findings "$1" '.state != "final"' | jq -r '"\(.state) \(.kind)"' | tr '\n' ','; }
# attempts FILE — "client class" of each attempt record, sorted, unique, comma-terminated.
attempts() {
    jq -r 'select((.type // "attempt") == "attempt") | "\(.client) \(.class)"' "$1" 2>/dev/null |
        sort -u | tr '\n' ','
}
# wait_finding NAME FILTER SECS — every 0.1 s until a finding of watch NAME matches
# FILTER, at most SECS s; prints the first match and its delay (ms) as "MS LINE"; fails
# when none came (or the watch is gone).
wait_finding() {
    local f=$T/$1.json q=$2 n=$(($3 * 10)) t0 line i
    t0=$(lab_now_us)
    for ((i = 0; i < n; i++)); do
        line=$(findings "$f" "$q" | head -n 1)
        [ -n "$line" ] && { echo "$(( ($(lab_now_us) - t0) / 1000 )) $line"; return 0; }
        kill -0 "${WATCH_PIDS[$1]}" 2>/dev/null || { lab_log "  watch $1 is gone"; return 1; }
        sleep 0.1
    done
    return 1
}
# has_source LIST ADDR — jq: LIST (sources_failed/_accepted) names ADDR.
has_source() { printf '([.%s[].address] | index("%s") != null)' "$1" "$2"; }
# mismatch LINE JQ ARGS... — run the jq program (a list of "what differs" strings) on
# LINE; prints them joined, empty when everything is as expected.
mismatch() { local line=$1 prog=$2; shift 2; jq -r "$@" "[$prog] | join(\", \")" <<<"$line"; }

# ---- 1. a block aimed at one NATed source, added and removed ---------------------------
lab_log "part 1: a block aimed at $PB ($B behind NAT)"
N=block
watch_start $N "$NS_RTR" r1 --findings --window "$W"
senders_start $N "$NS_SND" "$A:25" "$B:25"
lab_wait_for "[ \"\$(attempts '$T/$N.json')\" = '$PA accepted,$PB accepted,' ]" 5
before=$(findings "$T/$N.json" true | wc -l) acc=$(attempts "$T/$N.json")
if [ "$before" = 0 ] && [ "$acc" = "$PA accepted,$PB accepted," ]; then
    ok "block: both NATed sources accepted, no finding before the rule"
else
    bad "block: before the rule: attempts '$acc' (want both accepted), $before findings (want 0)"
    show "$T/$N.json"
fi
sleep 1
fw "$NS_RCP" iptables -I INPUT 1 -s "$PB" -p tcp --dport 25 -j REJECT --reject-with tcp-reset
id=none
if got=$(wait_finding $N '.state == "started" and .kind == "source_block" and '"$(has_source sources_failed "$PB")" "$W"); then
    line=${got#* }
    ok "block: source_block started ${got%% *} ms after the rule"
    id=$(jq -r .id <<<"$line")
    d=$(mismatch "$line" '
        (if .server != $s or .server_port != 25 then "server \(.server):\(.server_port)" else empty end),
        (if [.sources_failed[].address] != [$pb] then "sources_failed \([.sources_failed[].address])" else empty end),
        (if [.sources_accepted[].address] != [$pa] then "sources_accepted \([.sources_accepted[].address])" else empty end),
        (if "\(.class)/\(.reason)" != "refused/reset" then "\(.class)/\(.reason)" else empty end),
        (if .responder != $s or .responder_is_server != true then "responder \(.responder) \(.responder_is_server)" else empty end),
        (if .not_recipient != false then "not_recipient \(.not_recipient)" else empty end)' \
        --arg pa "$PA" --arg pb "$PB" --arg s "$RCP")
    if [ -z "$d" ]; then
        ok "block: failed [$PB], accepted [$PA], refused/reset answered by $RCP, the recipient's doing"
    else
        bad "block: the started finding: $d"; echo "    | $line"
    fi
else
    bad "block: no source_block naming $PB within $W s of the rule"; show "$T/$N.json"
fi
sleep 2
ended_early=$(findings "$T/$N.json" ".id == \"$id\" and .state == \"ended\"" | wc -l)
fw "$NS_RCP" iptables -D INPUT -s "$PB" -p tcp --dport 25 -j REJECT --reject-with tcp-reset
if got=$(wait_finding $N ".id == \"$id\" and .state == \"ended\"" "$W"); then
    line=${got#* }
    if [ "$ended_early" = 0 ] && [ "$(jq -r .end <<<"$line")" = accepted ]; then
        ok "block: the same finding ended (accepted) ${got%% *} ms after the rule was removed"
    else
        bad "block: ended: end $(jq -r .end <<<"$line") (want accepted), $ended_early ended while the rule was in"
        echo "    | $line"
    fi
else
    bad "block: no ended for $id within $W s of removing the rule"; show "$T/$N.json"
fi
sleep 2
senders_stop $N
watch_stop $N
evs=$(events "$T/$N.json")
if [ "$evs" = "started source_block,ended source_block," ]; then
    ok "block: one started and one ended finding, nothing else"
else
    bad "block: finding events '$evs' (want 'started source_block,ended source_block,')"
    findings "$T/$N.json" true | sed 's/^/    | /'
fi

# ---- 2. a rate limit aimed at one NATed source ------------------------------------------
lab_log "part 2: a rate limit aimed at $PB"
N=rate
fw "$NS_RCP" iptables -I INPUT 1 -s "$PB" -p tcp --dport 25 --syn -j REJECT --reject-with tcp-reset
fw "$NS_RCP" iptables -I INPUT 1 -s "$PB" -p tcp --dport 25 --syn -m limit --limit 20/minute --limit-burst 1 -j ACCEPT
watch_start $N "$NS_RTR" r1 --findings --window "$W"
senders_start $N "$NS_SND" "$A:25" "$B:25"
id=none
if got=$(wait_finding $N '.state == "started" and .kind == "rate_limit"' "$W"); then
    line=${got#* }
    id=$(jq -r .id <<<"$line")
    d=$(mismatch "$line" '
        (if .server != $s or .server_port != 25 then "server \(.server):\(.server_port)" else empty end),
        (if [.sources_failed[].address] != [$pb] then "sources_failed \([.sources_failed[].address])" else empty end),
        (if "\(.class)/\(.reason)" != "refused/reset" then "\(.class)/\(.reason)" else empty end),
        (if .not_recipient != false then "not_recipient \(.not_recipient)" else empty end)' \
        --arg pb "$PB" --arg s "$RCP")
    if [ -z "$d" ]; then
        ok "rate: rate_limit started ${got%% *} ms after the first attempt, naming [$PB] only"
    else
        bad "rate: the started finding: $d"; echo "    | $line"
    fi
else
    bad "rate: no rate_limit finding within $W s"; show "$T/$N.json"
fi
# What the recipient did: .11 both accepted and refused, .10 only accepted.
sleep 2
mix=$(attempts "$T/$N.json")
if [ "$mix" = "$PA accepted,$PB accepted,$PB refused," ]; then
    ok "rate: $PB accepted and refused by turns, $PA accepted"
else
    bad "rate: attempts '$mix' (want '$PA accepted,$PB accepted,$PB refused,')"
fi
fw "$NS_RCP" iptables -F INPUT
# The window must pass over the last refusal: W s, and a second for the evaluation.
if got=$(wait_finding $N ".id == \"$id\" and .state == \"ended\"" $((W + 4))); then
    line=${got#* }
    if [ "$(jq -r .end <<<"$line")" = accepted ]; then
        ok "rate: the rate_limit ended (accepted) ${got%% *} ms after the limit was removed"
    else
        bad "rate: ended: end $(jq -r .end <<<"$line") (want accepted)"; echo "    | $line"
    fi
else
    bad "rate: no ended for $id within $((W + 4)) s of removing the limit"
    findings "$T/$N.json" true | sed 's/^/    | /'
fi
senders_stop $N
watch_stop $N
# The first refusal looks like a block (nothing tells them apart yet), ended by the next
# acceptance; then the rate limit, once, with no other event until it ends.
evs=$(events "$T/$N.json")
case $evs in
    "started rate_limit,ended rate_limit," | \
    "started source_block,ended source_block,started rate_limit,ended rate_limit,")
        ok "rate: one rate_limit started and ended, no flapping" ;;
    *)  bad "rate: finding events '$evs'"; findings "$T/$N.json" true | sed 's/^/    | /' ;;
esac

# ---- 3. a gateway forging resets on port 25 ---------------------------------------------
lab_log "part 3: the router forges resets on port 25 to $RCP"
N=forged
fw "$NS_RTR" iptables -I FORWARD 1 -d "$RCP" -p tcp --dport 25 -j REJECT --reject-with tcp-reset
watch_start $N "$NS_SND" s0 --findings --window "$W"
# The server's SYN-ACKs (587, one hop away) first: before any, a RST in its name is all
# there is to go on, and one from hop 0 is the server's refusal as far as anyone can tell.
connect_once "$NS_SND" "$A" 587
if ! lab_wait_for "jq -e 'select(.server_port == 587 and .class == \"accepted\")' '$T/$N.json'" 3; then
    bad "forged: no accepted attempt on 587 before the port 25 ones"; show "$T/$N.json"
fi
senders_start $N "$NS_SND" "$A:587" "$A:25"
if got=$(wait_finding $N '.state == "started" and (.kind == "forged_reset" or .kind == "local_block")' "$W"); then
    line=${got#* }
    d=$(mismatch "$line" '
        (if .server != $s or .server_port != 25 then "server \(.server):\(.server_port)" else empty end),
        (if [.sources_failed[].address] != [$a] then "sources_failed \([.sources_failed[].address])" else empty end),
        (if .not_recipient != true then "not_recipient \(.not_recipient)" else empty end),
        (if .responder != $s then "responder \(.responder)" else empty end),
        (if .hops != 0 then "hops \(.hops)" else empty end),
        (if .kind == "forged_reset" and (.synack_hops != 1 or .synack_port != 587)
            then "synack_hops \(.synack_hops) port \(.synack_port)" else empty end),
        (if .kind == "local_block" and .responder_is_server != false
            then "local_block with responder_is_server \(.responder_is_server)" else empty end)' \
        --arg a "$A" --arg s "$RCP")
    if [ -z "$d" ]; then
        ok "forged: $(jq -r .kind <<<"$line") started ${got%% *} ms after the first attempt: not the recipient, RST in its name from hop 0"
    else
        bad "forged: the started finding: $d"; echo "    | $line"
    fi
else
    bad "forged: no forged_reset or local_block finding within $W s"; show "$T/$N.json"
fi
sleep 1
senders_stop $N
watch_stop $N
blame=$(findings "$T/$N.json" '.not_recipient == false')
if [ -z "$blame" ]; then
    ok "forged: no finding blames the recipient"
else
    bad "forged: findings blaming the recipient:"; printf '%s\n' "$blame" | sed 's/^/    | /'
fi
fw "$NS_RTR" iptables -F FORWARD

# ---- 4. two sensors: what neither sees alone ----------------------------------------------
lab_log "part 4: sensor A ($B, refused) and sensor B ($C, accepted); scope over both"
if ! "$PROG" -h 2>&1 | grep -q -- '--sensor' || ! "$PROG" -h 2>&1 | grep -q ' scope '; then
    bad "sensors: $PROG has no --sensor or no scope command (part 4 needs both)"
else
    fw "$NS_RCP" iptables -I INPUT 1 -s "$PB" -p tcp --dport 25 -j REJECT --reject-with tcp-reset
    watch_start A "$NS_SND" s0 --sensor A --findings --window "$W"
    watch_start B "$NS_SND2" s0 --sensor B
    senders_start A "$NS_SND" "$B:25"
    senders_start B "$NS_SND2" "$C:25"
    lab_wait_for "[ \"\$(attempts '$T/A.json')\" = '$B refused,' ] && [ \"\$(attempts '$T/B.json')\" = '$C accepted,' ]" 5
    sleep 1
    senders_stop A
    senders_stop B
    watch_stop A
    watch_stop B
    fw "$NS_RCP" iptables -F INPUT
    a=$(attempts "$T/A.json") b=$(attempts "$T/B.json")
    sa=$(jq -r 'select((.type // "attempt") == "attempt") | .sensor' "$T/A.json" 2>/dev/null | sort -u | tr '\n' ,)
    sb=$(jq -r 'select((.type // "attempt") == "attempt") | .sensor' "$T/B.json" 2>/dev/null | sort -u | tr '\n' ,)
    if [ "$a" = "$B refused," ] && [ "$b" = "$C accepted," ] && [ "$sa" = "A," ] && [ "$sb" = "B," ]; then
        ok "sensors: A saw $B refused only, B saw $C accepted only, each record signed"
    else
        bad "sensors: A '$a' signed '$sa' (want '$B refused,' 'A,'), B '$b' signed '$sb' (want '$C accepted,' 'B,')"
    fi
    # A sensor's own findings name it, as its records do (DESIGN.md, "Past one host").
    line=$(findings "$T/A.json" '.state == "started" and .kind == "all_failed"' | head -n 1)
    d=$(mismatch "${line:-null}" '
        (if . == null then "no started all_failed" else empty end),
        (if .sensor != "A" then "sensor \(.sensor)" else empty end),
        (if [(.sources_failed // [])[] | "\(.address)/\(.sensor)"] != ["\($b)/A"] then "sources_failed \(.sources_failed)" else empty end),
        (if .one_source != true then "one_source \(.one_source)" else empty end)' --arg b "$B")
    if [ -z "$d" ]; then
        ok "sensors: A's own all_failed finding names sensor A, one_source"
    else
        bad "sensors: A's own finding: $d"; echo "    | $line"
    fi
    # scope_run NAME FILE... — "scope --json --findings FILE..." (30 s bound): NAME.out,
    # NAME.scope-err, NAME.rc.
    scope_run() {
        local name=$1 rc=0; shift
        timeout 30 "$PROG" scope --json --findings "$@" >"$T/$name.out" 2>"$T/$name.scope-err" || rc=$?
        echo "$rc" >"$T/$name.rc"
    }
    scope_run both "$T/A.json" "$T/B.json"
    line=$(findings "$T/both.out" '.state == "started" and .kind == "source_block"' | head -n 1)
    if [ "$(cat "$T/both.rc")" != 0 ] || [ -z "$line" ]; then
        bad "scope A B: exit $(cat "$T/both.rc"), no started source_block"; show "$T/both.out"; show "$T/both.scope-err"
    else
        d=$(mismatch "$line" '
            (if .server != $s or .server_port != 25 then "server \(.server):\(.server_port)" else empty end),
            (if [.sources_failed[] | "\(.address)/\(.sensor)"] != ["\($b)/A"] then "sources_failed \(.sources_failed)" else empty end),
            (if [.sources_accepted[] | "\(.address)/\(.sensor)"] != ["\($c)/B"] then "sources_accepted \(.sources_accepted)" else empty end),
            (if .sensors_seen != 2 or .sensors_failed != 1 then "sensors \(.sensors_failed) of \(.sensors_seen)" else empty end),
            (if .not_recipient != false or .one_source != false then "not_recipient \(.not_recipient) one_source \(.one_source)" else empty end)' \
            --arg b "$B" --arg c "$C" --arg s "$RCP")
        if [ -z "$d" ]; then
            ok "scope A B: source_block, $B (A) failed while $C (B) accepted, 1 of 2 sensors failing"
        else
            bad "scope A B: the started finding: $d"; echo "    | $line"
        fi
    fi
    # The whole run's findings (scope implies --scope) say the same.
    if [ -n "$(findings "$T/both.out" '.state == "final" and .kind == "source_block"')" ]; then
        ok "scope A B: the whole run's findings name the block too"
    else
        bad "scope A B: no final source_block"; findings "$T/both.out" true | sed 's/^/    | /'
    fi
    id=$(jq -r .id <<<"${line:-null}")
    if [ -n "$line" ] && [ -z "$(findings "$T/both.out" ".id == \"$id\" and .state == \"ended\"")" ]; then
        ok "scope A B: the source_block is in force at the end of the input"
    else
        bad "scope A B: the source_block ended or never started"; findings "$T/both.out" true | sed 's/^/    | /'
    fi
    # Neither sensor alone supports it.
    scope_run alone-a "$T/A.json"
    scope_run alone-b "$T/B.json"
    ea=$(events "$T/alone-a.out")
    oa=$(findings "$T/alone-a.out" '.kind == "all_failed"' | jq -r '"\(.one_source) \(.sensors_seen)"' | head -n 1)
    eb=$(events "$T/alone-b.out")
    if [ "$(cat "$T/alone-a.rc")" = 0 ] && [ "$ea" = "started all_failed," ] && [ "$oa" = "true 1" ]; then
        ok "scope A alone: all_failed only, one_source (it cannot tell a block aimed at $B)"
    else
        bad "scope A alone: exit $(cat "$T/alone-a.rc"), events '$ea' (want 'started all_failed,'), one_source/sensors '$oa' (want 'true 1')"
        show "$T/alone-a.out"
    fi
    if [ "$(cat "$T/alone-b.rc")" = 0 ] && [ -z "$eb" ] && [ -s "$T/alone-b.out" ]; then
        ok "scope B alone: no finding"
    else
        bad "scope B alone: exit $(cat "$T/alone-b.rc"), events '$eb' (want none)"; show "$T/alone-b.out"
    fi
fi

# ---- keep the outputs for a look after the run -------------------------------------------
if [ -n "${FINDINGS_LAB_KEEP:-}" ]; then
    mkdir -p "$FINDINGS_LAB_KEEP"
    cp "$T"/*.json "$T"/*.err "$T"/*.out "$FINDINGS_LAB_KEEP"/ 2>/dev/null
fi

lab_log "done in $((SECONDS - START)) s"
echo "findings-lab: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
