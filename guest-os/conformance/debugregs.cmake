# debugregs.elf - hardware breakpoints: data (write, read/write, 1 and 4
# bytes), instruction (with RF), I/O (CR4.DE), hit by stores the monitor
# performs (ins), with single-stepping and after mov ss, and DR7.GD.
guest_kernel(debugregs ${CMAKE_CURRENT_LIST_DIR}/debugregs.c ${CMAKE_CURRENT_LIST_DIR}/probe.c)
