#!/bin/bash
# The example output of the man page against the program's own, so that a
# changed output cannot leave a stale example behind.
#
# A literal block preceded by the line
#   .\" example-check: DIR
# is run: each line starting with "$ " is a command (continued while a line
# ends with "\" or "|"), run by bash in DIR (of the source tree, with
# `smtpscope` meaning PROG), and the lines up to the next command are its
# output, standard output and error together.  The page folds long lines
# and leaves parts out: whitespace runs are compared as one space, and a
# line "..." or ending in " ..." stands for a part left out.  The parts
# shown must appear in that order, the first at the start of the output
# and the last at its end unless a part left out comes before or after.
# The blocks of one page run in order in one directory, so a file one
# example writes (a.json) is there for the next.
#   tests/man-examples.sh PROG
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/prog.sh"
resolve_prog man-examples "${1:-}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
page=$top/man/smtpscope.8

# Where the examples run: pcaps/ of the tree, and room for what they write.
mkdir "$tmp/work"
ln -s "$top/pcaps" "$tmp/work/pcaps"

# The marked blocks, unescaped (\& \- \e), one file each: DIR on line 1.
awk -v dir="$tmp" '
	/^\.\\" example-check: / { want = $3; next }
	want != "" && /^\.Bd -literal/ { n++; f = sprintf("%s/block%02d", dir, n);
		print want > f; inblk = 1; want = ""; next }
	inblk && /^\.Ed/ { inblk = 0; close(f); next }
	inblk { print > f }
	/^\.Bd/ { want = "" }' "$page"
sed -i -e 's/\\&//g' -e 's/\\-/-/g' -e 's/\\e/\\/g' "$tmp"/block* 2>/dev/null
nblocks=$(find "$tmp" -maxdepth 1 -name 'block*' | wc -l)
marked=$(grep -c '^\.\\" example-check: ' "$page")
if [ "$nblocks" -gt 0 ] && [ "$nblocks" = "$marked" ]; then pass=$((pass+1))
else echo "FAIL $marked blocks marked, $nblocks read"; fail=$((fail+1)); fi

norm() { tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'; }

# compare NAME CMD EXPECTED-FILE ACTUAL-FILE
compare() {
	local name=$1 cmd=$2 want=$3 got=$4 line seg rest actual lead=0 trail=0 first=1 why=
	local -a segs=()
	seg=
	while IFS= read -r line; do
		if [ "$line" = "..." ] || [[ $line == *" ..." ]]; then
			[ ${#segs[@]} -eq 0 ] && [ -z "$seg" ] && lead=1
			[ -n "$seg" ] && segs+=("$seg")
			seg=; trail=1
		else
			seg+="$line"$'\n'; trail=0
		fi
	done <"$want"
	[ -n "$seg" ] && segs+=("$seg")
	actual=$(norm <"$got")
	rest=$actual
	if [ ${#segs[@]} -eq 0 ] && [ $lead -eq 0 ] && [ -n "$actual" ]; then
		why="no output shown, but there is some"
	fi
	for seg in "${segs[@]}"; do
		seg=$(printf '%s' "$seg" | norm)
		if [ $first -eq 1 ] && [ $lead -eq 0 ] && [[ $rest != "$seg"* ]]; then
			why="the output does not start with: $seg"; break
		fi
		if [[ $rest != *"$seg"* ]]; then
			why="not in the output (in order): $seg"; break
		fi
		rest=${rest#*"$seg"}
		first=0
	done
	if [ -z "$why" ] && [ $trail -eq 0 ] && [ -n "$rest" ] && [ ${#segs[@]} -gt 0 ]; then
		why="the output goes on after the example's end: ${rest:0:200}"
	fi
	if [ -z "$why" ]; then
		pass=$((pass+1))
	else
		echo "FAIL $name: \$ $cmd"
		echo "    $why" | cut -c1-400
		echo "    program's output: ${actual:0:400}"
		fail=$((fail+1))
	fi
}

# run_block FILE: each command of the block, in its directory.
run_block() {
	local f=$1 dir lines i n cmd name out
	dir=$(head -n 1 "$f")
	mapfile -t lines < <(tail -n +2 "$f")
	n=${#lines[@]}
	i=0
	while [ $i -lt $n ]; do
		if [[ ${lines[$i]} != '$ '* ]]; then
			i=$((i+1)); continue		# text before the first command
		fi
		cmd=${lines[$i]#\$ }
		while [[ ${lines[$i]} == *'\' || ${lines[$i]} == *'|' ]] && [ $((i+1)) -lt $n ]; do
			i=$((i+1)); cmd+=$'\n'"${lines[$i]}"
		done
		i=$((i+1))
		: >"$tmp/want"
		while [ $i -lt $n ] && [[ ${lines[$i]} != '$ '* ]]; do
			printf '%s\n' "${lines[$i]}" >>"$tmp/want"; i=$((i+1))
		done
		name="$(basename "$f") ($(printf '%s' "$cmd" | head -n 1 | cut -c1-60))"
		if [[ $cmd == "cd "* ]]; then
			dir=${cmd#cd }; continue	# the next commands run there
		fi
		out=$(cd "$tmp/work/$dir" && PROG="$prog" bash -c '
			smtpscope() { $PROG "$@"; }
			eval "$1"' bash "$cmd" 2>&1)
		printf '%s\n' "$out" >"$tmp/got"
		compare "$name" "$cmd" "$tmp/want" "$tmp/got"
	done
}

for f in "$tmp"/block*; do
	[ -f "$f" ] && run_block "$f"
done
echo "man-examples: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
