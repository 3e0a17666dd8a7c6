#!/bin/sh
# The man page: mandoc lint clean, and every long option of the program in it.
# Without mandoc the lint is skipped (said so), unless REQUIRE_MANDOC=1
# (make check, which installs it).
cd "$(dirname "$0")/.." || exit 1
pass=0; fail=0
if ! command -v mandoc >/dev/null && [ "${REQUIRE_MANDOC:-0}" != 1 ]; then
	echo "SKIP mandoc -Tlint: mandoc is not installed"
elif out=$(mandoc -Tlint -W warning man/smtpscope.8 2>&1) && [ -z "$out" ]; then
	pass=$((pass+1))
else
	echo "FAIL mandoc -Tlint:"; echo "$out" | head -n 20; fail=$((fail+1))
fi
# mdoc writes hyphens as \-; compare without the backslashes.
page=$(sed 's/\\-/-/g' man/smtpscope.8)
opts=$(sed -n 's/^[[:space:]]*{ "\([a-z0-9-]*\)", [a-z_]*_argument.*/\1/p' src/conf.c)
# Every option table entry must have been read, or the check shrinks
# silently when src/conf.c is reformatted.
if [ "$(printf '%s\n' "$opts" | grep -c .)" -ne "$(grep -c '_argument, ' src/conf.c)" ] ||
    [ -z "$opts" ]; then
	echo "FAIL could not read every long option from src/conf.c"; fail=$((fail+1))
fi
for opt in $opts; do
	if printf '%s\n' "$page" | grep -q "^\.It .*Fl -$opt\([^a-z0-9-]\|$\)"; then
		pass=$((pass+1))
	else
		echo "FAIL --$opt has no .It entry in man/smtpscope.8"; fail=$((fail+1))
	fi
done
echo "man: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
