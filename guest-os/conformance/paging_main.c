/*
 * paging_main.c - the paging conformance guest's sections, in order (the
 * list is in paging_guest.h).
 */
#include "paging_guest.h"

void kmain(uint32_t magic, void *mbi)
{
    (void)magic;
    (void)mbi;
    paging_guest_start("paging");
    paging_on();
    rights_4k();
    rights_4m();
    tlb_invlpg_and_cr3();
    tlb_shared_table();
    tlb_global_pages();
    accessed_dirty();
    fork_copy_on_write();
    self_map();
    entry_writes();
    page_crossing();
    kprintf("paging: done\n");
    poweroff(0);
}
