#!/bin/sh
# host_fake_qemu.sh - stands in for qemu-system-x86_64 in the tests of
# `vmm run` (VMM_QEMU points here), so they need neither QEMU nor a monitor.
#
# It records its arguments, one per line, in $VMM_FAKE_MARKER (if set) - the
# proof that vmm started "QEMU" - and its pid in $VMM_FAKE_MARKER.pid, prints
# a line of "guest console", then plays the ending named by $VMM_FAKE_MODE:
#   poweroff V   (the default, V = 0) write a complete report "poweroff V" to
#                the -debugcon file if there is one (monitor mode), and exit
#                with (V << 1) | 1, as QEMU's isa-debug-exit does
#   mismatch     report "poweroff 2", but exit with status 1
#   died         report that the monitor stopped the guest, with where
#   noreport     free text only, exit 0 (a reset under -no-reboot)
#   cutoff       a report without its @report-end, exit 0
#   hang         sleep until timeout or vmm stops it
log=
prev=
for a in "$@"; do
    [ "$prev" = -debugcon ] && log=${a#file:}
    prev=$a
done
if [ -n "${VMM_FAKE_MARKER:-}" ]; then
    printf '%s\n' "$@" > "$VMM_FAKE_MARKER"
    echo $$ > "$VMM_FAKE_MARKER.pid"
fi

# Append lines to the monitor's log, if this is monitor mode.
log() {
    [ -z "$log" ] || printf '%s\n' "$@" >> "$log"
}

echo "fake guest console"
mode=${VMM_FAKE_MODE:-poweroff 0}
case $mode in
"poweroff "*)
    v=${mode#poweroff }
    log "monitor: fake monitor" @report-begin "@outcome poweroff $v" \
        "@exit gp 10 5000" "@exit hlt 1 70" "@insn cli 2 300" \
        "@stat guest_mem_mib 256" @report-end
    exit $(( ((v << 1) | 1) & 255 )) ;;
mismatch)
    log @report-begin "@outcome poweroff 2" @report-end
    exit 1 ;;
died)
    log @report-begin "@outcome died triple fault (#DF while delivering #GP)" \
        "@where 0x0010002a cpl=1 mov %eax,%cr3" "@exit gp 3 900" @report-end
    exit 3 ;;
noreport)
    log "monitor: panic in shadow_on_cr3_load: spte not present"
    exit 0 ;;
cutoff)
    log @report-begin "@outcome poweroff 0" "@exit gp 3 900"
    exit 0 ;;
hang)
    exec sleep 30 ;;
*)
    echo "host_fake_qemu.sh: unknown VMM_FAKE_MODE '$mode'" >&2
    exit 2 ;;
esac
