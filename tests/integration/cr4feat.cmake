# The CR4 features the CPU model offers (issue 3, item 6).
#
# conformance.cr4feat_native_equals_monitor_<policy> (label conformance):
#   cr4feat.elf prints what CPUID offers, CR4 after each offered bit, SMEP
#   and SMAP faults (error codes with I/D, CR2, Accessed bits) for the
#   kernel's own accesses and for the instructions the monitor emulates,
#   stac/clac at CPL 0 and 3, UMIP at CPL 3, xgetbv/xsetbv with OSXSAVE;
#   natively and under the monitor with each shadow policy the outputs must
#   be byte-identical.  The report must show stac, clac and xsetbv emulated
#   (they fault at CPL 1), the SMAP-checked emulations, and the shadow's
#   true faults and emulated kernel writes (CR0.WP clear under SMEP/SMAP).
foreach(policy_stats
        "trace|shadow_true_faults shadow_emulate_faults shadow_traced_writes"
        "lazy|shadow_true_faults shadow_emulate_faults"
        "hybrid|shadow_true_faults shadow_emulate_faults")
  string(REPLACE "|" ";" parts "${policy_stats}")
  list(GET parts 0 policy)
  list(GET parts 1 stats)
  add_test(NAME conformance.cr4feat_native_equals_monitor_${policy}
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/native_vs_monitor.sh
                   ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/cr4feat.elf 0 ""
                   "stac clac xsetbv sgdt lgdt insb outsb mov-cr4"
                   ${policy} "${stats}")
  set_tests_properties(conformance.cr4feat_native_equals_monitor_${policy}
                       PROPERTIES LABELS conformance TIMEOUT 300)
endforeach()
