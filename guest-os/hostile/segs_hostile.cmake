# segs_hostile.elf - attacks on the shadow GDT and LDT (vmm/cpu/segments.c):
# LDT code and stack across lldt, many hidden user code segments, popw and
# lfs of hidden selectors, a full 64 KiB GDT, a GDT page remapped.  The
# command line names the case; see segs_hostile.c.
guest_kernel(segs_hostile ${CMAKE_CURRENT_LIST_DIR}/segs_hostile.c ${CMAKE_CURRENT_LIST_DIR}/cases.c)
