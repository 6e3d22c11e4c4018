#!/bin/sh
# stopped_with_report.sh VMM GUEST APPEND REASON
#
# Run GUEST under the monitor with command line APPEND.  Passes when the
# monitor stopped the guest cleanly (vmm exit status 71: not a monitor
# panic, not a hang) and its report names REASON (a substring).
set -u
vmm=$1 guest=$2 append=$3 reason=$4
dir=$(mktemp -d "${TMPDIR:-/tmp}/stopped_with_report.XXXXXX")
trap 'rm -rf "$dir"' EXIT

"$vmm" run --quiet --timeout 60 --append "$append" \
	--report-json "$dir/report.json" "$guest" \
	> "$dir/out" 2> "$dir/err" < /dev/null
status=$?
if [ "$status" != 71 ]; then
	echo "FAIL: vmm exited with $status, expected 71 (guest stopped)"
	cat "$dir/out" "$dir/err"
	exit 1
fi
if ! grep -q '"outcome":"died"' "$dir/report.json" ||
   ! grep -qF "$reason" "$dir/report.json"; then
	echo "FAIL: the report does not name '$reason':"
	cat "$dir/report.json"
	exit 1
fi
echo "PASS: stopped: $(head -n 1 "$dir/err")"
