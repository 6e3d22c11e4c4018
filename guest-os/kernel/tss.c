/*
 * tss.c - the task state segment: which stack the CPU enters the kernel on.
 *
 * When an interrupt or exception arrives while a process runs in ring 3, the
 * CPU cannot push the frame on the user stack (the process could point ESP
 * anywhere); it switches to the ring 0 stack named by ss0:esp0 in the TSS
 * the task register points at.  Every process has its own kernel stack, so
 * the scheduler rewrites esp0 before it runs a process.  The rest of the TSS
 * is unused: this kernel switches tasks in software (swtch.S).  The I/O map
 * base lies past the segment's limit, so there is no I/O permission bitmap
 * and, with IOPL 0, every `in` or `out` in user mode raises #GP.
 */
#include "tss.h"

#include "kernel.h"
#include "mmu.h"

_Static_assert(sizeof(struct taskstate) == 104, "32-bit TSS is 104 bytes");

static struct taskstate tss;

void tss_init(void)
{
    tss.ss0 = SEG_KDATA;
    tss.iomap_base = sizeof(tss);
    gdt_install_tss(&tss);
}

void tss_set_kernel_stack(uint32_t esp0)
{
    tss.esp0 = esp0;
}
