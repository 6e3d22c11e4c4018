# The segs_hostile guest (label hostile): attacks on the shadow GDT and LDT,
# each case natively and under the monitor, identical output required.
foreach(case "ldt-cs-lldt|lldt" "hidden-many|lldt" "popw-hidden|pop"
             "lfs-hidden|" "gdt-remap|invlpg"
             "gdt-unmapped|mov-cr3" "ldt-demand|lldt" "ring1-jmp|lgdt")
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 name)
  list(GET parts 1 insns)
  add_test(NAME hostile.segs_${name}_native_equals_monitor
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/native_vs_monitor.sh
                   ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/segs_hostile.elf 0
                   ${name} "${insns}")
  set_tests_properties(hostile.segs_${name}_native_equals_monitor
                       PROPERTIES LABELS hostile TIMEOUT 300)
endforeach()

# A full 64 KiB GDT: its last eight slots are the monitor's in the real GDT
# (segments.h), so loads from them fault - a documented difference
# (docs/deprivileging.md); the diff must be exactly that.
add_test(NAME hostile.segs_gdt-top_native_equals_monitor
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/native_vs_monitor.sh
                 ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/segs_hostile.elf 0
                 gdt-top "lgdt")
set_tests_properties(hostile.segs_gdt-top_native_equals_monitor
  PROPERTIES LABELS hostile TIMEOUT 300
  ENVIRONMENT "EXPECTED_DIFF=${CMAKE_CURRENT_LIST_DIR}/segs_hostile_gdt_top.diff")

# Ring 1: the monitor cannot tell it from its kernel's, so entering it is
# stopped with a report (docs/deprivileging.md).
add_test(NAME hostile.segs_ring1-iret_stops_with_report
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/stopped_with_report.sh
                 ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/segs_hostile.elf ring1-iret
                 "iret to ring 1")
set_tests_properties(hostile.segs_ring1-iret_stops_with_report
                     PROPERTIES LABELS hostile TIMEOUT 120)

# The parking slot of a CS whose descriptor an lgdt changed stays loadable
# until the far jump that reloads CS (segments.c): a documented difference.
add_test(NAME hostile.segs_park-window_native_equals_monitor
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/native_vs_monitor.sh
                 ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/segs_hostile.elf 0
                 park-window "lgdt")
set_tests_properties(hostile.segs_park-window_native_equals_monitor
  PROPERTIES LABELS hostile TIMEOUT 300
  ENVIRONMENT "EXPECTED_DIFF=${CMAKE_CURRENT_LIST_DIR}/segs_hostile_park_window.diff")
