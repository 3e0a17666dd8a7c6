#!/bin/bash
# Benchmark (not a test) of the findings engines' time and memory:
#  (i)  `read --scope` against `read` alone on the bench captures: the
#       median over rounds of the ratio of the two run back to back, in CPU
#       time (user + system, from wait4) and in wall time; and
#       `read --findings --json` against `read --json` the same way;
#  (ii) on the scope mix (gen --scope: 1000000 attempts to 100000
#       destinations from 1000 sources over two hours), the same four:
#       median times and peak RSS.
# It prints a FAIL line when read --scope costs more than 1.3 times read
# in CPU time on a bench capture (CPU time moves less than wall time when
# other work shares the CPUs), or when the memory of --scope or --findings
# over read's passes its budget in smtpscope(8).  Those are a report: only
# counts that differ from the generator's truth make it exit 1.
# (--findings is left out when the program does not have it.)
#
#   tests/bench/scope.sh [PROG]        (make bench-scope; make bench runs it too)
#
# Environment: BENCH_PACKETS (5000000, as run.sh), BENCH_SCOPE_ROUNDS (7),
# BENCH_SCOPE_ATTEMPTS (1000000), BENCH_SCOPE_DESTS (100000),
# BENCH_SCOPE_SOURCES (1000), BENCH_SCOPE_SECONDS (7200), BENCH_SEED (1).
set -u
here=$(cd "$(dirname "$0")" && pwd)
p=${1:-./smtpscope}
prog=$(cd "$(dirname "$p")" && pwd)/$(basename "$p")
packets=${BENCH_PACKETS:-5000000}
rounds=${BENCH_SCOPE_ROUNDS:-7}
attempts=${BENCH_SCOPE_ATTEMPTS:-1000000}
dests=${BENCH_SCOPE_DESTS:-100000}
sources=${BENCH_SCOPE_SOURCES:-1000}
seconds=${BENCH_SCOPE_SECONDS:-7200}
goal=1.3
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
top=$here/../..

gen bench "$packets"
gen bench-tenth $((packets / 10))
max() { sed -n "s/^#define SCOPE_MAX_$1 *\([0-9]*\).*/\1/p" "$top/include/findings/scope.h"; }
gen_capture scope --scope "$attempts" --dests "$dests" --sources "$sources" \
    --duration "$seconds" --cap-sources "$(max SOURCES)"

fail=0
check_counts scope || fail=1
# Every destination is in the scope report; the findings it makes.
"$prog" read --scope "$out/scope.pcap" 2>&1 >"$out/scope.report" |
    sed 's/^/bench: read --scope: /'
want=$(sed -n 's/^scope destinations //p' "$out/scope.truth")
got=$(sed -n '/^scope:$/,/^summary:/p' "$out/scope.report" | grep -c '^  [^ (]')
if [ "$got" != "$want" ]; then
	echo "bench: scope.pcap: the scope report lists $got destinations, not $want"
	fail=1
fi
awk '/^    finding: / {
	k = $2 " " $3
	if (k ~ /^local firewall/) k = "local-block"
	else if (k ~ /^a middlebox/) k = $4 == "forging" ? "forged-reset" : "middlebox"
	else if (k ~ /^block aimed/) k = "source-block"
	else if (k ~ /^rate limiting/) k = "rate-limit"
	else if (k ~ /^every source/) k = "all-failed"
	else if (k ~ /^every attempt/) k = "all-failed(one-source)"
	else if (k ~ /^one MX/) k = "mx-down"
	else if (k ~ /^no failure/) k = "no-failure"
	n[k]++; total++
    }
    END { printf "bench: scope.pcap: %d findings:", total
	for (k in n) printf " %s %d", k, n[k]; print "" }' "$out/scope.report"
rm -f "$out/scope.report"

findings=0
"$prog" read -h 2>&1 | grep -q -e '--findings' && findings=1

# summarise LOG: per label, the median wall and CPU times, the highest peak
# RSS, and the medians (and ranges) over rounds of wall(label) / wall(base)
# and cpu(label) / cpu(base) in the same round, the base being read --json
# for read --findings --json and read for the others.  Prints "LABEL WALL
# CPU RSS-MIB WALL-RATIO MIN MAX CPU-RATIO MIN MAX" lines, in log order.
summarise() {
	awk '
	function med(a, n,    i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	# the median of m ratios in q and their range
	function ratios(q, m,    j, lo, hi) {
		lo = hi = q[1]
		for (j = 2; j <= m; j++) {
			lo = q[j] < lo ? q[j] : lo; hi = q[j] > hi ? q[j] : hi
		}
		return sprintf("%.2f %.2f %.2f", med(q, m), lo, hi)
	}
	$1 == "round" { r = $2; next }
	{ w[$1, r] = $2; c[$1, r] = $4; k[$1] = $3 > k[$1] ? $3 : k[$1]
	  if (!($1 in order)) { order[$1] = ++nl; label[nl] = $1 }; last = r }
	END {
		for (i = 1; i <= nl; i++) {
			l = label[i]; n = 0; m = 0
			base = l == "findings" ? "json" : "read"
			for (j = 1; j <= last; j++) {
				if (!((l, j) in w)) continue
				sw[++n] = w[l, j]; sc[n] = c[l, j]
				if (!((base, j) in w)) continue
				qw[++m] = w[l, j] / w[base, j]
				qc[m] = c[base, j] > 0 ? c[l, j] / c[base, j] : 0
			}
			printf "%s %.3f %.3f %.1f %s %s\n", l, med(sw, n), med(sc, n),
			    k[l] / 1024, ratios(qw, m), ratios(qc, m)
			delete sw; delete sc; delete qw; delete qc
		}
	}' "$1"
}

# rounds LOG FILE: interleaved rounds of read and read --scope on FILE,
# each first in turn, then (if the program has --findings) read --json and
# read --findings --json, each first in turn.
rounds() {
	local log=$1 f=$2 i
	: >"$log"
	"$prog" read "$f" >/dev/null 2>&1	# warms the page cache
	for ((i = 1; i <= rounds; i++)); do
		echo "round $i" >>"$log"
		if [ $((i % 2)) = 1 ]; then
			timed "$log" read "$prog" read "$f"
			timed "$log" scope "$prog" read --scope "$f"
		else
			timed "$log" scope "$prog" read --scope "$f"
			timed "$log" read "$prog" read "$f"
		fi
		[ $findings = 1 ] || continue
		if [ $((i % 2)) = 1 ]; then
			timed "$log" json "$prog" read --json "$f"
			timed "$log" findings "$prog" read --findings --json "$f"
		else
			timed "$log" findings "$prog" read --findings --json "$f"
			timed "$log" json "$prog" read --json "$f"
		fi
	done
}

verdicts=()
# ratio_check NAME SUMMARY: the paired ratio of CPU times against the goal,
# which is set for read --scope; read --findings --json's is said beside it.
ratio_check() {
	local r w
	read -r w r <<<"$(awk '$1 == "scope" { print $5, $8 }' "$2")"
	if awk -v r="$r" -v g="$goal" 'BEGIN { exit !(r > g) }'; then
		verdicts+=("FAIL: read --scope / read on $1: CPU time $r (paired median; wall $w), over $goal")
	else
		verdicts+=("ok: read --scope / read on $1: CPU time $r (paired median; wall $w), within $goal")
	fi
	read -r w r <<<"$(awk '$1 == "findings" { print $5, $8 }' "$2")"
	[ -z "$r" ] ||
		verdicts+=("info: read --findings --json / read --json on $1: CPU time $r (paired median; wall $w; no goal set)")
}

echo "bench: $rounds interleaved rounds each$([ $findings = 1 ] ||
    echo "; this program has no --findings")"
load0=$(cut -d' ' -f1 /proc/loadavg)
for name in bench bench-tenth scope; do
	rounds "$out/scope-$name.log" "$out/$name.pcap"
	summarise "$out/scope-$name.log" >"$out/scope-$name.sum"
done
load1=$(cut -d' ' -f1 /proc/loadavg)
ratio_check bench.pcap "$out/scope-bench.sum"
ratio_check bench-tenth.pcap "$out/scope-bench-tenth.sum"

# The budgets: the man page's ceiling for --scope (Limits) and for
# --findings (Findings as they happen), and its sizes per entry for --scope
# worked out for what this mix holds.
section() { sed -n "/^\.Ss $1/,/^\.S[sh] /p" "$top/man/smtpscope.8" | tr '\n' ' '; }
scope_mb=$(section Limits |
    sed -n 's/.*the whole budget, at most about \([0-9][0-9]*\) MB.*/\1/p')
findings_mib=$(section 'Findings as they happen' |
    sed -n 's/.*within the window up to \([0-9][0-9]*\) MiB.*/\1/p')
truth() { sed -n "s/^scope $1 //p" "$out/scope.truth"; }

{
	echo
	echo "files: bench.pcap $(sed -n 's/^records //p' "$out/bench.truth") attempts," \
	    "bench-tenth.pcap $(sed -n 's/^records //p' "$out/bench-tenth.truth") attempts," \
	    "scope.pcap $(sed -n 's/^records //p' "$out/scope.truth") attempts to" \
	    "$(truth destinations) destinations from $(truth sources) sources"
	printf '%-56s %7s %7s %7s %17s %17s\n' command "wall s" "CPU s" "RSS MiB" \
	    "wall / base" "CPU / base"
	for name in bench bench-tenth scope; do
		while read -r l w c r qw wlo whi qc clo chi; do
			case $l in
			read) t="read $name.pcap" ;;
			scope) t="read --scope $name.pcap (base: read)" ;;
			json) t="read --json $name.pcap" ;;
			findings) t="read --findings --json $name.pcap (base: --json)" ;;
			esac
			case $l in
			read|json) qw=; qc= ;;
			*) qw="$qw ($wlo-$whi)" qc="$qc ($clo-$chi)" ;;
			esac
			printf '%-56s %7s %7s %7s %17s %17s\n' "$t" "$w" "$c" "$r" "$qw" "$qc"
		done <"$out/scope-$name.sum"
	done
	echo "load average $load0 at the start, $load1 at the end (2 CPUs here: above 1," \
	    "others' work shares them and times spread)"
	# "A destination takes about D bytes with its first source, F more
	# once it has a failure ...; each further source takes S1 to S2 bytes,
	# each failure time kept T"
	section Limits | tr -s ' ' | awk -v m="$scope_mb" -v d="$(truth destinations)" \
	    -v f="$(truth failing-destinations)" -v p="$(truth listed-sources)" \
	    -v x="$(truth failures)" -v md="$(max DESTS)" -v mp="$(max PAIRS)" \
	    -v mf="$(max FAIL_TIMES)" '
	    function mib(b) { return b / 1048576 }
	    function num(re,    t) {
		if (!match($0, re)) return ""
		t = substr($0, RSTART, RLENGTH); gsub(/[^0-9 ]/, "", t); return t
	    }
	    {
		printf "--scope on scope.pcap holds %d of %d destinations, %d of %d" \
		    " sources, at most %d of %d failure times\n", d, md, p, mp, x, mf
		bd = num("takes about [0-9]+ bytes with its first source")
		bf = num("[0-9]+ more once it has a failure")
		split(num("further source takes [0-9]+ to [0-9]+ bytes"), bs, " ")
		bt = num("each failure time kept [0-9]+")
		if (bd == "" || bf == "" || bs[2] == "" || bt == "")
			printf "the man page'"'"'s sizes per entry: not found;"
		else {
			bs[1] = bs[1] + 0; bs[2] = bs[2] + 0
			lo = bd * d + bf * f + bs[1] * (p - d) + bt * x
			hi = bd * d + bf * f + bs[2] * (p - d) + bt * x
			printf "the man page'"'"'s sizes per entry make that %.0f to %.0f MiB;", mib(lo), mib(hi)
		}
		printf " its whole budget: "
		if (m == "") print "not found in the man page"
		else printf "at most about %d MB (%.0f MiB)\n", m, mib(m * 1e6)
	    }'
} | tee "$out/scope-results.txt"

# Memory: the peak of read --scope over read's, and of read --findings
# --json over read --json's, on the scope mix, against the budgets.
# rss LABEL: its peak in MiB on scope.pcap.
rss() { awk -v l="$1" '$1 == l { print $4 }' "$out/scope-scope.sum"; }
# mem_check WHAT LABEL BASE LIMIT-BYTES LIMIT-TEXT BASE-TEXT
mem_check() {
	local extra
	extra=$(awk -v a="$(rss "$2")" -v b="$(rss "$3")" 'BEGIN { printf "%.1f", a - b }')
	if [ -z "$4" ]; then
		verdicts+=("FAIL: $1: no budget found in man/smtpscope.8 ($5); it takes $extra MiB")
	elif awk -v e="$extra" -v m="$4" 'BEGIN { exit !(e * 1048576 > m) }'; then
		verdicts+=("FAIL: $1 takes $extra MiB more than $6 on scope.pcap, over the budget of $5")
	else
		verdicts+=("ok: $1 takes $extra MiB more than $6 on scope.pcap, within the budget of $5")
	fi
}
mem_check "read --scope" scope read "${scope_mb:+$((scope_mb * 1000000))}" \
    "${scope_mb:-?} MB (Limits)" read
[ $findings = 0 ] ||
	mem_check "read --findings --json" findings json \
	    "${findings_mib:+$((findings_mib * 1048576))}" \
	    "${findings_mib:-?} MiB (Findings as they happen)" "read --json"
printf '%s\n' "${verdicts[@]}" | tee -a "$out/scope-results.txt"
echo "(goals: read --scope / read <= $goal in CPU time on the bench captures; the memory of" \
    "--scope and --findings over read's within their budgets in smtpscope(8))"

if [ $fail -ne 0 ]; then
	echo "bench: FAILED: smtpscope's counts differ from the truth (see above)"
	exit 1
fi
echo "bench: counts match the truth"
