#!/bin/sh
# guestos.sh MODE VMM OS.elf INITRD
#
# Runs the project's OS (guest-os/kernel os.elf with its ramdisk) through
# `vmm run`, unattended, and checks what it prints.  MODE:
#
#   test     natively, `ostest`: exits with 0, prints at least one verdict
#            line, every verdict line is "check NAME: pass", and its count
#            line agrees.
#   suite    natively, `suite` (kernel and user benchmarks): exits with 0 and
#            prints exactly one line per benchmark, with its iteration count.
#            The lines are printed; cycle figures are never asserted.
#   disk     natively, ostest with the ramdisk as the first IDE disk instead
#            of a multiboot module (`vmm run` has no disk option yet, so this
#            mode starts QEMU itself, as `vmm run --native` does): as test.
#   compare  ostest and suite natively and under the monitor (with the shadow
#            policy given as a fifth argument): the same exit
#            status, and the same output once the cycle figures (the only
#            thing that may differ) are masked.
set -u
mode=$1 vmm=$2 os=$3 initrd=$4
dir=$(mktemp -d "${TMPDIR:-/tmp}/guestos.XXXXXX")
trap 'rm -rf "$dir"' EXIT

BENCHES="k.int k.in k.sticli k.callret k.pgfault k.divzero k.ptemod k.cr3
	u.syscall u.callret u.pgfault u.divzero u.ctxsw u.forkwait u.exec
	u.mapunmap u.compute"

# run NAME APPEND [vmm options]: console in $dir/NAME.out, status in $status.
run() {
	name=$1 append=$2
	shift 2
	"$vmm" run "$@" --quiet --timeout 240 --initrd "$initrd" \
		--append "$append" "$os" > "$dir/$name.out" 2> "$dir/$name.err" < /dev/null
	status=$?
	echo "$status" > "$dir/$name.status"
}

# run_from_disk NAME APPEND [vmm options]: as run, with no ramdisk module:
# a copy of the ramdisk image is the guest's IDE primary master (--hda).
run_from_disk() {
	name=$1 append=$2
	shift 2
	cp "$initrd" "$dir/$name.img"
	"$vmm" run "$@" --quiet --timeout 240 --hda "$dir/$name.img" \
		--append "$append" "$os" > "$dir/$name.out" 2> "$dir/$name.err" < /dev/null
	status=$?
	echo "$status" > "$dir/$name.status"
}

# fail MESSAGE: say it and remember that the test failed.
fail=0
fail() {
	echo "FAIL: $*"
	fail=1
}

# expect_status NAME: the run NAME exited with status 0.
expect_status() {
	s=$(cat "$dir/$1.status")
	if [ "$s" != 0 ]; then
		fail "$1 exited with status $s"
		cat "$dir/$1.err"
	fi
}

# Mask the cycle figures of the bench lines in file $1.
mask() {
	sed 's/^\(bench .* cycles_per_op=\)[0-9]*$/\1N/' "$1"
}

check_ostest() { # $1: run name
	out="$dir/$1.out"
	cat "$out"
	expect_status "$1"
	total=$(grep -c '^check ' "$out")
	passed=$(grep -c '^check [a-z0-9-]*: pass$' "$out")
	[ "$total" -gt 0 ] || fail "no verdict lines"
	[ "$passed" = "$total" ] || fail "$((total - passed)) of $total checks did not pass"
	grep -q "^ostest: $total checks, 0 failed$" "$out" ||
		fail "no count line 'ostest: $total checks, 0 failed'"
}

check_suite() { # $1: run name
	out="$dir/$1.out"
	grep '^bench ' "$out"
	expect_status "$1"
	for b in $BENCHES; do
		n=$(grep -c "^bench $b iters=[1-9][0-9]* cycles_per_op=[0-9][0-9]*$" "$out")
		[ "$n" = 1 ] || fail "$n result lines for $b"
	done
	grep -q '^suite: 9 benchmarks, 0 failed$' "$out" || fail "the suite's count line"
	if grep -v -e '^bench ' -e '^os: ' -e '^suite: ' "$out" > "$dir/other"; then
		fail "unexpected output:"
		cat "$dir/other"
	fi
}

# compare NAME: native and monitor runs of NAME agree.
compare() {
	expect_status "$1.native"
	expect_status "$1.monitor"
	mask "$dir/$1.native.out" > "$dir/$1.native.masked"
	mask "$dir/$1.monitor.out" > "$dir/$1.monitor.masked"
	if ! cmp -s "$dir/$1.native.masked" "$dir/$1.monitor.masked"; then
		fail "$1: output differs (native, then monitor; cycles masked):"
		diff "$dir/$1.native.masked" "$dir/$1.monitor.masked"
	fi
}

case $mode in
test)
	run ostest ostest --native
	check_ostest ostest
	;;
disk)
	# Natively and under the monitor: the monitor drives the machine's
	# IDE disk for the guest's (string I/O: rep insd).
	for where in native monitor; do
		if [ "$where" = native ]; then
			run_from_disk "ostest.$where" ostest --native
		else
			run_from_disk "ostest.$where" ostest
		fi
		grep -q '^os: ramdisk from the disk: ' "$dir/ostest.$where.out" ||
			fail "$where: the kernel did not read the ramdisk from the disk"
		check_ostest "ostest.$where"
	done
	;;
suite)
	run suite suite --native
	check_suite suite
	;;
compare)
	# POLICY (the 5th argument) picks the shadow policy; default trace.
	policy=${5:-trace}
	for prog in ostest suite; do
		run "$prog.native" "$prog" --native
		run "$prog.monitor" "$prog" --policy "$policy"
		compare "$prog"
	done
	echo "== natively:"
	grep '^bench ' "$dir/suite.native.out"
	echo "== under the monitor, policy $policy:"
	grep '^bench ' "$dir/suite.monitor.out"
	;;
*)
	echo "usage: guestos.sh test|suite|disk|compare VMM OS.elf INITRD" >&2
	exit 2
	;;
esac
[ "$fail" = 0 ] && echo "PASS: guestos $mode"
exit "$fail"
