# The devices conformance guest (devices.elf): the virtual PC's devices -
# 8259s, 8254, local and I/O APIC, 16550, RTC, IDE, CGA, 8042, PCI, MP
# tables - driven as a PC kernel drives them; its output must be identical
# natively and under the monitor (tests/integration/devices.cmake).
set(DEVICES_GUEST_DIR ${CMAKE_CURRENT_LIST_DIR})
guest_kernel(devices
  ${DEVICES_GUEST_DIR}/devices.c
  ${DEVICES_GUEST_DIR}/devices_pic.c
  ${DEVICES_GUEST_DIR}/devices_pit.c
  ${DEVICES_GUEST_DIR}/devices_lapic.c
  ${DEVICES_GUEST_DIR}/devices_ioapic.c
  ${DEVICES_GUEST_DIR}/devices_uart.c
  ${DEVICES_GUEST_DIR}/devices_rtc.c
  ${DEVICES_GUEST_DIR}/devices_ide.c
  ${DEVICES_GUEST_DIR}/devices_board.c
  ${DEVICES_GUEST_DIR}/devices_mp.c)
# No C library: GCC must not turn the byte loops into memset/memcpy calls.
target_compile_options(guest_devices PRIVATE -fno-tree-loop-distribute-patterns)
