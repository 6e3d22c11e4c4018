# The virtual PC's devices and disks (issue 5), through `vmm run`:
#   conformance.devices_native_equals_monitor
#       the devices guest (guest-os/conformance/devices*.c) prints the same
#       natively and under the monitor, each with a fresh scratch --hda,
#       and leaves byte-identical disk images (devices_compare.sh)
#   integration.devices_disk_write_persists_under_monitor
#       a guest's writes reach the --hda image file byte for byte and read
#       back in a second run (devices_persist.sh)
#   integration.console_input_reaches_the_shell[_natively]
#       lines typed to `vmm run` reach the OS's shell through the UART's
#       receive interrupts (devices_console.sh)
#   host_run_disks, host_run_disk-refused (label unit)
#       `vmm run --hda/--hdb` with a fake QEMU (tests/unit/host_run.sh);
#       they belong with the other host_run cases in tests/unit/host.cmake,
#       and are registered here until they move there.
set(DEVICES_TESTS ${CMAKE_CURRENT_LIST_DIR})

add_test(NAME conformance.devices_native_equals_monitor
         COMMAND sh ${DEVICES_TESTS}/devices_compare.sh
                 ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/devices.elf)
set_tests_properties(conformance.devices_native_equals_monitor
                     PROPERTIES LABELS conformance TIMEOUT 180)

add_test(NAME integration.devices_disk_write_persists_under_monitor
         COMMAND sh ${DEVICES_TESTS}/devices_persist.sh
                 ${VMM_OUT}/vmm ${VMM_GUEST_OUT}/devices.elf)
add_test(NAME integration.console_input_reaches_the_shell
         COMMAND sh ${DEVICES_TESTS}/devices_console.sh ${VMM_OUT}/vmm
                 ${VMM_GUEST_OUT}/os.elf ${VMM_GUEST_OUT}/initrd.img)
add_test(NAME integration.console_input_reaches_the_shell_natively
         COMMAND sh ${DEVICES_TESTS}/devices_console.sh ${VMM_OUT}/vmm
                 ${VMM_GUEST_OUT}/os.elf ${VMM_GUEST_OUT}/initrd.img --native)
set_tests_properties(integration.devices_disk_write_persists_under_monitor
                     integration.console_input_reaches_the_shell
                     integration.console_input_reaches_the_shell_natively
                     PROPERTIES LABELS integration TIMEOUT 180)

foreach(case disks disk-refused)
  add_test(NAME host_run_${case}
           COMMAND sh ${CMAKE_SOURCE_DIR}/tests/unit/host_run.sh
                   $<TARGET_FILE:vmm> $<TARGET_FILE:host_mkelf>
                   ${CMAKE_BINARY_DIR}/tests/unit/host_fake_qemu.sh ${case})
  set_tests_properties(host_run_${case} PROPERTIES LABELS unit TIMEOUT 60)
endforeach()
