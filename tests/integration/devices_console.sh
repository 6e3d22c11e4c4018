#!/bin/sh
# devices_console.sh VMM OS.elf INITRD [--native]
#
# Input typed to `vmm run` reaches the guest: the project's OS runs its
# shell (command line "sh"), whose console driver (guest-os/kernel/
# console.c) takes input from the UART's receive interrupts.  The test
# types as a user does - a line once the prompt shows, the next once the
# answer has come - through a FIFO on vmm's standard input:
#
#     $ echo hi            -> hi
#     $ exit               -> the OS powers off with status 0
#
# and checks the whole console transcript.  (Typed before the guest has
# set up its UART, input is lost - natively too, where QEMU's UART drops
# what is in its FIFO when the guest resets it - so the test waits for the
# prompt, as a user would.)  With --native, the same on QEMU, for
# reference.
set -u
vmm=$1 os=$2 initrd=$3 mode=${4:-}
dir=$(mktemp -d "${TMPDIR:-/tmp}/devices_console.XXXXXX") || exit 2
pid=
cleanup() {
	exec 3>&- 2> /dev/null
	[ -n "$pid" ] && kill "$pid" 2> /dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
out=$dir/console.out

# wait_for TEXT: until the console shows TEXT (a fixed string) on a line
# of its own, or the guest is gone, or 20 s pass.  1 if it never does.
wait_for() {
	i=0
	while [ $i -lt 200 ]; do
		grep -qxF -- "$1" "$out" && return 0
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	grep -qxF -- "$1" "$out"
}

# The console holds no newline after a prompt: "$ " ends the last line.
wait_for_prompt() {
	i=0
	while [ $i -lt 200 ]; do
		[ "$(tail -c 2 "$out" 2> /dev/null)" = '$ ' ] && return 0
		kill -0 "$pid" 2> /dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

mkfifo "$dir/in" || exit 2
exec 3<> "$dir/in"              # held open: vmm sees no end of input
: > "$out"
TMPDIR=$dir "$vmm" run $mode --quiet --timeout 30 --initrd "$initrd" \
	--append sh "$os" < "$dir/in" > "$out" 2> "$dir/err" &
pid=$!

fail=0
if wait_for_prompt; then
	printf 'echo hi\n' >&3
	wait_for hi || { echo "FAIL: no answer to 'echo hi'"; fail=1; }
	wait_for_prompt || { echo "FAIL: no second prompt"; fail=1; }
	printf 'exit\n' >&3
else
	echo "FAIL: no prompt"
	fail=1
fi
wait "$pid"
status=$?
pid=

cat > "$dir/want" <<'EOF'
os: booting, command line "sh"
os: ramdisk: 8 files
os: interrupts: lapic + ioapic (mp table found)
sh: type help for the programs, ^D or exit to leave
$ echo hi
hi
$ exit
EOF
[ "$status" = 0 ] || { echo "FAIL: vmm exited with status $status"; cat "$dir/err"; fail=1; }
if ! cmp -s "$dir/want" "$out"; then
	echo "FAIL: the console transcript differs (want, then got):"
	diff "$dir/want" "$out"
	fail=1
fi
[ "$fail" = 0 ] && echo "PASS: typed lines reached the shell${mode:+ ($mode)}"
exit "$fail"
