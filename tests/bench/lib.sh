# shellcheck shell=bash
# Shared by the bench scripts (sourced, not run): the generator and
# maxrss built into out/, captures made again only when their parameters
# or the generator change, the filter tcpdump and pcaploop are given,
# smtpscope's counts against the truth, and CPU times from wait4.
#
# The caller sets here (this folder) and prog (the program, absolute).
: "${here:?}" "${prog:?}"
out=$here/out
seed=${BENCH_SEED:-1}
export LC_ALL=C
# FILTER, what tcpdump and pcaploop are given (run.sh, live.sh): the
# SMTP ports and ICMP, also inside a VLAN.
# shellcheck disable=SC2034  # run.sh and live.sh read it
filter='tcp port 25 or tcp port 587 or icmp or icmp6 or (vlan and (tcp port 25 or tcp port 587 or icmp or icmp6))'
mkdir -p "$out" || exit 1
[ -x "$prog" ] || { echo "bench: $prog: not executable" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench: jq is needed (apt-get install jq)" >&2; exit 1; }
cc -O2 -std=c11 -Wall -Wextra -o "$out/gen" "$here/gen.c" -lm || exit 1
cc -O2 -std=c11 -Wall -Wextra -o "$out/maxrss" "$here/maxrss.c" || exit 1

# gen_capture NAME GEN-ARGS...: out/NAME.pcap and out/NAME.truth, unless
# up to date.
gen_capture() {
	local name=$1 stamp; shift
	stamp="seed=$seed $* gen=$(cksum <"$here/gen.c")"
	if [ -f "$out/$name.pcap" ] && [ -f "$out/$name.truth" ] &&
	    [ "$(cat "$out/$name.stamp" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	rm -f "$out/$name.stamp"
	"$out/gen" --seed "$seed" "$@" --out "$out/$name.pcap" \
	    --truth "$out/$name.truth" || exit 1
	echo "$stamp" >"$out/$name.stamp"
}

# gen NAME PACKETS: the mixed capture.
gen() {
	gen_capture "$1" --packets "$2"
}

# The records and summary counters of `PROG read --json [OPTS] FILE` in
# the truth file's format: "key count" lines, sorted; "servers N" is the
# number of distinct server addresses in the records.
counts() {
	local f=$1; shift
	{
		"$prog" read --json "$@" "$f" | tee "$out/check.json" |
		    jq -r 'select(.type == "attempt") |
		    "verdict \(.class)/\(.reason)", "family \(.family)",
		    "server_port \(.server_port)", "syns \(.syns)", "records",
		    (if .icmp_type != null then "icmp \(.icmp_type)/\(.icmp_code)"
		     else empty end),
		    (if .class == "accepted" then "greeting \(.greeting_code // "none")"
		     else empty end), "server-addr \(.server)"' |
		    awk '$1 == "server-addr" { if (!($2 in s)) { s[$2]; ns++ }; next }
			{ c[$0]++ }
			END { for (k in c) print k, c[k]; print "servers", ns + 0 }'
		[ "${PIPESTATUS[0]}" -eq 0 ] || echo "exit-status-not-zero 1"
		# The JSON summary's counters under the names of the text
		# summary's "packets:" and "ignored:" lines, as the truth has them.
		jq -r 'select(.type == "summary") | {
		    "read": .packets, "tcp": .frames_tcp,
		    "icmp-error": .frames_icmp_error, "not-ip": .frames_not_ip,
		    "other-proto": .frames_other_proto, "fragment": .frames_fragment,
		    "truncated": .frames_truncated, "malformed": .frames_malformed,
		    "not-smtp": .ignored_not_smtp, "midstream": .ignored_midstream,
		    "unmatched_syn-ack": .ignored_unmatched_synack,
		    "unmatched_rst": .ignored_unmatched_rst,
		    "unmatched_icmp": .ignored_unmatched_icmp,
		    "duplicate_syns": .ignored_duplicate_syns,
		    "after_verdict": .ignored_after_verdict,
		    "time_went_back": .ignored_time_backwards,
		    "evicted": .ignored_evicted } | to_entries[] |
		    "summary \(.key) \(.value)"' "$out/check.json"
	} | sort
	# The summary's total must be the number of records.
	jq -r 'select(.type == "summary") | "summary-total \(.attempts)"' "$out/check.json"
}

# check_counts NAME [OPTS...]: smtpscope's counts for out/NAME.pcap (read
# with OPTS) against the truth, less its "scope" lines, which scope.sh
# checks, and a flood's "server" rows, which flood.sh checks; 0 when they
# match.
check_counts() {
	local name=$1 got=$out/$1.got total records; shift
	counts "$out/$name.pcap" "$@" >"$got.all"
	grep -v '^summary-total ' "$got.all" >"$got"
	total=$(sed -n 's/^summary-total //p' "$got.all")
	records=$(sed -n 's/^records //p' "$got")
	if ! grep -v -E '^(scope|server) ' "$out/$name.truth" |
	    diff -u - "$got" >"$out/$name.diff" ||
	    [ "${total:-x}" != "${records:-y}" ]; then
		echo "bench: $name.pcap: smtpscope's counts differ from the truth:"
		sed -n '3,$p' "$out/$name.diff"
		[ "${total:-x}" = "${records:-y}" ] ||
			echo "  summary total ${total:-none} != ${records:-no} records"
		return 1
	fi
	echo "bench: $name.pcap: counts match the truth ($records attempts)"
}

# timed LOG LABEL CMD...: one run of CMD, its output thrown away; appends
# "LABEL WALL-S PEAK-RSS-KIB CPU-S" to LOG (CPU: user + system, wait4's).
timed() {
	local log=$1 label=$2 t0 t1 st; shift 2
	t0=$EPOCHREALTIME
	"$out/maxrss" -c "$out/timed.rss" "$@" >/dev/null 2>&1
	st=$?
	t1=$EPOCHREALTIME
	# A failed run gives no figure (pair_cpu then has no ratio for the
	# round).
	[ $st -eq 0 ] || { echo "bench: $label: exit status $st" >&2; return; }
	echo "$label $t0 $t1 $(cat "$out/timed.rss" 2>/dev/null || echo 0 0)" |
	    awk '{ printf "%s %.6f %s %s\n", $1, $3 - $2, $4, $5 }' >>"$log"
}

# pair_cpu N A... -- B...: the median over N rounds of cpu(A) / cpu(B),
# the two run back to back in each round, each first in turn: prints
# "R (N rounds, LO to HI)".  CPU time moves less than wall time when other
# work shares the CPUs.
pair_cpu() {
	local n=$1 i a=() b=() log=$out/pair-cpu.log; shift
	while [ "$1" != -- ]; do a+=("$1"); shift; done; shift; b=("$@")
	: >"$log"
	for ((i = 1; i <= n; i++)); do
		echo "round $i" >>"$log"
		if [ $((i % 2)) = 1 ]; then
			timed "$log" a "${a[@]}"; timed "$log" b "${b[@]}"
		else
			timed "$log" b "${b[@]}"; timed "$log" a "${a[@]}"
		fi
	done
	awk '$1 == "round" { r = $2; next } { c[$1, r] = $4 }
	    END { for (j = 1; j <= r; j++)
		if (c["a", j] > 0 && c["b", j] > 0) print c["a", j] / c["b", j] }' "$log" | rounds_median
}

# rounds_median: the ratios on standard input as "MEDIAN (N rounds, LO
# to HI)".
rounds_median() {
	sort -g | awk '{ v[NR] = $1 } END { if (!NR) exit
	    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	    printf "%.2f (%d rounds, %.2f to %.2f)", m, NR, v[1], v[NR] }'
}
