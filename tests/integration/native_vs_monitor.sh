#!/bin/sh
# native_vs_monitor.sh VMM GUEST STATUS APPEND "INSN..." [POLICY ["STAT..."]]
#
# Run GUEST natively and under the monitor through `vmm run` (with the
# shadow policy POLICY if given), with APPEND as its command line.  Passes
# when:
#   - both runs exit with the guest's expected STATUS,
#   - the two console outputs are byte-identical,
#   - the monitor's JSON report counts at least one exit for each mnemonic
#     in INSN (so the run really went through the trap path),
#   - with POLICY, the report names it, and counts a nonzero value for each
#     statistic in STAT (e.g. shadow_traced_writes: the policy was at work).
#
# From the environment:
#   VMM_RUN_ARGS    more options for the run under the monitor
#                   (e.g. "--descriptors sync")
#   EXPECTED_DIFF   a file: instead of identical outputs, `diff native
#                   monitor` must print exactly this - the documented
#                   differences (docs/deprivileging.md), and nothing else
set -u
vmm=$1 guest=$2 status=$3 append=$4 insns=$5 policy=${6:-} stats=${7:-}
run_args=${VMM_RUN_ARGS:-} expected_diff=${EXPECTED_DIFF:-}
dir=$(mktemp -d "${TMPDIR:-/tmp}/native_vs_monitor.XXXXXX")
trap 'rm -rf "$dir"' EXIT

"$vmm" run --native --quiet --timeout 120 --append "$append" "$guest" \
	> "$dir/native.out" 2> "$dir/native.err" < /dev/null
native=$?
"$vmm" run --quiet --timeout 120 --append "$append" \
	${policy:+--policy "$policy"} $run_args \
	--report-json "$dir/report.json" "$guest" \
	> "$dir/monitor.out" 2> "$dir/monitor.err" < /dev/null
monitor=$?

fail=0
if [ "$native" != "$status" ] || [ "$monitor" != "$status" ]; then
	echo "FAIL: exit status native $native, monitor $monitor, expected $status"
	cat "$dir/native.err" "$dir/monitor.err"
	fail=1
fi
if [ -n "$expected_diff" ]; then
	diff "$dir/native.out" "$dir/monitor.out" > "$dir/diff"
	if ! cmp -s "$dir/diff" "$expected_diff"; then
		echo "FAIL: the outputs differ otherwise than $expected_diff says;"
		echo "diff of the expected and the actual differences:"
		diff "$expected_diff" "$dir/diff"
		fail=1
	fi
elif ! cmp -s "$dir/native.out" "$dir/monitor.out"; then
	echo "FAIL: console output differs (native, then monitor):"
	diff "$dir/native.out" "$dir/monitor.out"
	fail=1
fi
[ -s "$dir/native.out" ] || { echo "FAIL: the guest printed nothing"; fail=1; }
for insn in $insns; do
	if ! grep -q "\"mnemonic\":\"$insn\",\"count\":[1-9]" "$dir/report.json"; then
		echo "FAIL: the report counts no '$insn' exit:"
		cat "$dir/report.json"
		fail=1
	fi
done
if [ -n "$policy" ] &&
   ! grep -q "\"shadow_policy\":\"$policy\"" "$dir/report.json"; then
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
[ "$fail" = 0 ] && [ -n "$expected_diff" ] && echo "PASS: $(wc -l < "$dir/native.out") lines, identical but for the documented differences ($(grep -c '^<' "$expected_diff") lines)"
[ "$fail" = 0 ] && [ -z "$expected_diff" ] && echo "PASS: $(wc -l < "$dir/native.out") lines identical natively and under the monitor"
exit "$fail"
