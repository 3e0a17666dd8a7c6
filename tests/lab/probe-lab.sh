#!/usr/bin/env bash
# shellcheck disable=SC2016  # jq programs and bash -c scripts are single-quoted on purpose
# tests/lab/probe-lab.sh PROG — live lab test of "smtpscope probe".
#
# Builds throw-away network namespaces (documentation addresses only):
#
#   snd  192.0.2.10, 192.0.2.11, 2001:db8:10::10, 2001:db8:10::11   (the prober)
#    |   s0 -- r0
#   rtr  192.0.2.254, 2001:db8:10::254 | br0 203.0.113.254, 2001:db8:203::254
#        SNAT 192.0.2.11 -> 198.51.100.11, 2001:db8:10::11 -> 2001:db8:51::11 (NAT66;
#        left un-NATed when the kernel cannot), FORWARD REJECT admin-prohibited to mx2:587
#    |   br0 (bridge) -- one veth per namespace below
#   mx1  203.0.113.25  2001:db8:203::25   mx2 ...26   mx3 ...27   nomx ...28 + ...40
#   dns  203.0.113.53 (dnsmasq)
#
# and runs "PROG probe" from snd (IPv4 JSON, IPv6 JSON, literal --target
# addresses, --retries, text with the matrix and its column order,
# --max-probes overflow, a --source that is not snd's refused and
# --spoofed-source accepted, targets snd's own stack refuses to send to: a
# prohibit route and an OUTPUT REJECT), then nmap -sS --reason from snd for
# every source as a cross-check.  Every
# expectation comes from the tables below, which restate the configuration;
# none comes from smtpscope.  PROBE_LAB_KEEP=DIR keeps every output in DIR.
#
# Needs root; prints "probe: N passed, N failed"; about 25 s.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 PROG" >&2; exit 2; }
PROG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$PROG" ] || { echo "probe: $1 is not executable"; echo "probe: 0 passed, 1 failed"; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
    echo "probe: needs root for network namespaces"
    echo "probe: 0 passed, 1 failed"
    exit 1
fi
lab_require_tools ip:iproute2 ss:iproute2 iptables:iptables ip6tables:iptables socat:socat \
    dnsmasq:dnsmasq-base jq:jq timeout:coreutils
if ! command -v nmap >/dev/null 2>&1; then
    make -s --no-print-directory -C "$HERE/../.." deps PKGS=nmap >&2 || true
fi
lab_require_tools nmap:nmap

pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
# check COND-STATUS TEXT — ok/bad by the status of the previous test.
check() { if [ "$1" -eq 0 ]; then ok "$2"; else bad "$2"; fi; }

lab_init
T=$LAB_TMP
chmod 755 "$T"

# ---- addresses -------------------------------------------------------------------
A4=192.0.2.10        B4=192.0.2.11        B4PUB=198.51.100.11
A6=2001:db8:10::10   B6=2001:db8:10::11   B6PUB=2001:db8:51::11
RTR4=192.0.2.254     RTR6=2001:db8:10::254
LAN4=203.0.113.254   LAN6=2001:db8:203::254
MX1_4=203.0.113.25   MX1_6=2001:db8:203::25
MX2_4=203.0.113.26   MX2_6=2001:db8:203::26
MX3_4=203.0.113.27   MX3_6=2001:db8:203::27
NOMX_4=203.0.113.28  NOMX_6=2001:db8:203::28
TGT_4=203.0.113.40   TGT_6=2001:db8:203::40
DNS4=203.0.113.53     DNS6=2001:db8:203::53

SND=$(lab_nsname snd) RTR=$(lab_nsname rtr) DNS=$(lab_nsname dns)
MX1=$(lab_nsname mx1) MX2=$(lab_nsname mx2) MX3=$(lab_nsname mx3) NOMX=$(lab_nsname nomx)

fw() { local ns=$1; shift; lab_log "  rule [${ns#"$LAB_PREFIX"-}]: $*"; lab_exec "$ns" "$@" || lab_die "rule failed: $*"; }

# ---- topology --------------------------------------------------------------------
lab_log "building the lab (prefix $LAB_PREFIX)"
for ns in "$SND" "$RTR" "$DNS" "$MX1" "$MX2" "$MX3" "$NOMX"; do lab_ns_add "$ns" 1; done
# The first address added is the primary one: DNS queries leave from 192.0.2.10.
lab_link "$SND" "$RTR" "$A4/24,$B4/24,$A6/64,$B6/64" "$RTR4/24,$RTR6/64" s0 r0
lab_forwarding "$RTR"
ip -n "$RTR" link add br0 type bridge || lab_die "cannot create a bridge in $RTR"
ip -n "$RTR" link set br0 up
lab_addr "$RTR" br0 "$LAN4/24,$LAN6/64"
ip -n "$SND" route add default via "$RTR4" dev s0
ip -n "$SND" -6 route add default via "$RTR6" dev s0

# lan NS SHORT ADDRS — veth from the router's bridge to NS (e0), default route via the router.
lan() {
    local ns=$1 short=$2 addrs=$3
    lab_link "$RTR" "$ns" - "$addrs" "p-$short" e0
    ip -n "$RTR" link set "p-$short" master br0
    ip -n "$ns" route add default via "$LAN4" dev e0
    ip -n "$ns" -6 route add default via "$LAN6" dev e0
}
lan "$MX1" mx1 "$MX1_4/24,$MX1_6/64"
lan "$MX2" mx2 "$MX2_4/24,$MX2_6/64"
lan "$MX3" mx3 "$MX3_4/24,$MX3_6/64"
lan "$NOMX" nomx "$NOMX_4/24,$TGT_4/24,$NOMX_6/64,$TGT_6/64"
lan "$DNS" dns "$DNS4/24,$DNS6/64"

# ---- source NAT on the router ----------------------------------------------------
fw "$RTR" iptables -t nat -A POSTROUTING -o br0 -s "$B4" -j SNAT --to-source "$B4PUB"
if lab_exec "$RTR" ip6tables -t nat -A POSTROUTING -o br0 -s "$B6" -j SNAT --to-source "$B6PUB" 2>"$T/nat66.err"; then
    lab_log "  rule [rtr]: ip6tables -t nat -A POSTROUTING -o br0 -s $B6 -j SNAT --to-source $B6PUB"
    NAT66=1
else
    lab_log "NOTE: this kernel has no IPv6 NAT ($(head -n1 "$T/nat66.err")): $B6 stays un-NATed"
    B6PUB=$B6
    NAT66=0
fi

# ---- listeners -------------------------------------------------------------------
# listen NS SHORT PORT — socat on [::]:PORT (IPv4 too) sending a 220 greeting.
listen() {
    local ns=$1 short=$2 port=$3 sh=$T/greet-$2-$3.sh
    printf '#!/bin/sh\nprintf "220 %s.example.test ESMTP lab\\r\\n"\nexit 0\n' "$short" >"$sh"
    chmod 755 "$sh"
    lab_bg "$ns" "$T/socat-$short-$port.log" socat "TCP6-LISTEN:$port,fork,reuseaddr,ipv6only=0" "EXEC:$sh"
    lab_wait_listen "$ns" "$port" 5
}
listen "$MX1" mx1 25                       # mx1: nothing on 587 (closed: kernel RST)
listen "$MX2" mx2 25; listen "$MX2" mx2 587
listen "$MX3" mx3 25; listen "$MX3" mx3 587
listen "$NOMX" nomx 25; listen "$NOMX" nomx 587

# ---- firewall rules (the configuration the expectations restate) ---------------------
# mx1: accepts 192.0.2.10 on 25, RSTs the NATed public address.
fw "$MX1" iptables  -A INPUT -p tcp --dport 25 -s "$B4PUB" -j REJECT --reject-with tcp-reset
fw "$MX1" ip6tables -A INPUT -p tcp --dport 25 -s "$B6PUB" -j REJECT --reject-with tcp-reset
# mx2: admin-prohibited to the NATed public address on 25; the router rejects 587 for all.
fw "$MX2" iptables  -A INPUT -p tcp --dport 25 -s "$B4PUB" -j REJECT --reject-with icmp-admin-prohibited
fw "$MX2" ip6tables -A INPUT -p tcp --dport 25 -s "$B6PUB" -j REJECT --reject-with icmp6-adm-prohibited
fw "$RTR" iptables  -A FORWARD -p tcp -d "$MX2_4" --dport 587 -j REJECT --reject-with icmp-admin-prohibited
fw "$RTR" ip6tables -A FORWARD -p tcp -d "$MX2_6" --dport 587 -j REJECT --reject-with icmp6-adm-prohibited
# mx3: drops everything on 25; on 587 the NATed address gets a port-unreachable.
fw "$MX3" iptables  -A INPUT -p tcp --dport 25 -j DROP
fw "$MX3" ip6tables -A INPUT -p tcp --dport 25 -j DROP
fw "$MX3" iptables  -A INPUT -p tcp --dport 587 -s "$B4PUB" -j REJECT --reject-with icmp-port-unreachable
fw "$MX3" ip6tables -A INPUT -p tcp --dport 587 -s "$B6PUB" -j REJECT --reject-with icmp6-port-unreachable
# nomx: accepts 25 from all; its MX address (not the --target one) rejects 587.
fw "$NOMX" iptables  -A INPUT -p tcp -d "$NOMX_4" --dport 587 -j REJECT --reject-with icmp-host-prohibited
fw "$NOMX" ip6tables -A INPUT -p tcp -d "$NOMX_6" --dport 587 -j REJECT --reject-with icmp6-addr-unreachable
# Counters (no target): every SYN to 25/587 the router forwards or rejects.
fw "$RTR" iptables  -I FORWARD 1 -p tcp --syn -m multiport --dports 25,587
fw "$RTR" ip6tables -I FORWARD 1 -p tcp --syn -m multiport --dports 25,587
# The prober's own kernel must not answer SYN-ACKs with RSTs: only smtpscope's own
# RST may close the recipients' half-open connections (checked with ss).  The
# capture (AF_PACKET) still sees the SYN-ACKs.
fw "$SND" iptables  -A INPUT -p tcp --tcp-flags SYN,ACK SYN,ACK -m multiport --sports 25,587 -j DROP
fw "$SND" ip6tables -A INPUT -p tcp --tcp-flags SYN,ACK SYN,ACK -m multiport --sports 25,587 -j DROP

# ---- DNS -------------------------------------------------------------------------
# MX records are given highest preference value first, so the order of the answer is
# not already the preference order.  --local=/test/: names under .test that are not
# here are NXDOMAIN (no upstream).  --host-record also makes the PTR records.
lab_bg "$DNS" "$T/dnsmasq.log" dnsmasq --no-daemon --no-resolv --no-hosts --conf-file=/dev/null \
    --listen-address="$DNS4" --bind-interfaces --port=53 --log-queries --local=/test/ \
    --mx-host=example.test,mx2.example.test,20 \
    --mx-host=example.test,mx1.example.test,10 \
    --mx-host=mx3.test,mail.mx3.test,5 \
    --host-record=mx1.example.test,"$MX1_4","$MX1_6" \
    --host-record=mx2.example.test,"$MX2_4","$MX2_6" \
    --host-record=mail.mx3.test,"$MX3_4","$MX3_6" \
    --host-record=nomx.example.test,"$NOMX_4","$NOMX_6" \
    --ptr-record=40.113.0.203.in-addr.arpa,tgt.example.test \
    --ptr-record=0.4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.2.0.8.b.d.0.1.0.0.2.ip6.arpa,tgt.example.test
DNSMASQ_PID=$LAB_LAST_PID
lab_wait_listen "$DNS" 53 5 udp
lab_log "dnsmasq pid $DNSMASQ_PID on $DNS4:53"

# ---- the expectation table -------------------------------------------------------------
# source target port class reason responder icmp errno mx mx_pref [syns, default 1]
#   responder: server (the target, one router away: hops 1), router (its address towards
#              snd, hops 0), - (none)
#   icmp: type/code or -;  mx/mx_pref: - for null
EXP4=(
"$A4 $MX1_4 25  accepted   syn-ack          server - -            mx1.example.test 10"
"$B4 $MX1_4 25  refused    reset            server - ECONNREFUSED mx1.example.test 10"
"$A4 $MX1_4 587 refused    reset            server - ECONNREFUSED mx1.example.test 10"
"$B4 $MX1_4 587 refused    reset            server - ECONNREFUSED mx1.example.test 10"
"$A4 $MX2_4 25  accepted   syn-ack          server - -            mx2.example.test 20"
"$B4 $MX2_4 25  prohibited admin-prohibited server 3/13 EHOSTUNREACH mx2.example.test 20"
"$A4 $MX2_4 587 prohibited admin-prohibited router 3/13 EHOSTUNREACH mx2.example.test 20"
"$B4 $MX2_4 587 prohibited admin-prohibited router 3/13 EHOSTUNREACH mx2.example.test 20"
"$A4 $MX3_4 25  dropped    no-response      -      - ETIMEDOUT    mail.mx3.test 5"
"$B4 $MX3_4 25  dropped    no-response      -      - ETIMEDOUT    mail.mx3.test 5"
"$A4 $MX3_4 587 accepted   syn-ack          server - -            mail.mx3.test 5"
"$B4 $MX3_4 587 refused    port-unreach     server 3/3 ECONNREFUSED mail.mx3.test 5"
"$A4 $NOMX_4 25  accepted   syn-ack         server - -            nomx.example.test 0"
"$B4 $NOMX_4 25  accepted   syn-ack         server - -            nomx.example.test 0"
"$A4 $NOMX_4 587 prohibited host-prohibited server 3/10 EHOSTUNREACH nomx.example.test 0"
"$B4 $NOMX_4 587 prohibited host-prohibited server 3/10 EHOSTUNREACH nomx.example.test 0"
)
EXP6=(
"$A6 $MX1_6 25  accepted   syn-ack          server - -            mx1.example.test 10"
"$B6 $MX1_6 25  refused    reset            server - ECONNREFUSED mx1.example.test 10"
"$A6 $MX1_6 587 refused    reset            server - ECONNREFUSED mx1.example.test 10"
"$B6 $MX1_6 587 refused    reset            server - ECONNREFUSED mx1.example.test 10"
"$A6 $MX2_6 25  accepted   syn-ack          server - -            mx2.example.test 20"
"$B6 $MX2_6 25  prohibited admin-prohibited server 1/1 EACCES     mx2.example.test 20"
"$A6 $MX2_6 587 prohibited admin-prohibited router 1/1 EACCES     mx2.example.test 20"
"$B6 $MX2_6 587 prohibited admin-prohibited router 1/1 EACCES     mx2.example.test 20"
"$A6 $MX3_6 25  dropped    no-response      -      - ETIMEDOUT    mail.mx3.test 5"
"$B6 $MX3_6 25  dropped    no-response      -      - ETIMEDOUT    mail.mx3.test 5"
"$A6 $MX3_6 587 accepted   syn-ack          server - -            mail.mx3.test 5"
"$B6 $MX3_6 587 refused    port-unreach     server 1/4 ECONNREFUSED mail.mx3.test 5"
"$A6 $NOMX_6 25  accepted   syn-ack         server - -            nomx.example.test 0"
"$B6 $NOMX_6 25  accepted   syn-ack         server - -            nomx.example.test 0"
"$A6 $NOMX_6 587 unreachable host-unreach   server 1/3 EHOSTUNREACH nomx.example.test 0"
"$B6 $NOMX_6 587 unreachable host-unreach   server 1/3 EHOSTUNREACH nomx.example.test 0"
)
# literal --target addresses (nomx's second address: accepts everyone on 25 and 587)
EXPT=(
"$A4 $TGT_4 25  accepted syn-ack server - - - -"
"$A4 $TGT_4 587 accepted syn-ack server - - - -"
"$B6 $TGT_6 25  accepted syn-ack server - - - -"
"$B6 $TGT_6 587 accepted syn-ack server - - - -"
)
# What DNS must say (dnsmasq's records above), per family of the run.
DNS_MX=(
"dns: example.test: MX: mx1.example.test (10)"
"dns: example.test: MX: mx2.example.test (20)"
"dns: mx3.test: MX: mail.mx3.test (5)"
"dns: nomx.example.test: MX: none, using its A/AAAA (implicit MX)"
"dns: missing.example.test: MX: NXDOMAIN"
)
# host -> "v4 v6" addresses
declare -A DNS_ADDRS=(
    [mx1.example.test]="$MX1_4 $MX1_6"
    [mx2.example.test]="$MX2_4 $MX2_6"
    [mail.mx3.test]="$MX3_4 $MX3_6"
    [nomx.example.test]="$NOMX_4 $NOMX_6"
)
MXARGS=(--dns-server "$DNS4" --mx example.test --mx mx3.test --mx nomx.example.test --mx missing.example.test)

# ---- helpers -----------------------------------------------------------------------------
# fwd_syns — SYNs to 25/587 counted on the router so far (IPv4 + IPv6).
fwd_syns() {
    local a b
    a=$(lab_exec "$RTR" iptables -nvxL FORWARD 1 | awk '{print $1}')
    b=$(lab_exec "$RTR" ip6tables -nvxL FORWARD 1 | awk '{print $1}')
    echo $((a + b))
}

# started FILE — FILE has the "listening on" line (builtins only: no fork).
started() {
    local l
    while IFS= read -r l; do
        [[ $l == *"listening on"* ]] && return 0
    done <"$1"
    return 1
}

# read_uids PID — RUN_UIDS: real, effective, saved and filesystem uid of PID
# (builtins only).
read_uids() {
    local k a b c d
    while read -r k a b c d _; do
        [ "$k" = Uid: ] && { RUN_UIDS="$a $b $c $d"; return; }
    done <"/proc/$1/status" 2>/dev/null
}

# run_probe NAME ARGS... — "PROG probe ARGS" in snd, bounded to 30 s; stdout NAME.out,
# stderr NAME.err, status in RUN_RC, uids seen after start-up in RUN_UIDS, SYNs counted by
# the router in RUN_SYNS.
run_probe() {
    local name=$1 pid i before
    shift
    before=$(fwd_syns)
    RUN_UIDS=
    ip netns exec "$SND" "$PROG" probe "$@" >"$T/$name.out" 2>"$T/$name.err" </dev/null &
    pid=$!
    LAB_PIDS+=("$pid")
    # ip netns exec exec()s the program: $pid is smtpscope itself.  A run
    # whose targets all answer at once ends some 30 ms after it says
    # "listening on": look every few milliseconds, with shell builtins only.
    for ((i = 0; i < 1500; i++)); do
        if started "$T/$name.err"; then
            read_uids "$pid"
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.003
    done
    for ((i = 0; i < 600; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
        lab_log "probe run $name still running after 30 s: killing it"
        lab_kill "$pid"
        RUN_RC=124
    else
        wait "$pid"; RUN_RC=$?
        lab_forget_pid "$pid"
    fi
    RUN_SYNS=$(( $(fwd_syns) - before ))
    lab_log "probe run $name: exit $RUN_RC, $(wc -l <"$T/$name.out") stdout lines, $RUN_SYNS SYNs through the router"
}

# got_line FILE SRC DST PORT — the record of one probe in the table's format (or "" / several).
got_line() {
    jq -r --arg c "$2" --arg s "$3" --argjson p "$4" '
        def n(x): if x == null then "-" else (x | tostring) end;
        select(.client == $c and .server == $s and .server_port == $p)
        | "\(.class) \(.reason) \(
            if .responder == null then "- -"
            else "\(.responder) \(n(.responder_is_server))" end
          ) \(if .icmp_type == null then "-" else "\(.icmp_type)/\(n(.icmp_code))" end) \(n(.errno)) \(n(.mx)) \(n(.mx_pref)) source=\(n(.source)) family=\(n(.family)) syns=\(n(.syns)) hops=\(n(.hops))"' "$1"
}

# check_records LABEL FILE ROW... — every row of the table has exactly one matching record,
# with every field as configured, and there is no other record.
check_records() {
    local label=$1 file=$2 row got want resp fam hops n=0
    shift 2
    for row in "$@"; do
        # shellcheck disable=SC2086
        set -- $row
        local src=$1 dst=$2 port=$3 cls=$4 reason=$5 who=$6 icmp=$7 err=$8 mx=$9 pref=${10} syns=${11:-1}
        case $who in
            server) resp="$dst true" hops=1 ;;
            router) case $dst in *:*) resp="$RTR6 false" ;; *) resp="$RTR4 false" ;; esac; hops=0 ;;
            *) resp="- -" hops=- ;;
        esac
        case $dst in *:*) fam=6 ;; *) fam=4 ;; esac
        want="$cls $reason $resp $icmp $err $mx $pref source=$src family=$fam syns=$syns hops=$hops"
        got=$(got_line "$file" "$src" "$dst" "$port")
        n=$((n + 1))
        if [ "$got" = "$want" ]; then
            ok "$label $src -> $dst:$port $cls/$reason (${who/-/no} responder, mx $mx $pref)"
        else
            bad "$label $src -> $dst:$port: got '${got//$'\n'/ | }', want '$want'"
        fi
    done
    local total
    total=$(grep -c '^{"type":"attempt"' "$file")
    [ "$total" -eq "$n" ]
    check $? "$label: $total records, one per (source, target, port) = $n"
}

# check_dns LABEL FILE FAMILY — every DNS outcome line, MX lines in preference order,
# the A/AAAA lines with the addresses of FAMILY (0 both), nothing else.
check_dns() {
    local label=$1 file=$2 fam=$3 l h want got a n
    for l in "${DNS_MX[@]}"; do
        grep -qFx -- "$l" "$file"
        check $? "$label: '$l'"
    done
    a=$(grep -nFx -- "${DNS_MX[0]}" "$file" | cut -d: -f1 | head -n1)
    n=$(grep -nFx -- "${DNS_MX[1]}" "$file" | cut -d: -f1 | head -n1)
    [ -n "$a" ] && [ -n "$n" ] && [ "$a" -lt "$n" ]
    check $? "$label: example.test MX hosts in preference order (10 before 20; dnsmasq lists 20 first)"
    for h in "${!DNS_ADDRS[@]}"; do
        # shellcheck disable=SC2086
        set -- ${DNS_ADDRS[$h]}
        case $fam in 4) want=$1 ;; 6) want=$2 ;; *) want=$(printf '%s\n' "$1" "$2" | sort | tr '\n' ' ') ;; esac
        want=${want% }
        got=$(sed -n "s/^dns: $h: A\/AAAA: //p" "$file" | tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ')
        got=${got% }
        [ "$got" = "$want" ] && [ "$(grep -c "^dns: $h: A/AAAA: " "$file")" -eq 1 ]
        check $? "$label: 'dns: $h: A/AAAA: $want' (got '$got')"
    done
    n=$(grep -c '^dns: ' "$file")
    [ "$n" -eq $(( ${#DNS_MX[@]} + ${#DNS_ADDRS[@]} )) ]
    check $? "$label: $n dns: lines, want $(( ${#DNS_MX[@]} + ${#DNS_ADDRS[@]} )) (no other DNS outcome)"
}

# check_run LABEL WANT_SYNS — exit 0, ran as nobody, WANT_SYNS SYNs through the router.
check_run() {
    local nob
    nob=$(id -u nobody)
    [ "$RUN_RC" -eq 0 ]
    check $? "$1: exit status $RUN_RC$([ "$RUN_RC" -ne 0 ] && printf ': %s' "$(grep -v '^dns:' "$T/$1.err" | tail -n 2 | tr '\n' ' ')")"
    [ "$RUN_UIDS" = "$nob $nob $nob $nob" ]
    check $? "$1: runs as nobody after start-up (-Z nobody; uids '$RUN_UIDS')"
    [ "$RUN_SYNS" -eq "$2" ]
    check $? "$1: $RUN_SYNS SYNs reached the router, want $2"
}

# check_no_half_open LABEL — no recipient keeps a SYN-RECV connection (within 1.5 s).
check_no_half_open() {
    local ns left i
    for ((i = 0; i < 30; i++)); do
        left=
        for ns in "$MX1" "$MX2" "$MX3" "$NOMX"; do
            left+=$(lab_exec "$ns" ss -Htn state syn-recv | awk '{ printf " | %s <- %s", $3, $4 }')
        done
        [ -z "$left" ] && break
        sleep 0.05
    done
    [ -z "$left" ]
    check $? "$1: no half-open (syn-recv) connection left on the recipients${left:+: $left}"
}

# ---- 1. IPv4, JSON ------------------------------------------------------------------
lab_log "run 1: IPv4 probe --json"
run_probe v4 "${MXARGS[@]}" --source "$A4" --source "$B4" --timeout 2 --json -Z nobody
check_run v4 ${#EXP4[@]}
check_records v4 "$T/v4.out" "${EXP4[@]}"
check_dns "v4 stderr" "$T/v4.err" 0
if grep -q '^dns: ' "$T/v4.out"; then bad "v4: dns: lines on stdout with --json"; else ok "v4: no dns: line on stdout with --json"; fi
check_no_half_open v4

# ---- 2. IPv6, JSON ---------------------------------------------------------------------
lab_log "run 2: IPv6 probe -6 --json (NAT66: $NAT66)"
run_probe v6 "${MXARGS[@]}" --source "$A6" --source "$B6" -6 --timeout 2 --json -Z nobody
check_run v6 ${#EXP6[@]}
check_records v6 "$T/v6.out" "${EXP6[@]}"
check_dns "v6 stderr" "$T/v6.err" 6
check_no_half_open v6

# ---- 3. literal --target addresses, both families ----------------------------------------
lab_log "run 3: --target addresses"
run_probe target --dns-server "$DNS4" --target "$TGT_4" --target "$TGT_6" --source "$A4" --source "$B6" \
    --timeout 2 --json -Z nobody
check_run target ${#EXPT[@]}
check_records target "$T/target.out" "${EXPT[@]}"
check_no_half_open target

# ---- 3b. --retries: a dropped probe gets every SYN, an answered one no more -------------
lab_log "run 3b: --retries 2"
EXPR=(
"$A4 $MX3_4 25 dropped  no-response -      - ETIMEDOUT - - 3"
"$A4 $TGT_4 25 accepted syn-ack     server - -         - - 1"
)
run_probe retries --dns-server "$DNS4" --target "$MX3_4" --target "$TGT_4" -p 25 --source "$A4" \
    --retries 2 --timeout 3 --json -Z nobody
check_run retries 4
check_records retries "$T/retries.out" "${EXPR[@]}"
# The default --rate 100 spaces first SYNs 10 ms apart; a probe waiting for its
# retransmission must not hold back the probes behind it.
spread=$(jq -s 'map(select(.type == "attempt")) |
    def t: (.ts | capture("^(?<s>.*)\\.(?<f>[0-9]+)Z$")) as $m
        | ($m.s + "Z" | fromdate) + ("0." + $m.f | tonumber);
    if length == 2 then (map(t) | max - min) * 1000 | floor else -1 end' "$T/retries.out")
[ "$spread" -ge 0 ] && [ "$spread" -lt 500 ]
check $? "retries: both probes' first SYNs within 500 ms of each other (--rate 100: 10 ms apart; got $spread ms)"
check_no_half_open retries

# ---- 4. text output and the matrix --------------------------------------------------------
lab_log "run 4: text output with the matrix"
run_probe text "${MXARGS[@]}" --target "$TGT_4" --source "$A4" --source "$B4" --timeout 2 -Z nobody
check_run text $(( ${#EXP4[@]} + 4 ))
check_dns "text stdout" "$T/text.out" 0
check_no_half_open text
# The matrix as configured: rows = sources, one column per (target, port).
declare -A WANT_CELL=() WANT_LABEL=()
for row in "${EXP4[@]}" "$A4 $TGT_4 25 accepted syn-ack" "$A4 $TGT_4 587 accepted syn-ack" \
    "$B4 $TGT_4 25 accepted syn-ack" "$B4 $TGT_4 587 accepted syn-ack"; do
    # shellcheck disable=SC2086
    set -- $row
    WANT_CELL["$1 $2:$3"]=$4/$5
    if [ "${9:--}" = - ]; then WANT_LABEL["$2:$3"]=; else WANT_LABEL["$2:$3"]="$9 (MX ${10})"; fi
done
awk '
    /^matrix: / { m = 1; next }
    m == 1 && /^  \[[0-9]+\] / {
        n = $1; gsub(/[][]/, "", n)
        col = $NF
        label = $0; sub(/^  \[[0-9]+\] /, "", label); sub(/ ?[^ ]+$/, "", label)
        print "col", n, col, label; next
    }
    m == 1 && /^source / { m = 2; next }
    m == 2 && NF > 1 && $1 ~ /^[0-9a-f.:]+$/ {
        for (i = 2; i <= NF; i++) print "cell", $1, i - 1, $i
        next
    }
    m == 2 { m = 3 }
' "$T/text.out" >"$T/matrix.parsed"
grep -q '^matrix: rows are sources, columns targets$' "$T/text.out"
check $? "text: prints the matrix"
declare -A COL=()
while read -r kind a b c d; do
    [ "$kind" = col ] || continue
    COL[$a]=$b
    want=${WANT_LABEL[$b]-MISSING}
    [ "$c${d:+ $d}" = "$want" ]
    check $? "matrix column [$a] $b labelled '$c${d:+ $d}' (want '$want')"
done <"$T/matrix.parsed"
[ "${#COL[@]}" -eq "${#WANT_LABEL[@]}" ]
check $? "matrix: ${#COL[@]} columns, want ${#WANT_LABEL[@]} (every target address x port)"
rows=$(awk '$1 == "cell" { print $2 }' "$T/matrix.parsed" | sort -u | tr '\n' ' ')
[ "$rows" = "$A4 $B4 " ]
check $? "matrix: rows '$rows' = the two sources"
ncells=0
while read -r kind src idx v; do
    [ "$kind" = cell ] || continue
    ncells=$((ncells + 1))
    key="$src ${COL[$idx]:-?}"
    [ "$v" = "${WANT_CELL[$key]-MISSING}" ]
    check $? "matrix cell $key = $v (want ${WANT_CELL[$key]-MISSING})"
done <"$T/matrix.parsed"
[ "$ncells" -eq "${#WANT_CELL[@]}" ]
check $? "matrix: $ncells cells, want ${#WANT_CELL[@]}"
# Columns in MX order (dnsmasq's records): nomx (implicit MX, 0), mail.mx3 (5),
# mx1 (10), mx2 (20), then the --target address (no preference); port by port.
want_order="$NOMX_4:25 $NOMX_4:587 $MX3_4:25 $MX3_4:587 $MX1_4:25 $MX1_4:587"
want_order+=" $MX2_4:25 $MX2_4:587 $TGT_4:25 $TGT_4:587"
got_order=
for ((c = 1; c <= ${#COL[@]}; c++)); do got_order+="${COL[$c]:-?} "; done
got_order=${got_order% }
[ "$got_order" = "$want_order" ]
check $? "matrix: columns in MX preference order, then address, then port (got '$got_order', want '$want_order')"

# ---- 5. --max-probes overflow ---------------------------------------------------------------
lab_log "run 5: --max-probes 2 with 16 probes"
run_probe maxp "${MXARGS[@]}" --source "$A4" --source "$B4" --timeout 2 --json --max-probes 2 -Z nobody
[ "$RUN_RC" -eq 3 ]
check $? "--max-probes 2: exit status $RUN_RC, want 3"
errs=$(grep -v -e '^dns: ' -e '^smtpscope: listening on ' "$T/maxp.err" | grep -c 'max-probes')
[ "$errs" -eq 1 ] && tail -n 1 "$T/maxp.err" | grep -q -- '--max-probes 2'
check $? "--max-probes 2: one error line naming the limit: '$(grep 'max-probes' "$T/maxp.err" | head -n 1)'"
# (the JSON summary line, all zeros, is the only line on stdout)
[ "$RUN_SYNS" -eq 0 ] && ! grep -q '"type":"attempt"' "$T/maxp.out"
check $? "--max-probes 2: no SYN sent ($RUN_SYNS through the router), no record"
lab_log "  stderr of the --max-probes run:"; sed 's/^/    /' "$T/maxp.err" >&2

# ---- 5b. a source that is not snd's -----------------------------------------------------------
FOREIGN4=198.51.100.99
lab_log "run 5b: --source $FOREIGN4 (not an address of snd), then --spoofed-source"
run_probe foreign --target "$TGT_4" -p 25 --source "$A4" --source "$FOREIGN4" --timeout 1 --json -Z nobody
lines=$(grep -c '' "$T/foreign.err")
[ "$RUN_RC" -eq 2 ] && [ "$lines" -eq 1 ] &&
    grep -qx "smtpscope: --source $FOREIGN4: not an address of this host .*--spoofed-source.*" "$T/foreign.err"
check $? "--source $FOREIGN4: exit $RUN_RC (want 2), $lines stderr line(s) (want 1) naming --source and the address: '$(head -n 1 "$T/foreign.err")'"
[ "$RUN_SYNS" -eq 0 ] && ! grep -q '"type":"attempt"' "$T/foreign.out"
check $? "--source $FOREIGN4: no SYN sent, not even from $A4 ($RUN_SYNS through the router), no record"
run_probe spoofed --target "$TGT_4" -p 25 --spoofed-source "$FOREIGN4" --timeout 1 --json -Z nobody
check_run spoofed 1
grep -q "^smtpscope: --spoofed-source $FOREIGN4: " "$T/spoofed.err"
check $? "--spoofed-source $FOREIGN4: said on stderr: '$(grep -- '--spoofed-source' "$T/spoofed.err" | head -n 1)'"
# The answer goes to $FOREIGN4, which the router has no route for: nothing comes back.
check_records spoofed "$T/spoofed.out" "$FOREIGN4 $TGT_4 25 dropped no-response - - ETIMEDOUT - -"

# ---- 5c. targets snd's own stack refuses to send to -------------------------------------------
# mx2: a prohibit route on snd (sendto: EACCES); mx3: an OUTPUT REJECT on snd (sendto:
# EPERM).  Each is its own record (no SYN counted, no responder); mx1 and the --target
# address, listed after them, are probed as ever.
lab_log "run 5c: a prohibit route and an OUTPUT REJECT on snd"
fw "$SND" ip route add prohibit "$MX2_4/32"
fw "$SND" ip -6 route add prohibit "$MX2_6/128"
fw "$SND" iptables  -A OUTPUT -p tcp -d "$MX3_4" --dport 25 -j REJECT
fw "$SND" ip6tables -A OUTPUT -p tcp -d "$MX3_6" --dport 25 -j REJECT
EXPL=(
"$A4 $MX2_4 25 prohibited local-prohibit - - EACCES - - 0"
"$A4 $MX3_4 25 prohibited local-filter   - - EPERM  - - 0"
"$A4 $MX1_4 25 accepted   syn-ack        server - - - - 1"
"$A4 $TGT_4 25 accepted   syn-ack        server - - - - 1"
"$A6 $MX2_6 25 prohibited local-prohibit - - EACCES - - 0"
"$A6 $MX3_6 25 prohibited local-filter   - - EPERM  - - 0"
"$A6 $MX1_6 25 accepted   syn-ack        server - - - - 1"
"$A6 $TGT_6 25 accepted   syn-ack        server - - - - 1"
)
run_probe local --target "$MX2_4" --target "$MX3_4" --target "$MX1_4" --target "$TGT_4" \
    --target "$MX2_6" --target "$MX3_6" --target "$MX1_6" --target "$TGT_6" -p 25 \
    --source "$A4" --source "$A6" --timeout 2 --json -Z nobody
check_run local 4
check_records local "$T/local.out" "${EXPL[@]}"
check_no_half_open local
lab_exec "$SND" ip route del prohibit "$MX2_4/32"
lab_exec "$SND" ip -6 route del prohibit "$MX2_6/128"
lab_exec "$SND" iptables  -D OUTPUT -p tcp -d "$MX3_4" --dport 25 -j REJECT
lab_exec "$SND" ip6tables -D OUTPUT -p tcp -d "$MX3_6" --dport 25 -j REJECT

# ---- 6. nmap cross-check --------------------------------------------------------------------
# nmap's own RST-less scan: let the prober's kernel answer SYN-ACKs again.
lab_exec "$SND" iptables -D INPUT -p tcp --tcp-flags SYN,ACK SYN,ACK -m multiport --sports 25,587 -j DROP
lab_exec "$SND" ip6tables -D INPUT -p tcp --tcp-flags SYN,ACK SYN,ACK -m multiport --sports 25,587 -j DROP
# nmap_scan NAME SRC FAMILY TARGETS... — one bounded scan, XML to NAME.xml.
nmap_scan() {
    local name=$1 src=$2 fam=$3; shift 3
    local six=()
    [ "$fam" = 6 ] && six=(-6)
    lab_exec "$SND" timeout 40 nmap "${six[@]}" -sS -Pn -n --reason -p 25,587 -S "$src" -e s0 \
        --max-retries 1 --host-timeout 20s -oX "$T/$name.xml" "$@" >"$T/$name.log" 2>&1
    lab_log "nmap $name: exit $?"
}
# nmap_rows NAME — "target port state reason reason_ip" per port of the XML.
nmap_rows() {
    awk '
        function attr(s, k,   r) {
            if (match(s, k "=\"[^\"]*\"")) { r = substr(s, RSTART + length(k) + 2, RLENGTH - length(k) - 3); return r }
            return "-"
        }
        /<address addr=/ && /addrtype="ipv[46]"/ { host = attr($0, "addr") }
        /<port protocol="tcp"/ {
            print host, attr($0, "portid"), attr($0, "state"), attr($0, "reason"), attr($0, "reason_ip")
        }' "$T/$1.xml"
}
printf '%-16s %-22s %-5s %-28s %-34s %s\n' source target port smtpscope nmap agree >"$T/nmap.table"
nmap_compare() {
    local name=$1 src=$2 json=$3 tgt port state reason rip got sresp sis agree
    while read -r tgt port state reason rip; do
        got=$(jq -r --arg c "$src" --arg s "$tgt" --argjson p "$port" \
            'select(.client == $c and .server == $s and .server_port == $p) | "\(.reason) \(.responder // "-") \(.responder_is_server)"' "$json")
        read -r got sresp sis <<<"$got"
        if [ -z "$reason" ] || [ "$reason" = - ]; then
            agree="nmap gave no reason"
        elif [ "$got" = "$reason" ]; then
            agree=yes
            # nmap names the responder when it is not the target (reason_ip)
            if [ "$rip" != - ] && [ "$rip" != "$sresp" ]; then agree="no (responder $sresp vs $rip)"; fi
            if [ "$rip" = - ] && [ "$sis" = false ]; then agree="no (smtpscope: responder $sresp is not the target, nmap: it is)"; fi
        else
            agree=no
        fi
        printf '%-16s %-22s %-5s %-28s %-34s %s\n' "$src" "$tgt" "$port" "${got:-none}${sresp:+ ($sresp)}" \
            "$state/$reason$([ "$rip" != - ] && echo " ($rip)")" "$agree" >>"$T/nmap.table"
        case $agree in
            yes) ok "nmap agrees: $src -> $tgt:$port $reason" ;;
            "nmap gave no reason") ok "nmap: no reason for $src -> $tgt:$port (not compared)" ;;
            *) bad "nmap disagrees: $src -> $tgt:$port: smtpscope '$got' ($sresp), nmap '$state/$reason' ($rip)" ;;
        esac
    done < <(nmap_rows "$name")
    local n
    n=$(nmap_rows "$name" | wc -l)
    [ "$n" -eq 8 ]
    check $? "nmap $name: reported $n ports, want 8 (4 targets x 2 ports)"
}
lab_log "run 6: nmap -sS --reason from each source"
nmap_scan nmap-a4 "$A4" 4 "$MX1_4" "$MX2_4" "$MX3_4" "$NOMX_4"
nmap_compare nmap-a4 "$A4" "$T/v4.out"
nmap_scan nmap-b4 "$B4" 4 "$MX1_4" "$MX2_4" "$MX3_4" "$NOMX_4"
nmap_compare nmap-b4 "$B4" "$T/v4.out"
nmap_scan nmap-a6 "$A6" 6 "$MX1_6" "$MX2_6" "$MX3_6" "$NOMX_6"
nmap_compare nmap-a6 "$A6" "$T/v6.out"
nmap_scan nmap-b6 "$B6" 6 "$MX1_6" "$MX2_6" "$MX3_6" "$NOMX_6"
nmap_compare nmap-b6 "$B6" "$T/v6.out"

# ---- report -------------------------------------------------------------------------------
echo "--- matrix (text run) ---"
awk '/^matrix: / { m = 1 } /^summary: / { m = 0 } m' "$T/text.out"
echo "--- smtpscope vs nmap --reason ---"
cat "$T/nmap.table"
[ "$NAT66" = 1 ] || echo "note: no IPv6 NAT in this kernel; $B6 was not translated"
if [ -n "${PROBE_LAB_KEEP:-}" ]; then
    mkdir -p "$PROBE_LAB_KEEP" && cp -r "$T"/. "$PROBE_LAB_KEEP"/ && echo "outputs kept in $PROBE_LAB_KEEP"
fi
echo "probe: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
