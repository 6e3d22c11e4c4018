# devices_disk.sh - sourced by the devices_*.sh tests: the scratch disk the
# devices guest expects, and the pattern its disk-write case leaves.
#
# make_scratch_disk FILE: 64 sectors of zeros, with "vmm devices scratch
#   disk" at the start of sector 0 (devices_ide.c reads it back).
# persist_pattern: on stdout, the 4 sectors disk-write writes from sector 1:
#   sector N holds "vmm persistence: sector N of 4.\n" 16 times.

make_scratch_disk() {
	dd if=/dev/zero of="$1" bs=512 count=64 2> /dev/null &&
		printf 'vmm devices scratch disk' |
		dd of="$1" conv=notrunc 2> /dev/null
}

persist_pattern() {
	for n in 1 2 3 4; do
		i=0
		while [ $i -lt 16 ]; do
			printf 'vmm persistence: sector %d of 4.\n' "$n"
			i=$((i + 1))
		done
	done
}
