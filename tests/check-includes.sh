#!/bin/bash
# The layer rule: which project headers a file may include, by the folder it
# sits in.  Fails, naming file:line and the rule, on every #include "..."
# that crosses a forbidden line.
#   tests/check-includes.sh [TREE]        (TREE defaults to this checkout)
#
# One rule per folder of src/ and include/ (a header in include/X/ follows
# the rule of src/X/).  An entry "X/" allows every header of folder X, an
# entry "X/name.h" that one header, "*" anything.  A top-level file (src/
# main.c, src/conf.c, or include/NAME.h for src/NAME.c) has a rule of its own
# name; a file in a folder with no rule, and an include that names no
# folder, are failures too, but for a folder's private header: src/X/NAME.h
# included as "NAME.h" by a file beside it.  Only direct includes are checked: #include
# "..." always, #include <...> when it names something in include/ (it would
# find our header through -Iinclude).  The same table is in tests/README.md.
set -u
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 2

rules='
util/    util/
core/    util/ core/
io/      util/ core/ io/
probe/   util/ core/ io/ probe/
maillog/  util/ maillog/ core/record.h core/verdict.h
findings/ util/ findings/ core/record.h core/verdict.h maillog/event.h
report/  util/ report/ maillog/ findings/ core/record.h core/stats.h core/verdict.h core/sink.h probe/greetres.h
verify/  util/ verify/ core/sink.h report/sink.h report/fields.h core/record.h core/verdict.h core/stats.h probe/probespec.h
main.c   *
conf.c   *
lookups.c *
maillog_cmd.c *
metrics_cmd.c *
'

# What include/ holds at its top (folders and headers), for #include <...>.
ours=$(cd include && ls -A | tr '\n' ' ')

find src include -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort |
    awk -v rules="$rules" -v ours="$ours" '
BEGIN {
	n = split(rules, line, "\n")
	for (i = 1; i <= n; i++) {
		m = split(line[i], w, " ")
		if (m < 2)
			continue
		allow[w[1]] = w[2]
		for (j = 3; j <= m; j++)
			allow[w[1]] = allow[w[1]] " " w[j]
	}
	n = split(ours, w, " ")
	for (i = 1; i <= n; i++)
		project[w[i]] = 1
	pass = fail = 0
}
# The rule that applies to a file: its folder under src/ or include/, or
# for a top-level file its own name (a header by its source name).
function rule_of(path,    rel, k) {
	rel = path
	sub(/^(src|include)\//, "", rel)
	if (rel ~ /\//) {
		k = rel
		sub(/\/.*/, "/", k)
		return k
	}
	sub(/\.h$/, ".c", rel)
	return rel
}
function allowed(list, hdr,    m, i, e) {
	m = split(list, e, " ")
	for (i = 1; i <= m; i++) {
		if (e[i] == "*" || e[i] == hdr)
			return 1
		if (e[i] ~ /\/$/ && index(hdr, e[i]) == 1 && substr(hdr, length(e[i]) + 1) !~ /\//)
			return 1
	}
	return 0
}
{
	file = $0
	r = rule_of(file)
	if (!(r in allow)) {
		printf "%s: no include rule for %s (add one to tests/check-includes.sh)\n", file, r
		fail++
		next
	}
	ln = 0
	while ((getline text < file) > 0) {
		ln++
		if (text !~ /^[ \t]*#[ \t]*include[ \t]*["<]/)
			continue
		hdr = text
		sub(/^[ \t]*#[ \t]*include[ \t]*/, "", hdr)
		angle = hdr ~ /^</
		hdr = substr(hdr, 2)
		sub(/[">].*/, "", hdr)
		top = hdr
		sub(/\/.*/, "", top)
		if (angle && !(top in project))
			continue
		if (allowed(allow[r], hdr)) {
			pass++
			continue
		}
		# A private header of the folder, beside the file in src/X/ and named
		# without a folder, belongs to that folder alone.
		dir = file
		sub(/\/[^\/]*$/, "", dir)
		if (!angle && hdr !~ /\// && dir ~ /^src\/./ &&
		    (getline probe < (dir "/" hdr)) >= 0) {
			close(dir "/" hdr)
			pass++
			continue
		}
		printf "%s:%d: includes \"%s\"; rule %s may include only: %s\n", \
		    file, ln, hdr, r, allow[r]
		fail++
	}
	close(file)
}
END {
	printf "includes: %d passed, %d failed\n", pass, fail
	exit fail > 0
}'
