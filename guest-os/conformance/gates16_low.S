/*
 * gates16_low.S - the code gates16.c copies below 64 KiB (see gates16.h).
 *
 * Handlers (reached through 16-bit gates; 32-bit code, as in a 32-bit
 * kernel; they return with iretw):
 *   h16        no error code: records the frame, adds skip_len to its IP
 *   h16e       error code first: the same, and drops the error word
 *   h16_exit   from user mode: records the frame, then returns from the
 *              k_to_user/k_lretw_user call that left the kernel
 *   h_where    stores in where_eip the address it runs at
 *   h_code16   16-bit code: sets code16_ran, returns with a 16-bit iret
 * Each handler records, in rec[nrec++] (struct record in gates16.c): the six
 * 16-bit words at its ESP on entry, zero-extended - the frame, lowest address
 * first, and whatever lies above it - and its own EFLAGS and ESP on entry.
 *
 * Kernel routines, called from C through their low copies (cdecl, no
 * arguments, EAX returned, EBX ESI EDI EBP kept):
 *   uint32_t k_int16(void)     int $V_INT16; returns EFLAGS after the iretw
 *   uint32_t k_trap16(void)    int $V_TRAP16; the same
 *   uint32_t k_bad_ds(void)    loads DS with SEL_BEYOND_GDT: #GP(0x40)
 *   uint32_t k_lretw(void)     lretw to ring 0; returns the change of ESP
 *   uint32_t k_lretw_imm(void) lretw $4 to ring 0, the same
 *   void k_to_user(void)       iretw to u_main at CPL 3 (back by V_USER_EXIT)
 *   void k_lretw_user(void)    lretw $2 to u_main2 at CPL 3 (the same)
 *   void k_int_high(void)      int $V_HIGH_OFFSET
 *   void k_int_code16(void)    int $V_CODE16
 * Before each int, the routine sets CF, PF and ZF (and clears SF, OF, AF),
 * so the FLAGS word in the frame is known; pre_esp is ESP before it.
 */
#include "mmu.h"
#include "gates16.h"

        .text
        .globl low_start, low_end
        .globl h16, h16e, h16_exit
        .globl k_int16, k_int16_next, k_trap16, k_trap16_next
        .globl k_bad_ds, k_bad_ds_next, k_lretw, k_lretw_imm
        .globl k_to_user, k_lretw_user
        .globl u_main, u_after_int, u_after_cli, u_after_dpl0, u_after_exit
        .globl u_iretw_at, u_lretw_at
        .globl u_main2, u2_after_exit, h_where, k_int_high
        .globl h_code16, k_int_code16
low_start:

/* Record the six words at EAX (and entry_eflags, entry_esp) in rec[nrec++]. */
copy_words:
        pushl %ebx
        pushl %ecx
        pushl %edx
        movl nrec, %ebx
        shll $5, %ebx                   /* sizeof(struct record) == 32 */
        addl $rec, %ebx
        xorl %ecx, %ecx
1:      movzwl (%eax,%ecx,2), %edx
        movl %edx, (%ebx,%ecx,4)
        incl %ecx
        cmpl $6, %ecx
        jne 1b
        movl entry_eflags, %edx
        movl %edx, 24(%ebx)
        movl entry_esp, %edx
        movl %edx, 28(%ebx)
        incl nrec
        popl %edx
        popl %ecx
        popl %ebx
        ret

h16:
        pushfl                          /* IF: interrupt gate or trap gate */
        popl entry_eflags
        movl %esp, entry_esp
        pushl %eax
        pushl %ecx
        leal 8(%esp), %eax
        call copy_words
        cmpl $0, handler_sets_ac        /* iretw must leave AC (bit 18) */
        je 1f
        pushfl
        orl $0x40000, (%esp)
        popfl
1:      movl skip_len, %ecx
        addw %cx, 8(%esp)               /* IP */
        popl %ecx
        popl %eax
        iretw

h16e:
        pushfl
        popl entry_eflags
        movl %esp, entry_esp
        pushl %eax
        pushl %ecx
        leal 8(%esp), %eax
        call copy_words
        movl skip_len, %ecx
        addw %cx, 10(%esp)              /* IP, above the error code */
        popl %ecx
        popl %eax
        addl $2, %esp                   /* the 16-bit error code */
        iretw

h16_exit:
        pushfl
        popl entry_eflags
        movl %esp, entry_esp
        movl %esp, %eax
        call copy_words
        movl kernel_esp, %esp           /* the kernel as k_to_user left it */
        movl $SEG_KDATA, %eax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %fs
        movw %ax, %gs
        popl %ebp
        popl %edi
        popl %esi
        popl %ebx
        ret

k_int16:
        movl %esp, pre_esp
        xorl %eax, %eax                 /* ZF PF */
        stc                             /* CF */
        int $V_INT16
k_int16_next:
        pushfl
        popl %eax
        ret

k_trap16:
        movl %esp, pre_esp
        xorl %eax, %eax
        stc
        int $V_TRAP16
k_trap16_next:
        pushfl
        popl %eax
        ret

k_bad_ds:
        movl %esp, pre_esp
        movl $SEL_BEYOND_GDT, %eax
        xorl %ecx, %ecx
        stc
        movw %ax, %ds                   /* 2 bytes: the handler skips them */
k_bad_ds_next:
        pushfl
        popl %eax
        ret

k_lretw:
        movl %esp, pre_esp
        pushw $SEG_KCODE
        pushw $LOW(k_lretw_back)
        lretw
k_lretw_back:
        movl %esp, %eax
        subl pre_esp, %eax
        ret

k_lretw_imm:
        movl %esp, pre_esp
        pushl $0x12345678               /* 4 bytes of parameters */
        pushw $SEG_KCODE
        pushw $LOW(k_lretw_imm_back)
        lretw $4
k_lretw_imm_back:
        movl %esp, %eax
        subl pre_esp, %eax
        ret

/* Leave the kernel for user mode; h16_exit comes back here. */
k_to_user:
        pushl %ebx
        pushl %esi
        pushl %edi
        pushl %ebp
        movl %esp, kernel_esp
        movl $SEG_UDATA, %eax
        movw %ax, %ds
        movw %ax, %es
        pushw $SEG_UDATA                /* SS */
        pushw $USER_STACK_TOP           /* SP */
        pushw $0x0203                   /* FLAGS: IF, CF */
        pushw $SEG_UCODE                /* CS */
        pushw $LOW(u_main)              /* IP */
        iretw

k_lretw_user:
        pushl %ebx
        pushl %esi
        pushl %edi
        pushl %ebp
        movl %esp, kernel_esp
        movl $SEG_UDATA, %eax
        movw %ax, %ds
        movw %ax, %es
        pushw $SEG_UDATA                /* SS */
        pushw $USER_STACK_TOP2          /* SP */
        pushw $0x5a5a                   /* 2 bytes of parameters */
        pushw $SEG_UCODE                /* CS */
        pushw $LOW(u_main2)             /* IP */
        lretw $2

/* User mode, entered by k_to_user's iretw. */
u_main:
        pushfl
        popl user_eflags
        movl %esp, user_esp
        movw %cs, user_cs
        movw %ss, user_ss
        xorl %eax, %eax
        stc
        int $V_USER_INT16               /* a DPL-3 16-bit interrupt gate */
u_after_int:
        movl $1, skip_len
        cli                             /* #GP(0) through the 16-bit gate */
u_after_cli:
        movl $2, skip_len
        int $V_INT16                    /* DPL 0 from CPL 3: #GP(0x202) */
u_after_dpl0:
        pushw $0x0202                   /* FLAGS */
        pushw $SEG_KCODE                /* CS: RPL 0, from CPL 3 */
        pushw $LOW(u_after_exit)        /* IP */
u_iretw_at:
        iretw                           /* #GP(0x08) */
        addl $6, %esp
        pushw $SEG_KCODE
        pushw $LOW(u_after_exit)
u_lretw_at:
        lretw                           /* #GP(0x08) */
        addl $4, %esp
        movl $0, skip_len
        int $V_USER_EXIT
u_after_exit:
        jmp u_after_exit                /* not reached */

/* User mode, entered by k_lretw_user's lretw. */
u_main2:
        pushfl
        popl user_eflags
        movl %esp, user_esp
        int $V_USER_EXIT
u2_after_exit:
        jmp u2_after_exit               /* not reached */

/* A handler that records where it runs (which copy of the block). */
h_where:
        call 1f
1:      popl where_eip
        iretw

k_int_high:
        int $V_HIGH_OFFSET
        ret

/* A handler in a 16-bit code segment (CS.D = 0), and its caller. */
        .code16
h_code16:
        addr32 movw $1, code16_ran      /* 67: a 32-bit address */
        iret                            /* cf: a 16-bit iret in 16-bit code */
        .code32
k_int_code16:
        int $V_CODE16
        ret
low_end:

        .section .note.GNU-stack, "", @progbits  /* no executable stack */
