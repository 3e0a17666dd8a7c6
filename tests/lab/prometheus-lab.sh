#!/usr/bin/env bash
# lab_wait_for evaluates its condition each time: single quotes on purpose.
# shellcheck disable=SC2016
# tests/lab/prometheus-lab.sh PROG — watch --metrics-listen scraped by a
# real Prometheus server, then hostile clients of the endpoint.
#
# Three namespaces (documentation addresses): mta 192.0.2.10 (watch, on
# c0) -> srv 203.0.113.25 (a greeting listener on 25; nothing on 587: a
# RST; iptables REJECT icmp-port-unreachable on 2525, REJECT
# icmp-admin-prohibited on 465, DROP on 26); mon, on a second link
# (198.51.100.2-.9 -> mta's 198.51.100.1), runs Prometheus (its own temp
# config and storage, web on mon's loopback, scrape_interval 1s) and the
# hostile clients.  Checked: Prometheus scrapes the endpoint (up == 1);
# after the traffic, its HTTP API's sum by (class, reason) of
# smtpscope_attempts_total equals what watch --json printed (jq);
# promtool check metrics passes on the endpoint's output; GET/HEAD
# /metrics 200 (twice on a kept-alive connection), another path 404, POST
# 405, a GET with a body 413; a
# second watch on the same address exits 4 naming the option.  Then
# tests/lab/hostile-http.py (40 idle connections from 5 addresses, 8
# from one, a 100 KiB request head, garbage bytes, a slowloris, then 3000
# scrapes) while
# more SMTP attempts are made: the endpoint serves at most 16 connections
# (its open fds) and 4 per address, answers 431 and 400, cuts the slowloris within its
# 10 s, the attempts made meanwhile are all recorded, then a normal GET
# is answered; the process's open fds and RSS are bounded (read from
# /proc before, during and after); kernel drops stay 0 in the final
# summary; watch (in its sandbox) ends with status 0 on SIGINT.
# Needs root, prometheus (promtool), curl, jq, socat, iptables, python3;
# prints "prometheus-lab: N passed, N failed"; about 30 s.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034  # lib.sh reads it
LAB_PREFIX=sprom-$$
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 PROG" >&2; exit 2; }
PROG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
pass=0; fail=0
check() {	# NAME CONDITION-STATUS [DETAIL]
	if [ "$2" -eq 0 ]; then pass=$((pass+1)); echo "ok   $1"
	else fail=$((fail+1)); echo "FAIL $1${3:+: $3}"; fi
}

lab_require_root
lab_require_tools ip:iproute2 ss:iproute2 socat:socat jq:jq curl:curl \
    prometheus:prometheus promtool:prometheus python3:python3 \
    iptables:iptables timeout:coreutils
lab_init
MTA=$(lab_nsname mta) SRV=$(lab_nsname srv) MON=$(lab_nsname mon)
lab_ns_add "$MTA" 0
lab_ns_add "$SRV" 0
lab_ns_add "$MON" 0
lab_link "$MTA" "$SRV" 192.0.2.10/24 203.0.113.25/24 c0 s0
ip -n "$MTA" route add 203.0.113.0/24 dev c0
ip -n "$SRV" route add 192.0.2.0/24 dev s0
SOURCES=(198.51.100.3 198.51.100.4 198.51.100.5 198.51.100.6 198.51.100.7 198.51.100.8 198.51.100.9)
lab_link "$MTA" "$MON" 198.51.100.1/24 \
    "198.51.100.2/24$(printf ',%s/24' "${SOURCES[@]}")" m0 m1
EP=198.51.100.1:9464

lab_exec "$SRV" iptables -A INPUT -p tcp --dport 2525 -j REJECT --reject-with icmp-port-unreachable
lab_exec "$SRV" iptables -A INPUT -p tcp --dport 465 -j REJECT --reject-with icmp-admin-prohibited
lab_exec "$SRV" iptables -A INPUT -p tcp --dport 26 -j DROP
lab_bg "$SRV" "$LAB_TMP/socat.log" socat TCP4-LISTEN:25,fork,reuseaddr \
    SYSTEM:"printf '220 mx.example.test ESMTP lab\\r\\n'; sleep 1"
lab_wait_listen "$SRV" 25 5

# Under AddressSanitizer (make SANITIZE=1) freed memory waits in a 256 MB
# quarantine before reuse, which the RSS check would take for a leak: a
# small one here (LeakSanitizer still checks at exit: status 0 below).
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4
lab_bg "$MTA" "$LAB_TMP/watch.json" "$PROG" watch -i c0 -p 25,26,465,587,2525 \
    --timeout 2 --json --sensor lab --metrics-listen "$EP"
WATCH=$LAB_LAST_PID
lab_wait_for "grep -q 'listening on' '$LAB_TMP/watch.json'" 10 ||
    lab_die "watch did not start: $(cat "$LAB_TMP/watch.json")"
lab_wait_listen "$MTA" 9464 5

# Prometheus, scraping the endpoint every second from mon.
cat >"$LAB_TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: smtpscope
    static_configs:
      - targets: ['$EP']
EOF
mkdir -p "$LAB_TMP/tsdb"
lab_bg "$MON" "$LAB_TMP/prometheus.log" prometheus \
    --config.file="$LAB_TMP/prometheus.yml" --storage.tsdb.path="$LAB_TMP/tsdb" \
    --web.listen-address=127.0.0.1:9090 --log.level=warn
PROM=$LAB_LAST_PID
# query EXPR — Prometheus's answer (the result array) as JSON.
query() {
	lab_exec "$MON" curl -sS -m 5 http://127.0.0.1:9090/api/v1/query \
	    --data-urlencode "query=$1" | jq -c '.data.result'
}
lab_wait_for "lab_exec '$MON' curl -sf -m 2 http://127.0.0.1:9090/-/ready" 30 ||
    lab_die "prometheus did not start: $(tail -5 "$LAB_TMP/prometheus.log")"
up_now() { query 'up{job="smtpscope"}' | jq -r '.[0].value[1] // "none"'; }
lab_wait_for '[ "$(up_now)" = 1 ]' 20
check "Prometheus scrapes the endpoint (up == 1)" "$([ "$(up_now)" = 1 ]; echo $?)" \
    "up=$(up_now) $(tail -3 "$LAB_TMP/prometheus.log")"

# The traffic: two accepted, two reset, one port-unreach, one
# admin-prohibited, one dropped (decided 2 s after its last SYN).
smtp_traffic() {
	lab_connect "$MTA" 203.0.113.25 25 3 "$LAB_TMP/greet.txt"
	lab_connect "$MTA" 203.0.113.25 587 2
	lab_connect "$MTA" 203.0.113.25 2525 2
	lab_connect "$MTA" 203.0.113.25 465 2
	lab_connect "$MTA" 203.0.113.25 25 3 "$LAB_TMP/greet.txt"
	lab_connect "$MTA" 203.0.113.25 587 2
}
smtp_traffic
lab_connect "$MTA" 203.0.113.25 26 2
attempts() { grep '^{' "$LAB_TMP/watch.json" | jq -s '[.[] | select(.type == "attempt")] | length'; }
lab_wait_for '[ "$(attempts)" -ge 7 ]' 20
check "watch printed the 7 attempts" "$([ "$(attempts)" = 7 ]; echo $?)" "$(attempts)"

# What watch printed, and what Prometheus holds, by class/reason.
printed() {
	grep '^{' "$LAB_TMP/watch.json" | jq -cS -s '[.[] | select(.type == "attempt")]
	    | group_by(.class + "/" + .reason)
	    | map({key: (.[0].class + "/" + .[0].reason), value: length}) | from_entries'
}
scraped() {
	query 'sum by (class, reason) (smtpscope_attempts_total)' | jq -cS \
	    'map({key: (.metric.class + "/" + .metric.reason), value: (.value[1] | tonumber)}) | from_entries'
}
want=$(printed)
lab_wait_for '[ "$(scraped)" = "$want" ]' 20
got=$(scraped)
check "Prometheus's counts by class/reason equal watch --json's" \
    "$([ "$got" = "$want" ] && [ "$want" != "{}" ]; echo $?)" "prometheus $got, watch $want"
echo "     (query sum by (class, reason) (smtpscope_attempts_total): $got)"
n=$(printf '%s' "$want" | jq 'length')
check "five kinds of verdict in the traffic" "$([ "$n" = 5 ]; echo $?)" "$want"

# The endpoint's answers.
lab_exec "$MON" curl -sS -m 5 "http://$EP/metrics" >"$LAB_TMP/metrics.txt"
promtool check metrics <"$LAB_TMP/metrics.txt" >"$LAB_TMP/promtool.out" 2>&1
check "promtool check metrics passes on the endpoint's output" $? "$(head -5 "$LAB_TMP/promtool.out")"
code() { lab_exec "$MON" curl -s -m 5 -o /dev/null -w '%{http_code}' "$@"; }
check "GET /metrics: 200" "$([ "$(code "http://$EP/metrics")" = 200 ]; echo $?)"
c=$(code -I "http://$EP/metrics")
check "HEAD /metrics: 200" "$([ "$c" = 200 ]; echo $?)" "$c"
c=$(code "http://$EP/")
check "GET /: 404" "$([ "$c" = 404 ]; echo $?)" "$c"
c=$(code "http://$EP/metrics/../x")
check "GET /x by a dotted path: 404" "$([ "$c" = 404 ]; echo $?)" "$c"
c=$(code -X POST -d x=1 "http://$EP/metrics")
check "POST /metrics: 405" "$([ "$c" = 405 ]; echo $?)" "$c"
allow=$(lab_exec "$MON" curl -s -m 5 -o /dev/null -D - -X DELETE "http://$EP/metrics" | tr -d '\r' | grep -i '^allow:')
check "405 says Allow: GET, HEAD" "$([ "$allow" = "Allow: GET, HEAD" ]; echo $?)" "$allow"
ka=$(lab_exec "$MON" curl -sv -m 5 -o /dev/null -o /dev/null "http://$EP/metrics" "http://$EP/metrics" 2>&1)
check "two GETs on one kept-alive connection" \
    "$(printf '%s\n' "$ka" | grep -q '^\* Re-using existing connection' &&
    [ "$(printf '%s\n' "$ka" | grep -c '^< HTTP/1.1 200')" = 2 ]; echo $?)" \
    "$(printf '%s\n' "$ka" | grep -E '^< (HTTP|Connection)|^\* (Re-using|Closing)')"
c=$(code -X GET -d 'a body' "http://$EP/metrics")
check "GET with a body: 413" "$([ "$c" = 413 ]; echo $?)" "$c"
lab_exec "$MTA" timeout 10 "$PROG" watch -i c0 --metrics-listen "$EP" >/dev/null 2>"$LAB_TMP/second.err"
rc=$?
check "a second watch on the same address: exit 4, one line naming the option" \
    "$([ "$rc" = 4 ] && grep -qx "smtpscope: --metrics-listen $EP: Address already in use" "$LAB_TMP/second.err"; echo $?)" \
    "status $rc: $(cat "$LAB_TMP/second.err")"

# An IPv6 address, in brackets, in a namespace of its own (loopback).
V6=$(lab_nsname v6)
lab_ns_add "$V6" 1
lab_bg "$V6" "$LAB_TMP/v6.log" "$PROG" watch -i lo --json --sensor lab \
    --metrics-listen '[::1]:9464'
V6W=$LAB_LAST_PID
lab_wait_listen "$V6" 9464 10
c=$(lab_exec "$V6" curl -sg -m 5 -o "$LAB_TMP/v6.txt" -w '%{http_code}' 'http://[::1]:9464/metrics')
check "[::1]:9464 serves /metrics" \
    "$([ "$c" = 200 ] && grep -q '^smtpscope_kernel_dropped_packets_total ' "$LAB_TMP/v6.txt"; echo $?)" "$c"
lab_kill "$V6W" INT

# Hostile clients, while more attempts are made.
fds() { find "/proc/$WATCH/fd" -mindepth 1 -maxdepth 1 | wc -l; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$WATCH/status"; }
drops() { grep -E '^smtpscope_kernel_dropped_packets_total ' "$LAB_TMP/metrics.txt" | awk '{print $2}'; }
fd0=$(fds) rss0=$(rss) drop0=$(drops)
lab_exec "$MON" timeout 150 python3 "$HERE/hostile-http.py" 198.51.100.1 9464 "${SOURCES[@]}" \
    >"$LAB_TMP/hostile.json" 2>"$LAB_TMP/hostile.err" &
HOSTILE=$!
LAB_PIDS+=("$HOSTILE")
fdmax=$fd0
for _ in $(seq 40); do	# the flood's first 4 s, every 0.1 s
	f=$(fds); [ "$f" -gt "$fdmax" ] && fdmax=$f
	sleep 0.1
done
smtp_traffic
wait "$HOSTILE"; hrc=$?
lab_forget_pid "$HOSTILE"
h=$(cat "$LAB_TMP/hostile.json")
echo "     (hostile clients: $h; fds $fd0 -> max $fdmax; RSS $rss0 KiB)"
check "the hostile clients ran" "$([ "$hrc" = 0 ] && [ -n "$h" ]; echo $?)" "$(tail -3 "$LAB_TMP/hostile.err")"
j() { printf '%s' "$h" | jq -r "$1" 2>/dev/null; }
# Past 16, libmicrohttpd accepts no more: the kernel completes up to the
# listen queue's 16 (+1) handshakes, which wait there unserved (and drops
# the SYNs of more: some connects may time out under load).
check "40 idle connections: at most 16 served, 17 queued, the rest closed" \
    "$([ "$(j .idle.kept)" -le 33 ] && [ "$(j .idle.opened)" -ge 20 ]; echo $?)" "$(j .idle)"
check "8 from one address: at most 4 kept" \
    "$([ "$(j .per_ip.kept)" -le 4 ] && [ "$(j .per_ip.closed)" -ge 4 ]; echo $?)" "$(j .per_ip)"
check "open fds bounded during the flood (<= 16 connections more)" \
    "$([ "$fdmax" -le $((fd0 + 16)) ]; echo $?)" "$fd0 -> $fdmax"
check "a 100 KiB request head: 431" \
    "$(j .big | grep -q '^HTTP/1.1 431'; echo $?)" "$(j .big)"
check "garbage bytes: 400 or closed" \
    "$(j .garbage | grep -qE '^HTTP/1.1 400|^closed$'; echo $?)" "$(j .garbage)"
s=$(j .slowloris)
check "the slowloris is cut at 10 s (9-15 s allowed under load)" \
    "$(awk -v s="$s" 'BEGIN { exit !(s != "null" && s >= 9 && s <= 15) }'; echo $?)" "$s s"
check "3000 scrapes on kept-alive connections all answered" \
    "$([ "$(j .scrapes)" = 3000 ]; echo $?)" "$(j .scrapes)"
c=$(code "http://$EP/metrics")
check "a normal GET is answered afterwards" "$([ "$c" = 200 ]; echo $?)" "$c"
lab_wait_for '[ "$(attempts)" -ge 13 ]' 20
check "the attempts made during the attack are all recorded" \
    "$([ "$(attempts)" = 13 ]; echo $?)" "$(attempts) of 13"
lab_wait_for '[ "$(fds)" -le $((fd0 + 1)) ]' 10
fd1=$(fds) rss1=$(rss)
echo "     (after: fds $fd1, RSS $rss1 KiB)"
check "open fds back to where they were" "$([ "$fd1" -le $((fd0 + 1)) ]; echo $?)" "$fd0 -> $fd1"
# Under AddressSanitizer the quarantine (4 MB here) and the allocator's
# caches add theirs; a leak there is LeakSanitizer's to find at exit.
grow=4096
grep -q __asan_init "$PROG" && grow=$((4096 + 8192))
check "RSS bounded (grew less than $((grow / 1024)) MiB)" "$([ "$rss1" -le $((rss0 + grow)) ]; echo $?)" "$rss0 -> $rss1 KiB"
lab_exec "$MON" curl -sS -m 5 "http://$EP/metrics" >"$LAB_TMP/metrics.txt"
want=$(printed)
lab_wait_for '[ "$(scraped)" = "$want" ]' 20
got=$(scraped)
check "Prometheus's counts still equal watch's after the attack" \
    "$([ "$got" = "$want" ]; echo $?)" "prometheus $got, watch $want"

# SIGUSR1's snapshot (the summary so far) with an endpoint and no textfile.
kill -USR1 "$WATCH"
lab_wait_for "[ \$(grep -c '\"type\":\"summary\"' '$LAB_TMP/watch.json') -ge 1 ]" 10
c=$(code "http://$EP/metrics")
check "after SIGUSR1's snapshot watch runs on and serves" \
    "$(kill -0 "$WATCH" && [ "$c" = 200 ]; echo $?)" "$c"

lab_kill "$PROM" TERM
kill -INT "$WATCH"
wrc=0
wait "$WATCH" || wrc=$?
lab_forget_pid "$WATCH"
check "watch (sandboxed) ends with status 0" "$([ "$wrc" = 0 ]; echo $?)" \
    "status $wrc: $(grep -v '^{' "$LAB_TMP/watch.json" | tail -3)"
kd=$(grep '^{' "$LAB_TMP/watch.json" | jq -s -r '[.[] | select(.type == "summary" and .final)][0].kernel_dropped')
check "kernel drops unchanged in the final summary" \
    "$([ "$kd" = "$drop0" ] && [ "$kd" = 0 ]; echo $?)" "summary $kd, before the attack $drop0"

echo "prometheus-lab: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
