# The shadow MMU (shadow/), built for the host and tested with CUnit (label unit):
#   unit.shadow_spec       one behaviour per test, named for it
#   unit.shadow_property   random guests against a reference walker, every policy
# shadow_freestanding compiles the same sources with the monitor's flags, so a
# hosted-only construct is caught here too.
set(SHADOW_SOURCES
  ${CMAKE_SOURCE_DIR}/shadow/mmu.c
  ${CMAKE_SOURCE_DIR}/shadow/walk.c
  ${CMAKE_SOURCE_DIR}/shadow/tables.c
  ${CMAKE_SOURCE_DIR}/shadow/fault.c
  ${CMAKE_SOURCE_DIR}/shadow/trace.c
  ${CMAKE_SOURCE_DIR}/shadow/policy.c
  ${CMAKE_SOURCE_DIR}/shadow/check.c
  ${CMAKE_SOURCE_DIR}/shadow/paging_off.c)

add_library(shadow_host STATIC ${SHADOW_SOURCES}
  ${CMAKE_SOURCE_DIR}/tests/unit/shadow_sim.c)
target_compile_options(shadow_host PRIVATE -Wall -Wextra)

foreach(t spec property)
  add_executable(shadow_${t}_test ${CMAKE_SOURCE_DIR}/tests/unit/shadow_${t}_test.c)
  target_compile_options(shadow_${t}_test PRIVATE -Wall -Wextra)
  target_link_libraries(shadow_${t}_test PRIVATE shadow_host cunit)
  add_test(NAME unit.shadow_${t} COMMAND shadow_${t}_test)
  set_tests_properties(unit.shadow_${t} PROPERTIES LABELS unit)
endforeach()

execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
                OUTPUT_VARIABLE SHADOW_GCC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)
add_library(shadow_freestanding OBJECT ${SHADOW_SOURCES})
target_include_directories(shadow_freestanding PRIVATE ${CMAKE_SOURCE_DIR}/vmm/lib/include)
target_compile_options(shadow_freestanding PRIVATE
  -m64 -ffreestanding -fno-builtin -nostdinc -isystem ${SHADOW_GCC_INCLUDE}
  -mcmodel=kernel -mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-80387
  -fno-stack-protector -fno-pic -fno-pie -Wall -Wextra -O2)
