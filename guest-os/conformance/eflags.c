/*
 * eflags.c - conformance guest: EFLAGS as the guest reads it with pushf.
 *
 * Patch-free kernels read IF with pushf (xv6's readeflags() & FL_IF), so
 * under the monitor the real IF *is* the guest kernel's IF.  This guest
 * reads EFLAGS after every way IF and its neighbours change: cli, sti,
 * iret, a software interrupt and an exception through interrupt gates, a
 * hardware interrupt, popf (at CPL 0 and 3), and in user mode
 * entered with IF set and clear.  Natively the output is the reference;
 * under the monitor it must be identical except for the lines
 * tests/integration/eflags.diff lists: the known holes of running the
 * kernel at CPL 1 (popf cannot change IF or IOPL there, and does not
 * fault; IOPL reads 0) and user mode always running with the real IF set
 * (docs/deprivileging.md, "The interrupt flag").
 */
#include "conformance.h"
#include "mmu.h"
#include "x86.h"

#define FL_TF   0x00000100u
#define FL_IF   0x00000200u
#define FL_DF   0x00000400u
#define FL_IOPL 0x00003000u
#define FL_NT   0x00004000u
#define FL_AC   0x00040000u
#define FL_ID   0x00200000u
/* What the lines print: the flags a kernel may set and read, and the
 * arithmetic ones (0x247ed5: irq_stub masks with it too). */
#define SHOWN   (FL_IF | FL_DF | FL_IOPL | FL_NT | FL_AC | FL_ID | 0x8d5u)

static struct taskstate tss;
static uint8_t kstack[4096] __attribute__((aligned(16)));
static uint8_t ustack[4096] __attribute__((aligned(16)));
static volatile uint32_t in_handler, frame_eflags, irq_seen;

static uint32_t flags(void)
{
    uint32_t f;

    asm volatile("pushfl\n\tpopl %0" : "=r"(f));
    return f & SHOWN;
}

static void show(const char *what)
{
    kprintf("%s: eflags 0x%08x\n", what, flags());
}

static void set_flags(uint32_t f)
{
    asm volatile("pushl %0\n\tpopfl" : : "r"(f) : "memory", "cc");
}

/* IRQ 0: the handler's EFLAGS and the image in the frame (above the
 * saved EAX: EIP, CS, EFLAGS). */
extern char irq_stub[];
asm(".text\n"
    "irq_stub:\n\t"
    "pushl %eax\n\t"
    "pushfl\n\tpopl %eax\n\tandl $0x247ed5, %eax\n\tmovl %eax, in_handler\n\t"
    "movl 12(%esp), %eax\n\tandl $0x247ed5, %eax\n\tmovl %eax, frame_eflags\n\t"
    "incl irq_seen\n\t"
    "movb $0x20, %al\n\toutb %al, $0x20\n\t"
    "popl %eax\n\tiret\n");

static void ud_handler(struct trapframe *tf)
{
    in_handler = flags();
    frame_eflags = tf->eflags & SHOWN;
    tf->eip += 2;
}

static void show_delivery(const char *what)
{
    kprintf("%s: in the handler 0x%08x, frame 0x%08x, after 0x%08x\n", what,
            in_handler, frame_eflags, flags());
}

/* iret to the next instruction, at CPL 0, with EFLAGS image F. */
static void iret_with(uint32_t f)
{
    asm volatile("pushl %0\n\t"
                 "pushl %%cs\n\t"
                 "pushl $1f\n\t"
                 "iret\n1:" : : "r"(f) : "memory", "cc");
}

/* ---- user mode ---------------------------------------------------------- */

static volatile uint32_t user_flags[4];
volatile uint32_t kernel_esp;           /* where back_in_kernel resumes */

void back_in_kernel(void);
void user_code(void);
asm(".text\n"
    "user_code:\n\t"
    "pushfl\n\tpopl %eax\n\tmovl %eax, user_flags\n\t"       /* as entered */
    "pushfl\n\txorl $0x200, (%esp)\n\tpopfl\n\t"             /* flip IF */
    "pushfl\n\tpopl %eax\n\tmovl %eax, user_flags+4\n\t"
    "pushfl\n\torl $0x3000, (%esp)\n\tpopfl\n\t"             /* IOPL 3? */
    "pushfl\n\tpopl %eax\n\tmovl %eax, user_flags+8\n\t"
    "pushfl\n\txorl $0x40000, (%esp)\n\tpopfl\n\t"           /* flip AC */
    "pushfl\n\tpopl %eax\n\tmovl %eax, user_flags+12\n\t"
    "int $0x80\n"
    "1: jmp 1b\n");

/* int 0x80: from the kernel, note the flags; from user mode, go back to
 * the kernel. */
static void syscall_handler(struct trapframe *tf)
{
    if ((tf->cs & 3) == 0) {
        in_handler = flags();
        frame_eflags = tf->eflags & SHOWN;
        return;
    }
    tf->cs = SEG_KCODE;                 /* iret to CPL 0: no stack pop */
    tf->eip = (uint32_t)back_in_kernel;
    tf->eflags &= ~FL_IF;
}

static void user_mode(uint32_t f)
{
    asm volatile("movl %%esp, kernel_esp\n\t"
                 "mov %0, %%ds\n\tmov %0, %%es\n\t"
                 "pushl %0\n\t"         /* SS */
                 "pushl %1\n\t"         /* ESP */
                 "pushl %2\n\t"         /* EFLAGS */
                 "pushl %3\n\t"         /* CS */
                 "pushl %4\n\t"         /* EIP */
                 "iret\n\t"
                 ".globl back_in_kernel\n"
                 "back_in_kernel:\n\t"   /* the user's registers, EAX changed, */
                 "movl kernel_esp, %%esp\n\t"   /* on the TSS's stack */
                 "movl %5, %%eax\n\t"
                 "mov %%ax, %%ds\n\tmov %%ax, %%es"
                 : : "r"((uint32_t)SEG_UDATA),
                     "r"((uint32_t)(ustack + sizeof(ustack))), "r"(f),
                     "i"(SEG_UCODE), "r"(user_code), "i"(SEG_KDATA)
                 : "eax", "memory", "cc");
    for (int i = 0; i < 4; i++)
        user_flags[i] &= SHOWN;
    kprintf("user mode entered with eflags 0x%08x: reads 0x%08x; popf "
            "flipping IF 0x%08x, setting IOPL 0x%08x, flipping AC 0x%08x\n",
            f & SHOWN, user_flags[0], user_flags[1], user_flags[2],
            user_flags[3]);
}

void kmain(uint32_t magic, void *mbi)
{
    (void)magic;
    (void)mbi;
    uart_init();
    gdt_init();
    idt_set_gate(32, (void (*)(void))irq_stub, DPL_KERNEL);
    tss.ss0 = SEG_KDATA;
    tss.esp0 = (uint32_t)(kstack + sizeof(kstack));
    gdt_install_tss(&tss);
    idt_init();
    probe_install();
    pic_remap();
    kprintf("eflags: conformance guest\n");

    asm volatile("cli");
    show("after cli");
    asm volatile("sti");
    show("after sti");
    asm volatile("cli");
    iret_with(flags() | FL_IF);
    show("after iret with IF set");
    iret_with(flags() & ~FL_IF);
    show("after iret with IF clear");

    /* the flags a kernel flips with popf */
    set_flags(flags() | FL_IF);
    show("after popf setting IF");
    set_flags(flags() & ~FL_IF);
    asm volatile("sti");
    set_flags(flags() & ~FL_IF);
    show("after popf clearing IF");
    asm volatile("cli");
    set_flags(flags() | FL_AC | FL_DF | FL_ID | FL_NT);
    show("after popf setting AC, DF, ID, NT");
    set_flags(flags() & ~(FL_AC | FL_DF | FL_ID | FL_NT));
    show("after popf clearing them");
    set_flags(flags() | FL_IOPL);
    show("after popf setting IOPL 3");
    set_flags(flags() & ~FL_IOPL);
    iret_with(flags() | (1u << 12));
    show("after iret with IOPL 1");
    iret_with(flags() & ~FL_IOPL);

    /* delivery */
    trap_register(T_SYSCALL, syscall_handler);
    trap_register(6, ud_handler);
    asm volatile("sti");
    asm volatile("int $0x80");
    show_delivery("int through an interrupt gate, IF set");
    asm volatile("cli");
    asm volatile("int $0x80");
    show_delivery("int through an interrupt gate, IF clear");
    asm volatile("sti");
    asm volatile("ud2");
    show_delivery("#UD through an interrupt gate, IF set");
    asm volatile("cli");

    /* a hardware interrupt: PIT one-shot, IRQ 0 pending, then sti */
    pic_unmask(0);
    outb(0x43, 0x30); outb(0x40, 2); outb(0x40, 0);
    for (int i = 0; i < 10000000; i++) {
        outb(0x20, 0x0a);
        if (inb(0x20) & 1)
            break;
    }
    asm volatile("sti; nop; nop; cli");
    kprintf("irq 0 taken %u time(s)\n", irq_seen);
    show_delivery("irq 0, IF set before");
    pic_mask_all();

    /* user mode */
    user_mode((flags() & ~FL_IOPL) | FL_IF);
    user_mode((flags() & ~FL_IOPL) & ~FL_IF);
    show("back in the kernel");
    kprintf("eflags: done\n");
    poweroff(0);
}
