#!/bin/sh
# Runs each cmocka test binary and totals the results.
pass=0; fail=0
for t in "$@"; do
	if "$t"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $t"; fi
done
echo "unit: $pass passed, $fail failed"
# no test binary found is a failure, not a pass
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
