# shellcheck shell=bash
# tests/lab/lib.sh — reusable helpers for smtpscope lab tests.
#
# Source it from a bash script running as root:
#     . "$(dirname "$0")/lib.sh"
#     lab_require_root
#     lab_require_tools ip:iproute2 tcpdump:tcpdump
#     lab_init                    # temp dir + trap EXIT INT TERM -> lab_cleanup
#     cli=$(lab_nsname cli); lab_ns_add "$cli"
#
# Lab rules (DESIGN.md "Lab network rules"): traffic only inside namespaces
# created here (veth pairs are created directly inside them, never on the
# host), documentation address ranges only, every wait bounded, teardown in a
# trap, and only processes started here are ended, by PID.
#
# Every helper works on the current shell's state (LAB_PIDS, LAB_NAMESPACES),
# so call them directly, not inside $(...).

# Prefix of every namespace name this process creates (unique per process).
LAB_PREFIX=${LAB_PREFIX:-sscope-$$}
# Namespaces created by lab_ns_add, deleted by lab_cleanup / lab_ns_del_all.
LAB_NAMESPACES=()
# PIDs of background processes started by lab_bg, ended by lab_cleanup.
LAB_PIDS=()
# PID of the most recent lab_bg process.
LAB_LAST_PID=
# Scratch directory made by lab_init, removed by lab_cleanup.
LAB_TMP=
# 1: lab_link turns off TX checksum offload on both veth ends (needs ethtool), so checksums
# on the wire / in captures are complete, as on a hardware link; 0: kernel default (offload).
LAB_TX_CSUM_OFF=${LAB_TX_CSUM_OFF:-0}
# PID / stderr file of the capture started by lab_capture_start.
LAB_CAP_PID=
LAB_CAP_ERR=

# Print a progress message to stderr.
lab_log() { printf '[lab] %s\n' "$*" >&2; }

# Print an error message to stderr and exit 1 (cleanup runs from the trap).
lab_die() { printf '[lab] ERROR: %s\n' "$*" >&2; exit 1; }

# Exit unless running as root.
lab_require_root() { [ "$(id -u)" -eq 0 ] || lab_die "must run as root (network namespaces, iptables, tcpdump)"; }

# lab_require_tools CMD:DEBIAN_PACKAGE... — exit naming the package of every missing command.
lab_require_tools() {
    local spec missing=()
    for spec in "$@"; do
        command -v "${spec%%:*}" >/dev/null 2>&1 || missing+=("'${spec%%:*}' (Debian package: ${spec#*:})")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    printf '[lab] ERROR: missing tool: %s\n' "${missing[@]}" >&2
    printf '[lab] install with: apt-get install' >&2
    for spec in "$@"; do command -v "${spec%%:*}" >/dev/null 2>&1 || printf ' %s' "${spec#*:}" >&2; done
    printf '\n' >&2
    exit 1
}

# lab_now_us — current wall-clock time in integer microseconds.
lab_now_us() { local t=${EPOCHREALTIME}; printf '%s\n' "${t/[.,]/}"; }

# lab_sleep_until_us T — sleep until lab_now_us >= T (returns at once if already past).
lab_sleep_until_us() {
    local left=$(( $1 - $(lab_now_us) ))
    [ "$left" -gt 0 ] || return 0
    sleep "$(printf '%d.%06d' $((left / 1000000)) $((left % 1000000)))"
}

# lab_wait_for CMD TIMEOUT — eval CMD every 50 ms until it succeeds; fail after TIMEOUT s.
lab_wait_for() {
    local cmd=$1 timeout=${2:-5} i n
    n=$(( timeout * 20 ))
    [ "$n" -ge 1 ] || n=1
    for ((i = 0; i < n; i++)); do
        eval "$cmd" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    return 1
}

# lab_init — make LAB_TMP and install the EXIT/INT/TERM trap running lab_cleanup.
lab_init() {
    LAB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/${LAB_PREFIX}.XXXXXX")
    trap 'lab_cleanup' EXIT
    trap 'lab_log "interrupted"; exit 130' INT TERM
}

# lab_nsname SHORT — print the namespace name for SHORT (e.g. sscope-1234-cli).
lab_nsname() { printf '%s-%s\n' "$LAB_PREFIX" "$1"; }

# lab_exec NS CMD... — run CMD inside namespace NS.
lab_exec() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# lab_ns_add NS [ipv6=0|1] — create NS (lo up, no RA/RS/DAD; ipv6=0 disables IPv6 in it).
lab_ns_add() {
    local ns=$1 v6=${2:-1}
    ip netns add "$ns" || lab_die "cannot create namespace $ns"
    LAB_NAMESPACES+=("$ns")
    ip -n "$ns" link set lo up
    if [ "$v6" = 0 ]; then
        lab_exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    fi
    lab_exec "$ns" sysctl -qw \
        net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
        net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0 \
        net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 >/dev/null
}

# lab_addr NS DEV ADDR[,ADDR...] — add addresses (CIDR; IPv6 ones with nodad); "-" adds none.
lab_addr() {
    local ns=$1 dev=$2 list=$3 a
    [ "$list" = - ] && return 0
    local IFS=,
    for a in $list; do
        case $a in
            *:*) ip -n "$ns" addr add "$a" dev "$dev" nodad ;;
            *)   ip -n "$ns" addr add "$a" dev "$dev" ;;
        esac
    done
}

# lab_link NS_A NS_B ADDR_A ADDR_B [IF_A IF_B] — veth IF_A(in NS_A)<->IF_B(in NS_B), up, addressed.
lab_link() {
    local nsa=$1 nsb=$2 addra=$3 addrb=$4 ifa=${5:-veth0} ifb=${6:-veth1}
    ip link add "$ifa" netns "$nsa" type veth peer name "$ifb" netns "$nsb" \
        || lab_die "cannot create veth $nsa:$ifa <-> $nsb:$ifb"
    ip -n "$nsa" link set "$ifa" up
    ip -n "$nsb" link set "$ifb" up
    if [ "$LAB_TX_CSUM_OFF" = 1 ]; then
        lab_csum_off "$nsa" "$ifa"
        lab_csum_off "$nsb" "$ifb"
    fi
    lab_addr "$nsa" "$ifa" "$addra"
    lab_addr "$nsb" "$ifb" "$addrb"
}

# lab_csum_off NS DEV — disable TX checksum offload on DEV (full checksums in captures).
lab_csum_off() { lab_exec "$1" ethtool -K "$2" tx off >/dev/null || lab_die "ethtool -K $2 tx off failed in $1"; }

# lab_forwarding NS — enable IPv4 and IPv6 forwarding inside NS (router namespace).
lab_forwarding() {
    lab_exec "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 >/dev/null
}

# lab_bg NS LOGFILE CMD... — start CMD in NS in the background, record its PID (LAB_LAST_PID).
lab_bg() {
    local ns=$1 log=$2; shift 2
    ip netns exec "$ns" "$@" >"$log" 2>&1 </dev/null &
    LAB_LAST_PID=$!
    LAB_PIDS+=("$LAB_LAST_PID")
}

# lab_kill PID [SIGNAL] — send SIGNAL (default TERM), wait up to 3 s, then KILL; reap it.
lab_kill() {
    local pid=$1 sig=${2:-TERM} i
    [ -n "$pid" ] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill -s "$sig" "$pid" 2>/dev/null || true
        for ((i = 0; i < 60; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        kill -0 "$pid" 2>/dev/null && kill -s KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null || true
    lab_forget_pid "$pid"
}

# lab_forget_pid PID — drop PID from LAB_PIDS (after it was reaped).
lab_forget_pid() {
    local p keep=()
    for p in "${LAB_PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
    LAB_PIDS=("${keep[@]}")
}

# lab_wait_listen NS PORT [TIMEOUT] [tcp|udp] — wait until a socket listens on PORT inside NS.
lab_wait_listen() {
    local opt=-Hltn
    [ "${4:-tcp}" = udp ] && opt=-Hlun
    lab_wait_for "[ -n \"\$(ip netns exec '$1' ss $opt 'sport = :$2')\" ]" "${3:-5}" \
        || lab_die "nothing listening on ${4:-tcp} port $2 in $1 after ${3:-5} s"
}

# lab_cli_srv — the two-host lab: namespaces $CLI (192.0.2.10/24 on c0)
# and $SRV (203.0.113.25/24 on s0), one veth between them, each routing
# the other's /24 over it.  Sets CLI and SRV.
lab_cli_srv() {
    CLI=$(lab_nsname cli) SRV=$(lab_nsname srv)
    lab_ns_add "$CLI" 0
    lab_ns_add "$SRV" 0
    lab_link "$CLI" "$SRV" 192.0.2.10/24 203.0.113.25/24 c0 s0
    ip -n "$CLI" route add 203.0.113.0/24 dev c0 || lab_die "route in $CLI"
    ip -n "$SRV" route add 192.0.2.0/24 dev s0 || lab_die "route in $SRV"
}

# lab_greeter NS PORT [GREETING] — an SMTP server's greeting on TCP PORT in
# NS for every connection (socat), which then waits up to 3 s for a line;
# returns once the port listens.  GREETING: "220 mx.example.test ESMTP lab".
lab_greeter() {
    local ns=$1 port=$2 text=${3:-220 mx.example.test ESMTP lab}
    printf '%s\r\n' "$text" >"$LAB_TMP/greet-$port.txt"
    printf '#!/bin/bash\ncat %q\nIFS= read -r -t 3 _ || true\n' \
        "$LAB_TMP/greet-$port.txt" >"$LAB_TMP/greet-$port.sh"
    chmod 0755 "$LAB_TMP/greet-$port.sh"
    lab_bg "$ns" "$LAB_TMP/socat-$port.log" socat \
        "TCP4-LISTEN:$port,fork,reuseaddr" "EXEC:$LAB_TMP/greet-$port.sh"
    lab_wait_listen "$ns" "$port" 5
}

# lab_capture_start NS IFACE FILE [FILTER...] — tcpdump -U -w FILE in NS; wait until it listens.
lab_capture_start() {
    local ns=$1 ifc=$2 file=$3; shift 3
    LAB_CAP_ERR=$file.stderr
    ip netns exec "$ns" tcpdump -Z root -i "$ifc" -nn -s 262144 -U --immediate-mode \
        -w "$file" "$@" 2>"$LAB_CAP_ERR" </dev/null &
    LAB_CAP_PID=$!
    LAB_PIDS+=("$LAB_CAP_PID")
    if ! lab_wait_for "grep -q 'listening on' '$LAB_CAP_ERR'" 5; then
        cat "$LAB_CAP_ERR" >&2
        lab_die "tcpdump on $ns:$ifc did not start within 5 s"
    fi
}

# lab_capture_stop [SETTLE] — sleep SETTLE s (default 0.3), SIGINT the capture, wait for it.
lab_capture_stop() {
    local rc=0
    sleep "${1:-0.3}"
    [ -n "$LAB_CAP_PID" ] || return 0
    if [ "${LAB_CAP_IS_WATCH:-0}" = 1 ]; then
        # smtpscope watch: SIGINT must end it cleanly with status 0.
        local wd
        kill -s INT "$LAB_CAP_PID" 2>/dev/null || true
        # Bounded: a watchdog kills it if SIGINT is ignored for 5 s.
        ( sleep 5; kill -s KILL "$LAB_CAP_PID" 2>/dev/null ) &
        wd=$!
        wait "$LAB_CAP_PID" || rc=$?
        kill "$wd" 2>/dev/null; wait "$wd" 2>/dev/null || true
        lab_forget_pid "$LAB_CAP_PID"
        LAB_CAP_PID= LAB_CAP_IS_WATCH=0
        [ "$rc" -eq 0 ] || { cat "$LAB_CAP_ERR" >&2; lab_die "smtpscope watch exited with status $rc after SIGINT"; }
        lab_log "  watch: $(grep -E '^(summary|kernel)' "$LAB_CAP_ERR" | tr '\n' ' ')"
        return 0
    fi
    lab_kill "$LAB_CAP_PID" INT
    lab_log "  tcpdump: $(grep -E 'captured|dropped by kernel' "$LAB_CAP_ERR" | tr '\n' ' ')"
    LAB_CAP_PID=
}

# shellcheck disable=SC2016  # the bash -c scripts take their values as positional arguments
# lab_watch_start NS IFACE JSON PCAP — "$SMTPSCOPE watch --json -w PCAP -Z nobody" in NS,
# records to JSON; waits until it listens and checks it then runs as nobody (it dropped root).
# lab_capture_stop ends it (SIGINT) like a tcpdump capture and checks it exits 0.
lab_watch_start() {
    local ns=$1 ifc=$2 json=$3 pcap=$4 uid want
    [ -n "${SMTPSCOPE:-}" ] || lab_die "lab_watch_start: SMTPSCOPE is not set"
    LAB_CAP_ERR=$json.stderr
    LAB_CAP_IS_WATCH=1
    ip netns exec "$ns" "$SMTPSCOPE" watch -i "$ifc" --json -w "$pcap" -Z nobody \
        ${LAB_WATCH_OPTS:-} >"$json" 2>"$LAB_CAP_ERR" </dev/null &
    LAB_CAP_PID=$!
    LAB_PIDS+=("$LAB_CAP_PID")
    if ! lab_wait_for "grep -q 'listening on' '$LAB_CAP_ERR'" 5; then
        cat "$LAB_CAP_ERR" >&2
        lab_die "smtpscope watch on $ns:$ifc did not start within 5 s"
    fi
    uid=$(awk '/^Uid:/ { print $2 $3 $4 $5 }' "/proc/$LAB_CAP_PID/status")
    want=$(id -u nobody)
    [ "$uid" = "$want$want$want$want" ] ||
        lab_die "smtpscope watch still runs with uids $uid after start-up, want $want (nobody)"
    lab_log "  watch pid $LAB_CAP_PID runs as nobody (uid $want)"
}

# lab_connect NS HOST PORT SECS [OUTFILE] — TCP connect from NS, bounded by SECS; if OUTFILE
# is given, read the first line the server sends into it, then close. Never fails.
lab_connect() {
    local ns=$1 host=$2 port=$3 secs=$4 out=${5:-} rc=0
    if [ -n "$out" ]; then
        ip netns exec "$ns" timeout "$secs" bash -c \
            'exec 3<>"/dev/tcp/$1/$2" || exit 1; IFS= read -r -t "$3" line <&3; rc=$?; printf "%s\n" "$line" >"$4"; exec 3>&-; exit $rc' \
            _ "$host" "$port" "$secs" "$out" 2>/dev/null || rc=$?
    else
        ip netns exec "$ns" timeout "$secs" bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null || rc=$?
    fi
    lab_log "  connect $host port $port: exit $rc$([ "$rc" = 124 ] && echo ' (timed out)')"
    return 0
}

# lab_ns_del_all — end every process left in our namespaces (by PID) and delete the namespaces.
lab_ns_del_all() {
    local ns pid
    for ns in "${LAB_NAMESPACES[@]}"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -s KILL "$pid" 2>/dev/null || true
        done
        ip netns del "$ns" 2>/dev/null || true
    done
    LAB_NAMESPACES=()
}

# lab_stop_all — end every recorded background process (by PID).
lab_stop_all() {
    local pid
    for pid in "${LAB_PIDS[@]}"; do lab_kill "$pid"; done
    LAB_PIDS=()
    LAB_CAP_PID=
}

# lab_cleanup — stop recorded processes, delete our namespaces and LAB_TMP (idempotent).
lab_cleanup() {
    local opts=$-
    set +e
    lab_stop_all
    lab_ns_del_all
    if [ -n "$LAB_TMP" ] && [ -d "$LAB_TMP" ]; then rm -rf -- "$LAB_TMP"; fi
    LAB_TMP=
    case $opts in *e*) set -e ;; esac
}

# lab_vlan_native_ok — true if the kernel can create 802.1Q/802.1ad sub-interfaces.
lab_vlan_native_ok() {
    local ns rc=1
    ns=$(lab_nsname vlanprobe)
    ip netns add "$ns" 2>/dev/null || return 1
    LAB_NAMESPACES+=("$ns")
    if ip -n "$ns" link add vp0 type veth peer name vp1 2>/dev/null \
        && ip -n "$ns" link add link vp0 name vp0.10 type vlan proto 802.1ad id 10 2>/dev/null \
        && ip -n "$ns" link add link vp0.10 name vp0.10.20 type vlan id 20 2>/dev/null; then
        rc=0
    fi
    ip netns del "$ns" 2>/dev/null || true
    local n keep=()
    for n in "${LAB_NAMESPACES[@]}"; do [ "$n" = "$ns" ] || keep+=("$n"); done
    LAB_NAMESPACES=("${keep[@]}")
    return $rc
}

# lab_vlan_bpf_build OUT.o OUTER_PROTO OUTER_VID [INNER_PROTO INNER_VID] — compile a tc eBPF
# object that pushes the tag(s) on egress (section classifier/tag) and pops them on ingress
# (classifier/untag); the fallback when the kernel lacks CONFIG_VLAN_8021Q. Needs clang.
lab_vlan_bpf_build() {
    local out=$1 op=$2 ov=$3 ip=${4:-} iv=${5:-} src
    src=${out%.o}.c
    cat >"$src" <<'EOF'
/* Tags every egress frame with 1 or 2 VLAN headers, strips them on ingress. */
#define SEC(n) __attribute__((section(n), used))
struct __sk_buff;
static long (*bpf_skb_vlan_push)(struct __sk_buff *, unsigned short, unsigned short) = (void *)18;
static long (*bpf_skb_vlan_pop)(struct __sk_buff *) = (void *)19;
#define BE16(x) ((unsigned short)((((x) & 0xff) << 8) | (((x) >> 8) & 0xff)))
SEC("classifier/tag") int tag(struct __sk_buff *skb)
{
#ifdef INNER_VID
	if (bpf_skb_vlan_push(skb, BE16(INNER_PROTO), INNER_VID))
		return 2; /* TC_ACT_SHOT */
#endif
	if (bpf_skb_vlan_push(skb, BE16(OUTER_PROTO), OUTER_VID))
		return 2;
	return 0; /* TC_ACT_OK */
}
SEC("classifier/untag") int untag(struct __sk_buff *skb)
{
	bpf_skb_vlan_pop(skb);
#ifdef INNER_VID
	bpf_skb_vlan_pop(skb);
#endif
	return 0;
}
char _license[] SEC("license") = "GPL";
EOF
    local defs=(-DOUTER_PROTO="$op" -DOUTER_VID="$ov")
    [ -n "$iv" ] && defs+=(-DINNER_PROTO="$ip" -DINNER_VID="$iv")
    clang -O2 -target bpf "${defs[@]}" -c "$src" -o "$out"
}

# lab_vlan_bpf_attach NS DEV OBJ.o — attach the tag/untag programs of OBJ to DEV's clsact hooks.
lab_vlan_bpf_attach() {
    local ns=$1 dev=$2 obj=$3
    lab_exec "$ns" tc qdisc add dev "$dev" clsact
    lab_exec "$ns" tc filter add dev "$dev" egress bpf da obj "$obj" sec classifier/tag
    lab_exec "$ns" tc filter add dev "$dev" ingress bpf da obj "$obj" sec classifier/untag
}
