# segs.elf - segment loads from the GDT and the LDT, lldt, descriptors
# rewritten in place and reloaded (paging off and on), a TSS descriptor
# rewritten then ltr, lgdt of a new table, user mode on LDT selectors.
guest_kernel(segs ${CMAKE_CURRENT_LIST_DIR}/segs.c ${CMAKE_CURRENT_LIST_DIR}/probe.c)
