# Hardware breakpoints (label conformance): the debugregs guest natively and
# under the monitor - real breakpoints for the guest's own instructions, the
# monitor's checks for what it performs itself (in, out, ins).
add_test(NAME conformance.debugregs_native_equals_monitor
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/native_vs_monitor.sh
                 ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/debugregs.elf 0 ""
                 "mov-dr in out insb")
set_tests_properties(conformance.debugregs_native_equals_monitor
                     PROPERTIES LABELS conformance TIMEOUT 120)
