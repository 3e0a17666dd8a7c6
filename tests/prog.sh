# Sourced by the suites that run the program:
#   . tests/prog.sh; resolve_prog SUITE "$1"
# sets $prog to the absolute path of the file named, so that a bare
# "smtpscope" means ./smtpscope and never a smtpscope found in PATH (an
# installed, older one would pass or fail for the wrong reasons).  When it
# names no executable file, prints the suite's closing line and exits 1.
resolve_prog() {
	if [ -z "${2:-}" ] || [ -d "$2" ] || [ ! -x "$2" ]; then
		echo "$1: PROG '${2:-}' is not an executable file"
		echo "$1: 0 passed, 1 failed"
		exit 1
	fi
	prog=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
}
