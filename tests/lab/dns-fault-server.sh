#!/bin/bash
# One answer of a broken DNS server, for tests/lab/faults-lab.sh: socat
# hands it one UDP query on stdin (UDP-RECVFROM,fork) and sends back what
# it writes.
#   dns-fault-server.sh MODE DIR
# MODE: garbage (3 bytes, shorter than a header), truncated (TC set, no
# answer: the client must retry over TCP, where nothing listens), badid (a
# well-formed answer with another query ID), wrongq (the right ID, another
# question), silent (no answer at all).
set -u
mode=$1 q=$2/query.$$
trap 'rm -f "$q"' EXIT
dd bs=2048 count=1 of="$q" 2>/dev/null
[ -s "$q" ] || exit 0
# The query ID with every bit flipped: another ID, whatever it was.
read -r b0 b1 < <(od -An -tu1 -N2 "$q")
flipped=$(printf '\\x%02x\\x%02x' $((b0 ^ 255)) $((b1 ^ 255)))
case $mode in
garbage)
	head -c 2 "$q"; printf '\x81' ;;
truncated)
	head -c 2 "$q"; printf '\x83\x80\x00\x01\x00\x00\x00\x00\x00\x00'
	tail -c +13 "$q" ;;
badid)
	printf "$flipped"; printf '\x81\x80\x00\x01\x00\x00\x00\x00\x00\x00'
	tail -c +13 "$q" ;;
wrongq)
	head -c 2 "$q"; printf '\x81\x80\x00\x01\x00\x00\x00\x00\x00\x00'
	printf '\x05wrong\x07example\x04test\x00\x00\x0c\x00\x01' ;;
silent)
	;;
esac
