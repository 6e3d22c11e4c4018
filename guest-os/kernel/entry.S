/*
 * entry.S - the OS kernel's first instructions: turn paging on, go high.
 *
 * The kernel is linked at KERNBASE + 1 MiB but a multiboot loader runs it
 * where it loaded it, at 1 MiB physical, with paging off.  So the code here
 * is linked at its physical address (os.ld puts it in a segment of its own,
 * virtual = physical), and does only what must be done before the kernel's
 * own addresses work:
 *
 *   1. load CR3 with boot_pgdir, a page directory of 4 MiB pages that maps
 *      the first 4 MiB at 0 (so the next instruction fetch still works) and
 *      the first PHYS_MAP_MAX bytes at KERNBASE;
 *   2. enable 4 MiB pages (CR4.PSE), then paging and write protection in
 *      supervisor mode (CR0.PG, CR0.WP);
 *   3. jump to the kernel's linked address, clear .bss, take the boot stack
 *      and call
 *
 *          void os_main(uint32_t magic, physaddr_t mbi);
 *
 * which builds the real kernel page directory (vm.c) and never returns.
 * Register contract at _start: EAX = MULTIBOOT_BOOT_MAGIC, EBX = physical
 * address of the multiboot information; everything else undefined.
 */
#include "memlayout.h"
#include "multiboot.h"
#include "paging.h"

#define BOOT_STACK_SIZE 16384
#define MULTIBOOT_FLAGS (MULTIBOOT_HEADER_PAGE_ALIGN | MULTIBOOT_HEADER_MEMORY_INFO)
#define BOOT_PDE (PTE_P | PTE_W | PTE_PS)
#define BOOT_MAPPED_PDES (PHYS_MAP_MAX / BIG_PAGE_SIZE)
#define KERNBASE_PDX (KERNBASE >> PDX_SHIFT)

        .section .multiboot, "a"
        .balign 4
multiboot_header:
        .long MULTIBOOT_HEADER_MAGIC
        .long MULTIBOOT_FLAGS
        .long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_FLAGS)  /* checksum: sum 0 */

        .section .boot.text, "ax"
        .globl _start
_start:
        movl %cr4, %ecx
        orl $CR4_PSE, %ecx
        movl %ecx, %cr4
        movl $boot_pgdir, %ecx          /* linked at its physical address */
        movl %ecx, %cr3
        movl %cr0, %ecx
        orl $(CR0_PG | CR0_WP), %ecx
        movl %ecx, %cr0
        movl $start_high, %ecx          /* an absolute jump: into the */
        jmp *%ecx                       /* kernel's linked addresses  */

/* The boot page directory, on a page of its own (the CPU writes the
 * accessed bits into it, and code and written data never share a page). */
        .section .boot.data, "a"
        .balign PAGE_SIZE
boot_pgdir:
        .long BOOT_PDE                  /* 0 .. 4 MiB at 0: this code */
        .fill KERNBASE_PDX - 1, 4, 0
        .set frame, 0
        .rept BOOT_MAPPED_PDES          /* physical memory at KERNBASE */
        .long frame | BOOT_PDE
        .set frame, frame + BIG_PAGE_SIZE
        .endr
        .fill ENTRIES_PER_TABLE - KERNBASE_PDX - BOOT_MAPPED_PDES, 4, 0

        .text
start_high:
        cld                             /* the C ABI wants DF = 0 */
        movl %eax, %esi                 /* keep the magic; EBX survives */
        movl $__bss_start, %edi         /* zero .bss: the loader may not */
        movl $__bss_end, %ecx
        subl %edi, %ecx
        xorl %eax, %eax
        rep stosb
        movl $boot_stack_top, %esp
        xorl %ebp, %ebp                 /* end of the frame-pointer chain */
        pushl %ebx                      /* os_main(magic, mbi) */
        pushl %esi
        call os_main
1:      cli
        hlt
        jmp 1b

        .bss
        .balign 16
        .globl boot_stack_top
boot_stack:
        .space BOOT_STACK_SIZE
boot_stack_top:

        .section .note.GNU-stack, "", @progbits  /* no executable stack */
