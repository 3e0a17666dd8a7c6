#!/bin/sh
# Turns a text file on stdin into a C string constant named $1.
echo "/* Generated from bpf/ by bpf/bpf2c.sh; do not edit. */"
echo "const char $1[] ="
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/'
echo "\t\"\";"
