#!/bin/bash
# Functions in src/ longer than LIMIT lines, counted from the line that is
# exactly "{" to the line that is exactly "}" (both included): the BSD layout
# of the code, type and name on lines of their own, braces in column 0.
#   tests/check-length.sh [TREE]
# Each function over the limit is a failure, unless the list below names it
# with the reason it reads better whole.
set -u
limit=60
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 2

# file:function  one-line reason it may stay longer than the limit
exceptions='
'

find src -type f -name '*.c' | LC_ALL=C sort | xargs awk -v limit="$limit" \
    -v exceptions="$exceptions" '
BEGIN {
	n = split(exceptions, line, "\n")
	for (i = 1; i <= n; i++)
		if (split(line[i], w, " ") >= 2)
			excepted[w[1]] = 1
	pass = fail = long = 0
}
FNR == 1 { name = ""; start = 0 }
# A function name starts a line: "name(args" after its type line.
/^[A-Za-z_][A-Za-z0-9_]*\(/ && !start {
	name = $0
	sub(/\(.*/, "", name)
}
/^\{$/ && !start { start = FNR; at = name; name = ""; next }
/^\}$/ && start {
	len = FNR - start + 1
	id = FILENAME ":" (at == "" ? "?" : at)
	start = 0
	if (len <= limit || id in excepted) {
		pass++
		next
	}
	long++
	printf "%s:%d: %s: %d lines (limit %d)\n", FILENAME, FNR - len + 1, \
	    at == "" ? "?" : at, len, limit
}
END {
	printf "length: %d passed, %d failed\n", pass, long
	exit long > 0
}'
