# paging_hostile.elf - page tables that point beyond guest RAM, above 4 GiB,
# at devices and at the monitor's own memory, and CR3 outside RAM (issue 4).
# The command line names the case; see paging_hostile.c.
guest_kernel(paging_hostile ${CMAKE_CURRENT_LIST_DIR}/paging_hostile.c ${CMAKE_CURRENT_LIST_DIR}/cases.c)
