set(VMM_LIB_SOURCES
  ${CMAKE_SOURCE_DIR}/vmm/lib/string.c
  ${CMAKE_SOURCE_DIR}/vmm/lib/qsort.c
  ${CMAKE_SOURCE_DIR}/vmm/lib/malloc.c
  ${CMAKE_SOURCE_DIR}/vmm/lib/format.c)
