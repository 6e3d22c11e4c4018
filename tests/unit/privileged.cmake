# unit.privileged (label unit): the privileged-instruction emulator on
# synthetic vCPU states.  The monitor's vmm/cpu/ sources (dispatch, system
# instructions, transfers, delivery through the guest IDT, the shadow GDT and
# LDT, the decoder with the host's capstone) are built for the host with
# -DVMM_HOST_TEST, which turns vmm/core/x86.h's instructions into calls to
# the fake CPU of monitor_fakes.c; the rest of the monitor they call is
# faked there too.
find_library(PRIVILEGED_CAPSTONE NAMES capstone)
add_executable(privileged_test
  ${CMAKE_SOURCE_DIR}/tests/unit/privileged_test.c
  ${CMAKE_SOURCE_DIR}/tests/unit/privileged_harness.c
  ${CMAKE_SOURCE_DIR}/tests/unit/privileged_dispatch_test.c
  ${CMAKE_SOURCE_DIR}/tests/unit/privileged_system_test.c
  ${CMAKE_SOURCE_DIR}/tests/unit/privileged_features_test.c
  ${CMAKE_SOURCE_DIR}/tests/unit/privileged_transfer_test.c
  ${CMAKE_SOURCE_DIR}/tests/unit/privileged_interrupts_test.c
  ${CMAKE_SOURCE_DIR}/tests/unit/privileged_segments_test.c
  ${CMAKE_SOURCE_DIR}/tests/unit/monitor_fakes.c
  ${CMAKE_SOURCE_DIR}/tests/unit/dev_stubs.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/emulate.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/system.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/transfer.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/interrupts.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/segments.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/desc_trace.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/descriptor.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/operands.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/debugreg.c
  ${CMAKE_SOURCE_DIR}/vmm/cpu/decode.c
  ${CMAKE_SOURCE_DIR}/vmm/core/gmem.c)
target_compile_definitions(privileged_test PRIVATE VMM_HOST_TEST)
target_compile_options(privileged_test PRIVATE -Wall -Wextra)
target_link_libraries(privileged_test PRIVATE cunit ${PRIVILEGED_CAPSTONE})
add_test(NAME unit.privileged COMMAND privileged_test)
set_tests_properties(unit.privileged PROPERTIES LABELS unit)
