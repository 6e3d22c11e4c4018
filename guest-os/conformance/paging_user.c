/*
 * paging_user.c - running a probe function at CPL 3, and coming back.
 *
 * Paging treats CPL 3 differently (U/S, and CR0.WP does not apply), so the
 * rights tests run the same probes in user mode.  The problem is to get
 * there and back from ordinary C without an operating system.
 *
 * The approach (the cpu guest's, made reusable): run_user saves the
 * kernel's callee-saved registers and stack pointer, loads the user data
 * segments and irets to a trampoline at CPL 3 on a user stack.  The
 * trampoline calls the function and then `int $0x80`.  The CPU enters the
 * kernel on the TSS's ring-0 stack; the system-call handler rewrites the
 * frame so the iret goes to run_user_back at CPL 0 (a same-ring iret, which
 * pops no stack), and run_user_back restores the saved stack and returns
 * from run_user.  Faults taken at CPL 3 meanwhile arrive on the ring-0
 * stack too, and the probe handler resumes the user code.
 *
 *   kernel stack            ring-0 stack (TSS esp0)       user stack
 *   run_user: save esp ---> iret -----------------------> trampoline: fn()
 *                           int $0x80 <------------------ int $0x80
 *   run_user_back <-------- iret to CPL 0
 */
#include "paging_guest.h"

#define SYS_BACK_TO_KERNEL 0x6b61636bu     /* "back" */
#define RING0_STACK_SIZE 8192
#define USER_STACK_SIZE 8192

static struct taskstate tss;
static uint8_t ring0_stack[RING0_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t user_stack[USER_STACK_SIZE] __attribute__((aligned(16)));
uint32_t run_user_saved_esp;
const uint32_t run_user_stack_top = (uint32_t)(user_stack + USER_STACK_SIZE);

/*
 * void run_user(void (*fn)(void));
 * Register contract: cdecl; EBX ESI EDI EBP preserved; EFLAGS.IF as it was
 * (the user code runs with the kernel's flags, IOPL 0).
 */
void run_user_back(void);
asm(".text\n"
    ".globl run_user\n"
    "run_user:\n\t"
    "pushl %ebp\n\t"
    "pushl %ebx\n\t"
    "pushl %esi\n\t"
    "pushl %edi\n\t"
    "movl %esp, run_user_saved_esp\n\t"
    "movl 20(%esp), %eax\n\t"           /* fn, for the trampoline */
    "movl $0x23, %edx\n\t"
    "movw %dx, %ds\n\t"
    "movw %dx, %es\n\t"
    "pushl $0x23\n\t"                   /* SS */
    "pushl run_user_stack_top\n\t"      /* ESP */
    "pushfl\n\t"
    "pushl $0x1b\n\t"                   /* CS */
    "pushl $run_user_trampoline\n\t"    /* EIP */
    "iret\n"
    "run_user_trampoline:\n\t"
    "call *%eax\n\t"
    "movl $0x6b61636b, %eax\n\t"
    "int $0x80\n\t"
    "ud2\n"
    ".globl run_user_back\n"
    "run_user_back:\n\t"
    "movl $0x10, %edx\n\t"
    "movw %dx, %ds\n\t"
    "movw %dx, %es\n\t"
    "movl run_user_saved_esp, %esp\n\t"
    "popl %edi\n\t"
    "popl %esi\n\t"
    "popl %ebx\n\t"
    "popl %ebp\n\t"
    "ret\n");

/* int $0x80 from the trampoline: return to run_user_back at CPL 0. */
static void syscall_back(struct trapframe *tf)
{
    if (tf->eax != SYS_BACK_TO_KERNEL || (tf->cs & SEL_RPL_MASK) != DPL_USER) {
        kprintf("FAIL: unexpected system call 0x%x\n", tf->eax);
        poweroff(1);
    }
    tf->cs = SEL_KCODE;
    tf->eip = (uint32_t)run_user_back;
}

void user_setup(void)
{
    tss.ss0 = SEL_KDATA;
    tss.esp0 = (uint32_t)(ring0_stack + RING0_STACK_SIZE);
    tss.iomap_base = sizeof(tss);
    gdt_install_tss(&tss);
    trap_register(T_SYSCALL, syscall_back);
}
