# shellcheck shell=bash
# Shared by run.sh and scope.sh (sourced, not run): the generator and
# maxrss built into out/, captures made again only when their parameters
# or the generator change, and smtpscope's counts against the truth.
#
# The caller sets here (this folder) and prog (the program, absolute).
: "${here:?}" "${prog:?}"
out=$here/out
seed=${BENCH_SEED:-1}
export LC_ALL=C
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

# The records and summary counters of `PROG read --json FILE` in the truth
# file's format: "key count" lines, sorted.
counts() {
	local f=$1
	{
		"$prog" read --json "$f" | tee "$out/check.json" |
		    jq -r 'select(.type == "attempt") |
		    "verdict \(.class)/\(.reason)", "family \(.family)",
		    "server_port \(.server_port)", "syns \(.syns)", "records",
		    (if .icmp_type != null then "icmp \(.icmp_type)/\(.icmp_code)"
		     else empty end),
		    (if .class == "accepted" then "greeting \(.greeting_code // "none")"
		     else empty end)' | sort | uniq -c | awk '{ n = $1; $1 = ""; sub(/^ /, ""); print $0, n }'
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

# check_counts NAME: smtpscope's counts for out/NAME.pcap against the
# truth (less its "scope" lines, which scope.sh checks); 0 when they match.
check_counts() {
	local name=$1 got=$out/$1.got total records
	counts "$out/$name.pcap" >"$got.all"
	grep -v '^summary-total ' "$got.all" >"$got"
	total=$(sed -n 's/^summary-total //p' "$got.all")
	records=$(sed -n 's/^records //p' "$got")
	if ! grep -v '^scope ' "$out/$name.truth" |
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
