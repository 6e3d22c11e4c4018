#!/bin/sh
# host_badguest.sh VMM MKELF FAKE_QEMU VARIANT - `vmm run` refuses a bad
# guest before starting anything: exit status 65, exactly one line on
# stderr naming the file and the problem, nothing on stdout, and the fake
# QEMU (which would leave a marker file) never ran.
set -u
vmm=$1 mkelf=$2 fake=$3 variant=$4
tmp=$(mktemp -d "${TMPDIR:-/tmp}/host_badguest.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
guest=$tmp/$variant.elf

fail() {
    echo "FAIL ($variant): $*"
    echo "--- stderr:"; cat "$tmp/err"
    exit 1
}

expect=$("$mkelf" "$variant" "$guest") || { echo "cannot make $variant"; exit 1; }
: > "$tmp/monitor.elf"                 # the monitor is there: not the problem
VMM_QEMU=$fake VMM_MONITOR=$tmp/monitor.elf VMM_FAKE_MARKER=$tmp/marker \
TMPDIR=$tmp "$vmm" run "$guest" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 65 ] || fail "exit status $rc, want 65"
[ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "stderr is not exactly one line"
grep -qF -- "vmm: $guest: " "$tmp/err" || fail "stderr does not name the file"
grep -qF -- "$expect" "$tmp/err" || fail "stderr lacks '$expect'"
[ ! -e "$tmp/marker" ] || fail "QEMU was started"
[ ! -s "$tmp/out" ] || fail "stdout is not empty"
echo "ok ($variant): $(cat "$tmp/err")"
