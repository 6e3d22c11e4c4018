#!/bin/sh
# devices_persist.sh VMM DEVICES.elf
#
# A guest's disk writes reach the image file, under the monitor:
#   1. the devices guest, command line "disk-write", under the monitor,
#      writes a known pattern to sectors 1-4 of its --hda disk and powers
#      off;
#   2. the image file now holds the pattern byte for byte (cmp), and
#      nothing else changed;
#   3. a second run under the monitor, "disk-read", reads the pattern back
#      and prints it; so does a native run, the reference;
#   4. the same write done natively leaves a byte-identical image.
set -u
vmm=$1 guest=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/devices_persist.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/devices_disk.sh"

fail=0
fail() {
	echo "FAIL: $*"
	fail=1
}

# run NAME IMAGE APPEND [vmm options]: console in $dir/NAME.out; the status
# must be 0.
run() {
	name=$1 image=$2 append=$3
	shift 3
	TMPDIR=$dir "$vmm" run "$@" --quiet --timeout 60 --hda "$image" \
		--append "$append" "$guest" > "$dir/$name.out" \
		2> "$dir/$name.err" < /dev/null
	status=$?
	if [ "$status" != 0 ]; then
		fail "$name exited with status $status"
		cat "$dir/$name.out" "$dir/$name.err"
	fi
}

make_scratch_disk "$dir/disk.img"
cp "$dir/disk.img" "$dir/before.img"
run write "$dir/disk.img" disk-write
grep -qx 'disk-write: 4 sectors from sector 1: written, flush status 0x50' \
	"$dir/write.out" || fail "disk-write did not say it wrote: $(cat "$dir/write.out")"

# The image, sector by sector: 0 as before, 1-4 the pattern, 5-63 as before.
persist_pattern > "$dir/pattern"
dd if="$dir/disk.img" bs=512 skip=1 count=4 2> /dev/null > "$dir/written"
cmp "$dir/pattern" "$dir/written" || fail "sectors 1-4 of the image do not hold the pattern"
echo "sector 1 of the image file, as od shows it:"
od -A d -c -N 64 -j 512 "$dir/disk.img"
dd if="$dir/disk.img" bs=512 count=1 2> /dev/null > "$dir/s0.after"
dd if="$dir/before.img" bs=512 count=1 2> /dev/null > "$dir/s0.before"
cmp -s "$dir/s0.before" "$dir/s0.after" || fail "sector 0 changed"
dd if="$dir/disk.img" bs=512 skip=5 2> /dev/null > "$dir/rest.after"
dd if="$dir/before.img" bs=512 skip=5 2> /dev/null > "$dir/rest.before"
cmp -s "$dir/rest.before" "$dir/rest.after" || fail "sectors past 4 changed"
[ "$(wc -c < "$dir/disk.img")" = 32768 ] || fail "the image changed size"

# Read back, under the monitor and natively.
{
	echo "devices: conformance guest"
	for n in 1 2 3 4; do
		echo "disk-read: sector $n: vmm persistence: sector $n of 4. (x16: yes)"
	done
} > "$dir/want.out"
run read.monitor "$dir/disk.img" disk-read
run read.native "$dir/disk.img" disk-read --native
for r in read.monitor read.native; do
	if ! cmp -s "$dir/want.out" "$dir/$r.out"; then
		fail "$r printed something else (want, then got):"
		diff "$dir/want.out" "$dir/$r.out"
	fi
done

# The same write, natively: the same image.
make_scratch_disk "$dir/native.img"
run write.native "$dir/native.img" disk-write --native
cmp "$dir/disk.img" "$dir/native.img" || fail "the natively written image differs"

[ "$fail" = 0 ] && echo "PASS: the pattern reached the image file under the monitor and read back"
exit "$fail"
