#!/bin/sh
# paging_native_vs_policy.sh VMM GUEST STATUS APPEND POLICY "STAT..."
#
# native_vs_monitor.sh for one shadow policy: run GUEST natively and under
# the monitor with `--policy POLICY`, with APPEND as its command line.
# Passes when:
#   - both runs exit with the guest's expected STATUS,
#   - the two console outputs are byte-identical,
#   - the monitor's JSON report names POLICY as the shadow policy and
#     counts a nonzero value for each shadow statistic in STAT (e.g.
#     shadow_traced_writes), so the run really exercised that policy.
set -u
vmm=$1 guest=$2 status=$3 append=$4 policy=$5 stats=$6
dir=$(mktemp -d "${TMPDIR:-/tmp}/native_vs_policy.XXXXXX")
trap 'rm -rf "$dir"' EXIT

"$vmm" run --native --quiet --timeout 60 --append "$append" "$guest" \
	> "$dir/native.out" 2> "$dir/native.err" < /dev/null
native=$?
"$vmm" run --quiet --timeout 60 --policy "$policy" --append "$append" \
	--report-json "$dir/report.json" "$guest" \
	> "$dir/monitor.out" 2> "$dir/monitor.err" < /dev/null
monitor=$?

fail=0
if [ "$native" != "$status" ] || [ "$monitor" != "$status" ]; then
	echo "FAIL: exit status native $native, monitor ($policy) $monitor, expected $status"
	cat "$dir/native.err" "$dir/monitor.err"
	fail=1
fi
if ! cmp -s "$dir/native.out" "$dir/monitor.out"; then
	echo "FAIL: console output differs (native, then monitor with policy $policy):"
	diff "$dir/native.out" "$dir/monitor.out"
	fail=1
fi
[ -s "$dir/native.out" ] || { echo "FAIL: the guest printed nothing"; fail=1; }
if ! grep -q "\"shadow_policy\":\"$policy\"" "$dir/report.json"; then
	echo "FAIL: the report does not name policy $policy"
	fail=1
fi
for stat in $stats; do
	if ! grep -q "\"$stat\":[1-9]" "$dir/report.json"; then
		echo "FAIL: the report counts no $stat:"
		cat "$dir/report.json"
		fail=1
	fi
done
[ "$fail" = 0 ] && echo "PASS: $(wc -l < "$dir/native.out") lines identical natively and under policy $policy"
exit "$fail"
