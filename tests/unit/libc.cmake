# The monitor's small libc (vmm/lib), tested on the host against glibc.
#
# vmm/lib is built a second time, as a host object library: with the same
# freestanding headers the monitor uses, but with every libc name renamed to
# shim_* (libc_rename.h) so it can live in one program with glibc.
# libc_test then calls both and compares.

include(${CMAKE_SOURCE_DIR}/vmm/lib/sources.cmake)

if(NOT DEFINED GCC_INCLUDE)
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
                  OUTPUT_VARIABLE GCC_INCLUDE
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()

add_library(libc_shim OBJECT ${VMM_LIB_SOURCES})
target_compile_options(libc_shim PRIVATE
  -ffreestanding -fno-builtin -nostdinc
  "SHELL:-isystem ${GCC_INCLUDE}"
  "SHELL:-include ${CMAKE_SOURCE_DIR}/tests/unit/libc_rename.h"
  -Wall -Wextra)
target_include_directories(libc_shim PRIVATE ${CMAKE_SOURCE_DIR}/vmm/lib/include)

add_executable(libc_test ${CMAKE_SOURCE_DIR}/tests/unit/libc_test.c
                         $<TARGET_OBJECTS:libc_shim>)
target_include_directories(libc_test PRIVATE ${CMAKE_SOURCE_DIR}/vmm/lib)
target_compile_options(libc_test PRIVATE -Wall -Wextra -Wno-format-nonliteral)
target_link_libraries(libc_test PRIVATE cunit)

add_test(NAME unit.libc COMMAND libc_test)
set_tests_properties(unit.libc PROPERTIES LABELS unit)
