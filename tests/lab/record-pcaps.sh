#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2119  # bash -c scripts get values as arguments; optional args
# tests/lab/record-pcaps.sh — record the lab golden captures for smtpscope.
#
# Usage: tests/lab/record-pcaps.sh [OUTDIR] [SCENARIO...]
#        tests/lab/record-pcaps.sh --list | --help
#
# Builds throw-away network namespaces joined by veth pairs, applies real
# iptables / ip6tables / nftables rules, runs real listeners (socat) and
# records one small pcap per scenario with tcpdump inside the client
# namespace: OUTDIR/NAME.pcap, plus OUTDIR/NAME.expect with the verdict the
# scenario's configuration must produce (written from the definition below,
# never from any tool's output). Default OUTDIR: pcaps/lab in the repository;
# default: all scenarios. Run as root. Takes about 1.5 minutes for all.
#
# With LAB_OBSERVER=watch and SMTPSCOPE=PROG the same scenarios run with
# "PROG watch" as the observer instead of tcpdump (the live lab test,
# tests/lab/run-lab-tests.sh): OUTDIR/NAME.json gets its records,
# OUTDIR/NAME.pcap its -w evidence capture, and the watch must run as
# "nobody" after start-up and exit 0 on SIGINT.
#
# Addresses (documentation ranges only):
#   client 192.0.2.10, 2001:db8:c0::10      server 203.0.113.25, 2001:db8:25::25
#   router 192.0.2.1 (client side, ICMP source 198.51.100.1), 198.51.100.1 (server side)
set -euo pipefail

INVOCATION="tests/lab/record-pcaps.sh${*:+ $*}"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

SCENARIOS=(
    greet-220 greet-421 greet-554 closed-port
    reject-tcp-reset reject-port-unreach reject-host-prohibited reject-net-prohibited
    reject-admin-prohibited reject-host-unreach reject-net-unreach drop
    router-reject nft-reject-admin
    v6-adm-prohibited v6-port-unreach v6-tcp-reset v6-drop v6-greet-220
    any-sll2 vlan qinq port-587 stop-pending demo
    scope-source-block scope-rate-limit scope-middlebox scope-forged-rst scope-local-reject
    firsthop-reset
)
LAB_OBSERVER=${LAB_OBSERVER:-tcpdump}

usage() {
    cat <<EOF
usage: tests/lab/record-pcaps.sh [OUTDIR] [SCENARIO...]
  OUTDIR     where NAME.pcap / NAME.expect go (default: $REPO/pcaps/lab)
  SCENARIO   one or more of (default: all):
$(printf '             %s\n' "${SCENARIOS[@]}")
Run as root. Everything happens in network namespaces named ${LAB_PREFIX%-*}-PID-*.
EOF
}

is_scenario() { local s; for s in "${SCENARIOS[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

# ---- arguments ---------------------------------------------------------------
case ${1:-} in
    -h|--help) usage; exit 0 ;;
    --list) printf '%s\n' "${SCENARIOS[@]}"; exit 0 ;;
    -*) usage >&2; exit 2 ;;
esac
OUTDIR=$REPO/pcaps/lab
if [ $# -gt 0 ] && ! is_scenario "$1"; then
    # an OUTDIR must look like a path, so a mistyped scenario name is not taken for one
    case $1 in
        */*|.|..) ;;
        *) [ -d "$1" ] || { usage >&2; lab_die "unknown scenario '$1' (an OUTDIR must contain a '/' or exist)"; } ;;
    esac
    OUTDIR=$1; shift
fi
SELECTED=("$@")
[ ${#SELECTED[@]} -gt 0 ] || SELECTED=("${SCENARIOS[@]}")
for s in "${SELECTED[@]}"; do is_scenario "$s" || { usage >&2; lab_die "unknown scenario '$s'"; }; done

# ---- prerequisites -----------------------------------------------------------
lab_require_root
lab_require_tools ip:iproute2 ss:iproute2 tc:iproute2 iptables:iptables ip6tables:iptables \
    nft:nftables tcpdump:tcpdump socat:socat ethtool:ethtool timeout:coreutils mktemp:coreutils \
    sysctl:procps
[ "${BASH_VERSINFO[0]}" -ge 5 ] || lab_die "bash >= 5 needed (EPOCHREALTIME)"

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
lab_init
# full checksums on every veth (no TX offload): captures look like a hardware link
export LAB_TX_CSUM_OFF=1

# ---- addresses ---------------------------------------------------------------
CLI4=192.0.2.10
SRV4=203.0.113.25
RTR_CLI4=192.0.2.1
RTR_SRV4=198.51.100.1
SRV_TRANSIT4=198.51.100.25
CLI6=2001:db8:c0::10
SRV6=2001:db8:25::25
# capture filter for untagged captures: TCP, ICMP, ICMPv6 errors (types < 128), no ND/MLD/ARP
FILTER='tcp or icmp or (icmp6 and ip6[40] < 128)'
# DROP scenarios: 14 s after the first SYN (>= 12 s after it, >= 10 s after the last
# retransmission at ~3 s) the client sends one UDP datagram to the server's discard port (a
# socat sink, so no ICMP comes back). pcap files carry no end time: this packet proves the
# capture ran that long. It is not an SMTP attempt.
DROP_TICK_US=14000000
DROP_FILTER="$FILTER or udp port 9"

GREET_220='220 mx.example.test ESMTP lab'
GREET_421='421 4.3.2 Service not available, closing transmission channel'
GREET_554='554 5.7.1 No SMTP service here'
GREET_587='220 submission ready'

# ---- per-scenario state and helpers -------------------------------------------
S_NAME='' S_DESC='' S_DIR='' S_PCAP='' S_SKIP=''
S_EXPECT=() S_NOTES=()
CLI='' SRV='' RTR='' CLI_IF=''

# finding TEXT — a --scope/--evidence line the configuration must produce (a substring).
finding() { S_NOTES+=("finding: $1"); }
# What --evidence says of a finding that is not the recipient's doing, and
# of one source address.
NOT_RECIPIENT="Not the recipient's doing: do not send this to them as an unblock request; take it to"
ONLY_CLI4="only $CLI4 was seen; probe from another address to tell a block aimed at you from an outage"

# expect SERVER PORT CLASS REASON RESPONDER RESPONDER_IS_SERVER [GREETING_CODE [KEY=VALUE...]]
# — one attempt; GREETING_CODE may be empty; KEY=VALUE: further JSON fields.
expect() {
    local line="server=$1 server_port=$2 class=$3 reason=$4 responder=$5 responder_is_server=$6"
    [ -n "${7:-}" ] && line+=" greeting_code=$7"
    [ $# -gt 7 ] && line+=" ${*:8}"
    S_EXPECT+=("$line")
}

# note TEXT — extra comment line for the .expect file.
note() { S_NOTES+=("$1"); }

# fw NS CMD... — apply a firewall rule inside NS and log it.
fw() { local ns=$1; shift; lab_log "  rule [$ns]: $*"; lab_exec "$ns" "$@"; }

# topo_direct [ipv6=0|1] [TAG] — client and server namespaces on one veth (c0 <-> s0).
# TAG: none (default), vlan (802.1Q 100) or qinq (802.1ad 10 + 802.1Q 20).
topo_direct() {
    local v6=${1:-1} tag=${2:-none} cif=c0 sif=s0
    CLI=$(lab_nsname cli) SRV=$(lab_nsname srv) CLI_IF=c0
    lab_ns_add "$CLI" "$v6"
    lab_ns_add "$SRV" "$v6"
    lab_link "$CLI" "$SRV" - - c0 s0
    case $tag in
        none) ;;
        vlan|qinq)
            if [ "$VLAN_METHOD" = native ]; then
                if [ "$tag" = vlan ]; then
                    ip -n "$CLI" link add link c0 name c0.100 type vlan id 100
                    ip -n "$SRV" link add link s0 name s0.100 type vlan id 100
                    cif=c0.100 sif=s0.100
                else
                    ip -n "$CLI" link add link c0 name c0.10 type vlan proto 802.1ad id 10
                    ip -n "$CLI" link add link c0.10 name c0.10.20 type vlan proto 802.1Q id 20
                    ip -n "$SRV" link add link s0 name s0.10 type vlan proto 802.1ad id 10
                    ip -n "$SRV" link add link s0.10 name s0.10.20 type vlan proto 802.1Q id 20
                    ip -n "$CLI" link set c0.10 up
                    ip -n "$SRV" link set s0.10 up
                    cif=c0.10.20 sif=s0.10.20
                fi
                ip -n "$CLI" link set "$cif" up
                ip -n "$SRV" link set "$sif" up
            else
                local obj=$S_DIR/tag-$tag.o
                if [ "$tag" = vlan ]; then
                    lab_vlan_bpf_build "$obj" 0x8100 100
                else
                    lab_vlan_bpf_build "$obj" 0x88a8 10 0x8100 20
                fi
                lab_vlan_bpf_attach "$CLI" c0 "$obj"
                lab_vlan_bpf_attach "$SRV" s0 "$obj"
            fi ;;
        *) lab_die "topo_direct: bad tag $tag" ;;
    esac
    lab_addr "$CLI" "$cif" "$CLI4/24"
    lab_addr "$SRV" "$sif" "$SRV4/24"
    ip -n "$CLI" route add 203.0.113.0/24 dev "$cif"
    ip -n "$SRV" route add 192.0.2.0/24 dev "$sif"
    if [ "$v6" = 1 ]; then
        lab_addr "$CLI" "$cif" "$CLI6/64"
        lab_addr "$SRV" "$sif" "$SRV6/64"
        ip -n "$CLI" -6 route add 2001:db8:25::/64 dev "$cif"
        ip -n "$SRV" -6 route add 2001:db8:c0::/64 dev "$sif"
    fi
}

# topo_router — client <-> router <-> server; the router's ICMP errors come from 198.51.100.1.
topo_router() {
    CLI=$(lab_nsname cli) RTR=$(lab_nsname rtr) SRV=$(lab_nsname srv) CLI_IF=c0
    lab_ns_add "$CLI" 0
    lab_ns_add "$RTR" 0
    lab_ns_add "$SRV" 0
    lab_link "$CLI" "$RTR" "$CLI4/24" "$RTR_CLI4/24" c0 r0
    lab_link "$RTR" "$SRV" "$RTR_SRV4/24" "$SRV_TRANSIT4/24,$SRV4/32" r1 s0
    lab_forwarding "$RTR"
    ip -n "$CLI" route add default via "$RTR_CLI4" dev c0
    ip -n "$SRV" route add default via "$RTR_SRV4" dev s0
    ip -n "$RTR" route add "$SRV4/32" via "$SRV_TRANSIT4" dev r1
    # prefer the transit address as source of what the router originates towards the client
    ip -n "$RTR" route replace 192.0.2.0/24 dev r0 proto kernel scope link src "$RTR_SRV4"
}

# listen_greet NS PORT close|hold TEXT [4|6] — socat listener sending TEXT\r\n on connect;
# "close" closes right after, "hold" waits (max 3 s) for the client to close first.
listen_greet() {
    local ns=$1 port=$2 mode=$3 text=$4 fam=${5:-4}
    local txt=$S_DIR/greet-$port.txt sh=$S_DIR/greet-$port.sh
    printf '%s\r\n' "$text" >"$txt"
    {
        echo '#!/bin/bash'
        printf 'cat %q\n' "$txt"
        [ "$mode" = hold ] && echo 'IFS= read -r -t 3 _ || true'
        echo 'exit 0'
    } >"$sh"
    chmod 0755 "$sh"
    lab_bg "$ns" "$S_DIR/socat-$port.log" socat "TCP$fam-LISTEN:$port,fork,reuseaddr" "EXEC:$sh"
    lab_wait_listen "$ns" "$port" 5
    lab_log "  listener [$ns] port $port ($mode): $text"
}

# capture [IFACE] [FILTER...] — start tcpdump in the client namespace (default c0 + FILTER).
capture() {
    local ifc=${1:-$CLI_IF}; shift || true
    if [ "$LAB_OBSERVER" = watch ]; then
        lab_watch_start "$CLI" "$ifc" "$S_DIR/$S_NAME.json" "$S_PCAP"
        return
    fi
    if [ $# -eq 0 ]; then set -- "$FILTER"; fi
    lab_capture_start "$CLI" "$ifc" "$S_PCAP" "$@"
}

# attempt HOST PORT [greet] — one bounded connection attempt from the client namespace.
attempt() {
    if [ "${3:-}" = greet ]; then
        lab_connect "$CLI" "$1" "$2" 4 "$S_DIR/greeting-$2.txt"
        lab_log "  greeting read: $(tr -d '\r' <"$S_DIR/greeting-$2.txt")"
    else
        lab_connect "$CLI" "$1" "$2" 4
    fi
}

# udp_sink NS [4|6] — socat discarding UDP datagrams on port 9 inside NS.
udp_sink() {
    lab_bg "$1" "$S_DIR/udp-sink.log" socat -u "UDP${2:-4}-RECV:9" /dev/null
    lab_wait_listen "$1" 9 5 udp
}

# drop_attempt HOST PORT — connect for 3.5 s (SYN + retransmissions), then at DROP_TICK_US
# after the first SYN send the end-of-capture UDP datagram to HOST port 9.
drop_attempt() {
    local t0
    t0=$(lab_now_us)
    lab_connect "$CLI" "$1" "$2" 3.5
    lab_sleep_until_us $((t0 + DROP_TICK_US))
    lab_exec "$CLI" timeout 2 bash -c 'printf "end of capture\n" >"/dev/udp/$1/9"' _ "$1" \
        || lab_die "could not send the end-of-capture datagram"
    lab_log "  UDP end-of-capture datagram sent to $1 port 9"
}

DROP_NOTE="client connect() bounded to 3.5 s (SYN + kernel retransmissions); 14 s after the first SYN the client sends one UDP datagram to the server's port 9 (socat sink, no reply) to mark the capture end (pcap has no end time) - it is not an SMTP attempt"

# reject_v4 REJECT-WITH — one REJECT scenario on a direct IPv4 link with a listener running.
reject_v4() {
    topo_direct 0
    listen_greet "$SRV" 25 hold "$GREET_220"
    fw "$SRV" iptables -A INPUT -p tcp --dport 25 -j REJECT "$@"
    capture
    attempt "$SRV4" 25
    lab_capture_stop
}

# reject_v6 REJECT-WITH — the same over IPv6 with ip6tables.
reject_v6() {
    topo_direct 1
    listen_greet "$SRV" 25 hold "$GREET_220" 6
    fw "$SRV" ip6tables -A INPUT -p tcp --dport 25 -j REJECT "$@"
    capture
    attempt "$SRV6" 25
    lab_capture_stop
}

# ---- scenarios -------------------------------------------------------------------
scen_greet_220() {
    S_DESC="listener on 25 answers '$GREET_220'; client reads the greeting and closes"
    expect "$SRV4" 25 accepted syn-ack "$SRV4" true 220
    topo_direct 0
    listen_greet "$SRV" 25 hold "$GREET_220"
    capture; attempt "$SRV4" 25 greet; lab_capture_stop
}

scen_greet_421() {
    S_DESC="listener on 25 sends '$GREET_421' and closes"
    expect "$SRV4" 25 accepted syn-ack "$SRV4" true 421
    topo_direct 0
    listen_greet "$SRV" 25 close "$GREET_421"
    capture; attempt "$SRV4" 25 greet; lab_capture_stop
}

scen_greet_554() {
    S_DESC="listener on 25 answers '$GREET_554'; client reads it and closes"
    expect "$SRV4" 25 accepted syn-ack "$SRV4" true 554
    topo_direct 0
    listen_greet "$SRV" 25 hold "$GREET_554"
    capture; attempt "$SRV4" 25 greet; lab_capture_stop
}

scen_closed_port() {
    S_DESC="no listener on port 25, no firewall rule: the server kernel answers RST"
    expect "$SRV4" 25 refused reset "$SRV4" true
    topo_direct 0
    capture; attempt "$SRV4" 25; lab_capture_stop
}

scen_reject_tcp_reset() {
    S_DESC="iptables -A INPUT -p tcp --dport 25 -j REJECT --reject-with tcp-reset (listener running)"
    expect "$SRV4" 25 refused reset "$SRV4" true
    reject_v4 --reject-with tcp-reset
}

scen_reject_port_unreach() {
    S_DESC="iptables -A INPUT -p tcp --dport 25 -j REJECT (default icmp-port-unreachable, ICMP 3/3; listener running)"
    expect "$SRV4" 25 refused port-unreach "$SRV4" true
    reject_v4
}

scen_reject_host_prohibited() {
    S_DESC="iptables -A INPUT -p tcp --dport 25 -j REJECT --reject-with icmp-host-prohibited (ICMP 3/10; listener running)"
    expect "$SRV4" 25 prohibited host-prohibited "$SRV4" true
    reject_v4 --reject-with icmp-host-prohibited
}

scen_reject_net_prohibited() {
    S_DESC="iptables -A INPUT -p tcp --dport 25 -j REJECT --reject-with icmp-net-prohibited (ICMP 3/9; listener running)"
    expect "$SRV4" 25 prohibited net-prohibited "$SRV4" true
    reject_v4 --reject-with icmp-net-prohibited
}

scen_reject_admin_prohibited() {
    S_DESC="iptables -A INPUT -p tcp --dport 25 -j REJECT --reject-with icmp-admin-prohibited (ICMP 3/13; listener running)"
    expect "$SRV4" 25 prohibited admin-prohibited "$SRV4" true
    reject_v4 --reject-with icmp-admin-prohibited
}

scen_reject_host_unreach() {
    S_DESC="iptables -A INPUT -p tcp --dport 25 -j REJECT --reject-with icmp-host-unreachable (ICMP 3/1; listener running)"
    expect "$SRV4" 25 unreachable host-unreach "$SRV4" true
    reject_v4 --reject-with icmp-host-unreachable
}

scen_reject_net_unreach() {
    S_DESC="iptables -A INPUT -p tcp --dport 25 -j REJECT --reject-with icmp-net-unreachable (ICMP 3/0; listener running)"
    expect "$SRV4" 25 unreachable net-unreach "$SRV4" true
    reject_v4 --reject-with icmp-net-unreachable
}

scen_drop() {
    S_DESC="iptables -A INPUT -p tcp --dport 25 -j DROP (listener running); client gives up after 3.5 s; capture runs 14 s past the first SYN"
    expect "$SRV4" 25 dropped no-response - -
    note "$DROP_NOTE"
    topo_direct 0
    listen_greet "$SRV" 25 hold "$GREET_220"
    udp_sink "$SRV" 4
    fw "$SRV" iptables -A INPUT -p tcp --dport 25 -j DROP
    capture c0 "$DROP_FILTER"; drop_attempt "$SRV4" 25; lab_capture_stop
}

scen_router_reject() {
    S_DESC="router namespace between client and server: iptables -A FORWARD -p tcp --dport 25 -j REJECT --reject-with icmp-admin-prohibited (listener running on the server)"
    expect "$SRV4" 25 prohibited admin-prohibited "$RTR_SRV4" false
    note "path: client $CLI4 -> router $RTR_CLI4 / $RTR_SRV4 (ICMP source $RTR_SRV4 via route src) -> server $SRV_TRANSIT4 + $SRV4"
    topo_router
    listen_greet "$SRV" 25 hold "$GREET_220"
    fw "$RTR" iptables -A FORWARD -p tcp --dport 25 -j REJECT --reject-with icmp-admin-prohibited
    capture; attempt "$SRV4" 25; lab_capture_stop
}

scen_nft_reject_admin() {
    S_DESC="nftables in the server: table inet filter, input hook: tcp dport 25 reject with icmpx type admin-prohibited (IPv4 -> ICMP 3/13; listener running)"
    expect "$SRV4" 25 prohibited admin-prohibited "$SRV4" true
    topo_direct 0
    listen_greet "$SRV" 25 hold "$GREET_220"
    fw "$SRV" nft -f - <<'EOF'
table inet filter {
    chain input {
        type filter hook input priority 0; policy accept;
        tcp dport 25 reject with icmpx type admin-prohibited
    }
}
EOF
    capture; attempt "$SRV4" 25; lab_capture_stop
}

scen_v6_adm_prohibited() {
    S_DESC="ip6tables -A INPUT -p tcp --dport 25 -j REJECT --reject-with icmp6-adm-prohibited (ICMPv6 1/1; listener running)"
    expect "$SRV6" 25 prohibited admin-prohibited "$SRV6" true
    reject_v6 --reject-with icmp6-adm-prohibited
}

scen_v6_port_unreach() {
    S_DESC="ip6tables -A INPUT -p tcp --dport 25 -j REJECT --reject-with icmp6-port-unreachable (ICMPv6 1/4; listener running)"
    expect "$SRV6" 25 refused port-unreach "$SRV6" true
    reject_v6 --reject-with icmp6-port-unreachable
}

scen_v6_tcp_reset() {
    S_DESC="ip6tables -A INPUT -p tcp --dport 25 -j REJECT --reject-with tcp-reset (listener running)"
    expect "$SRV6" 25 refused reset "$SRV6" true
    reject_v6 --reject-with tcp-reset
}

scen_v6_drop() {
    S_DESC="ip6tables -A INPUT -p tcp --dport 25 -j DROP (listener running); client gives up after 3.5 s; capture runs 14 s past the first SYN"
    expect "$SRV6" 25 dropped no-response - -
    note "$DROP_NOTE"
    topo_direct 1
    listen_greet "$SRV" 25 hold "$GREET_220" 6
    udp_sink "$SRV" 6
    fw "$SRV" ip6tables -A INPUT -p tcp --dport 25 -j DROP
    capture c0 "$DROP_FILTER"; drop_attempt "$SRV6" 25; lab_capture_stop
}

scen_v6_greet_220() {
    S_DESC="IPv6 listener on 25 answers '$GREET_220'; client reads the greeting and closes"
    expect "$SRV6" 25 accepted syn-ack "$SRV6" true 220
    topo_direct 1
    listen_greet "$SRV" 25 hold "$GREET_220" 6
    capture; attempt "$SRV6" 25 greet; lab_capture_stop
}

scen_any_sll2() {
    S_DESC="tcpdump -i any (LINUX_SLL2): port 25 listener answers '$GREET_220'; port 587: iptables -A INPUT -p tcp --dport 587 -j REJECT (ICMP 3/3)"
    expect "$SRV4" 25 accepted syn-ack "$SRV4" true 220
    expect "$SRV4" 587 refused port-unreach "$SRV4" true
    topo_direct 0
    listen_greet "$SRV" 25 hold "$GREET_220"
    listen_greet "$SRV" 587 hold "$GREET_587"
    fw "$SRV" iptables -A INPUT -p tcp --dport 587 -j REJECT
    capture any
    attempt "$SRV4" 25 greet
    attempt "$SRV4" 587
    lab_capture_stop
}

# vlan_method — pick how to tag frames: native sub-interfaces, tc eBPF, or skip.
VLAN_METHOD=
vlan_method() {
    [ -n "$VLAN_METHOD" ] && return 0
    if lab_vlan_native_ok; then
        VLAN_METHOD=native
    elif command -v clang >/dev/null 2>&1; then
        VLAN_METHOD=bpf
    else
        VLAN_METHOD=none
    fi
    lab_log "VLAN tagging method: $VLAN_METHOD"
}

vlan_note() {
    case $VLAN_METHOD in
        native) note "tagging: kernel VLAN sub-interfaces, addresses only on them; captured on the parent veth" ;;
        bpf) note "tagging: this kernel has no 802.1Q support (CONFIG_VLAN_8021Q unset, 'ip link add ... type vlan' fails), so a tc eBPF program (bpf_skb_vlan_push/pop) on each veth tags every egress frame and untags ingress; addresses on the veths; captured on the veth (tagged frames)" ;;
    esac
}

scen_vlan() {
    S_DESC="802.1Q VLAN 100 between client and server, capture on the parent interface (tagged frames): port 25 listener answers '$GREET_220'; port 587 has no listener (RST)"
    vlan_method
    if [ "$VLAN_METHOD" = none ]; then
        S_SKIP="kernel cannot create VLAN sub-interfaces (CONFIG_VLAN_8021Q) and clang (Debian package: clang) for the tc eBPF fallback is missing"
        return 0
    fi
    expect "$SRV4" 25 accepted syn-ack "$SRV4" true 220
    expect "$SRV4" 587 refused reset "$SRV4" true
    vlan_note
    note "no capture filter (frames are tagged); IPv6 disabled in the namespaces, so only ARP is extra"
    topo_direct 0 vlan
    listen_greet "$SRV" 25 hold "$GREET_220"
    capture c0 ''
    attempt "$SRV4" 25 greet
    attempt "$SRV4" 587
    lab_capture_stop
}

scen_qinq() {
    S_DESC="QinQ: 802.1ad outer VLAN 10 + 802.1Q inner VLAN 20, capture on the parent interface: iptables -A INPUT -p tcp --dport 25 -j REJECT (ICMP 3/3; listener running)"
    vlan_method
    if [ "$VLAN_METHOD" = none ]; then
        S_SKIP="kernel cannot create 802.1ad/802.1Q sub-interfaces (CONFIG_VLAN_8021Q) and clang (Debian package: clang) for the tc eBPF fallback is missing"
        return 0
    fi
    expect "$SRV4" 25 refused port-unreach "$SRV4" true
    vlan_note
    note "no capture filter (frames are double-tagged); IPv6 disabled in the namespaces, so only ARP is extra"
    topo_direct 0 qinq
    listen_greet "$SRV" 25 hold "$GREET_220"
    fw "$SRV" iptables -A INPUT -p tcp --dport 25 -j REJECT
    capture c0 ''
    attempt "$SRV4" 25
    lab_capture_stop
}

scen_port_587() {
    S_DESC="listener on 587 answers '$GREET_587'; client reads the greeting and closes"
    expect "$SRV4" 587 accepted syn-ack "$SRV4" true 220
    topo_direct 0
    listen_greet "$SRV" 587 hold "$GREET_587"
    capture; attempt "$SRV4" 587 greet; lab_capture_stop
}

scen_stop_pending() {
    S_DESC="iptables -A INPUT -p tcp --dport 25 -j DROP; the capture is stopped (SIGINT) 1.5 s after the SYN, long before the 10 s timeout"
    expect "$SRV4" 25 unresolved capture-ended - -
    topo_direct 0
    fw "$SRV" iptables -A INPUT -p tcp --dport 25 -j DROP
    capture; lab_connect "$CLI" "$SRV4" 25 1.5; lab_capture_stop 0
}

# demo — every verdict class in one capture (make demo reads it): one server
# namespace holding 203.0.113.25-.30, each address treated by its own rule.
scen_demo() {
    local a
    S_DESC="every class in one capture: .25 listener (220 on 25 and 587); .26 REJECT tcp-reset; .27 REJECT icmp-host-prohibited; .28 REJECT icmp-net-unreachable; .29 DROP (timed out inside the capture); .30 DROP (capture stopped 1.5 s after its SYN)"
    expect "$SRV4" 25 accepted syn-ack "$SRV4" true 220
    expect "$SRV4" 587 accepted syn-ack "$SRV4" true 220
    expect 203.0.113.26 25 refused reset 203.0.113.26 true
    expect 203.0.113.27 25 prohibited host-prohibited 203.0.113.27 true
    expect 203.0.113.28 587 unreachable net-unreach 203.0.113.28 true
    expect 203.0.113.29 25 dropped no-response - -
    expect 203.0.113.30 25 unresolved capture-ended - -
    # One source, so each failing server is "every attempt failed", and
    # one source cannot tell a block aimed at it from an outage; .30
    # (unresolved) is no failure either way and gets no finding.
    finding "no failure: 1 accepted"
    finding "every attempt failed: 1 attempt from one source, none accepted (refused/reset): $ONLY_CLI4"
    finding "every attempt failed: 1 attempt from one source, none accepted (prohibited/host-prohibited): $ONLY_CLI4"
    finding "every attempt failed: 1 attempt from one source, none accepted (unreachable/net-unreach): $ONLY_CLI4"
    finding "every attempt failed: 1 attempt from one source, none accepted (dropped/no-response): $ONLY_CLI4"
    topo_direct 0
    for a in 26 27 28 29 30; do lab_addr "$SRV" s0 "203.0.113.$a/32"; done
    listen_greet "$SRV" 25 hold "$GREET_220"
    listen_greet "$SRV" 587 hold "$GREET_587"
    fw "$SRV" iptables -A INPUT -d 203.0.113.26 -p tcp -j REJECT --reject-with tcp-reset
    fw "$SRV" iptables -A INPUT -d 203.0.113.27 -p tcp -j REJECT --reject-with icmp-host-prohibited
    fw "$SRV" iptables -A INPUT -d 203.0.113.28 -p tcp -j REJECT --reject-with icmp-net-unreachable
    fw "$SRV" iptables -A INPUT -d 203.0.113.29 -p tcp -j DROP
    fw "$SRV" iptables -A INPUT -d 203.0.113.30 -p tcp -j DROP
    capture
    attempt "$SRV4" 25 greet
    attempt "$SRV4" 587 greet
    attempt 203.0.113.26 25
    attempt 203.0.113.27 25
    attempt 203.0.113.28 587
    a=$(lab_now_us)
    lab_connect "$CLI" 203.0.113.29 25 3.5
    # Past .29's timeout (10 s after its last SYN); .30's SYN moves time on.
    lab_sleep_until_us $((a + 14500000))
    lab_connect "$CLI" 203.0.113.30 25 1.5
    lab_capture_stop 0
}

# attempt_from SRC HOST PORT — one bounded connection attempt bound to source address SRC.
attempt_from() {
    local rc=0
    lab_exec "$CLI" timeout 4 socat -u -T 0.5 "TCP:$2:$3,bind=$1,connect-timeout=3" /dev/null \
        >/dev/null 2>&1 || rc=$?
    lab_log "  connect $1 -> $2 port $3: exit $rc"
}

# topo_chain N — client, N routers in a row, server; each router forwards.  The client
# holds 192.0.2.10 and 192.0.2.11; router 1 is 192.0.2.1 towards it, router k (k > 1)
# is 198.51.100.(4k-2) towards router k-1; the last router is 203.0.113.1 to the server.
topo_chain() {
    local n=$1 k prev prev_if
    CLI=$(lab_nsname cli) SRV=$(lab_nsname srv) CLI_IF=c0
    lab_ns_add "$CLI" 0
    lab_ns_add "$SRV" 0
    prev=$CLI prev_if=c0
    for ((k = 1; k <= n; k++)); do
        local r
        r=$(lab_nsname "r$k")
        lab_ns_add "$r" 0
        lab_forwarding "$r"
        if [ "$k" -eq 1 ]; then
            lab_link "$CLI" "$r" "$CLI4/24,192.0.2.11/24" "$RTR_CLI4/24" c0 i0
            ip -n "$CLI" route add default via "$RTR_CLI4" dev c0
        else
            # router k-1 .(4k-3) <-> router k .(4k-2), a /30 each
            lab_link "$prev" "$r" "198.51.100.$((4 * k - 3))/30" "198.51.100.$((4 * k - 2))/30" o0 i0
            ip -n "$prev" route add 203.0.113.0/24 via "198.51.100.$((4 * k - 2))"
            ip -n "$r" route add 192.0.2.0/24 via "198.51.100.$((4 * k - 3))"
        fi
        prev=$r prev_if=o0
        RTR=$r
    done
    lab_link "$prev" "$SRV" "203.0.113.1/24" "$SRV4/24" o0 s0
    ip -n "$SRV" route add default via 203.0.113.1
}

scen_scope_source_block() {
    S_DESC="router NATs 192.0.2.11 to 198.51.100.11; the server REJECTs --reject-with tcp-reset from 198.51.100.11 on port 25 and accepts 192.0.2.10 (not NATed); two attempts from each source"
    expect "$SRV4" 25 accepted syn-ack "$SRV4" true 220
    expect "$SRV4" 25 accepted syn-ack "$SRV4" true 220
    expect "$SRV4" 25 refused reset "$SRV4" true
    expect "$SRV4" 25 refused reset "$SRV4" true
    finding "block aimed at 192.0.2.11: all 2 of their attempts failed (refused/reset) while 192.0.2.10 was accepted on all 2 attempts"
    finding "Finding: block aimed at 192.0.2.11"
    finding "Sending addresses with failures: 192.0.2.11"
    finding "Other senders accepted in the same window: 192.0.2.10"
    topo_chain 1
    fw "$RTR" iptables -t nat -A POSTROUTING -s 192.0.2.11 -j SNAT --to-source 198.51.100.11
    lab_addr "$RTR" o0 198.51.100.11/32
    listen_greet "$SRV" 25 hold "$GREET_220"
    fw "$SRV" iptables -A INPUT -s 198.51.100.11 -p tcp --dport 25 -j REJECT --reject-with tcp-reset
    capture
    attempt_from "$CLI4" "$SRV4" 25
    attempt_from 192.0.2.11 "$SRV4" 25
    attempt_from "$CLI4" "$SRV4" 25
    attempt_from 192.0.2.11 "$SRV4" 25
    lab_capture_stop
}

scen_scope_rate_limit() {
    S_DESC="the server accepts 3 new connections per minute on port 25 (iptables -m limit --limit 3/minute --limit-burst 3 -j ACCEPT), then REJECTs --reject-with tcp-reset; the client connects 6 times"
    local i
    for i in 1 2 3; do expect "$SRV4" 25 accepted syn-ack "$SRV4" true 220; done
    for i in 1 2 3; do expect "$SRV4" 25 refused reset "$SRV4" true; done
    finding "rate limiting or a new block for 192.0.2.10: accepted 3 times (the last at"
    finding "(3 failures since)"
    finding "Sources: $ONLY_CLI4"
    topo_direct 0
    listen_greet "$SRV" 25 hold "$GREET_220"
    fw "$SRV" iptables -A INPUT -p tcp --syn --dport 25 -m limit --limit 3/minute --limit-burst 3 -j ACCEPT
    fw "$SRV" iptables -A INPUT -p tcp --syn --dport 25 -j REJECT --reject-with tcp-reset
    capture
    for i in 1 2 3 4 5 6; do attempt_from "$CLI4" "$SRV4" 25; done
    lab_capture_stop
}

scen_scope_middlebox() {
    S_DESC="two routers between client and server; the second REJECTs port 25 with icmp-admin-prohibited (FORWARD), so the answer comes from a hop one router away"
    expect "$SRV4" 25 prohibited admin-prohibited 198.51.100.6 false
    finding "a middlebox on the path, not the recipient: 1 of 1 failures were answered by 198.51.100.6, 1 hop away"
    finding "$NOT_RECIPIENT your network team or provider, to find who runs 198.51.100.6 (1 hop away)"
    topo_chain 2
    listen_greet "$SRV" 25 hold "$GREET_220"
    fw "$RTR" iptables -A FORWARD -p tcp --dport 25 -j REJECT --reject-with icmp-admin-prohibited
    capture
    attempt_from "$CLI4" "$SRV4" 25
    lab_capture_stop
}

scen_scope_forged_rst() {
    S_DESC="one router between client and server; the server accepts 25; the router REJECTs port 587 with --reject-with tcp-reset, a RST that carries the server's address but comes from one hop nearer"
    expect "$SRV4" 25 accepted syn-ack "$SRV4" true 220
    # the router is the client's first hop: the RST is its own, in the server's name
    expect "$SRV4" 587 refused reset "$SRV4" false "" responder_first_hop=true
    finding "local firewall or provider block, not the recipient: 1 of 1 failures were answered by the first hop in the server's name (203.0.113.25)"
    finding "$NOT_RECIPIENT your network team or provider, who run the first hop (your gateway), which answers in the server's name"
    finding "no failure: 1 accepted"
    topo_chain 1
    listen_greet "$SRV" 25 hold "$GREET_220"
    listen_greet "$SRV" 587 hold "$GREET_587"
    fw "$RTR" iptables -A FORWARD -p tcp --dport 587 -j REJECT --reject-with tcp-reset
    capture
    attempt "$SRV4" 25 greet
    attempt "$SRV4" 587
    lab_capture_stop
}

scen_scope_local_reject() {
    S_DESC="the client's own OUTPUT chain REJECTs port 25 (icmp-port-unreachable): the SYN never leaves the host; captured on -i any to see the host's ICMP on lo"
    expect "$SRV4" 25 refused port-unreach "$CLI4" false
    finding "local firewall or provider block, not the recipient: 1 of 1 failures were answered by 192.0.2.10, the sending host itself"
    finding "$NOT_RECIPIENT whoever runs the firewall of the sending host 192.0.2.10"
    topo_direct 0
    listen_greet "$SRV" 25 hold "$GREET_220"
    fw "$CLI" iptables -A OUTPUT -p tcp --dport 25 -j REJECT
    capture any
    attempt "$SRV4" 25
    lab_capture_stop
}

# topo_gateway — client <-> router <-> server, IPv4 and IPv6: the client reaches the
# server only through the router (its default routes), the server is on-link to the router.
topo_gateway() {
    CLI=$(lab_nsname cli) RTR=$(lab_nsname rtr) SRV=$(lab_nsname srv) CLI_IF=c0
    lab_ns_add "$CLI" 1
    lab_ns_add "$RTR" 1
    lab_ns_add "$SRV" 1
    lab_link "$CLI" "$RTR" "$CLI4/24,$CLI6/64" "$RTR_CLI4/24,2001:db8:c0::1/64" c0 r0
    lab_link "$RTR" "$SRV" "203.0.113.1/24,2001:db8:25::1/64" "$SRV4/24,$SRV6/64" r1 s0
    lab_forwarding "$RTR"
    ip -n "$CLI" route add default via "$RTR_CLI4" dev c0
    ip -n "$CLI" -6 route add default via 2001:db8:c0::1 dev c0
    ip -n "$SRV" route add default via 203.0.113.1 dev s0
    ip -n "$SRV" -6 route add default via 2001:db8:25::1 dev s0
}

scen_firsthop_reset() {
    S_DESC="one router between client and server, IPv4 and IPv6; the server listens on 25 and 587; the router, the client's gateway, REJECTs port 25 with --reject-with tcp-reset (iptables and ip6tables, FORWARD): a RST in the server's name made by the first hop; 587 passes; 587 is tried first, then 25"
    expect "$SRV4" 587 accepted syn-ack "$SRV4" true 220 hops=1
    expect "$SRV4" 25 refused reset "$SRV4" false "" responder_first_hop=true hops=0
    expect "$SRV6" 587 accepted syn-ack "$SRV6" true 220 hops=1
    expect "$SRV6" 25 refused reset "$SRV6" false "" responder_first_hop=true hops=0
    note "path: client $CLI4 / $CLI6 -> router $RTR_CLI4 / 2001:db8:c0::1 (forwarding) -> server $SRV4 / $SRV6; the client's routes to the server are via the router"
    finding "no failure: 1 accepted"
    finding "local firewall or provider block, not the recipient: 1 of 1 failures were answered by the first hop in the server's name ("
    topo_gateway
    listen_greet "$SRV" 25 hold "$GREET_220" 6
    listen_greet "$SRV" 587 hold "$GREET_587" 6
    fw "$RTR" iptables -A FORWARD -p tcp --dport 25 -j REJECT --reject-with tcp-reset
    fw "$RTR" ip6tables -A FORWARD -p tcp --dport 25 -j REJECT --reject-with tcp-reset
    capture
    attempt "$SRV4" 587 greet
    attempt "$SRV4" 25
    attempt "$SRV6" 587 greet
    attempt "$SRV6" 25
    lab_capture_stop
}

# ---- runner ----------------------------------------------------------------------
declare -A DONE_DESC DONE_EXPECT DONE_STATUS

write_expect() {
    local f=$1
    {
        printf '# scenario: %s\n' "$S_DESC"
        [ -n "$S_SKIP" ] && printf '# SKIPPED: %s (no pcap recorded)\n' "$S_SKIP"
        [ ${#S_NOTES[@]} -gt 0 ] && printf '# %s\n' "${S_NOTES[@]}"
        [ ${#S_EXPECT[@]} -gt 0 ] && printf '%s\n' "${S_EXPECT[@]}"
        true
    } >"$f"
}

run_scenario() {
    S_NAME=$1 S_DESC='' S_SKIP='' S_EXPECT=() S_NOTES=()
    S_DIR=$LAB_TMP/$S_NAME
    S_PCAP=$S_DIR/$S_NAME.pcap
    mkdir -p "$S_DIR"
    lab_log "== $S_NAME"
    "scen_${S_NAME//-/_}"
    lab_stop_all
    lab_ns_del_all
    if [ -n "$S_SKIP" ]; then
        lab_log "  SKIPPED: $S_SKIP"
        rm -f -- "$OUTDIR/$S_NAME.pcap"
        write_expect "$OUTDIR/$S_NAME.expect"
        DONE_STATUS[$S_NAME]="skipped: $S_SKIP"
    else
        [ -s "$S_PCAP" ] || lab_die "$S_NAME: no capture written"
        [ ${#S_EXPECT[@]} -gt 0 ] || lab_die "$S_NAME: scenario defines no expectation"
        mv -f -- "$S_PCAP" "$OUTDIR/$S_NAME.pcap"
        if [ "$LAB_OBSERVER" = watch ]; then
            mv -f -- "$S_DIR/$S_NAME.json" "$OUTDIR/$S_NAME.json"
        fi
        write_expect "$OUTDIR/$S_NAME.expect"
        DONE_STATUS[$S_NAME]=recorded
        lab_log "  wrote $OUTDIR/$S_NAME.pcap ($(stat -c %s "$OUTDIR/$S_NAME.pcap") bytes) and $S_NAME.expect"
    fi
    DONE_DESC[$S_NAME]=$S_DESC
    DONE_EXPECT[$S_NAME]=$(printf '%s\n' "${S_EXPECT[@]}" \
        | sed -E 's/.*port=([0-9]+) class=([a-z]+) reason=([a-z-]+) responder=([^ ]+) responder_is_server=[^ ]+/\1: \2\/\3, responder \4/; s/, responder ([^ ]+) greeting_code=([0-9]+)/, responder \1, greeting \2/; s/ responder_first_hop=true/ (made by the first hop)/; s/ hops=[0-9]+//' \
        | paste -sd';' | sed 's/;/; /g')
    rm -rf -- "$S_DIR"
}

# README.md for OUTDIR, regenerated on full runs only.
write_readme() {
    local s when
    when=$(date -u '+%Y-%m-%d %H:%M UTC')
    {
        cat <<EOF
# Lab captures (pcaps/lab)

Recorded by \`tests/lab/record-pcaps.sh\` (as root; regenerate everything,
including this file, with \`sudo tests/lab/record-pcaps.sh\`) from a real
kernel: network namespaces joined by veth pairs, real iptables / ip6tables /
nftables rules, socat listeners, bash \`/dev/tcp\` clients, tcpdump inside
the client namespace (\`-U -w\`, snaplen 262144). Only documentation
addresses: client 192.0.2.10 / 2001:db8:c0::10, server 203.0.113.25 /
2001:db8:25::25, router 198.51.100.1 (ICMP source) / 192.0.2.1.

- command: \`$INVOCATION\`
- recorded: $when
- kernel: \`$(uname -r)\`
- $(tcpdump --version 2>&1 | head -2 | paste -sd, | sed 's/,/, /'); $(iptables -V); $(nft -v)
- VLAN tagging: ${VLAN_METHOD:-n/a}$([ "$VLAN_METHOD" = bpf ] && echo ' (kernel without CONFIG_VLAN_8021Q: tc eBPF bpf_skb_vlan_push/pop on the veths, see the vlan/qinq .expect files)')

Each \`NAME.expect\` states, one line per connection attempt, the verdict the
scenario's configuration must produce (written from the scenario definition,
not from any tool's output):
\`server= port= class= reason= responder= responder_is_server= [greeting_code=]\`.
Captures use the filter \`$FILTER\`
(drop, v6-drop: \`... or udp port 9\`; any-sll2: \`-i any\`, same filter), except vlan/qinq (no filter, IPv6 disabled, so ARP frames are present).
The drop captures end with one UDP datagram to the server's port 9, sent 14 s
after the first SYN (pcap files carry no end time; it is not an SMTP attempt).
TX checksum offload is off on every veth, so checksums are complete. In the
LINUX_SLL2 capture the interface index is the namespace's; \`tcpdump -r\` may
print a host interface name for it.

What the kernel did is in the captures, not smoothed over: after an ICMP error
the client may retransmit the SYN once and get a second ICMP quoting the same
SYN sequence number (one attempt, one verdict); SYN retransmission intervals
are the kernel's own (see the drop captures).

Check a capture with \`tcpdump -nn -v -r pcaps/lab/NAME.pcap\` (add \`-e\` for
vlan, qinq and any-sll2 to see the tags / cooked header).

| scenario | rule / configuration | expected verdict per attempt (port: class/reason) |
|---|---|---|
EOF
        for s in "${SCENARIOS[@]}"; do
            if [ "${DONE_STATUS[$s]}" = recorded ]; then
                printf '| %s | %s | %s |\n' "$s" "${DONE_DESC[$s]//|/\\|}" "${DONE_EXPECT[$s]}"
            else
                printf '| %s | %s | %s |\n' "$s" "${DONE_DESC[$s]//|/\\|}" "${DONE_STATUS[$s]}"
            fi
        done
    } >"$OUTDIR/README.md"
}

START_US=$(lab_now_us)
lab_log "output: $OUTDIR; namespaces: $LAB_PREFIX-*; scenarios: ${SELECTED[*]}"
for s in "${SELECTED[@]}"; do run_scenario "$s"; done
if [ ${#SELECTED[@]} -eq ${#SCENARIOS[@]} ] && [ "$LAB_OBSERVER" = tcpdump ]; then
    write_readme
    lab_log "wrote $OUTDIR/README.md"
fi
lab_log "done: ${#SELECTED[@]} scenario(s) in $(( ($(lab_now_us) - START_US) / 1000000 )) s"
for s in "${SELECTED[@]}"; do lab_log "  $s: ${DONE_STATUS[$s]}"; done
