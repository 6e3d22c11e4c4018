# Segment loads, the LDT and descriptor edits (label conformance): the
# segs guest natively and under the monitor.  Identical but for the
# documented differences (docs/deprivileging.md, "Differences that remain"):
#   segs.diff       default descriptor policy (trace): the accessed bit the
#                   CPU sets in the guest's descriptor, lar of hidden user
#                   code and of a compressed DPL-0 descriptor, and the LDTR
#                   of the reset state (before any lldt)
#   segs_sync.diff  --descriptors sync: those, and every descriptor
#                   rewritten in place and reloaded without lgdt
add_test(NAME conformance.segs_native_equals_monitor
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/native_vs_monitor.sh
                 ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/segs.elf 0 ""
                 "lldt ltr lgdt" "" "shadow_watched_writes")
set_tests_properties(conformance.segs_native_equals_monitor PROPERTIES
  LABELS conformance TIMEOUT 120
  ENVIRONMENT "EXPECTED_DIFF=${CMAKE_CURRENT_LIST_DIR}/segs.diff")
add_test(NAME conformance.segs_sync_shows_its_differences
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/native_vs_monitor.sh
                 ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/segs.elf 0 ""
                 "lldt ltr lgdt")
set_tests_properties(conformance.segs_sync_shows_its_differences PROPERTIES
  LABELS conformance TIMEOUT 120
  ENVIRONMENT "EXPECTED_DIFF=${CMAKE_CURRENT_LIST_DIR}/segs_sync.diff;VMM_RUN_ARGS=--descriptors sync")
