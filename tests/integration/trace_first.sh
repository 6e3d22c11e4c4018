#!/bin/sh
# trace_first.sh VMM GUEST EXPECTED
#
# `vmm run --trace=int,priv` of the first guest: the live trace (stderr),
# with addresses and symbol offsets dropped and spaces squeezed, must be the
# EXPECTED lines: each exit's class, symbol, decoded instruction and what
# the monitor did, in order.
set -u
vmm=$1 guest=$2 expected=$3
out=$(mktemp "${TMPDIR:-/tmp}/trace_first.XXXXXX")
trap 'rm -f "$out" "$out.n"' EXIT

"$vmm" run --quiet --timeout 60 --trace=int,priv --append "hello world" \
	"$guest" 2> "$out" > /dev/null < /dev/null || {
	echo "FAIL: vmm run exited with $?"; cat "$out"; exit 1; }
grep '^\[' "$out" | sed -E 's/ 0x[0-9a-f]{8} / /; s/\+0x[0-9a-f]+//; s/ +/ /g' \
	> "$out.n"
if ! diff -u "$expected" "$out.n"; then
	echo "FAIL: the trace differs from $expected"
	exit 1
fi
echo "PASS: $(wc -l < "$out.n") trace lines as expected"
