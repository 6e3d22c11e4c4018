# 16-bit interrupt and trap gates (issue 3), label conformance:
# gates16.elf prints the 16-bit frames its handlers receive through 16-bit
# gates from ring 0 and ring 3 (with error codes, IF through interrupt and
# trap gates) and what iretw and lretw do to ring 0 and to user mode; the
# outputs must be byte-identical natively and under the monitor, and the
# monitor must have completed 16-bit irets ("iret"; the 32-bit one is
# "iretd") and far returns itself.
add_test(NAME conformance.gates16_native_equals_monitor
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/native_vs_monitor.sh
                 ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/gates16.elf 0 "" "iret retf")
set_tests_properties(conformance.gates16_native_equals_monitor
                     PROPERTIES LABELS conformance TIMEOUT 120)

# A 16-bit gate into a 16-bit code segment (CS.D = 0): natively the handler
# runs; the monitor does not decode 16-bit code, and must stop the guest
# cleanly at the handler's iret, saying why (docs/deprivileging.md).
add_test(NAME conformance.gates16_code16_stops_with_report
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/stopped_with_report.sh
                 ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/gates16.elf code16
                 "16-bit code (CS.D = 0) is not decoded yet")
set_tests_properties(conformance.gates16_code16_stops_with_report
                     PROPERTIES LABELS conformance TIMEOUT 120)
