#!/bin/sh
# devices_compare.sh VMM DEVICES.elf
#
# The devices conformance guest (guest-os/conformance/devices*.c), natively
# and under the monitor, each with its own fresh scratch disk as --hda.
# Passes when:
#   - both runs power off with status 0,
#   - the two console outputs are byte-identical (the guest prints only
#     what does not depend on the date or the speed of the machine),
#   - the two disk images are byte-identical afterwards (the guest's writes
#     reached the image file under the monitor as they do natively),
#   - the monitor's report counts `in` and `out` exits and MMIO faults
#     (the devices really were reached through the trap path).
set -u
vmm=$1 guest=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/devices_compare.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/devices_disk.sh"

make_scratch_disk "$dir/native.img"
make_scratch_disk "$dir/monitor.img"
TMPDIR=$dir "$vmm" run --native --quiet --timeout 60 --hda "$dir/native.img" \
	"$guest" > "$dir/native.out" 2> "$dir/native.err" < /dev/null
native=$?
TMPDIR=$dir "$vmm" run --quiet --timeout 60 --hda "$dir/monitor.img" \
	--report-json "$dir/report.json" "$guest" \
	> "$dir/monitor.out" 2> "$dir/monitor.err" < /dev/null
monitor=$?

fail=0
if [ "$native" != 0 ] || [ "$monitor" != 0 ]; then
	echo "FAIL: exit status native $native, monitor $monitor, expected 0"
	cat "$dir/native.err" "$dir/monitor.err"
	fail=1
fi
if ! cmp -s "$dir/native.out" "$dir/monitor.out"; then
	echo "FAIL: console output differs (native, then monitor):"
	diff "$dir/native.out" "$dir/monitor.out"
	fail=1
fi
grep -q '^devices: done$' "$dir/native.out" || { echo "FAIL: the guest did not finish natively"; fail=1; }
if ! cmp -s "$dir/native.img" "$dir/monitor.img"; then
	echo "FAIL: the disk images differ afterwards (offset, native, monitor):"
	cmp -l "$dir/native.img" "$dir/monitor.img" | head -20
	fail=1
fi
for insn in in out; do
	grep -q "\"mnemonic\":\"$insn\",\"count\":[1-9]" "$dir/report.json" ||
		{ echo "FAIL: the report counts no '$insn' exit"; fail=1; }
done
grep -q '"cause":"pf-mmio","count":[1-9]' "$dir/report.json" ||
	{ echo "FAIL: the report counts no MMIO fault"; fail=1; }
[ "$fail" = 0 ] && echo "PASS: $(wc -l < "$dir/native.out") lines and the disk identical natively and under the monitor"
exit "$fail"
