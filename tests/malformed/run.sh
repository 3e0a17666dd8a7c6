#!/bin/bash
# The malformed-capture corpus: each file of tests/malformed/EXPECTED is read
# with `PROG read -p 25 [options] FILE`, and must give the exit status, the
# summary counters and the error line written there, without being killed by
# a signal.  The files and EXPECTED come from make-captures.py.
#   tests/malformed/run.sh PROG
#   VALGRIND=1 tests/malformed/run.sh PROG     (each run under valgrind memcheck)
#
# EXPECTED: FILE EXIT-STATUS [key=value ...] [-- read-options ...]
#   key=N        the summary counter of that name (spaces written as '-') is N
#   *=0          every summary counter not named on the line is 0
#   stderr=WORD  the error line contains WORD
#   summary=no   no summary is written (nothing was read)
# Besides: standard error is empty when the status is 0, and one line starting
# with "smtpscope: " otherwise; when a summary is written with an error, the
# summary comes first.
set -u
if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 PROG" >&2
	exit 2
fi
prog=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
limit=${MALFORMED_TIMEOUT:-60}		# seconds per run
wrap=()
if [ -n "${VALGRIND:-}" ]; then
	wrap=(valgrind -q --error-exitcode=99)
	limit=$((limit * 10))
fi
pass=0; fail=0

# Every counter of the summary as "name value", from the summary, packets and
# ignored lines: "summary: 3 attempts, accepted 1, ..." -> "attempts 3",
# "accepted 1"; "unmatched syn-ack 0" -> "unmatched-syn-ack 0".
counters() {
	awk '/^(summary|packets|ignored): / {
		sub(/^[a-z]+: /, "")
		n = split($0, item, ", ")
		for (i = 1; i <= n; i++) {
			it = item[i]
			if (match(it, /^[0-9]+ /)) {
				v = substr(it, 1, RLENGTH - 1); k = substr(it, RLENGTH + 1)
			} else if (match(it, / [0-9]+$/)) {
				k = substr(it, 1, RSTART - 1); v = substr(it, RSTART + 1)
			} else
				continue
			gsub(/ /, "-", k)
			print k, v
		}
	}' "$1"
}

# run NAME STATUS KEYS... -- OPTIONS...: sets $why on failure.
check() {
	local name=$1 want=$2; shift 2
	local keys=() opts=() k v st nerr got cnt strict=0 want_summary=1 errword=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do keys+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	opts=("$@")
	why=
	if [ ! -f "$dir/$name" ]; then why="no such file"; return 1; fi
	timeout -k 5 "$limit" "${wrap[@]}" "$prog" read -p 25 "${opts[@]}" \
	    "$dir/$name" </dev/null >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$st" -eq 124 ] || [ "$st" -eq 137 ]; then
		why="timed out after ${limit}s"; return 1
	fi
	if [ "$st" -gt 128 ]; then
		why="killed by signal $((st - 128)): $(head -c 300 "$tmp/err")"; return 1
	fi
	if [ -n "${VALGRIND:-}" ] && [ "$st" -eq 99 ]; then
		why="valgrind errors: $(head -c 600 "$tmp/err")"; return 1
	fi
	nerr=$(wc -l <"$tmp/err")
	[ -s "$tmp/err" ] && [ "$(tail -c 1 "$tmp/err" | od -An -c | tr -d ' ')" != '\n' ] &&
	    nerr=$((nerr + 1))
	if [ "$st" -ne "$want" ]; then
		why="exit status $st, want $want; stderr: $(head -c 300 "$tmp/err")"; return 1
	fi
	if [ "$want" -eq 0 ] && [ "$nerr" -ne 0 ]; then
		why="status 0 but stderr: $(head -c 300 "$tmp/err")"; return 1
	fi
	if [ "$want" -ne 0 ]; then
		if [ "$nerr" -ne 1 ] || ! head -n 1 "$tmp/err" | grep -q '^smtpscope: '; then
			why="want one 'smtpscope: ' line on stderr, got $nerr: $(head -c 300 "$tmp/err")"
			return 1
		fi
	fi
	counters "$tmp/out" >"$tmp/cnt"
	for k in "${keys[@]}"; do
		case $k in
		'*=0') strict=1 ;;
		summary=no) want_summary=0 ;;
		stderr=*) errword=${k#stderr=} ;;
		*=*) ;;
		*) why="bad key '$k' in EXPECTED"; return 1 ;;
		esac
	done
	if [ -n "$errword" ] && ! grep -qF -- "$errword" "$tmp/err"; then
		why="stderr lacks '$errword': $(head -c 300 "$tmp/err")"; return 1
	fi
	cnt=$(grep -c '^summary: ' "$tmp/out")
	if [ "$want_summary" -eq 0 ]; then
		if [ "$cnt" -ne 0 ]; then why="a summary was written"; return 1; fi
		return 0
	fi
	if [ "$cnt" -ne 1 ] || [ "$(grep -c '^packets: ' "$tmp/out")" -ne 1 ] ||
	    [ "$(grep -c '^ignored: ' "$tmp/out")" -ne 1 ]; then
		why="want one summary, packets and ignored line; got: $(head -c 300 "$tmp/out")"
		return 1
	fi
	echo - >"$tmp/named"	# never empty: awk's NR == FNR needs a line
	for k in "${keys[@]}"; do
		case $k in '*=0' | summary=* | stderr=*) continue ;; esac
		v=${k#*=}; k=${k%%=*}
		echo "$k" >>"$tmp/named"
		if ! got=$(awk -v k="$k" '$1 == k { print $2; f = 1 } END { exit !f }' "$tmp/cnt"); then
			why="${why:+$why; }no counter '$k' in the summary"
		elif [ "$got" != "$v" ]; then
			why="${why:+$why; }$k $got, want $v"
		fi
	done
	if [ "$strict" -eq 1 ]; then
		got=$(awk 'NR == FNR { named[$1] = 1; next }
		    !($1 in named) && $2 != 0 { printf "%s%s %s (want 0)", sep, $1, $2; sep = "; " }' \
		    "$tmp/named" "$tmp/cnt")
		[ -z "$got" ] || why="${why:+$why; }$got"
	fi
	[ -z "$why" ] || return 1
	# An error after a summary: the summary is written first.
	if [ "$want" -ne 0 ]; then
		timeout -k 5 "$limit" "$prog" read -p 25 "${opts[@]}" "$dir/$name" \
		    </dev/null >"$tmp/both" 2>&1
		if ! tail -n 1 "$tmp/both" | grep -q '^smtpscope: '; then
			why="the error line is not written after the summary"; return 1
		fi
	fi
	return 0
}

while IFS= read -r line; do
	case $line in '' | '#'*) continue ;; esac
	read -r -a f <<<"$line"
	if [ "${#f[@]}" -lt 2 ]; then
		echo "FAIL EXPECTED: bad line: $line"; fail=$((fail + 1)); continue
	fi
	if check "${f[@]}"; then
		echo "ok ${f[0]}"; pass=$((pass + 1))
	else
		echo "FAIL ${f[0]}: $why"; fail=$((fail + 1))
	fi
done <"$dir/EXPECTED"

echo "malformed: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
