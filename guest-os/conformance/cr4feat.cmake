# cr4feat.elf - the CR4 features the CPU model offers (issue 3): CPUID, each
# offered CR4 bit written and read back, SMEP and SMAP (the kernel's
# fetches, reads and writes of user pages, and the instructions the monitor
# emulates touching them), stac/clac, UMIP at CPL 3, OSXSAVE with xgetbv and
# xsetbv, FSGSBASE.  It reuses the paging guest's machine and probes.
guest_kernel(cr4feat
  ${CMAKE_CURRENT_LIST_DIR}/cr4feat.c
  ${CMAKE_CURRENT_LIST_DIR}/paging.c
  ${CMAKE_CURRENT_LIST_DIR}/paging_user.c)
