/*
 * paging.c - conformance guest: what a kernel sees of its CPU's paging.
 *
 * The problem: a monitor with shadow page tables stands between the guest's
 * page tables and the real CPU, so every rule of the paging architecture -
 * who may read, write or fetch what, which error code and CR2 a refusal
 * carries, where the CPU sets Accessed and Dirty, when a changed entry
 * takes effect - is a place where the shadow could differ from the CPU it
 * imitates.  This guest exercises them and prints what it sees (the list is
 * in paging_guest.h); natively on QEMU that is the reference.
 *
 * The approach: the guest identity-maps its first 16 MiB with 4 KiB pages,
 * user-accessible and writable, so that both its kernel and its user-mode
 * code (paging_user.c) can run the same probes.  Test mappings live far
 * above, at fixed linear addresses, so the addresses printed (CR2) do not
 * depend on how the guest was linked.  A probe performs one access; if it
 * faults, the trap handler records vector, error code, CR2 and CPL, and
 * resumes at the label after the access.
 */
#include "paging_guest.h"

#define EXCEPTIONS 32
#define SIGNED_WORDS (PAGE_SIZE / 4)

pde_t *main_space;
int (*page_fault_hook)(struct trapframe *tf, uint32_t cr2);

static uint32_t next_frame = FRAME_POOL;
static pte_t *identity_tables[IDENTITY_END / BIG_PAGE_SIZE];

extern char __bss_end[];

/* ---- frames and address spaces ----------------------------------------- */

uint32_t frame_alloc(void)
{
    uint32_t pa = next_frame;
    uint32_t *p = (uint32_t *)pa;

    if (pa >= FRAME_POOL_END) {
        kprintf("FAIL: out of frames\n");
        poweroff(1);
    }
    next_frame += PAGE_SIZE;
    for (unsigned i = 0; i < SIGNED_WORDS; i++)
        p[i] = 0;
    return pa;
}

void frame_sign(uint32_t pa)
{
    uint32_t *p = (uint32_t *)pa;

    for (unsigned i = 0; i < SIGNED_WORDS; i++)
        p[i] = frame_signature(pa);
}

/* The identity map of [0, IDENTITY_END): one table per 4 MiB. */
static void identity_build(void)
{
    for (uint32_t t = 0; t < IDENTITY_END / BIG_PAGE_SIZE; t++) {
        identity_tables[t] = (pte_t *)frame_alloc();
        for (uint32_t i = 0; i < ENTRIES_PER_TABLE; i++)
            identity_tables[t][i] = (t * BIG_PAGE_SIZE + i * PAGE_SIZE) |
                                    PTE_P | PTE_W | PTE_U;
    }
}

pde_t *space_new(void)
{
    pde_t *pd = (pde_t *)frame_alloc();

    for (uint32_t t = 0; t < IDENTITY_END / BIG_PAGE_SIZE; t++)
        pd[t] = (uint32_t)identity_tables[t] | PDE_IDENTITY_FLAGS;
    return pd;
}

pte_t *table_of(pde_t *pd, uint32_t va)
{
    if (!(pd[PDX(va)] & PTE_P))
        pd[PDX(va)] = frame_alloc() | PDE_IDENTITY_FLAGS;
    return (pte_t *)pte_frame(pd[PDX(va)]);
}

pte_t *pte_of(pde_t *pd, uint32_t va)
{
    return &table_of(pd, va)[PTX(va)];
}

void map_page(pde_t *pd, uint32_t va, uint32_t pa, uint32_t flags)
{
    *pte_of(pd, va) = pa | flags;
}

/* One of four rotating buffers, so a kprintf may use several strings. */
static char *scratch(void)
{
    static char bufs[4][4];
    static unsigned next;

    return bufs[next++ % 4];
}

const char *rights_str(uint32_t entry)
{
    char *s = scratch();

    s[0] = entry & PTE_P ? 'P' : '-';
    s[1] = entry & PTE_W ? 'W' : '-';
    s[2] = entry & PTE_U ? 'U' : '-';
    s[3] = 0;
    return s;
}

const char *ad_str(uint32_t entry)
{
    char *s = scratch();

    s[0] = entry & PTE_A ? 'A' : '-';
    s[1] = entry & PTE_D ? 'D' : '-';
    s[2] = 0;
    return s;
}

void set_wp(int on)
{
    uint32_t cr0 = read_cr0();

    write_cr0(on ? cr0 | CR0_WP : cr0 & ~CR0_WP);
}

void cr4_set(uint32_t bits, int on)
{
    uint32_t cr4 = read_cr4();

    write_cr4(on ? cr4 | bits : cr4 & ~bits);
}

/* ---- the probe ---------------------------------------------------------- */

/*
 * The probe's state.  `resume` is armed by the probe (the address right
 * after its access) and cleared when it gets there; a fault while it is
 * armed is recorded and execution resumes there.  User code writes it too:
 * it lives in the identity map, which is user-writable.
 */
static volatile struct {
    uint32_t resume;
    struct outcome seen;
} probe;

static void probe_fault(struct trapframe *tf)
{
    uint32_t cr2 = tf->trapno == T_PGFLT ? read_cr2() : 0;

    if (tf->trapno == T_PGFLT && page_fault_hook && page_fault_hook(tf, cr2))
        return;
    if (!probe.resume) {
        kprintf("FAIL: unexpected %s at cpl %u eip 0x%08x, error 0x%x, "
                "cr2 0x%08x\n", trap_name(tf->trapno), tf->cs & 3, tf->eip,
                tf->err, cr2);
        poweroff(1);
    }
    probe.seen.faulted = 1;
    probe.seen.vector = tf->trapno;
    probe.seen.err = tf->err;
    probe.seen.cr2 = cr2;
    probe.seen.eip = tf->eip;
    tf->eip = probe.resume;
}

static void probe_start(void)
{
    probe.seen = (struct outcome){ 0 };
}

static struct outcome probe_result(uint32_t value)
{
    struct outcome o = probe.seen;

    if (!o.faulted)
        o.value = value;
    return o;
}

__attribute__((noinline)) struct outcome probe_read(uint32_t va)
{
    uint32_t v = 0;

    probe_start();
    asm volatile("movl $1f, %[res]\n\t"
                 "movl (%[va]), %[v]\n"
                 "1:\tmovl $0, %[res]"
                 : [v] "+r"(v), [res] "=m"(probe.resume)
                 : [va] "r"(va) : "memory");
    return probe_result(v);
}

__attribute__((noinline)) struct outcome probe_write(uint32_t va,
                                                     uint32_t value)
{
    probe_start();
    asm volatile("movl $1f, %[res]\n\t"
                 "movl %[v], (%[va])\n"
                 "1:\tmovl $0, %[res]"
                 : [res] "=m"(probe.resume)
                 : [va] "r"(va), [v] "r"(value) : "memory");
    return probe_result(0);
}

__attribute__((noinline)) struct outcome probe_fetch(uint32_t va)
{
    uint32_t eax = 0;

    probe_start();
    asm volatile("movl $1f, %%ecx\n\t"
                 "movl %%ecx, %[res]\n\t"
                 "jmp *%[va]\n"
                 "1:\tmovl $0, %[res]"
                 : [res] "=m"(probe.resume), "+a"(eax)
                 : [va] "d"(va) : "ecx", "memory");
    return probe_result(eax);
}

void outcome_print(struct outcome o, int with_value)
{
    if (o.faulted && o.vector == T_PGFLT)
        kprintf("#PF err 0x%x cr2 0x%08x", o.err, o.cr2);
    else if (o.faulted)
        kprintf("%s err 0x%x", trap_name(o.vector), o.err);
    else if (with_value)
        kprintf("ok 0x%08x", o.value);
    else
        kprintf("ok");
}

void plant_return(uint32_t pa)
{
    *(volatile uint16_t *)pa = (uint16_t)FETCH_BYTES;
}

/*
 * The stack pointer probe_call had before calling its function: a fault
 * leaves the function's frame behind, and the resume path drops it.
 */
uint32_t probe_call_esp;

__attribute__((noinline)) struct outcome probe_call(uint32_t (*fn)(void))
{
    uint32_t eax = 0;
    uint32_t (*f)(void) = fn;

    probe_start();
    asm volatile("pushl %%ebx\n\t"
                 "pushl %%esi\n\t"
                 "pushl %%edi\n\t"
                 "pushl %%ebp\n\t"
                 "movl %%esp, probe_call_esp\n\t"
                 "movl $1f, %[res]\n\t"
                 "call *%[f]\n"
                 "1:\tmovl probe_call_esp, %%esp\n\t"
                 "popl %%ebp\n\t"
                 "popl %%edi\n\t"
                 "popl %%esi\n\t"
                 "popl %%ebx\n\t"
                 "movl $0, %[res]"
                 : [res] "=m"(probe.resume), "+a"(eax), [f] "+c"(f)
                 : : "edx", "cc", "memory");
    return probe_result(eax);
}

/* ---- the machine -------------------------------------------------------- */

void paging_guest_start(const char *name)
{
    uart_init();
    pic_mask_all();
    gdt_init();
    idt_init();
    for (uint32_t v = 0; v < EXCEPTIONS; v++)
        trap_register(v, probe_fault);
    user_setup();
    kprintf("%s: conformance guest\n", name);
}

/* Identity map, one address space, paging on with CR0.WP; CR4 clear. */
void paging_on(void)
{
    if ((uint32_t)__bss_end > FRAME_POOL) {
        kprintf("FAIL: the kernel reaches into the frame pool\n");
        poweroff(1);
    }
    identity_build();
    main_space = space_new();
    write_cr4(0);
    write_cr3((uint32_t)main_space);
    write_cr0(read_cr0() | CR0_PG | CR0_WP);
    kprintf("paging on: cr0 PG %u WP %u, cr3 is the directory: %s\n",
            read_cr0() >> 31, (read_cr0() & CR0_WP) != 0,
            read_cr3() == (uint32_t)main_space ? "yes" : "no");
}
