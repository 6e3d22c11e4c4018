# `vmm bench` and the exit profile (vmm/host/bench*.c, chart.c, symbols.c,
# report_json.c, report.c's profile), included from tests/unit/CMakeLists.txt:
#   host_bench_unit    CUnit (label unit): console lines, the split of the
#                      monitor's time, tables, goals, JSON, chart, the JSON
#                      reader, @hot lines and their symbolized table
#   bench.vmm_bench_quick_suite_has_the_expected_structure  (label bench):
#                      a short suite through `vmm bench --quick` with QEMU;
#                      checks the table's, the JSON's and the chart's
#                      structure (host_bench_check), never the timings;
#                      skipped (77) without QEMU
find_library(BENCH_CUNIT NAMES cunit)
find_path(BENCH_CUNIT_INCLUDE NAMES CUnit/CUnit.h)

add_executable(host_bench_test
  ${CMAKE_CURRENT_LIST_DIR}/host_bench_test.c
  ${CMAKE_CURRENT_LIST_DIR}/host_bench_xml.c)
target_include_directories(host_bench_test PRIVATE ${BENCH_CUNIT_INCLUDE})
target_link_libraries(host_bench_test PRIVATE vmmhost ${BENCH_CUNIT})
target_compile_options(host_bench_test PRIVATE -Wall -Wextra)
target_compile_definitions(host_bench_test PRIVATE _GNU_SOURCE)
add_dependencies(host_bench_test guest_first)

add_test(NAME host_bench_unit
         COMMAND host_bench_test ${VMM_GUEST_OUT}/first.elf)
set_tests_properties(host_bench_unit PROPERTIES LABELS unit)

add_executable(host_bench_check
  ${CMAKE_CURRENT_LIST_DIR}/host_bench_check.c
  ${CMAKE_CURRENT_LIST_DIR}/host_bench_xml.c)
target_link_libraries(host_bench_check PRIVATE vmmhost)
target_compile_options(host_bench_check PRIVATE -Wall -Wextra)
target_compile_definitions(host_bench_check PRIVATE _GNU_SOURCE)

set(BENCH_OUT ${CMAKE_BINARY_DIR}/tests/unit/bench-quick)
add_test(NAME bench.vmm_bench_quick_suite_has_the_expected_structure
         COMMAND sh -c "command -v \"\${VMM_QEMU:-qemu-system-x86_64}\" >/dev/null || { echo 'no QEMU: skipped'; exit 77; }; \
mkdir -p '${BENCH_OUT}' && \
'${VMM_OUT}/vmm' bench --quick --timeout 120 --json '${BENCH_OUT}/bench.json' \
  --chart '${BENCH_OUT}/bench.svg' > '${BENCH_OUT}/table.txt' || { cat '${BENCH_OUT}/table.txt'; exit 1; }; \
cat '${BENCH_OUT}/table.txt'; \
'$<TARGET_FILE:host_bench_check>' '${BENCH_OUT}/table.txt' '${BENCH_OUT}/bench.json' \
  '${BENCH_OUT}/bench.svg' u.syscall u.pgfault u.forkwait")
set_tests_properties(bench.vmm_bench_quick_suite_has_the_expected_structure
                     PROPERTIES LABELS bench SKIP_RETURN_CODE 77 TIMEOUT 600)
