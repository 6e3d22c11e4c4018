# paging.elf - what a kernel sees of 32-bit paging (issue 4): rights of
# every directory/table entry combination at CPL 0 and 3 with CR0.WP on and
# off, 4 MiB pages, invlpg and CR3 loads, global pages, Accessed/Dirty,
# copy-on-write across two address spaces, a self-mapping directory, entries
# written by many instructions, and accesses that cross a page boundary.
set(PAGING_GUEST_DIR ${CMAKE_CURRENT_LIST_DIR})
guest_kernel(paging
  ${PAGING_GUEST_DIR}/paging_main.c
  ${PAGING_GUEST_DIR}/paging.c
  ${PAGING_GUEST_DIR}/paging_user.c
  ${PAGING_GUEST_DIR}/paging_rights.c
  ${PAGING_GUEST_DIR}/paging_tlb.c
  ${PAGING_GUEST_DIR}/paging_fork.c
  ${PAGING_GUEST_DIR}/paging_writes.c)
