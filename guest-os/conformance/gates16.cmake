# gates16.elf - 16-bit interrupt and trap gates in a 32-bit kernel: the
# 16-bit frames from ring 0 and ring 3, error codes, IF through interrupt
# and trap gates, iretw and lretw to ring 0 and to user mode
# (tests/integration/gates16.cmake).
guest_kernel(gates16
  ${CMAKE_CURRENT_LIST_DIR}/gates16.c
  ${CMAKE_CURRENT_LIST_DIR}/gates16_low.S
  ${GUEST_KERNEL_DIR}/tss.c)
