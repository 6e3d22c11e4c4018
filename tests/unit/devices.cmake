# The virtual PC's device models (vmm/dev/), built for the host and tested
# with CUnit (label unit), one executable per device:
#   unit.dev_<name>   tests/unit/dev_<name>_test.c, linked with the listed
#                     sources (paths from the top of the tree)
function(dev_unit_test name)
  set(sources)
  foreach(src ${ARGN})
    list(APPEND sources ${CMAKE_SOURCE_DIR}/${src})
  endforeach()
  add_executable(dev_${name}_test
    ${CMAKE_SOURCE_DIR}/tests/unit/dev_${name}_test.c ${sources})
  target_compile_options(dev_${name}_test PRIVATE -Wall -Wextra)
  target_link_libraries(dev_${name}_test PRIVATE cunit)
  add_test(NAME unit.dev_${name} COMMAND dev_${name}_test)
  set_tests_properties(unit.dev_${name} PROPERTIES LABELS unit)
endfunction()

dev_unit_test(bus vmm/dev/bus.c tests/unit/dev_stubs.c)
dev_unit_test(pic vmm/dev/pic.c)
dev_unit_test(pit vmm/dev/pit.c)
dev_unit_test(lapic vmm/dev/lapic.c)
dev_unit_test(ioapic vmm/dev/ioapic.c)
dev_unit_test(uart vmm/dev/uart.c)
dev_unit_test(rtc vmm/dev/rtc.c)
dev_unit_test(ide vmm/dev/ide.c)
dev_unit_test(cga vmm/dev/cga.c)
dev_unit_test(ps2 vmm/dev/ps2.c)
dev_unit_test(pci vmm/dev/pci.c)
dev_unit_test(mptable vmm/dev/mptable.c)
dev_unit_test(board
  vmm/dev/devices.c vmm/dev/bus.c vmm/dev/pic.c vmm/dev/pit.c
  vmm/dev/lapic.c vmm/dev/ioapic.c vmm/dev/uart.c vmm/dev/rtc.c
  vmm/dev/ide.c vmm/dev/cga.c vmm/dev/ps2.c vmm/dev/pci.c
  tests/unit/dev_stubs.c)
