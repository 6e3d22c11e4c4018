#!/bin/sh
# host_run.sh VMM MKELF FAKE_QEMU CASE - `vmm run` end to end, with a fake
# QEMU (host_fake_qemu.sh) playing each way a run can end, so the exit
# status, the messages, the report, the JSON file and the monitor's log
# are checked without QEMU or a monitor. The case "real-qemu" boots the
# test guest natively on the real QEMU (skipped, status 77, if there is
# none). The cases "disks" and "disk-refused" check --hda and --hdb: the
# -drive options QEMU gets, and the images refused (65) before it starts.
set -u
vmm=$1 mkelf=$2 fake=$3 case=$4
tmp=$(mktemp -d "${TMPDIR:-/tmp}/host_run.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
guest=$tmp/guest.elf
"$mkelf" valid "$guest" > /dev/null || exit 2
: > "$tmp/monitor.elf"
export VMM_QEMU="$fake" VMM_MONITOR="$tmp/monitor.elf"
export VMM_FAKE_MARKER="$tmp/marker" TMPDIR="$tmp"
unset VMM_KEEP_LOG VMM_FAKE_MODE

fail() {
    echo "FAIL ($case): $*"
    echo "--- stdout:"; cat "$tmp/out"
    echo "--- stderr:"; cat "$tmp/err"
    exit 1
}

# Run vmm with the given arguments; sets rc.
run() {
    "$vmm" "$@" > "$tmp/out" 2> "$tmp/err"
    rc=$?
}

expect_rc()      { [ "$rc" -eq "$1" ] || fail "exit status $rc, want $1"; }
expect_out()     { grep -qF -- "$1" "$tmp/out" || fail "stdout lacks '$1'"; }
expect_err()     { grep -qF -- "$1" "$tmp/err" || fail "stderr lacks '$1'"; }
expect_arg()     { grep -qxF -- "$1" "$tmp/marker" || fail "QEMU not given '$1'"; }
expect_json()    { grep -qF -- "$1" "$tmp/r.json" || fail "JSON lacks '$1': $(cat "$tmp/r.json")"; }
logs()           { ls "$tmp" | grep -c '^vmm-monitor-log-'; }
expect_no_logs() { [ "$(logs)" -eq 0 ] || fail "the monitor log was left behind"; }

case $case in
help)
    run --help;        expect_rc 0; expect_out "Usage: vmm COMMAND"
    for s in 64 65 69 70 71 124 130 --native --mem --append --initrd \
             --timeout --report-json --quiet VMM_MONITOR VMM_QEMU VMM_KEEP_LOG; do
        expect_out "$s"
    done
    run run --help;    expect_rc 0; expect_out "Usage: vmm run"
    run;               expect_rc 64; expect_err "Usage: vmm COMMAND"
    run frobnicate;    expect_rc 64; expect_err "unknown command 'frobnicate'"
    run run --mem 1;   expect_rc 64; expect_err "--mem 1"
    [ ! -e "$tmp/marker" ] || fail "QEMU was started" ;;
poweroff)
    export VMM_FAKE_MODE="poweroff 7"
    run run "$guest" --append "a,b c" --initrd "$guest,$tmp/monitor.elf" \
        --report-json "$tmp/r.json"
    expect_rc 7
    expect_out "fake guest console"
    expect_out "outcome: guest powered off, status 7"
    expect_out "exits by cause"
    expect_out "  gp               10    5000          500"
    expect_arg "-kernel"; expect_arg "$tmp/monitor.elf"; expect_arg "mem=256"
    expect_arg "$guest a,,b c,$guest,$tmp/monitor.elf"
    expect_json '"outcome":"poweroff","status":7'
    expect_json '{"cause":"gp","count":10,"cycles":5000}'
    expect_json '"mode":"monitor"'
    expect_no_logs ;;
quiet)
    run run "$guest" --quiet
    expect_rc 0
    [ "$(cat "$tmp/out")" = "fake guest console" ] || fail "stdout is not just the console"
    [ ! -s "$tmp/err" ] || fail "stderr is not empty" ;;
died)
    export VMM_FAKE_MODE=died
    run run "$guest" --report-json "$tmp/r.json"
    expect_rc 71
    expect_err "vmm: guest stopped by the monitor: triple fault (#DF while delivering #GP)"
    expect_err "at eip 0x0010002a, cpl 1: mov %eax,%cr3"
    expect_json '"outcome":"died","reason":"triple fault (#DF while delivering #GP)"'
    expect_json '"where":{"eip":1048618,"cpl":1,"insn":"mov %eax,%cr3"}'
    expect_no_logs ;;
noreport)
    export VMM_FAKE_MODE=noreport
    run run "$guest" --report-json "$tmp/r.json"
    expect_rc 70
    expect_err "QEMU exited with status 0 without a complete report"
    expect_err "monitor log kept at $tmp/vmm-monitor-log-"
    [ "$(logs)" -eq 1 ] || fail "the monitor log was not kept"
    grep -q "panic in shadow_on_cr3_load" "$tmp"/vmm-monitor-log-* || fail "log lost its text"
    expect_json '"outcome":"no-report","qemu_status":0' ;;
cutoff)
    export VMM_FAKE_MODE=cutoff
    run run "$guest"
    expect_rc 70; expect_err "the report was cut off"; [ "$(logs)" -eq 1 ] || fail "log not kept" ;;
mismatch)
    export VMM_FAKE_MODE=mismatch
    run run "$guest"
    expect_rc 2; expect_err "warning: the report says poweroff 2, but QEMU exited with status 1" ;;
keep-log)
    VMM_KEEP_LOG=1 run run "$guest"
    expect_rc 0; expect_err "monitor log kept at"; [ "$(logs)" -eq 1 ] || fail "log not kept" ;;
timeout)
    export VMM_FAKE_MODE=hang
    run run "$guest" --timeout 1 --report-json "$tmp/r.json"
    expect_rc 124; expect_err "vmm: guest still running after 1 s, stopped"
    expect_json '"outcome":"timeout"'
    expect_no_logs ;;
interrupt)
    export VMM_FAKE_MODE=hang
    "$vmm" run "$guest" --timeout 60 > "$tmp/out" 2> "$tmp/err" &
    pid=$!
    i=0
    while [ ! -s "$tmp/marker.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    kill -INT $pid
    wait $pid
    rc=$?
    expect_rc 130; expect_err "vmm: interrupted"
    ! kill -0 "$(cat "$tmp/marker.pid")" 2> /dev/null || fail "QEMU still running"
    expect_no_logs ;;
native)
    export VMM_FAKE_MODE="poweroff 5"
    run run "$guest" --native --append "x=1" --initrd "$tmp/monitor.elf" \
        --mem 64 --report-json "$tmp/r.json"
    expect_rc 5
    expect_err "vmm: guest powered off with status 5"
    expect_arg "$guest"; expect_arg "x=1"; expect_arg "64"
    ! grep -qx -- "-debugcon" "$tmp/marker" || fail "native mode has a debugcon"
    [ "$(cat "$tmp/r.json")" = '{"outcome":"poweroff","status":5,"mode":"native"}' ] ||
        fail "JSON: $(cat "$tmp/r.json")" ;;
initrd-missing)
    run run "$guest" --initrd "$tmp/nope"
    expect_rc 65; expect_err "vmm: --initrd $tmp/nope: cannot read: No such file"
    [ ! -e "$tmp/marker" ] || fail "QEMU was started" ;;
disks)
    dd if=/dev/zero of="$tmp/a.img" bs=512 count=4 2> /dev/null
    dd if=/dev/zero of="$tmp/b,1.img" bs=512 count=1 2> /dev/null
    run run "$guest" --hda "$tmp/a.img" --hdb "$tmp/b,1.img"
    expect_rc 0
    expect_arg "file=$tmp/a.img,format=raw,if=ide,index=0"
    expect_arg "file=$tmp/b,,1.img,format=raw,if=ide,index=1"
    expect_arg "-debugcon"
    run run "$guest" --native --hdb "$tmp/a.img"
    expect_rc 0
    expect_arg "file=$tmp/a.img,format=raw,if=ide,index=1"
    ! grep -q "index=0" "$tmp/marker" || fail "an --hda that was not given" ;;
disk-refused)
    mkdir "$tmp/dir"
    : > "$tmp/empty.img"
    dd if=/dev/zero of="$tmp/a.img" bs=512 count=1 2> /dev/null
    run run "$guest" --hda "$tmp/nope.img"
    expect_rc 65
    expect_err "vmm: --hda $tmp/nope.img: cannot use the disk image: No such file"
    [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "more than one line"
    run run "$guest" --native --hdb "$tmp/dir"
    expect_rc 65; expect_err "vmm: --hdb $tmp/dir: not a disk image"
    run run "$guest" --hda "$tmp/empty.img"
    expect_rc 65; expect_err "vmm: --hda $tmp/empty.img: 0 bytes; a disk image holds at least one 512-byte sector"
    run run "$guest" --hda "$tmp/a.img" --hdb "$tmp/a.img"
    expect_rc 65; expect_err "the same file"
    if [ "$(id -u)" != 0 ]; then    # root may write anything
        chmod a-w "$tmp/a.img"
        run run "$guest" --hda "$tmp/a.img"
        expect_rc 65; expect_err "cannot open for reading and writing: Permission denied"
    fi
    [ ! -e "$tmp/marker" ] || fail "QEMU was started" ;;
no-qemu)
    VMM_QEMU=$tmp/no-such-qemu run run "$guest"
    expect_rc 69; expect_err "QEMU not found"
    VMM_QEMU=no-such-qemu-x run run "$guest"
    expect_rc 69; expect_err "QEMU not found" ;;
no-monitor)
    VMM_MONITOR=$tmp/no-monitor.elf run run "$guest"
    expect_rc 69; expect_err "monitor image $tmp/no-monitor.elf"
    [ ! -e "$tmp/marker" ] || fail "QEMU was started" ;;
real-qemu)
    unset VMM_QEMU
    command -v qemu-system-x86_64 > /dev/null || { echo "no QEMU: skipped"; exit 77; }
    run run "$guest" --native --timeout 30 --report-json "$tmp/r.json"
    expect_rc 5
    expect_json '"outcome":"poweroff","status":5' ;;
*)
    echo "host_run.sh: unknown case '$case'"; exit 2 ;;
esac
echo "ok ($case)"
