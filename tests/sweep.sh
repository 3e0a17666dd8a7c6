#!/bin/bash
# Robustness sweep: every capture under pcaps/ (the public corpus and the lab
# recordings) and tests/malformed/ read by a sanitizer build with every port
# watched (`read -p 1-65535`), each within a time bound, three times: the
# text records; JSON records and the HTML page; the text reports (--scope,
# --evidence, --findings).  Each run must read the file cleanly (status 0,
# nothing on standard error), or refuse it with the documented input error
# (status 3, one line "smtpscope: FILE: message"); no sanitizer report, no
# signal, no hang.
#   tests/sweep.sh PROG          (PROG: build-san/smtpscope, `make SANITIZE=1`)
#   SWEEP_TIMEOUT=20             seconds per run
# Prints the counts, then "sweep: N passed, N failed" (one per run).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/prog.sh"
resolve_prog sweep "${1:-}"
limit=${SWEEP_TIMEOUT:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Stop at the first report, with its stack, and say so on standard error.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
pass=0; fail=0
clean=0; refused=0; sanitizer=0; hangs=0; other=0

shopt -s nullglob
files=("$top"/pcaps/*/*.pcap "$top"/pcaps/*/*.pcapng "$top"/pcaps/*/*.cap \
    "$top"/tests/malformed/*.pcap "$top"/tests/malformed/*.pcapng)
shopt -u nullglob

# one FILE [OPTION...]: reads it and counts the outcome; prints a line for a
# failure.
one() {
	local f=$1 name st nl
	shift
	name="${f#"$top"/}${1:+ ($*)}"
	timeout -k 5 "$limit" "$prog" read -p 1-65535 "$@" "$f" \
	    >/dev/null 2>"$tmp/err"
	st=$?
	nl=$(wc -l <"$tmp/err")
	if grep -qE 'Sanitizer|runtime error:' "$tmp/err"; then
		sanitizer=$((sanitizer+1))
		echo "FAIL $name: sanitizer report:"; head -n 20 "$tmp/err"
		return 1
	fi
	if [ "$st" -eq 124 ] || [ "$st" -eq 137 ]; then
		hangs=$((hangs+1))
		echo "FAIL $name: not done within $limit s"
		return 1
	fi
	if [ "$st" -eq 0 ] && [ "$nl" -eq 0 ]; then
		clean=$((clean+1))
		return 0
	fi
	if [ "$st" -eq 3 ] && [ "$nl" -eq 1 ] &&
	    grep -qF "smtpscope: $f: " "$tmp/err"; then
		refused=$((refused+1))
		return 0
	fi
	other=$((other+1))
	echo "FAIL $name: status $st, $nl lines on standard error:"
	head -n 5 "$tmp/err"
	return 1
}

for f in "${files[@]}"; do
	for opts in "" "--json --html $tmp/page.html" "--scope --evidence --findings"; do
		# shellcheck disable=SC2086  # opts: words on purpose
		if one "$f" $opts; then pass=$((pass+1)); else fail=$((fail+1)); fi
	done
done
echo "sweep: ${#files[@]} files, $((pass + fail)) runs: $clean read cleanly, $refused refused" \
    "(status 3, one line), $sanitizer sanitizer reports, $hangs hangs," \
    "$other other failures"
echo "sweep: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "${#files[@]}" -gt 0 ]
