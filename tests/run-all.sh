#!/bin/bash
# Every suite of `make check`: unit, golden, expectations, errors, valgrind,
# fuzz smoke, lab.  Each prints "suite: N passed, N failed"; the last line totals suites.
#   tests/run-all.sh BUILD_DIR PROG
set -u
build=$1
prog=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
cd "$(dirname "$0")/.." || exit 1
suites_ok=0; suites_failed=0

run() {
	echo "== $1"
	shift
	if "$@"; then suites_ok=$((suites_ok+1)); else suites_failed=$((suites_failed+1)); fi
}

# shellcheck disable=SC2046  # one word per test binary
run unit sh tests/run-unit.sh $(find "$build" -maxdepth 1 -name 'test_*' -type f -perm -u+x | sort)
run golden bash tests/golden.sh "$prog"
run expect bash tests/check-expect.sh "$prog" pcaps/corpus/*.expect pcaps/lab/*.expect
run errors bash tests/errors.sh "$prog"
run malformed bash tests/malformed/run.sh "$prog"
run man sh tests/man-lint.sh
if [ "${SANITIZE:-0}" != 1 ] && command -v valgrind >/dev/null; then
	run valgrind bash tests/valgrind.sh "$prog"
fi
if [ "${SANITIZE:-0}" != 1 ]; then
	# The harnesses carry their own sanitizers: once is enough.
	run fuzz make --no-print-directory fuzz-smoke
fi
run lab bash tests/lab/run-lab-tests.sh "$prog"
run verify-lab bash tests/lab/verify-lab.sh "$prog"
run probe-lab bash tests/lab/probe-lab.sh "$prog"
run dns-lab bash tests/lab/dns-lab.sh "$prog"
run flood bash tests/bench/flood.sh "$prog"
echo "suites: $suites_ok passed, $suites_failed failed"
[ "$suites_failed" -eq 0 ]
