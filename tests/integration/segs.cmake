# Segment loads, the LDT and descriptor edits (label conformance): the
# segs guest natively and under the monitor, once per descriptor policy.
# Identical but for the documented differences (docs/deprivileging.md,
# "Differences that remain"), one file per policy:
#   segs.diff         --descriptors trace: the accessed bit read back before
#                     the next exit, lar of hidden user code and of
#                     a compressed DPL-0 descriptor, and the LDTR of the
#                     reset state (before any lldt) - nothing else
#   segs_hybrid.diff  the default (hybrid): those, and a descriptor
#                     rewritten in a GDT whose page took 100 other writes
#   segs_sync.diff    --descriptors sync: those, and every descriptor
#                     rewritten in place and reloaded without lgdt
foreach(policy trace hybrid sync)
  if(policy STREQUAL "trace")
    set(expected segs.diff)
  else()
    set(expected segs_${policy}.diff)
  endif()
  add_test(NAME conformance.segs_${policy}_native_equals_monitor
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/native_vs_monitor.sh
                   ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/segs.elf 0 ""
                   "lldt ltr lgdt")
  set_tests_properties(conformance.segs_${policy}_native_equals_monitor
    PROPERTIES LABELS conformance TIMEOUT 120
    ENVIRONMENT "EXPECTED_DIFF=${CMAKE_CURRENT_LIST_DIR}/${expected};VMM_RUN_ARGS=--descriptors ${policy}")
endforeach()
