/*
 * entry.S - from multiboot to the monitor's C code in 64-bit mode.
 *
 * QEMU's multiboot loader (-kernel) enters here in 32-bit protected mode,
 * paging off, EAX = 0x2BADB002, EBX = physical address of the multiboot info.
 * The loader accepts only 32-bit ELF files, so the build converts the 64-bit
 * image with objcopy; this file is linked at its *physical* address (section
 * .boot, VMA = LMA = 1 MiB) so the entry point survives that conversion.
 *
 * Steps: build nothing at run time - the boot page tables below are static -
 * enable PAE, load CR3, set EFER.LME, turn paging on, far-jump into 64-bit
 * code, then jump to the higher half and call
 *
 *     void monitor_main(uint32_t magic, uint32_t mbi_pa);
 *
 * on the boot stack.  The boot tables map machine RAM three times with 2 MiB
 * pages: identity 0-4 GiB (only needed for the jump; monitor_main drops it),
 * the direct map at DIRECT_MAP_VMA, and the image at KERNEL_VMA.
 */
#include "../core/layout.h"

#define MULTIBOOT_MAGIC   0x1badb002
#define MULTIBOOT_FLAGS   0x00000003          /* page-align modules, memory info */
#define PTE_P   0x001
#define PTE_W   0x002
#define PTE_PS  0x080
#define PHYS(x) ((x) - KERNEL_VMA)

	.section .boot, "ax"
	.code32
	.align 4
multiboot_header:
	.long MULTIBOOT_MAGIC
	.long MULTIBOOT_FLAGS
	.long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

	.globl _start
_start:
	cli
	mov  %eax, %edi                        /* magic: 1st argument */
	mov  %ebx, %esi                        /* mbi:   2nd argument */

	mov  $PHYS(boot_pml4), %eax
	mov  %eax, %cr3
	mov  %cr4, %eax
	or   $(1 << 5), %eax                   /* CR4.PAE */
	mov  %eax, %cr4
	mov  $0xc0000080, %ecx                 /* EFER */
	rdmsr
	or   $((1 << 8) | (1 << 11)), %eax     /* LME, NXE */
	wrmsr
	mov  %cr0, %eax
	or   $((1 << 31) | (1 << 16) | 1), %eax /* PG, WP, PE */
	mov  %eax, %cr0

	lgdt PHYS(boot_gdt_desc)
	ljmp $0x08, $long_mode              /* .boot is linked at its physical address */

	.code64
long_mode:
	movabs $higher_half, %rax
	jmp  *%rax

	.text
higher_half:
	mov  $0x10, %ax
	mov  %ax, %ds
	mov  %ax, %es
	mov  %ax, %ss
	xor  %eax, %eax
	mov  %ax, %fs
	mov  %ax, %gs
	movabs $boot_stack_top, %rsp
	xor  %ebp, %ebp
	call monitor_main
1:	cli
	hlt
	jmp  1b

/* GDT for the jump only: null, 64-bit code, data. */
	.section .rodata
	.align 16
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff
	.quad 0x00cf92000000ffff
boot_gdt_end:
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.long PHYS(boot_gdt)

/*
 * Boot page tables.  PML4[0] and PML4[256] share one PDPT mapping 0-4 GiB;
 * PML4[511] maps -2 GiB onto the first GiB.
 */
	.data
	.align 4096
	.globl boot_pml4
boot_pml4:
	.quad PHYS(boot_pdpt_low) + PTE_P + PTE_W
	.fill 255, 8, 0
	.quad PHYS(boot_pdpt_low) + PTE_P + PTE_W      /* DIRECT_MAP_VMA */
	.fill 254, 8, 0
	.quad PHYS(boot_pdpt_kernel) + PTE_P + PTE_W   /* KERNEL_VMA */
boot_pdpt_low:
	.quad PHYS(boot_pd) + 0x0000 + PTE_P + PTE_W
	.quad PHYS(boot_pd) + 0x1000 + PTE_P + PTE_W
	.quad PHYS(boot_pd) + 0x2000 + PTE_P + PTE_W
	.quad PHYS(boot_pd) + 0x3000 + PTE_P + PTE_W
	.fill 508, 8, 0
boot_pdpt_kernel:
	.fill 510, 8, 0
	.quad PHYS(boot_pd) + PTE_P + PTE_W
	.quad 0
	.globl boot_pd
boot_pd:                                          /* 4 x 512 x 2 MiB */
	.set page, 0
	.rept 2048
	.quad (page << 21) + PTE_P + PTE_W + PTE_PS
	.set page, page + 1
	.endr

	.bss
	.align 4096
boot_stack:
	.skip 16384
	.globl boot_stack_top
boot_stack_top:
