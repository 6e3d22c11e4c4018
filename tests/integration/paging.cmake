# Paging (issue 4): the shadow MMU against QEMU's own paging.
#
# conformance.paging_native_equals_monitor_<policy> (label conformance):
#   paging.elf prints what it observes of 32-bit paging - rights, faults,
#   error codes and CR2, Accessed/Dirty, invlpg and CR3 loads, global and
#   4 MiB pages, copy-on-write, a self-mapping directory, entries written by
#   many instructions, page-crossing accesses - natively and under the
#   monitor with each shadow policy; the outputs must be byte-identical,
#   and the report must show the policy at work.
# hostile.paging_<case>_native_equals_monitor (label hostile): page tables
#   pointing beyond RAM, above 4 GiB, at the APICs, at the monitor's memory,
#   and directories mapping themselves: the guest sees what a PC shows.
# hostile.paging_<case>_stops_with_report: code run from beyond RAM, CR3
#   outside RAM (natively a triple fault): the monitor stops the guest.

foreach(policy_stats
        "trace|shadow_true_faults shadow_hidden_faults shadow_traced_writes"
        "lazy|shadow_true_faults shadow_hidden_faults shadow_invlpgs"
        "hybrid|shadow_true_faults shadow_traced_writes shadow_pages_unsynced shadow_pages_resynced")
  string(REPLACE "|" ";" parts "${policy_stats}")
  list(GET parts 0 policy)
  list(GET parts 1 stats)
  add_test(NAME conformance.paging_native_equals_monitor_${policy}
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/native_vs_monitor.sh
                   ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/paging.elf 0 "" ""
                   ${policy} "${stats}")
  set_tests_properties(conformance.paging_native_equals_monitor_${policy}
                       PROPERTIES LABELS conformance TIMEOUT 300)
endforeach()

foreach(case beyond-ram beyond-ram-4m pse36 lapic table-beyond-ram
             self-and-absurd string-beyond-ram idt-unmapped)
  add_test(NAME hostile.paging_${case}_native_equals_monitor
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/native_vs_monitor.sh
                   ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/paging_hostile.elf 0
                   ${case} "mov-cr3")
  set_tests_properties(hostile.paging_${case}_native_equals_monitor
                       PROPERTIES LABELS hostile TIMEOUT 300)
endforeach()

foreach(case "fetch-beyond-ram|instruction fetch from guest-physical 0x10000000"
             "cr3-beyond-ram|triple fault"
             "cr3-lapic|triple fault")
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 name)
  list(GET parts 1 reason)
  add_test(NAME hostile.paging_${name}_stops_with_report
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/stopped_with_report.sh
                   ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/paging_hostile.elf ${name}
                   ${reason})
  set_tests_properties(hostile.paging_${name}_stops_with_report
                       PROPERTIES LABELS hostile TIMEOUT 120)
endforeach()
