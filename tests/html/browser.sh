#!/bin/bash
# --html in a real browser (tests/README.md, html-browser): reports of lab
# captures opened in Debian's headless Chromium, which must never touch a
# network: it runs in a network, PID and mount namespace of its own with
# only loopback (unshare; when it exits, the kernel ends every process it
# left), with a private profile under a temporary directory.
#   tests/html/browser.sh PROG [ARTEFACT_DIR]
# The DOM Chromium built is checked for the grid cells, the timeline and
# the findings the captures' .expect files state (written from the
# packets); the DOM with JavaScript disabled must be the same; a control
# page with a script proves the switch works.  The screenshot is kept as
# ARTEFACT_DIR/report.png (default build/), with a PDF of the print
# layout (report.pdf).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/prog.sh"
resolve_prog html-browser "${1:-}"
art=${2:-$top/build}
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL $*"; fail=$((fail+1)); }
finish() { echo "html-browser: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }

if [ "$(id -u)" -ne 0 ]; then
	bad "needs root (unshare of the network namespace)"; finish
fi
browser=$(command -v chromium) || { bad "chromium is not installed (make deps)"; finish; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$art"

# Chromium in namespaces of its own, loopback only, bounded in time; a
# fresh profile each run.  Every switch that would fetch something is off.
# With nojs=1, the profile blocks JavaScript on every site (a content
# setting: Chromium's --disable-javascript switch does not stop page
# scripts, and --blink-settings=scriptEnabled=false stops --dump-dom too).
isolated() {
	local profile
	profile=$(mktemp -d "$tmp/profile.XXXXXX")
	if [ "${nojs:-0}" = 1 ]; then
		mkdir "$profile/Default"
		echo '{"profile":{"default_content_setting_values":{"javascript":2}}}' \
		    >"$profile/Default/Preferences"
	fi
	timeout -k 5 90 unshare --net --pid --fork --kill-child --mount-proc \
	    sh -c 'ip link set lo up && exec "$@"' sh "$browser" --headless \
	    --no-sandbox --disable-gpu --no-first-run --no-default-browser-check \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --disable-extensions --hide-scrollbars \
	    --user-data-dir="$profile" "$@" 2>>"$tmp/chromium.log"
}

# The namespace has loopback and nothing else.
links=$(unshare --net sh -c 'ip link set lo up && ip -o link' | awk -F': ' '{print $2}')
[ "$links" = lo ] && ok || bad "the browser's namespace has links: $links"

# The expected cells from .expect files: "SERVER:PORT CLASS" per attempt,
# then one verdict per destination (several classes: mixed).
expected_cells() {
	sed -n 's/^server=\([^ ]*\) server_port=\([0-9]*\) class=\([a-z]*\).*/\1:\2 \3/p' "$@" |
	    sort -u | awk '{ if ($1 in c) c[$1] = "mixed"; else c[$1] = $2 }
		END { for (d in c) print d, c[d] }' | sort
}

# A capture's client addresses, read from its SYNs with tcpdump.
clients() {
	tcpdump -nr "$1" 'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn' 2>/dev/null |
	    awk '{ sub(/\.[0-9]+$/, "", $3); print $3 }' | sort -u
}

# dom FILE PATTERN WHAT: the pattern (grep -E) must be in the DOM.
dom() {
	if grep -qE -- "$2" "$1"; then ok; else bad "$3: no /$2/ in $(basename "$1")"; fi
}

check_page() {	# NAME CAPTURE...
	local name=$1 page=$tmp/$1.html d v src n
	shift
	if ! "$prog" read --html "$page" "$@" >/dev/null; then
		bad "$name: read --html failed"; return
	fi
	isolated --dump-dom "file://$page" >"$tmp/$name.dom" || bad "$name: chromium --dump-dom failed"
	nojs=1 isolated --dump-dom "file://$page" >"$tmp/$name.nojs.dom" ||
	    bad "$name: chromium --dump-dom with JavaScript blocked failed"
	[ -s "$tmp/$name.dom" ] && ok || bad "$name: empty DOM"
	cmp -s "$tmp/$name.dom" "$tmp/$name.nojs.dom" && ok ||
	    bad "$name: the DOM differs with JavaScript disabled"
	# No script at all, no handler, and the policy that forbids them.
	dom "$tmp/$name.dom" '<meta http-equiv="Content-Security-Policy" content="default-src '"'none'"';' "$name csp"
	if grep -qiE '<script|[[:space:]]on[a-z]+=|<link|<iframe|<img' "$tmp/$name.dom"; then
		bad "$name: script, handler, link, frame or image in the DOM"
	else ok; fi
	src=$(clients "$1")
	[ "$(printf '%s\n' "$src" | wc -l)" -eq 1 ] || { bad "$name: one client per capture expected"; return; }
	while read -r d v; do
		dom "$tmp/$name.dom" "<td class=\"v-$v\" data-verdict=\"$v\" data-src=\"$src\" data-dst=\"$d\">" "$name cell $src $d"
		dom "$tmp/$name.dom" "<g class=\"dest\" data-dst=\"$d\">" "$name timeline $d"
	done < <(expected_cells "${@/%.pcap/.expect}")
	for v in $(expected_cells "${@/%.pcap/.expect}" | awk '$2 != "mixed" {print $2}' | sort -u); do
		dom "$tmp/$name.dom" "<rect class=\"t-$v\"" "$name timeline bars of $v"
	done
	n=$(grep -o '<td class="v-' "$tmp/$name.dom" | wc -l)
	[ "$n" -eq "$(expected_cells "${@/%.pcap/.expect}" | wc -l)" ] && ok ||
	    bad "$name: $n cells, not one per destination"
}

# Every class, and a rate limit: the cells of both captures, the
# findings their .expect files state, the rate limit's onset drawn.
cd "$top" || exit 1
check_page all pcaps/lab/demo.pcap pcaps/lab/scope-rate-limit.pcap
for d in 203.0.113.26:25 203.0.113.27:25 203.0.113.28:587 203.0.113.29:25; do
	dom "$tmp/all.dom" "<tr class=\"f-all_failed\" data-kind=\"all_failed\" data-dst=\"$d\">" "all_failed $d"
done
dom "$tmp/all.dom" '<tr class="f-rate_limit" data-kind="rate_limit" data-dst="203.0.113.25:25">.*rate limiting of 192\.0\.2\.10' "rate_limit finding"
dom "$tmp/all.dom" '<line class="onset" ' "rate limit onset in the timeline"
dom "$tmp/all.dom" '<article class="evidence" data-dst="203.0.113.25:25">' "evidence block"
dom "$tmp/all.dom" '<li>Nothing: every attempt is in the grid and the timeline.</li>' "nothing left out"

# A block aimed at one of two sources: two rows, one finding.
check_block() {
	local page=$tmp/block.html
	"$prog" read --html "$page" pcaps/lab/scope-source-block.pcap >/dev/null || { bad "block: read failed"; return; }
	isolated --dump-dom "file://$page" >"$tmp/block.dom"
	dom "$tmp/block.dom" '<td class="v-accepted" data-verdict="accepted" data-src="192.0.2.10" data-dst="203.0.113.25:25">' "block: .10 accepted"
	dom "$tmp/block.dom" '<td class="v-refused" data-verdict="refused" data-src="192.0.2.11" data-dst="203.0.113.25:25">' "block: .11 refused"
	dom "$tmp/block.dom" '<tr class="f-source_block" data-kind="source_block" data-dst="203.0.113.25:25">.*block aimed at 192\.0\.2\.11' "block: source_block"
}
check_block

# The other commands: watch writes the page when the capture ends, probe
# after its matrix (both on loopback, in a network namespace of their own:
# the kernel refuses 127.0.0.1:25 and :587 with a RST), scope from JSON.
check_commands() {
	local c
	timeout -k 5 40 unshare --net bash -c 'ip link set lo up || exit 1
		"$1" watch -i lo -p 25 --duration 3 --html "$2/watch.html" >"$2/watch.out" 2>&1 &
		sleep 1
		for i in 1 2; do (exec 3<>/dev/tcp/127.0.0.1/25) 2>/dev/null; done
		wait
		"$1" probe --target 127.0.0.1 -p 25,587 --timeout 2 --html "$2/probe.html" >"$2/probe.out" 2>&1' \
	    sh "$prog" "$tmp" || bad "watch and probe on loopback failed: $(tail -n 2 "$tmp/watch.out" "$tmp/probe.out")"
	dom "$tmp/watch.html" '<td class="v-refused" data-verdict="refused" data-src="127.0.0.1" data-dst="127.0.0.1:25"><span class="n">2</span>' "watch page"
	isolated --dump-dom "file://$tmp/probe.html" >"$tmp/probe.dom"
	for c in 127.0.0.1:25 127.0.0.1:587; do
		dom "$tmp/probe.dom" "<td class=\"v-refused\" data-verdict=\"refused\" data-src=\"127.0.0.1\" data-dst=\"$c\"><span class=\"n\">1</span>" "probe page $c"
	done
	"$prog" read --json --sensor a pcaps/lab/scope-source-block.pcap >"$tmp/a.json" &&
	    "$prog" scope --html "$tmp/scope.html" "$tmp/a.json" >/dev/null || bad "scope --html failed"
	dom "$tmp/scope.html" '<tr class="f-source_block" data-kind="source_block" data-dst="203.0.113.25:25">' "scope page"
}
check_commands

# Hostile names end to end: another sensor's JSON may name any MX, domain
# and sensor that is printable; the browser must see text, not markup.
check_hostile() {
	"$prog" read --json --sensor a pcaps/lab/scope-source-block.pcap |
	    grep '"type":"attempt"' |
	    sed 's/"sensor":"a"/"sensor":"<svg\/onload=alert(3)>","mx":"<script>document.title=\\"pwned\\"<\/script>","mx_pref":10,"domain":"x\\"><img\/src=x\/onerror=alert(2)>"/' \
	    >"$tmp/hostile.json"
	"$prog" scope --html "$tmp/hostile.html" "$tmp/hostile.json" >/dev/null 2>"$tmp/hostile.err" ||
	    { bad "hostile: scope failed: $(cat "$tmp/hostile.err")"; return; }
	isolated --dump-dom "file://$tmp/hostile.html" >"$tmp/hostile.dom"
	if grep -qiE '<script|<img|<svg/|[[:space:]]on(load|error)=|pwned</title>' "$tmp/hostile.dom"; then
		bad "hostile: markup from the records reached the DOM"
	else ok; fi
	dom "$tmp/hostile.dom" '&lt;script&gt;document.title="pwned"&lt;/script&gt;, MX 10 of x"&gt;&lt;img/src=x/onerror=alert\(2\)&gt;' "hostile: the MX and domain as text"
	dom "$tmp/hostile.dom" '<title>smtpscope scope report</title>' "hostile: the page's own title"
}
check_hostile

# The control: the switch does stop scripts (else the comparison above
# proves nothing).
printf '<!DOCTYPE html><html><body><p id="x">static</p><script>document.getElementById("x").textContent="js-ran"</script></body></html>\n' >"$tmp/control.html"
isolated --dump-dom "file://$tmp/control.html" | grep -q '<p id="x">js-ran</p>' && ok ||
    bad "control: the script did not run with JavaScript on"
nojs=1 isolated --dump-dom "file://$tmp/control.html" | grep -q '<p id="x">static</p>' && ok ||
    bad "control: the script ran with JavaScript blocked"

# The picture and the print layout, kept as artefacts.
isolated --window-size=1200,1500 --screenshot="$tmp/report.png" "file://$tmp/all.html" >/dev/null
if [ "$(head -c 8 "$tmp/report.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
    [ "$(stat -c %s "$tmp/report.png")" -gt 20000 ]; then
	cp "$tmp/report.png" "$art/report.png" && ok
else
	bad "no screenshot"
fi
isolated --no-pdf-header-footer --print-to-pdf="$tmp/report.pdf" "file://$tmp/all.html" >/dev/null
# The print style asks for A4 landscape (842 x 595 points).
if [ "$(head -c 5 "$tmp/report.pdf" 2>/dev/null)" = %PDF- ] &&
    grep -aq '/MediaBox \[0 0 841\.9[0-9]* 594\.9[0-9]*\]' "$tmp/report.pdf"; then
	cp "$tmp/report.pdf" "$art/report.pdf" && ok
else
	bad "no PDF of the print layout, or not A4 landscape"
fi
[ "$fail" -eq 0 ] || { echo "chromium's messages:"; grep -v -e dbus -e '^$' "$tmp/chromium.log" | tail -n 5; }
finish
