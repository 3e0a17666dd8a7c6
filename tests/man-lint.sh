#!/bin/sh
# The man page: mandoc lint clean, and every long option of the program in it.
cd "$(dirname "$0")/.." || exit 1
pass=0; fail=0
if out=$(mandoc -Tlint -W warning man/smtpscope.8 2>&1) && [ -z "$out" ]; then
	pass=$((pass+1))
else
	echo "FAIL mandoc -Tlint:"; echo "$out" | head -n 20; fail=$((fail+1))
fi
# mdoc writes hyphens as \-; compare without the backslashes.
page=$(sed 's/\\-/-/g' man/smtpscope.8)
for opt in $(sed -n 's/^[[:space:]]*{ "\([a-z0-9-]*\)", [a-z_]*_argument.*/\1/p' src/main.c); do
	if printf '%s\n' "$page" | grep -q "^\.It .*Fl -$opt\b"; then
		pass=$((pass+1))
	else
		echo "FAIL --$opt has no .It entry in man/smtpscope.8"; fail=$((fail+1))
	fi
done
echo "man: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
