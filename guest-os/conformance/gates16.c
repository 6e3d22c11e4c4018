/*
 * gates16.c - conformance guest: 16-bit interrupt and trap gates, iretw and
 * lretw, in a 32-bit kernel.
 *
 * A 16-bit gate (type 6: interrupt, type 7: trap) pushes a 16-bit frame -
 * FLAGS, CS, IP and the error code as words; from ring 3 first SS and SP,
 * on the stack named by the TSS's ss0:esp0 - and enters its handler at the
 * gate's offset, in whatever code segment the gate names: here the
 * kernel's 32-bit one, so the handler is 32-bit code that returns with
 * `iretw` (66 cf).  Under the monitor the gates are walked by the monitor,
 * and every iretw and lretw to ring 0 or to user mode is completed by it.
 * Each line prints the frame words a handler found, its EFLAGS and how far
 * its ESP lay from the stack the frame was pushed on; natively on QEMU the
 * output is the reference, under the monitor it must be identical.
 */
#include "kernel.h"
#include "mmu.h"
#include "multiboot.h"
#include "tss.h"
#include "x86.h"
#include "gates16.h"

/* What a handler of gates16_low.S saw: see the top of that file. */
struct record {
    uint32_t w[6];
    uint32_t eflags, esp;
};
_Static_assert(sizeof(struct record) == 32, "gates16_low.S indexes rec by 32");

volatile struct record rec[16];
volatile uint32_t nrec, entry_eflags, entry_esp, skip_len, handler_sets_ac;
volatile uint32_t pre_esp, kernel_esp, user_eflags, user_esp;
volatile uint16_t user_cs, user_ss;
volatile uint32_t where_eip;
volatile uint16_t code16_ran;

extern char low_start[], low_end[];
extern char h16[], h16e[], h16_exit[];
extern char k_int16[], k_int16_next[], k_trap16[], k_trap16_next[];
extern char k_bad_ds[], k_bad_ds_next[], k_lretw[], k_lretw_imm[];
extern char k_to_user[], k_lretw_user[];
extern char u_main[], u_after_int[], u_after_cli[], u_after_dpl0[];
extern char u_after_exit[], u_main2[], u2_after_exit[], h_where[], k_int_high[];
extern char h_code16[], k_int_code16[], u_iretw_at[], u_lretw_at[];

static uint8_t kernel_stack[4096] __attribute__((aligned(16)));
#define ESP0 ((uint32_t)(kernel_stack + sizeof(kernel_stack)))

#define FL_IF (1u << 9)
#define FL_AC (1u << 18)

/* The address the copy of LABEL runs at (LOW in gates16.h, typed). */
static uint32_t low(const char *label)
{
    return LOW_BASE + (uint32_t)(label - low_start);
}

/* Call the low copy of routine LABEL. */
static uint32_t run_low(const char *label)
{
    uint32_t (*fn)(void) = (uint32_t (*)(void))low(label);

    return fn();
}

static struct gatedesc *idt_base(void)
{
    struct pseudodesc pd;

    asm volatile("sidt %0" : "=m"(pd));
    return (struct gatedesc *)pd.base;
}

/* A gate of TYPE (6: 16-bit interrupt, 7: 16-bit trap) to the low copy of
 * HANDLER in the kernel's code segment, reachable from CPL <= DPL. */
static void set_gate16(uint32_t vector, unsigned type, const char *handler,
                       unsigned dpl)
{
    uint32_t offset = low(handler);

    idt_base()[vector] = (struct gatedesc){
        .offset_lo = (uint16_t)offset, .selector = SEG_KCODE, .zero = 0,
        .access = GATE_PRESENT | (uint8_t)(dpl << GATE_DPL_SHIFT) | type,
        .offset_hi = 0,
    };
}

/* Copy gates16_low.S's block to DST (rep movsb: no C library). */
static void copy_low_block(uint32_t to)
{
    uint32_t n = (uint32_t)(low_end - low_start);
    void *dst = (void *)to;
    const char *src = low_start;

    asm volatile("cld; rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

/* "ip NAME" when the recorded IP is EXPECTED, else "ip elsewhere 0x...". */
static void show_ip(uint32_t ip, uint32_t expected, const char *name)
{
    if (ip == expected)
        kprintf("ip %s", name);
    else
        kprintf("ip elsewhere 0x%04x", ip);
}

/*
 * The frame a handler found: [ERROR] IP CS FLAGS, and SP SS when it came
 * from ring 3; then the handler's IF, and how far below the interrupted
 * ESP (ring 0) or the TSS's esp0 (ring 3) its ESP lay.
 */
static void show_frame(const volatile struct record *r, int has_error,
                       int from_ring3, uint32_t next, const char *name)
{
    const volatile uint32_t *w = r->w + (has_error ? 1 : 0);

    if (has_error)
        kprintf("  error 0x%04x ", r->w[0]);
    else
        kprintf("  ");
    show_ip(w[0], next, name);
    kprintf(" cs 0x%04x flags 0x%04x", w[1], w[2]);
    if (from_ring3)
        kprintf(" sp 0x%04x ss 0x%04x", w[3], w[4]);
    kprintf("; handler IF %u, ", (r->eflags & FL_IF) ? 1 : 0);
    if (from_ring3)
        kprintf("esp0 - %u\n", ESP0 - r->esp);
    else
        kprintf("frame %u bytes\n", pre_esp - r->esp);
}

/* int n from ring 0 through an interrupt gate and a trap gate, IF 1 and 0. */
static void from_ring0(void)
{
    static const struct {
        const char *what;
        const char *routine, *next;
        int if_on;
    } cases[] = {
        { "int 0x40 (16-bit interrupt gate), IF 1", k_int16, k_int16_next, 1 },
        { "int 0x41 (16-bit trap gate), IF 1", k_trap16, k_trap16_next, 1 },
        { "int 0x40 (16-bit interrupt gate), IF 0", k_int16, k_int16_next, 0 },
        { "int 0x41 (16-bit trap gate), IF 0", k_trap16, k_trap16_next, 0 },
    };

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t after;

        nrec = 0;
        if (cases[i].if_on)
            sti();
        after = run_low(cases[i].routine);
        cli();
        kprintf("%s from ring 0:\n", cases[i].what);
        show_frame(&rec[0], 0, 0, low(cases[i].next), "next");
        kprintf("  after iretw eflags 0x%08x\n", after);
    }

    /* iretw loads the low 16 bits of EFLAGS only: AC, set by the handler,
     * stays set. */
    nrec = 0;
    handler_sets_ac = 1;
    uint32_t after = run_low(k_int16);
    handler_sets_ac = 0;
    asm volatile("pushfl; andl %0, (%%esp); popfl" : : "i"(~FL_AC) : "cc");
    kprintf("handler sets AC, iretw: eflags after 0x%08x (AC %u)\n", after,
            (after & FL_AC) ? 1 : 0);
}

/* #GP with an error code through a 16-bit interrupt gate, from ring 0. */
static void error_code_from_ring0(void)
{
    uint32_t after;

    nrec = 0;
    skip_len = 2;
    after = run_low(k_bad_ds);
    skip_len = 0;
    kprintf("mov ds, 0x%x at ring 0, #GP through a 16-bit gate:\n",
            SEL_BEYOND_GDT);
    show_frame(&rec[0], 1, 0, low(k_bad_ds_next) - 2, "at the mov");
    kprintf("  after iretw eflags 0x%08x, ds 0x%04x\n", after, read_ds());
}

/* lretw to ring 0, with and without released parameters. */
static void far_returns(void)
{
    kprintf("lretw to ring 0: esp moved %d\n", (int)run_low(k_lretw));
    kprintf("lretw $4 to ring 0: esp moved %d\n", (int)run_low(k_lretw_imm));
}

/*
 * iretw to ring 3; there: int through a DPL-3 16-bit interrupt gate (and
 * iretw back to ring 3), cli (#GP(0) through the 16-bit #GP gate), int
 * through a DPL-0 gate (#GP(0x202)), iretw and lretw to ring 0 (#GP(0x08):
 * a return to an inner ring), and a DPL-3 trap gate back to ring 0.
 */
static void user_mode(void)
{
    nrec = 0;
    run_low(k_to_user);
    cli();
    kprintf("iretw to ring 3: eflags 0x%08x esp 0x%08x cs 0x%04x ss 0x%04x\n",
            user_eflags, user_esp, user_cs, user_ss);
    kprintf("int 0x42 (16-bit interrupt gate, DPL 3) from ring 3:\n");
    show_frame(&rec[0], 0, 1, low(u_after_int), "next");
    kprintf("cli at ring 3, #GP through a 16-bit gate:\n");
    show_frame(&rec[1], 1, 1, low(u_after_cli) - 1, "at the cli");
    kprintf("int 0x40 (DPL 0) from ring 3, #GP through a 16-bit gate:\n");
    show_frame(&rec[2], 1, 1, low(u_after_dpl0) - 2, "at the int");
    kprintf("iretw to ring 0 from ring 3, #GP through a 16-bit gate:\n");
    show_frame(&rec[3], 1, 1, low(u_iretw_at), "at the iretw");
    kprintf("lretw to ring 0 from ring 3, #GP through a 16-bit gate:\n");
    show_frame(&rec[4], 1, 1, low(u_lretw_at), "at the lretw");
    kprintf("int 0x43 (16-bit trap gate, DPL 3) from ring 3:\n");
    show_frame(&rec[5], 0, 1, low(u_after_exit), "next");
    kprintf("records %u\n", nrec);

    /* lretw $2 to ring 3 releases 2 bytes of the outer stack too. */
    nrec = 0;
    sti();
    run_low(k_lretw_user);
    cli();
    kprintf("lretw $2 to ring 3: eflags 0x%08x esp 0x%08x\n", user_eflags,
            user_esp);
    kprintf("int 0x43 from there:\n");
    show_frame(&rec[0], 0, 1, low(u2_after_exit), "next");
}

/*
 * Bits 31:16 of a 16-bit gate's offset are reserved.  The SDM loads IP
 * from bits 15:0; QEMU 7.2, the reference, uses all 32 (pinned here, and
 * followed by the monitor): the handler runs in the copy at HIGH_COPY.
 */
static void reserved_offset_bits(void)
{
    struct gatedesc *g = &idt_base()[V_HIGH_OFFSET];

    copy_low_block(HIGH_COPY);
    set_gate16(V_HIGH_OFFSET, 6, h_where, DPL_KERNEL);
    g->offset_hi = (uint16_t)(HIGH_COPY >> 16);
    run_low(k_int_high);
    kprintf("16-bit gate with offset bits 31:16 = 0x%04x: handler ran in %s\n",
            g->offset_hi,
            where_eip >> 16 == g->offset_hi ? "the copy they point at"
            : where_eip >> 16 == 0 ? "the copy below 64 KiB" : "neither copy");
}

/*
 * The command-line case "code16": a 16-bit gate into a 16-bit code segment
 * (CS.D = 0), whose handler returns with a 16-bit iret.  Natively it runs;
 * the monitor does not decode 16-bit code, and stops the guest at the
 * handler's iret with a report saying so (a documented difference).
 */
static void code16_handler(void)
{
    static struct segdesc gdt[7];
    struct pseudodesc old;

    asm volatile("sgdt %0" : "=m"(old));
    for (unsigned i = 0; i < 6; i++)
        gdt[i] = ((const struct segdesc *)old.base)[i];
    gdt[SEL_CODE16 >> 3] = (struct segdesc){ 0xffff, 0, 0,
        SEG_PRESENT | SEG_S | SEG_EXEC | SEG_RW | SEG_ACCESSED, 0x00, 0 };
    lgdt(gdt, 7);
    set_gate16(V_CODE16, 6, h_code16, DPL_KERNEL);
    idt_base()[V_CODE16].selector = SEL_CODE16;
    run_low(k_int_code16);
    kprintf("handler in a 16-bit code segment: %s\n",
            code16_ran ? "ran and returned" : "did not run");
}

/* The first word after the kernel's path on the command line is "code16". */
static int asked_for_code16(const struct multiboot_info *mbi)
{
    const char *s = (const char *)mbi->cmdline, *want = "code16";

    while (*s && *s != ' ')
        s++;
    while (*s == ' ')
        s++;
    while (*want && *s == *want)
        s++, want++;
    return *want == 0 && (*s == 0 || *s == ' ');
}

void kmain(uint32_t magic, struct multiboot_info *mbi)
{
    struct gatedesc gp32;

    (void)magic;
    uart_init();
    pic_mask_all();
    gdt_init();
    idt_init();
    tss_init();
    tss_set_kernel_stack(ESP0);
    copy_low_block(LOW_BASE);
    set_gate16(V_INT16, 6, h16, DPL_KERNEL);
    set_gate16(V_TRAP16, 7, h16, DPL_KERNEL);
    set_gate16(V_USER_INT16, 6, h16, DPL_USER);
    set_gate16(V_USER_EXIT, 7, h16_exit, DPL_USER);
    kprintf("gates16: conformance guest\n");
    if (asked_for_code16(mbi)) {
        code16_handler();
        poweroff(0);
    }

    from_ring0();
    far_returns();
    reserved_offset_bits();
    gp32 = idt_base()[V_GP];
    set_gate16(V_GP, 6, h16e, DPL_KERNEL);
    error_code_from_ring0();
    user_mode();
    idt_base()[V_GP] = gp32;
    kprintf("gates16: done\n");
    poweroff(0);
}
