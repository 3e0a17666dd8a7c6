#!/bin/bash
# Every capture in pcaps/ under valgrind memcheck (JSON and the --html
# page): no errors, no leaks.
# --no-sandbox: valgrind does not emulate seccomp(2), so the sandbox could
# not be entered (tests/sandbox.sh and the lab suites run with it).
#   tests/valgrind.sh PROG
set -u
prog=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/.." || exit 1
pass=0; fail=0
for f in pcaps/corpus/*.pcap* pcaps/corpus/*.cap pcaps/lab/*.pcap*; do
	[ -f "$f" ] || continue
	if valgrind -q --vgdb=no --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		"$prog" read --no-sandbox --json -p 1-65535 --html /tmp/vg.$$.html "$f" >/dev/null 2>/tmp/vg.$$; [ $? -ne 99 ] && ! grep -q '==[0-9]*==' /tmp/vg.$$; then
		pass=$((pass+1))
	else
		echo "FAIL $f"; head -n 20 /tmp/vg.$$
		fail=$((fail+1))
	fi
done
rm -f /tmp/vg.$$ /tmp/vg.$$.html
echo "valgrind: $pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
