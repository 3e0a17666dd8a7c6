#!/bin/bash
# The test suites, in two groups (see tests/README.md):
#   quick (`make test`): include rule, function length, unit, golden, expect,
#     errors, json, malformed, man -- no root, no network namespace, no package
#     installation, under a minute;
#   full (`make check`, as root): the quick ones, then valgrind, fuzz smoke,
#     the sanitizer sweep of every capture, the lab suites (network
#     namespaces), flood.
# Each suite prints "suite: N passed, N failed"; the last line totals suites.
# The quick suites run side by side, TEST_JOBS at a time (default: the number
# of CPUs), and their output is printed in list order once all are done; the
# rest run one after the other.
#   tests/run-all.sh [--quick] BUILD_DIR PROG
set -u
quick=0
if [ "${1:-}" = --quick ]; then quick=1; shift; fi
if [ $# -ne 2 ]; then
	echo "usage: $0 [--quick] BUILD_DIR PROG" >&2
	exit 2
fi
build=$1
prog=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
cd "$(dirname "$0")/.." || exit 1
suites_ok=0; suites_failed=0; failed=
jobs_max=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
side=()		# the names of the suites started by side

count() {	# NAME STATUS
	if [ "$2" -eq 0 ]; then
		suites_ok=$((suites_ok+1))
	else
		suites_failed=$((suites_failed+1)); failed="$failed $1"
	fi
}

run() {
	local name=$1
	echo "== $name"
	shift
	"$@"
	count "$name" $?
}

# side NAME COMMAND...: starts a suite in the background, its output and
# status kept under $tmp for side_done.
side() {
	local name=$1
	shift
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
	side+=("$name")
	{ "$@" >"$tmp/$name.out" 2>&1; echo $? >"$tmp/$name.status"; } &
}

side_done() {
	local name
	wait
	for name in "${side[@]}"; do
		echo "== $name"
		cat "$tmp/$name.out"
		count "$name" "$(cat "$tmp/$name.status" 2>/dev/null || echo 1)"
	done
}

# One binary per tests/unit/test_*.c: a missing one fails, a stale one left
# in the build directory by a removed test is not run.
units=()
for src in tests/unit/test_*.c; do
	t=${src##*/}; units+=("$build/${t%.c}")
done

# mandoc is optional for `make test` (the option check runs without it);
# `make check` has installed it, and requires it.
[ "$quick" -eq 1 ] || export REQUIRE_MANDOC=1

# The quick suites.
echo "== quick suites, $jobs_max at a time"
side includes bash tests/check-includes.sh
side length bash tests/check-length.sh
side unit sh tests/run-unit.sh "${units[@]}"
side golden bash tests/golden.sh "$prog"
side expect bash tests/check-expect.sh "$prog" pcaps/corpus/*.expect pcaps/lab/*.expect
side errors bash tests/errors.sh "$prog"
side json bash tests/json.sh "$prog"
side malformed bash tests/malformed/run.sh "$prog"
side man sh tests/man-lint.sh
side json-shape bash tests/json-shape.sh "$prog"
side habits bash tests/habits.sh "$prog"
side man-examples bash tests/man-examples.sh "$prog"
side sandbox bash tests/sandbox.sh "$prog" "$build/smtpscope-hooks"
side maillog bash tests/maillog.sh "$prog"
# promtool (Debian: prometheus) is installed by `make check`; `make test`
# runs the suite when it is there.
if [ "$quick" -eq 0 ] || command -v promtool >/dev/null; then
	side metrics bash tests/metrics.sh "$prog"
fi
side_done

if [ "$quick" -eq 0 ]; then
	if [ "${SANITIZE:-0}" != 1 ] && command -v valgrind >/dev/null; then
		run valgrind bash tests/valgrind.sh "$prog"
	fi
	if [ "${SANITIZE:-0}" != 1 ]; then
		# The harnesses carry their own sanitizers: once is enough.
		run fuzz make --no-print-directory fuzz-smoke
	fi
	run sweep make --no-print-directory sweep
	run lab bash tests/lab/run-lab-tests.sh "$prog"
	run verify-lab bash tests/lab/verify-lab.sh "$prog"
	run findings-lab bash tests/lab/findings-lab.sh "$prog"
	run probe-lab bash tests/lab/probe-lab.sh "$prog"
	run greet-lab bash tests/lab/greet-lab.sh "$prog"
	run dns-lab bash tests/lab/dns-lab.sh "$prog"
	run firsthop-lab bash tests/lab/firsthop-lab.sh "$prog"
	run trace-lab bash tests/lab/trace-lab.sh "$prog"
	run experienced-lab bash tests/lab/experienced-lab.sh "$prog"
	run writefile-lab bash tests/lab/writefile-lab.sh "$prog"
	run rotate-lab bash tests/lab/rotate-lab.sh "$prog" "$build/smtpscope-hooks"
	run privs-lab bash tests/lab/privs-lab.sh "$prog" "$build/smtpscope-hooks"
	run faults-lab bash tests/lab/faults-lab.sh "$prog"
	run clock-lab bash tests/lab/clock-lab.sh "$prog"
	run maillog-lab bash tests/lab/maillog-lab.sh "$prog"
	run iface-lab bash tests/lab/iface-lab.sh "$prog"
	run metrics-lab bash tests/lab/metrics-lab.sh "$prog"
	run service bash tests/service.sh "$prog"
	run prometheus-lab bash tests/lab/prometheus-lab.sh "$prog"
	run flood bash tests/bench/flood.sh "$prog"
	run html-browser bash tests/html/browser.sh "$prog" "$build"
fi
echo "suites: $suites_ok passed, $suites_failed failed${failed:+ (failed:$failed)}"
[ "$suites_failed" -eq 0 ]
