# eflags.elf - EFLAGS as pushf reads it after cli, sti, iret, popf, a
# software interrupt, an exception, a hardware interrupt, and in user mode.
guest_kernel(eflags ${CMAKE_CURRENT_LIST_DIR}/eflags.c ${CMAKE_CURRENT_LIST_DIR}/probe.c)
