#!/usr/bin/env bash
# tests/lab/maillog-lab.sh PROG — a real Postfix (Debian's postfix), then a real
# Exim (exim4-daemon-light), delivering
# through the lab's firewall scenarios, its own log (maillog_file) read by
# "PROG maillog" and joined to a capture by "PROG read --maillog".
#
#   mta  192.0.2.10 (and .11), default route via 192.0.2.1; Postfix with
#        its own config, queue and maillog_file under the lab's scratch
#        directory; transport_maps sends each test domain to one MX address:
#          rst.test    -> [203.0.113.25]  nothing listening: the kernel's RST
#          icmp.test   -> [203.0.113.26]  REJECT (icmp-port-unreachable)
#          drop.test   -> [203.0.113.27]  DROP (smtp_connect_timeout 3 s)
#          prohib.test -> [203.0.113.28]  REJECT --reject-with icmp-host-prohibited
#          greet.test  -> [203.0.113.29]  greets "554 5.7.1 no mail from you"
#          forge.test  -> [203.0.113.31]  the router forges a RST in its name
#          nat.test    -> [203.0.113.32]  nothing listening; mta's own
#                                         POSTROUTING SNATs to 192.0.2.11
#          rate.test   -> [203.0.113.33]  smtp-sink behind a hashlimit of one
#                                         SYN a minute, beyond it a RST (REJECT)
#          tls.test    -> [203.0.113.34]  offers STARTTLS, answers the
#                                         handshake with text (TLS required)
#          busy.test   -> [203.0.113.35]  greets "421 4.3.2 All screening
#                                         ports are busy"
#          late.test   -> [203.0.113.30]  nothing listening (sent last)
#    |   veth0 -- veth1
#   rtr  192.0.2.1 | 198.51.100.1; forwarding; FORWARD: 203.0.113.31 tcp 25
#        REJECT --reject-with tcp-reset (a gateway forging the server's RST)
#    |   veth2 -- veth3
#   mx   198.51.100.2, 203.0.113.25-35/32; the INPUT rules above
#
# One message per domain with sendmail(1) (two to rate.test); then
# "postfix logrotate" and one more to late.test; tcpdump in mta captures,
# and "PROG watch --findings --maillog" follows the log live (as nobody)
# across the rotation.  Checked: "maillog" counts each outcome on its MX
# host as Postfix logged it (grep over the same log); "read --maillog"
# joins every failure line to the record of its attempt, with the verdict
# the scenario makes (RST -> refused/reset, ICMP 3/3 -> refused/port-unreach,
# DROP -> no answer to the capture's end, ICMP 3/10 -> prohibited, 554 greeting -> accepted), no
# failure line left without packets; the forged RST made by the first hop
# (from the routing table live, from the router's other answers in read);
# the NAT'd attempt joined on the server side with the source the packets
# show (192.0.2.11); the rate limit's refusal joined to refused/reset and
# its acceptance to a delivery; watch --maillog makes the same joins
# while it runs, the line written after the rotation included, and its
# --findings take the recipient domain from the log.
# Then Exim 4.96 through the same five, the forged RST, the NAT, the 421
# greeting and the STARTTLS with no TLS (see exim_setup below for how it
# runs beside the installed postfix), its mainlog read and joined alike.
# Needs root (and, unless exim4 is installed, apt-get download of
# exim4-daemon-light); prints "maillog-lab: N passed, N failed"; about 50 s.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034  # lib.sh reads it
LAB_PREFIX=smlog-$$
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 PROG" >&2; exit 2; }
PROG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
lab_require_root
lab_require_tools ip:iproute2 iptables:iptables tcpdump:tcpdump socat:socat \
    jq:jq postfix:postfix
pass=0; fail=0
ok() {		# NAME GOT WANT
	if [ "$2" = "$3" ]; then pass=$((pass+1)); else
		echo "FAIL $1: got '$2', want '$3'"; fail=$((fail+1)); fi
}

pf_stop() {
	[ -n "${CONF:-}" ] && [ -n "${MTA:-}" ] &&
	    ip netns exec "$MTA" postfix -c "$CONF" stop >/dev/null 2>&1
	true
}
lab_init
trap 'pf_stop; lab_cleanup' EXIT

MTA=$(lab_nsname mta); RTR=$(lab_nsname rtr); MX=$(lab_nsname mx)
lab_ns_add "$MTA" 0; lab_ns_add "$RTR" 0; lab_ns_add "$MX" 0
# Two SYN retransmissions (about 7 s): Exim's connect to the DROP gives up
# with the kernel, not after its own connect_timeout.
lab_exec "$MTA" sysctl -qw net.ipv4.tcp_syn_retries=2
lab_link "$MTA" "$RTR" 192.0.2.10/24,192.0.2.11/24 192.0.2.1/24 veth0 veth1
lab_link "$RTR" "$MX" 198.51.100.1/24 198.51.100.2/24 veth2 veth3
lab_forwarding "$RTR"
ip -n "$MTA" route add default via 192.0.2.1 src 192.0.2.10
ip -n "$RTR" route add 203.0.113.0/24 via 198.51.100.2
ip -n "$MX" route add default via 198.51.100.1
for a in 25 26 27 28 29 30 31 32 33 34 35; do ip -n "$MX" addr add "203.0.113.$a/32" dev lo; done
lab_exec "$RTR" iptables -A FORWARD -d 203.0.113.31 -p tcp --dport 25 -j REJECT \
    --reject-with tcp-reset
lab_exec "$MTA" iptables -t nat -A POSTROUTING -d 203.0.113.32 -p tcp --dport 25 \
    -j SNAT --to-source 192.0.2.11
lab_exec "$MX" iptables -A INPUT -d 203.0.113.33 -p tcp --dport 25 --syn -m hashlimit \
    --hashlimit-upto 1/min --hashlimit-burst 1 --hashlimit-name smtp -j ACCEPT
lab_exec "$MX" iptables -A INPUT -d 203.0.113.33 -p tcp --dport 25 --syn -j REJECT \
    --reject-with tcp-reset
lab_bg "$MX" "$LAB_TMP/sink.log" smtp-sink -u nobody 203.0.113.33:25 10
lab_exec "$MX" iptables -A INPUT -d 203.0.113.26 -p tcp --dport 25 -j REJECT
lab_exec "$MX" iptables -A INPUT -d 203.0.113.27 -p tcp --dport 25 -j DROP
lab_exec "$MX" iptables -A INPUT -d 203.0.113.28 -p tcp --dport 25 -j REJECT \
    --reject-with icmp-host-prohibited
printf '554 5.7.1 no mail from you\r\n' >"$LAB_TMP/greet554"
lab_bg "$MX" "$LAB_TMP/socat.log" socat TCP-LISTEN:25,bind=203.0.113.29,reuseaddr,fork \
    "SYSTEM:cat $LAB_TMP/greet554; sleep 1"
lab_wait_for "ip netns exec $MX ss -ltn | grep -q 203.0.113.29:25" 5 ||
    lab_die "the 554 listener did not start"
lab_wait_for "ip netns exec $MX ss -ltn | grep -q 203.0.113.33:25" 5 ||
    lab_die "smtp-sink did not start"
printf '421 4.3.2 All screening ports are busy\r\n' >"$LAB_TMP/greet421"
lab_bg "$MX" "$LAB_TMP/socat421.log" socat TCP-LISTEN:25,bind=203.0.113.35,reuseaddr,fork \
    "SYSTEM:cat $LAB_TMP/greet421; sleep 1"
# A server that offers STARTTLS and then speaks no TLS.
cat >"$LAB_TMP/notls.sh" <<'S'
printf '220 tls.test ESMTP\r\n'; read -r _
printf '250-tls.test\r\n250 STARTTLS\r\n'; read -r _
printf '220 2.0.0 Ready to start TLS\r\n'; sleep 0.2
printf 'this is no TLS record\r\n'; sleep 1
S
lab_bg "$MX" "$LAB_TMP/socattls.log" socat TCP-LISTEN:25,bind=203.0.113.34,reuseaddr,fork \
    "SYSTEM:sh $LAB_TMP/notls.sh"
lab_wait_for "ip netns exec $MX ss -ltn | grep -q 203.0.113.35:25" 5 &&
    lab_wait_for "ip netns exec $MX ss -ltn | grep -q 203.0.113.34:25" 5 ||
    lab_die "the 421 or the STARTTLS listener did not start"

# Postfix: its own config, queue and log; no chroot, no listener.
CONF=$LAB_TMP/postfix; Q=$LAB_TMP/spool; LOG=$LAB_TMP/maillog
mkdir -p "$CONF" "$Q"
chmod 755 "$LAB_TMP"	# Postfix's daemons run as postfix
awk '$1 ~ /^(pickup|cleanup|qmgr|tlsmgr|rewrite|bounce|defer|trace|verify|flush|proxymap|proxywrite|smtp|relay|showq|error|retry|discard|anvil|scache|postlog)$/ && $2 != "inet" {
	$5 = "n"; print }' /etc/postfix/master.cf >"$CONF/master.cf"
cat >"$CONF/transport" <<'T'
rst.test smtp:[203.0.113.25]
icmp.test smtp:[203.0.113.26]
drop.test smtp:[203.0.113.27]
prohib.test smtp:[203.0.113.28]
greet.test smtp:[203.0.113.29]
late.test smtp:[203.0.113.30]
forge.test smtp:[203.0.113.31]
nat.test smtp:[203.0.113.32]
rate.test smtp:[203.0.113.33]
tls.test smtp:[203.0.113.34]
busy.test smtp:[203.0.113.35]
T
printf '[203.0.113.34] encrypt\n' >"$CONF/tls_policy"
cat >"$CONF/main.cf" <<M
compatibility_level = 3.6
queue_directory = $Q
data_directory = $LAB_TMP/data
maillog_file = $LOG
maillog_file_prefixes = $LAB_TMP
myhostname = mta.lab.test
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
transport_maps = texthash:$CONF/transport
smtp_connect_timeout = 3s
smtp_dns_support_level = disabled
smtp_skip_5xx_greeting = no
default_destination_concurrency_limit = 1
queue_run_delay = 300s
minimal_backoff_time = 300s
smtp_connection_cache_on_demand = no
smtp_tls_policy_maps = texthash:$CONF/tls_policy
M
mkdir -p "$LAB_TMP/data"; chown postfix "$LAB_TMP/data"
lab_capture_start "$MTA" veth0 "$LAB_TMP/cap.pcap" tcp or icmp
lab_exec "$MTA" postfix -c "$CONF" start >"$LAB_TMP/pf-start.log" 2>&1 ||
    { cat "$LAB_TMP/pf-start.log" "$LOG" >&2; lab_die "postfix start failed"; }
lab_wait_for "[ -s '$LOG' ]" 5 || lab_die "Postfix wrote no log"
# watch --maillog follows the same log live, across a rotation (postfix
# logrotate, below), as nobody (-Z): the log must stay readable to it.
chmod 644 "$LOG"
lab_bg "$MTA" "$LAB_TMP/watch.err" sh -c "exec '$PROG' watch -i veth0 --json \
    --findings --maillog '$LOG' >'$LAB_TMP/watch.json'"
WATCH=$LAB_LAST_PID
lab_wait_for "grep -q 'listening on' '$LAB_TMP/watch.err'" 5 ||
    { cat "$LAB_TMP/watch.err" >&2; lab_die "watch --maillog did not start"; }
for d in rst icmp drop prohib greet; do
	printf 'Subject: lab %s\n\nhello\n' "$d" |
	    lab_exec "$MTA" sendmail -C "$CONF" -f sender@mta.lab.test "user@$d.test"
done
# Each domain's line written (drop.test after its 3 s connect timeout).
lab_wait_for "[ \$(grep -c 'status=' '$LOG' 2>/dev/null) -ge 5 ]" 20 ||
    { cat "$LOG" >&2; lab_die "Postfix logged no status for every message"; }
# After them (so that read has seen answers through the router before the
# forged RST): the forged RST, the NAT, the rate limit's two.
for d in forge nat rate rate tls busy; do
	printf 'Subject: lab %s\n\nhello\n' "$d" |
	    lab_exec "$MTA" sendmail -C "$CONF" -f sender@mta.lab.test "user@$d.test"
done
lab_wait_for "[ \$(grep -c 'status=' '$LOG' 2>/dev/null) -ge 11 ]" 20 ||
    { cat "$LOG" >&2; lab_die "Postfix logged no status for every message"; }
# watch writes each join as soon as it is decided, while it runs: a
# refusal's about 2 s after Postfix logged it (polled below, after the
# rotation: checked here, nothing would write the new log).
joined_live() {	# SERVER: watch has written the join of a line on SERVER
	grep -E "\"type\":\"maillog_join\".*\"server\":\"$1\".*\"missing\":null" \
	    "$LAB_TMP/watch.json" >/dev/null 2>&1
}
# Rotated: Postfix renames its log and writes a new one.
lab_exec "$MTA" postfix -c "$CONF" logrotate >/dev/null 2>&1 ||
    lab_die "postfix logrotate failed"
# One more, to late.test, after the DROP's line (rst.test again would not
# do: Postfix holds a refusing destination back a while); it is what
# writes the new log.
printf 'Subject: lab late\n\nhello\n' |
    lab_exec "$MTA" sendmail -C "$CONF" -f sender@mta.lab.test "user@late.test"
lab_wait_for "[ -s '$LOG' ]" 15 || lab_die "Postfix wrote no new log after logrotate"
chmod 644 "$LOG"	# for watch's follower, which runs as nobody
lab_wait_for "grep -q 'late.test.*status=' '$LOG' 2>/dev/null" 15 ||
    { cat "$LOG"* >&2; lab_die "Postfix logged no status for the last message"; }
t0=$(date +%s.%N)
lab_wait_for "joined_live 203.0.113.30" 15; ok watch-live-late $? 0
lab_log "watch wrote the join $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s after the status line was seen"
lab_wait_for "joined_live 203.0.113.25" 15; ok watch-live-rst $? 0
lab_wait_for "joined_live 203.0.113.28" 15; ok watch-live-prohib $? 0
# --findings takes what the log adds: the refused MX's finding changes, as
# soon as Postfix's line is read, to name the recipient domain.
lab_wait_for "grep -E '\"type\":\"finding\".*\"server\":\"203.0.113.30\".*\"log_domain\":\"late.test\"' '$LAB_TMP/watch.json'" 15
ok watch-finding-log $? 0
lab_capture_stop 0.5
sleep 0.5	# a follower tick after the last line
lab_kill "$WATCH" INT
pf_stop
zcat -f "$LOG".* "$LOG" >"$LAB_TMP/all.log"	# the rotated one (gzip) first
LOG=$LAB_TMP/all.log
# MAILLOG_LAB_KEEP=DIR keeps Postfix's log and the capture there.
[ -n "${MAILLOG_LAB_KEEP:-}" ] && cp "$LOG" "$LAB_TMP/cap.pcap" "$LAB_TMP/watch.json" "$LAB_TMP/watch.err" "$MAILLOG_LAB_KEEP/"
lab_log "Postfix wrote $(wc -l <"$LOG") lines"

out=$("$PROG" maillog --json "$LOG") || lab_die "maillog failed"
host() { printf '%s\n' "$out" | jq -r --arg a "$1" "select(.type==\"maillog_host\" and .server==\$a) | .outcomes[\"$2\"]"; }
ok rst "$(host 203.0.113.25 refused)" "$(grep -c ']: connect to 203.0.113.25\[203.0.113.25\]:25: Connection refused' "$LOG")"
ok icmp "$(host 203.0.113.26 refused)" "$(grep -c ']: connect to 203.0.113.26\[203.0.113.26\]:25: Connection refused' "$LOG")"
ok drop "$(host 203.0.113.27 timed-out)" "$(grep -c ']: connect to 203.0.113.27\[203.0.113.27\]:25: Connection timed out' "$LOG")"
ok prohib "$(host 203.0.113.28 no-route)" "$(grep -c ']: connect to 203.0.113.28\[203.0.113.28\]:25: No route to host' "$LOG")"
ok greet "$(host 203.0.113.29 greeting-5xx)" "$(grep -c '203.0.113.29\] refused to talk to me: 554' "$LOG")"
ok deferred "$(printf '%s\n' "$out" | jq -s '[.[] | select(.type=="maillog_domain") | .deferred + .bounced] | add')" \
    "$(grep -cE 'status=(deferred|bounced)' "$LOG")"

join=$("$PROG" read --json --maillog "$LOG" "$LAB_TMP/cap.pcap") || lab_die "read --maillog failed"
printf '%s\n' "$join" | grep maillog_join >"$LAB_TMP/join.json"
pair() { jq -r --arg a "$1" 'select(.type=="maillog_join" and .server==$a and .missing==null) | "\(.class)/\(.reason) \(.agrees)"' "$LAB_TMP/join.json" | sort -u; }
ok join-rst "$(pair 203.0.113.25)" "refused/reset true"
ok join-icmp "$(pair 203.0.113.26)" "refused/port-unreach true"
# The tracker waits out a SYN back-off (64 s) before "dropped": the
# capture ends first, and the attempt is still open, with no answer.
ok join-drop "$(pair 203.0.113.27)" "unresolved/capture-ended true"
ok join-prohib "$(pair 203.0.113.28)" "prohibited/host-prohibited true"
ok join-greet "$(pair 203.0.113.29)" "accepted/syn-ack true"
# The router's RST in the server's name: the first hop's, not the server's.
hop1() {	# FILE SERVER: who made the joined answers
	jq -r --arg a "$2" 'select(.type=="maillog_join" and .server==$a and .missing==null) |
	    "\(.responder) \(.hops) \(.responder_first_hop)"' "$1" | sort -u
}
ok join-forge "$(pair 203.0.113.31)" "refused/reset true"
ok join-forge-hop "$(hop1 "$LAB_TMP/join.json" 203.0.113.31)" "203.0.113.31 0 true"
ok join-rst-hop "$(hop1 "$LAB_TMP/join.json" 203.0.113.25)" "203.0.113.25 1 false"
# NAT: joined on the server side; the packets show the translated source.
ok join-nat "$(pair 203.0.113.32)" "refused/reset true"
ok join-nat-client "$(jq -r 'select(.type=="maillog_join" and .server=="203.0.113.32") | .client' "$LAB_TMP/join.json" | sort -u)" 192.0.2.11
# The rate limit: one accepted and delivered (counted, not written), the
# other refused by its RST.
ok rate-log "$(host 203.0.113.33 delivered) $(host 203.0.113.33 refused)" "1 1"
ok join-rate "$(pair 203.0.113.33)" "refused/reset true"
# A TLS failure and a 421 greeting: connected, so accepted on the wire.
ok tls-log "$(host 203.0.113.34 tls-failed)" "$(grep -c 'SSL_connect error to 203\.0\.113\.34\[203\.0\.113\.34\]:25' "$LOG")"
ok join-tls "$(pair 203.0.113.34)" "accepted/syn-ack true"
ok busy-log "$(host 203.0.113.35 greeting-4xx)" "$(grep -c '203\.0\.113\.35\] refused to talk to me: 421' "$LOG")"
ok join-busy "$(pair 203.0.113.35)" "accepted/syn-ack true"
ok lines-alone "$(jq -r 'select(.type=="maillog_join_summary") | .lines_capture_missed + .lines_outside_capture + .lines_port_not_captured' "$LAB_TMP/join.json")" 0
ok skew "$(jq -r 'select(.type=="maillog_join_summary") | (.skew_ms | fabs) < 1500' "$LAB_TMP/join.json")" true
# watch --maillog: the same joins, live, across the rotation.
wpair() { jq -r --arg a "$1" 'select(.type=="maillog_join" and .server==$a and .missing==null) | "\(.class)/\(.reason) \(.agrees)"' "$LAB_TMP/watch.json" | sort -u; }
ok watch-rst "$(wpair 203.0.113.25)" "refused/reset true"
ok watch-greet "$(wpair 203.0.113.29)" "accepted/syn-ack true"
ok watch-late "$(wpair 203.0.113.30)" "refused/reset true"
ok watch-forge-hop "$(hop1 "$LAB_TMP/watch.json" 203.0.113.31)" "203.0.113.31 0 true"
ok watch-nat "$(wpair 203.0.113.32)" "refused/reset true"
ok watch-rate "$(wpair 203.0.113.33)" "refused/reset true"
# 7 failures, the 554 and 421 greetings, the TLS failure, the rate
# limit's delivery: all joined.
ok watch-lines "$(jq -r 'select(.type=="maillog_join_summary") | "\(.lines) \(.joined)"' "$LAB_TMP/watch.json")" "12 12"
# The findings, whole run and windowed, with what the log adds.
"$PROG" read --json --scope --findings --maillog "$LOG" "$LAB_TMP/cap.pcap" |
    jq -c 'select(.type=="finding")' >"$LAB_TMP/findings.json"
flog() {	# SERVER STATE: its finding's log fields
	jq -r --arg a "$1" --arg s "$2" 'select(.server==$a and .state==$s) |
	    "\(.log_mta) \(.log_attempts) \(.log_recipients) \(.log_messages) \(.log_domain) \(.log_text)"' \
	    "$LAB_TMP/findings.json" | tail -n 1
}
ok scope-log-rst "$(flog 203.0.113.25 final)" \
    "postfix 1 1 1 rst.test connect to 203.0.113.25[203.0.113.25]:25: Connection refused"
ok scope-log-prohib "$(flog 203.0.113.28 final)" \
    "postfix 1 1 1 prohib.test connect to 203.0.113.28[203.0.113.28]:25: No route to host"
ok findings-log-icmp "$(flog 203.0.113.26 started)" \
    "postfix 1 1 1 icmp.test connect to 203.0.113.26[203.0.113.26]:25: Connection refused"
ok scope-text-log "$("$PROG" read --scope --maillog "$LOG" "$LAB_TMP/cap.pcap" 2>&1 |
    grep -c '^      log: postfix logged 1 failed attempt since .* for 1 recipient of 1 message to rst.test')" 1
"$PROG" maillog "$LOG" >&2
"$PROG" read --maillog "$LOG" "$LAB_TMP/cap.pcap" | grep '^maillog' >&2
# An idle link: one refused attempt on mx's loopback, one line of ours in
# Postfix's words, then nothing but the follower's timer waking the loop.
# The join must come from the capture's clock ticking on (it came only at
# the end while that timer pushed the tick back at every poll).
: >"$LAB_TMP/idle.log"; chmod 644 "$LAB_TMP/idle.log"
lab_bg "$MX" "$LAB_TMP/idle.err" sh -c "exec '$PROG' watch -i lo --json \
    --maillog '$LAB_TMP/idle.log' >'$LAB_TMP/idle.json'"
IDLE=$LAB_LAST_PID
lab_wait_for "grep -q 'listening on' '$LAB_TMP/idle.err'" 5 || lab_die "watch on lo did not start"
lab_exec "$MX" bash -c 'exec 3<>/dev/tcp/203.0.113.25/25' 2>/dev/null
lab_wait_for "grep -q '\"type\":\"attempt\"' '$LAB_TMP/idle.json'" 5
echo "$(LC_ALL=C date '+%b %e %H:%M:%S') mx postfix/smtp[4242]: connect to" \
    "203.0.113.25[203.0.113.25]:25: Connection refused" >>"$LAB_TMP/idle.log"
t0=$(date +%s.%N)
lab_wait_for "grep -q '\"type\":\"maillog_join\".*\"class\":\"refused\"' '$LAB_TMP/idle.json'" 10
ok watch-idle-join $? 0
lab_log "watch on an idle link wrote the join $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s after the line"
lab_kill "$IDLE" INT
# Exim, the same scenarios.  Debian's exim4-daemon-light conflicts with
# postfix (both provide mail-transport-agent), so unless it is installed
# it is run from its packages unpacked under the scratch directory
# (apt-get download, dpkg-deb -x), in a mount namespace whose /etc/passwd
# and /etc/group (copies) name the Debian-exim user its binary was built
# for: nothing of the machine's is changed.
exim_setup() {
	EXIM=$(command -v exim4 2>/dev/null) && return 0
	local d=$LAB_TMP/exim-pkg
	mkdir -p "$d" && chmod 777 "$d"
	(cd "$d" && apt-get download -q exim4-daemon-light exim4-base libidn12 \
	    >"$LAB_TMP/exim-dl.log" 2>&1) || { cat "$LAB_TMP/exim-dl.log" >&2; return 1; }
	for deb in "$d"/*.deb; do dpkg-deb -x "$deb" "$d/root" || return 1; done
	EXIM=$d/root/usr/sbin/exim4
	# Not setuid here: the loader would ignore LD_LIBRARY_PATH when Exim
	# re-executes itself, and the lab runs it as root anyway.
	chmod u-s "$EXIM"
	EXIM_LIBS=$d/root/usr/lib/x86_64-linux-gnu
}
exim_run() {	# ARGS...: exim in mta, in its mount namespace, TZ=UTC
	ip netns exec "$MTA" env TZ=UTC LD_LIBRARY_PATH="${EXIM_LIBS:-}" \
	    unshare --mount sh -c 'mount --bind "$0" /etc/passwd &&
	    mount --bind "$1" /etc/group && shift && exec "$@"' \
	    "$EX/passwd" "$EX/group" "$EXIM" -C "$EX/exim.conf" "$@"
}
EX=$LAB_TMP/exim; mkdir -p "$EX/spool" "$EX/log"
if ! exim_setup; then
	echo "FAIL exim: could not get exim4-daemon-light"; fail=$((fail+1))
else
	cp /etc/passwd "$EX/passwd"; cp /etc/group "$EX/group"
	grep -q '^Debian-exim:' "$EX/passwd" ||
	    echo 'Debian-exim:x:65534:65534::/nonexistent:/usr/sbin/nologin' >>"$EX/passwd"
	grep -q '^Debian-exim:' "$EX/group" || echo 'Debian-exim:x:65534:' >>"$EX/group"
	cat >"$EX/exim.conf" <<X
primary_hostname = mta.lab.test
exim_path = $EXIM
keep_environment = LD_LIBRARY_PATH : TZ
spool_directory = $EX/spool
log_file_path = $EX/log/%slog
log_selector = +outgoing_interface +outgoing_port
begin routers
tls:
  driver = manualroute
  domains = tls.test
  transport = tls_smtp
  route_list = * 203.0.113.34
lab:
  driver = manualroute
  domains = *
  transport = remote_smtp
  route_list = rst.test 203.0.113.25 ; icmp.test 203.0.113.26 ; \\
    drop.test 203.0.113.27 ; prohib.test 203.0.113.28 ; greet.test 203.0.113.29 ; \\
    forge.test 203.0.113.31 ; nat.test 203.0.113.32 ; busy.test 203.0.113.35
begin transports
remote_smtp:
  driver = smtp
  connect_timeout = 3s
tls_smtp:
  driver = smtp
  connect_timeout = 3s
  hosts_require_tls = *
begin retry
* * F,1h,15m
X
	chown -R 65534:65534 "$EX/spool" "$EX/log"	# Debian-exim here
	lab_capture_start "$MTA" veth0 "$LAB_TMP/exim.pcap" tcp or icmp
	for d in rst icmp drop prohib greet forge nat busy tls; do
		printf 'Subject: exim %s\n\nhello\n' "$d" |
		    exim_run -odi -f sender@mta.lab.test "user@$d.test" >>"$EX/run.log" 2>&1
	done
	lab_capture_stop 0.5
	ELOG=$EX/log/mainlog
	[ -n "${MAILLOG_LAB_KEEP:-}" ] && cp "$ELOG" "$LAB_TMP/exim.pcap" "$MAILLOG_LAB_KEEP/"
	lab_log "Exim wrote $(wc -l <"$ELOG" 2>/dev/null) lines"
	[ -s "$ELOG" ] || { cat "$EX/run.log" >&2; lab_die "Exim wrote no log"; }
	out=$("$PROG" maillog --json --log-tz UTC "$ELOG") || lab_die "maillog (Exim) failed"
	# Exim 4.96 logs each host line, then the recipient line repeating it.
	ok exim-rst "$(host 203.0.113.25 refused)" "$(grep -cE '^[^ ]+ [^ ]+ [^ ]+ H=203\.0\.113\.25 \[203\.0\.113\.25\]:25 Connection refused' "$ELOG")"
	ok exim-drop "$(host 203.0.113.27 timed-out)" "$(grep -cE '^[^ ]+ [^ ]+ [^ ]+ H=203\.0\.113\.27 \[203\.0\.113\.27\]:25: .*Connection timed out' "$ELOG")"
	ok exim-prohib "$(host 203.0.113.28 no-route)" "$(grep -cE '^[^ ]+ [^ ]+ [^ ]+ H=203\.0\.113\.28 \[203\.0\.113\.28\]:25: .*No route to host' "$ELOG")"
	ok exim-greet "$(host 203.0.113.29 greeting-5xx)" "$(grep -cE '^[^ ]+ [^ ]+ [^ ]+ H=203\.0\.113\.29 \[203\.0\.113\.29\]:25: SMTP error .*initial connection: 554' "$ELOG")"
	"$PROG" read --json --log-tz UTC --maillog "$ELOG" "$LAB_TMP/exim.pcap" |
	    grep maillog_join >"$LAB_TMP/join.json"
	ok exim-join-rst "$(pair 203.0.113.25)" "refused/reset true"
	ok exim-join-icmp "$(pair 203.0.113.26)" "refused/port-unreach true"
	ok exim-join-drop "$(pair 203.0.113.27)" "unresolved/capture-ended true"
	ok exim-join-prohib "$(pair 203.0.113.28)" "prohibited/host-prohibited true"
	ok exim-join-greet "$(pair 203.0.113.29)" "accepted/syn-ack true"
	ok exim-join-forge-hop "$(hop1 "$LAB_TMP/join.json" 203.0.113.31)" "203.0.113.31 0 true"
	ok exim-join-nat "$(pair 203.0.113.32)" "refused/reset true"
	ok exim-join-nat-client "$(jq -r 'select(.type=="maillog_join" and .server=="203.0.113.32") | .client' "$LAB_TMP/join.json" | sort -u)" 192.0.2.11
	# The 421 greeting; STARTTLS required (hosts_require_tls) and no TLS.
	ok exim-busy "$(host 203.0.113.35 greeting-4xx)" "$(grep -cE '^[^ ]+ [^ ]+ [^ ]+ H=203\.0\.113\.35 .*initial connection: 421' "$ELOG")"
	ok exim-tls "$(host 203.0.113.34 tls-failed)" "$(grep -cE ' == [^ ]+ .*H=203\.0\.113\.34 \[203\.0\.113\.34\]:25: TLS session' "$ELOG")"
	ok exim-join-busy "$(pair 203.0.113.35)" "accepted/syn-ack true"
	ok exim-join-tls "$(pair 203.0.113.34)" "accepted/syn-ack true"
	ok exim-lines-alone "$(jq -r 'select(.type=="maillog_join_summary") | .lines_capture_missed + .lines_outside_capture + .lines_port_not_captured' "$LAB_TMP/join.json")" 0
	"$PROG" maillog --log-tz UTC "$ELOG" >&2
	"$PROG" read --log-tz UTC --maillog "$ELOG" "$LAB_TMP/exim.pcap" | grep '^maillog' >&2
fi
echo "maillog-lab: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
