/*
 * debugregs.c - conformance guest: hardware breakpoints (DR0-DR7).
 *
 * A kernel debugger arms breakpoints in DR7 and expects #DB with the right
 * status in DR6 and EIP in the frame: instruction breakpoints (faults, that
 * the handler steps over with RF), data breakpoints (traps after the
 * access), I/O breakpoints with CR4.DE (traps after in/out).  Under the monitor the breakpoints
 * are real (the guest's DR0-3/DR7 in the real registers) except where the
 * monitor itself performs the instruction - in, out, ins, outs, an
 * emulated store - and there it must raise the same #DB.  Each line prints
 * what the handler saw, relative to labels in the code.
 */
#include "conformance.h"
#include "x86.h"

static volatile uint32_t var __attribute__((aligned(16)));
static volatile uint32_t other __attribute__((aligned(16)));
static volatile uint32_t hits, last_dr6, last_eip, set_rf, last_ecx;
static volatile uint8_t buf[16] __attribute__((aligned(16)));

#define RW_EXEC  0u
#define RW_WRITE 1u
#define RW_IO    2u
#define RW_RW    3u
#define LEN_1    0u
#define LEN_4    3u

extern char code_base[];

static void db_handler(struct trapframe *tf)
{
    uint32_t dr6;

    asm volatile("mov %%dr6, %0" : "=r"(dr6));
    hits++;
    last_dr6 = dr6;
    last_eip = tf->eip;
    last_ecx = tf->ecx;
    asm volatile("mov %0, %%dr6" : : "r"(0u));
    if (set_rf)
        tf->eflags |= 1u << 16;         /* RF: step over the breakpoint */
}

static uint32_t dr7_for(unsigned n, unsigned rw, unsigned len)
{
    return (1u << (2 * n)) | (rw << (16 + 4 * n)) | (len << (18 + 4 * n));
}

static void set_dr(unsigned n, uint32_t val)
{
    switch (n) {
    case 0: asm volatile("mov %0, %%dr0" : : "r"(val)); break;
    case 1: asm volatile("mov %0, %%dr1" : : "r"(val)); break;
    case 2: asm volatile("mov %0, %%dr2" : : "r"(val)); break;
    case 3: asm volatile("mov %0, %%dr3" : : "r"(val)); break;
    case 7: asm volatile("mov %0, %%dr7" : : "r"(val)); break;
    }
}

static void show(const char *what)
{
    kprintf("%s: %u #DB, dr6 0x%08x, eip code_base+0x%x\n", what, hits,
            last_dr6, hits ? last_eip - (uint32_t)code_base : 0);
    hits = 0;
    last_dr6 = last_eip = 0;
}

/* The code the breakpoints watch; labels are offsets from code_base. */
extern char l_store[], l_load[], l_nop[], l_cli[], l_sti[], l_out[],
    l_in[], l_ins[], l_movss[], l_repins[], l_tfins[], l_popss[],
    l_iret[];
void watched_code(void);
asm(".text\n"
    ".globl code_base, watched_code\n"
    "code_base:\n"
    "watched_code:\n"
    "l_store: movl $1, var\n"
    "l_load:  movl var, %eax\n"
    "l_nop:   nop\n"
    "l_cli:   cli\n"
    "l_sti:   nop\n"
    "         ret\n"
    "l_out:   outb %al, $0x80\n"
    "         ret\n"
    "l_in:    inb $0x80, %al\n"
    "         ret\n"
    "l_ins:   movl $var, %edi\n"
    "         movw $0x80, %dx\n"
    "         insb\n"
    "         ret\n"
    "l_repins: movl $buf, %edi\n"
    "         movw $0x80, %dx\n"
    "         movl $8, %ecx\n"
    "         cld\n"
    "         rep insb\n"
    "         ret\n"
    "l_tfins: movl $buf, %edi\n"
    "         movw $0x80, %dx\n"
    "         movl $3, %ecx\n"
    "         pushfl\n"
    "         orl $0x100, (%esp)\n"
    "         popfl\n"
    "         rep insb\n"
    "         pushfl\n"
    "         andl $~0x100, (%esp)\n"
    "         popfl\n"
    "         ret\n"
    "l_popss: pushl $0x10\n"
    "         movl %esp, %eax\n"
    "         movl %eax, %dr0\n"
    "         movl $0x000f0001, %eax\n"     /* L0, read/write, 4 bytes */
    "         movl %eax, %dr7\n"
    "         popl %ss\n"
    "         nop\n"
    "         nop\n"
    "         xorl %eax, %eax\n"
    "         movl %eax, %dr7\n"
    "         ret\n"
    "l_iret:  pushfl\n"
    "         pushl $0x08\n"                /* the boot GDT's CS, RPL 0 */
    "         pushl $1f\n"
    "         leal 8(%esp), %eax\n"         /* the EFLAGS word */
    "         movl %eax, %dr0\n"
    "         movl $0x000f0001, %eax\n"     /* L0, read/write, 4 bytes */
    "         movl %eax, %dr7\n"
    "         iret\n"
    "1:       nop\n"
    "         xorl %eax, %eax\n"
    "         movl %eax, %dr7\n"
    "         ret\n"
    "l_movss: movw %ss, %ax\n"
    "         movw $0x10, %cx\n"
    "         movw %cx, %ss\n"
    "         movl $3, var\n"
    "         nop\n"
    "         ret\n");

static void call(char *label)
{
    asm volatile("call *%0" : : "r"(label) : "eax", "ecx", "edx", "edi",
                 "memory");
}

void kmain(uint32_t magic, void *mbi)
{
    uint32_t v, cr4;

    (void)magic;
    (void)mbi;
    conformance_start("debugregs");
    trap_register(1, db_handler);

    asm volatile("mov %%dr7, %0" : "=r"(v));
    kprintf("dr7 at boot 0x%08x\n", v);
    asm volatile("mov %%dr6, %0" : "=r"(v));
    kprintf("dr6 at boot 0x%08x\n", v);

    /* data breakpoints: write-only, then read/write */
    set_dr(0, (uint32_t)&var);
    set_dr(7, dr7_for(0, RW_WRITE, LEN_4));
    var = 5;
    show("write to a write-watched word");
    v = var;
    show("read of a write-watched word");
    other = 1;
    show("write elsewhere");
    set_dr(7, dr7_for(0, RW_RW, LEN_4));
    v = var;
    show("read of a read/write-watched word");
    set_dr(7, dr7_for(0, RW_WRITE, LEN_1));
    ((volatile uint8_t *)&var)[1] = 1;
    show("write to the byte after a 1-byte watch");
    ((volatile uint8_t *)&var)[0] = 1;
    show("write to the watched byte");

    /* instruction breakpoints: a fault, stepped over with RF */
    set_rf = 1;
    set_dr(1, (uint32_t)l_nop);
    set_dr(7, dr7_for(1, RW_EXEC, LEN_1));
    call(l_store);
    show("instruction breakpoint on a nop");
    set_dr(2, (uint32_t)l_cli);
    set_dr(3, (uint32_t)l_sti);
    set_dr(7, dr7_for(2, RW_EXEC, LEN_1) | dr7_for(3, RW_EXEC, LEN_1));
    call(l_store);
    kprintf("breakpoints on cli and the next instruction: %u #DB, last at "
            "code_base+0x%x\n", hits, last_eip - (uint32_t)code_base);
    hits = 0;
    set_dr(7, 0);
    set_rf = 0;

    /* data breakpoint hit by a store the CPU makes for ins */
    set_dr(0, (uint32_t)&var);
    set_dr(7, dr7_for(0, RW_WRITE, LEN_4));
    call(l_ins);
    show("insb into a write-watched word");
    set_dr(0, (uint32_t)&buf[2]);
    set_dr(7, dr7_for(0, RW_WRITE, LEN_1));
    call(l_repins);
    kprintf("rep insb over a watched byte: %u #DB, ecx then %u, eip "
            "code_base+0x%x\n", hits, last_ecx,
            hits ? last_eip - (uint32_t)code_base : 0);
    hits = 0;
    set_dr(7, 0);
    /* (a watched stack word under the frame of an interrupt aborts QEMU
     * 7.2 itself, like single-stepping over a watched store: not tested) */
    last_ecx = 0;
    call(l_tfins);
    kprintf("single-step over rep insb of 3: %u #DB, ecx at the last %u\n",
            hits, last_ecx);
    hits = 0;
    set_dr(7, dr7_for(0, RW_WRITE, LEN_4));

    /* (single-stepping over a watched store aborts QEMU 7.2 itself:
     * cpus.c "qemu_mutex_lock_iothread_impl" assertion - not tested) */
    call(l_movss);
    show("store right after mov ss");
    call(l_popss);
    show("pop ss reading a watched stack word");
    call(l_iret);
    show("iret popping a watched frame word");
    set_dr(7, 0);

    /* I/O breakpoints need CR4.DE */
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    asm volatile("mov %0, %%cr4" : : "r"(cr4 | 8));
    set_dr(0, 0x80);
    set_dr(7, dr7_for(0, RW_IO, LEN_1));
    call(l_out);
    show("out to a watched port");
    call(l_in);
    show("in from a watched port");
    set_dr(0, 0x81);
    call(l_out);
    show("out to another port");
    set_dr(7, 0);
    asm volatile("mov %0, %%cr4" : : "r"(cr4));

    /* DR7.GD: general detect */
    set_dr(7, 1u << 13);
    probe_arm(3);
    asm volatile("mov %%dr0, %0" : "=r"(v));
    probe_report("mov from dr0 with dr7.gd");
    asm volatile("mov %%dr7, %0" : "=r"(v));
    kprintf("dr7 then 0x%08x, dr6 0x%08x\n", v, last_dr6);
    set_dr(7, 0);
    asm volatile("mov %%dr7, %0" : "=r"(v));
    kprintf("dr7 at the end 0x%08x\n", v);
    kprintf("debugregs: done\n");
    poweroff(0);
}
