#!/bin/bash
# Golden tests, tcpdump style: each line of tests/TESTLIST is
#   name  capture(relative to pcaps/)  [read options...]
# where capture may be several files joined with '+', or '<file' to read it
# from standard input.
# and tests/golden/name.out holds the expected standard output and, on its
# last line, the exit status.  --update rewrites the .out files (review the
# diff: the statements in pcaps/**/*.expect are the independent check).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/prog.sh"
resolve_prog golden "${1:-}"
update=${2:-}
pass=0; fail=0
while read -r name cap opts; do
	case "$name" in ''|'#'*) continue ;; esac
	want=$top/tests/golden/$name.out
	files=(); input=/dev/null
	case "$cap" in
	'<'*) files=(-); input=$top/pcaps/${cap#<} ;;
	*) IFS=+ read -ra parts <<<"$cap"; for f in "${parts[@]}"; do files+=("$top/pcaps/$f"); done ;;
	esac
	# shellcheck disable=SC2086
	got=$( "$prog" read $opts "${files[@]}" 2>/dev/null <"$input"; echo "exit $?" )
	if [ "$update" = --update ]; then
		printf '%s\n' "$got" >"$want"
	fi
	if [ -f "$want" ] && [ "$got" = "$(cat "$want")" ]; then
		pass=$((pass+1))
	else
		echo "FAIL $name"
		diff -u "$want" <(printf '%s\n' "$got") | head -n 20
		fail=$((fail+1))
	fi
done <"$top/tests/TESTLIST"
echo "golden: $pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
