/*
 * boot.S - the multiboot header and the kernel's first instructions.
 *
 * A multiboot loader (QEMU -kernel, GRUB, the monitor) looks for the header
 * below in the first 8 KiB of the image, loads the ELF segments at their
 * physical addresses, and jumps to _start in 32-bit protected mode with
 * paging off, flat segments and interrupts disabled.  It leaves the stack
 * pointer undefined, so _start clears .bss, sets up the kernel's own stack
 * and calls
 *
 *     void kmain(uint32_t magic, struct multiboot_info *mbi);
 *
 * Register contract at _start: EAX = MULTIBOOT_BOOT_MAGIC, EBX = physical
 * address of the multiboot information; everything else undefined.  kmain
 * must not return; if it does, the CPU is stopped.
 */
#include "multiboot.h"

#define BOOT_STACK_SIZE 16384
#define MULTIBOOT_FLAGS (MULTIBOOT_HEADER_PAGE_ALIGN | MULTIBOOT_HEADER_MEMORY_INFO)

        .section .multiboot, "a"
        .balign 4
multiboot_header:
        .long MULTIBOOT_HEADER_MAGIC
        .long MULTIBOOT_FLAGS
        .long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_FLAGS)  /* checksum: sum 0 */

        .text
        .globl _start
_start:
        cld                             /* the C ABI wants DF = 0 */
        movl %eax, %esi                 /* keep the magic; EBX survives */
        movl $__bss_start, %edi         /* zero .bss: the loader may not */
        movl $__bss_end, %ecx
        subl %edi, %ecx
        xorl %eax, %eax
        rep stosb
        movl $boot_stack_top, %esp
        xorl %ebp, %ebp                 /* end of the frame-pointer chain */
        pushl %ebx                      /* kmain(magic, mbi) */
        pushl %esi
        call kmain
1:      cli
        hlt
        jmp 1b

        .bss
        .balign 16
boot_stack:
        .space BOOT_STACK_SIZE
boot_stack_top:

        .section .note.GNU-stack, "", @progbits  /* no executable stack */
