# EFLAGS as pushf reads it (label conformance): the eflags guest natively
# and under the monitor, identical but for the known holes of a kernel at
# CPL 1, listed in eflags.diff and docs/deprivileging.md: popf cannot change
# IF or IOPL, an iret through a frame built with `push %cs` (RPL 1) runs
# unseen and cannot either, IOPL reads 0, and user mode runs with IF set.
add_test(NAME conformance.eflags_native_equals_monitor
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/native_vs_monitor.sh
                 ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/eflags.elf 0 ""
                 "cli sti iretd")
set_tests_properties(conformance.eflags_native_equals_monitor PROPERTIES
  LABELS conformance TIMEOUT 120
  ENVIRONMENT "EXPECTED_DIFF=${CMAKE_CURRENT_LIST_DIR}/eflags.diff")
