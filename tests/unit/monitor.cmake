# Pure monitor modules built for the host and tested with CUnit (label unit):
#   unit.guest_memory   the one door into guest memory (vmm/core/gmem.c)
#   unit.descriptors    descriptor sanitization for the shadow GDT
#   unit.emulator       the memory-instruction emulator (below)
#   unit.transfer       16-bit gates, iretw and lretw (below)
add_executable(guest_memory_test
  ${CMAKE_SOURCE_DIR}/tests/unit/guest_memory_test.c
  ${CMAKE_SOURCE_DIR}/vmm/core/gmem.c)
target_compile_options(guest_memory_test PRIVATE -Wall -Wextra)
target_link_libraries(guest_memory_test PRIVATE cunit)
add_test(NAME unit.guest_memory COMMAND guest_memory_test)
set_tests_properties(unit.guest_memory PROPERTIES LABELS unit)

add_executable(descriptor_test
  ${CMAKE_SOURCE_DIR}/tests/unit/descriptor_test.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/descriptor.c)
target_compile_options(descriptor_test PRIVATE -Wall -Wextra)
target_link_libraries(descriptor_test PRIVATE cunit)
add_test(NAME unit.descriptors COMMAND descriptor_test)
set_tests_properties(unit.descriptors PROPERTIES LABELS unit)

# unit.emulator: the memory-instruction emulator on synthetic vCPU states,
# decoding with the host's capstone.
find_library(EMULATOR_CAPSTONE NAMES capstone)
add_executable(emulator_test
  ${CMAKE_SOURCE_DIR}/tests/unit/emulator_test.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/memory_insn.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/operands.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/debugreg.c
  ${CMAKE_SOURCE_DIR}/vmm/core/gmem.c)
target_compile_options(emulator_test PRIVATE -Wall -Wextra -mno-red-zone)
target_link_libraries(emulator_test PRIVATE cunit ${EMULATOR_CAPSTONE})
add_test(NAME unit.emulator COMMAND emulator_test)
set_tests_properties(unit.emulator PROPERTIES LABELS unit)

# unit.transfer: delivery through 16-bit gates, iretw and lretw on synthetic
# vCPU states (vmm/cpu/interrupts.c, transfer.c), decoding with capstone.
add_executable(transfer_test
  ${CMAKE_SOURCE_DIR}/tests/unit/transfer_test.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/interrupts.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/transfer.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/operands.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/debugreg.c
  ${CMAKE_SOURCE_DIR}/vmm/core/gmem.c)
target_compile_options(transfer_test PRIVATE -Wall -Wextra -mno-red-zone)
target_link_libraries(transfer_test PRIVATE cunit ${EMULATOR_CAPSTONE})
add_test(NAME unit.transfer COMMAND transfer_test)
set_tests_properties(unit.transfer PROPERTIES LABELS unit)

# unit.debugreg: the guest's breakpoints matched against accesses.
add_executable(debugreg_test
  ${CMAKE_SOURCE_DIR}/tests/unit/debugreg_test.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/debugreg.c)
target_compile_options(debugreg_test PRIVATE -Wall -Wextra)
target_link_libraries(debugreg_test PRIVATE cunit)
add_test(NAME unit.debugreg COMMAND debugreg_test)
set_tests_properties(unit.debugreg PROPERTIES LABELS unit)
