# Tests of the host command `vmm` (vmm/host/), included from
# tests/unit/CMakeLists.txt. All are labelled `unit`:
#   host_unit             CUnit: guest check, report parser, QEMU command
#                         line, exit status, options (host_test)
#   host_badguest_<kind>  `vmm run` refuses each kind of bad guest with 65
#                         and one line, without starting (fake) QEMU
#   host_run_<case>       `vmm run` end to end with a fake QEMU; real-qemu
#                         boots the test guest natively (skipped without QEMU)
find_library(HOST_CUNIT NAMES cunit)
find_path(HOST_CUNIT_INCLUDE NAMES CUnit/CUnit.h)
if(NOT HOST_CUNIT OR NOT HOST_CUNIT_INCLUDE)
  message(FATAL_ERROR "the unit tests of vmm need CUnit: install libcunit1-dev")
endif()

set(HOST_TEST_SRC ${CMAKE_CURRENT_LIST_DIR})      # this file's directory
set(HOST_TEST_BIN ${CMAKE_BINARY_DIR}/tests/unit)

add_executable(host_test
  ${HOST_TEST_SRC}/host_test.c
  ${HOST_TEST_SRC}/host_elfcheck_test.c
  ${HOST_TEST_SRC}/host_report_test.c
  ${HOST_TEST_SRC}/host_run_test.c
  ${HOST_TEST_SRC}/host_elfgen.c)
target_include_directories(host_test PRIVATE ${HOST_CUNIT_INCLUDE})
target_link_libraries(host_test PRIVATE vmmhost ${HOST_CUNIT})
target_compile_options(host_test PRIVATE -Wall -Wextra)
target_compile_definitions(host_test PRIVATE _GNU_SOURCE)

add_executable(host_mkelf ${HOST_TEST_SRC}/host_mkelf.c ${HOST_TEST_SRC}/host_elfgen.c)
target_compile_options(host_mkelf PRIVATE -Wall -Wextra)

# The fake QEMU must be executable wherever the source tree came from.
file(COPY ${HOST_TEST_SRC}/host_fake_qemu.sh DESTINATION ${HOST_TEST_BIN}
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
                      GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(HOST_FAKE_QEMU ${HOST_TEST_BIN}/host_fake_qemu.sh)

add_test(NAME host_unit COMMAND host_test)
set_tests_properties(host_unit PROPERTIES LABELS unit)

# One test per bad guest; the names are those of host_elfgen.c's table.
foreach(kind missing empty text truncated elf64 arm relocatable shared
        no-load no-phdrs phdrs-past-eof outside-ram wraps-4g pc-hole
        pc-hole-edge filesz-gt-memsz data-past-eof entry-outside
        entry-at-end second-load-bad)
  add_test(NAME host_badguest_${kind}
           COMMAND sh ${HOST_TEST_SRC}/host_badguest.sh $<TARGET_FILE:vmm>
                   $<TARGET_FILE:host_mkelf> ${HOST_FAKE_QEMU} ${kind})
  set_tests_properties(host_badguest_${kind} PROPERTIES LABELS unit)
endforeach()

foreach(case help poweroff quiet died noreport cutoff mismatch keep-log
        timeout interrupt native initrd-missing no-qemu no-monitor real-qemu)
  add_test(NAME host_run_${case}
           COMMAND sh ${HOST_TEST_SRC}/host_run.sh $<TARGET_FILE:vmm>
                   $<TARGET_FILE:host_mkelf> ${HOST_FAKE_QEMU} ${case})
  set_tests_properties(host_run_${case} PROPERTIES LABELS unit
                       SKIP_RETURN_CODE 77 TIMEOUT 60)
endforeach()
