guest_kernel(stiwin ${CMAKE_CURRENT_LIST_DIR}/stiwin.c)
