# The project's OS (guest-os/kernel: os.elf, and initrd.img with its user
# programs; issue 6), run unattended through `vmm run` (label integration):
#   - its own test program, natively: every verdict line passes, with the
#     ramdisk as a multiboot module and as the first IDE disk;
#   - its benchmark suite, natively: every benchmark prints its line (the
#     cycle figures are printed, never asserted);
#   - both natively and under the monitor: identical output, cycle figures
#     masked.
set(GUESTOS_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/guestos.sh)
set(GUESTOS_FILES ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/os.elf ${VMM_GUEST_OUT}/initrd.img)

add_test(NAME integration.guestos_ostest_checks_pass_natively
         COMMAND sh ${GUESTOS_SCRIPT} test ${GUESTOS_FILES})
add_test(NAME integration.guestos_suite_prints_every_benchmark_natively
         COMMAND sh ${GUESTOS_SCRIPT} suite ${GUESTOS_FILES})
add_test(NAME integration.guestos_ostest_passes_with_the_ramdisk_on_disk_native_and_monitor
         COMMAND sh ${GUESTOS_SCRIPT} disk ${GUESTOS_FILES})
set_tests_properties(integration.guestos_ostest_checks_pass_natively
                     integration.guestos_suite_prints_every_benchmark_natively
                     integration.guestos_ostest_passes_with_the_ramdisk_on_disk_native_and_monitor
                     PROPERTIES LABELS integration TIMEOUT 600)
# Under every shadow policy, the OS must be indistinguishable from native.
foreach(policy trace lazy hybrid)
  add_test(NAME integration.guestos_native_equals_monitor_${policy}
           COMMAND sh ${GUESTOS_SCRIPT} compare ${GUESTOS_FILES} ${policy})
  set_tests_properties(integration.guestos_native_equals_monitor_${policy}
                       PROPERTIES LABELS integration TIMEOUT 600)
endforeach()
