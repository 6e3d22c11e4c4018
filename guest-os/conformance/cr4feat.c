/*
 * cr4feat.c - conformance guest: the CR4 features the CPU model offers.
 *
 * The problem: CPUID does not fault, so a guest sees every feature of the
 * CPU model it runs on and may turn each on in CR4.  Under the monitor the
 * guest kernel runs at CPL 1 on shadow page tables, so each feature is a
 * place where it could see a difference: SMEP and SMAP are enforced by the
 * real CPU on the shadow and must fault as the guest's own CPU would (and
 * the monitor's emulated accesses must obey them too); stac and clac raise
 * #UD at CPL 1; UMIP decides whether sgdt and friends fault at CPL 3;
 * OSXSAVE opens xgetbv and xsetbv.
 *
 * The approach: print what CPUID offers, then turn each offered bit on and
 * read CR4 back (only offered bits: QEMU 7.2 hangs on a reserved one), then
 * exercise each feature at CPL 0 and CPL 3 with the paging guest's probes
 * (paging.c, paging_user.c).  SMEP and SMAP need a kernel that runs from
 * supervisor pages: their tests run in an address space whose identity map
 * is supervisor-only, with a few user pages far above it:
 *
 *   0x40000000  VA_UDATA   user data page
 *   0x40001000  VA_UCODE   user page holding "jmp *%ecx" at CODE_OFF
 *   0x40002000  VA_ABSENT  not present
 *   0x40003000  VA_UTABLE  user mapping of the page table behind them all
 *   0x40004000  VA_USTACK  user page used as a stack
 *   0x40005000             supervisor page, made user through VA_UTABLE
 *   0x40006000  VA_URO     read-only user page holding "jmp *%ecx" too
 */
#include "paging_guest.h"

#define VA_UDATA   0x40000000u
#define VA_UCODE   0x40001000u
#define VA_ABSENT  0x40002000u
#define VA_UTABLE  0x40003000u
#define VA_USTACK  0x40004000u
#define VA_MAPPED_BY_TABLE 0x40005000u   /* changed through VA_UTABLE */
#define VA_URO     0x40006000u          /* read-only user page */
#define CODE_OFF   0x100u
#define PD_OFF     0x100u               /* pseudo-descriptors in VA_UDATA */
#define IO_OFF     0x200u               /* string I/O buffer in VA_UDATA */
#define UART_SCR   0x3ffu               /* COM1 scratch register (the insn_ routines too) */

#define CR4_VME        (1u << 0)
#define CR4_PVI        (1u << 1)
#define CR4_TSD        (1u << 2)
#define CR4_DE         (1u << 3)
#define CR4_PAE        (1u << 5)
#define CR4_MCE        (1u << 6)
#define CR4_PCE        (1u << 8)
#define CR4_OSFXSR     (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_UMIP       (1u << 11)
#define CR4_LA57       (1u << 12)
#define CR4_FSGSBASE   (1u << 16)
#define CR4_OSXSAVE    (1u << 18)
#define CR4_SMEP       (1u << 20)
#define CR4_SMAP       (1u << 21)
#define CR4_PKE        (1u << 22)
#define CR4_PKS        (1u << 24)
#define EFLAGS_AC      (1u << 18)

/* ---- CPUID --------------------------------------------------------------- */

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    asm volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                 : "a"(leaf), "c"(sub));
}

/* What CPUID offers: the bits this guest relies on, one line per leaf. */
static struct {
    uint32_t l1[4], l7[4], xcr0;
} offered;

#define BIT(word, n) (((word) >> (n)) & 1)

static void cpuid_features(void)
{
    uint32_t ld[4];

    cpuid(1, 0, offered.l1);
    cpuid(7, 0, offered.l7);
    cpuid(0xd, 0, ld);
    offered.xcr0 = ld[0];
    kprintf("cpuid 1: edx vme %u pse %u pae %u mce %u pge %u fxsr %u "
            "sse %u; ecx xsave %u osxsave %u avx %u\n",
            BIT(offered.l1[3], 1), BIT(offered.l1[3], 3),
            BIT(offered.l1[3], 6), BIT(offered.l1[3], 7),
            BIT(offered.l1[3], 13), BIT(offered.l1[3], 24),
            BIT(offered.l1[3], 25), BIT(offered.l1[2], 26),
            BIT(offered.l1[2], 27), BIT(offered.l1[2], 28));
    kprintf("cpuid 7: ebx fsgsbase %u smep %u mpx %u smap %u; ecx umip %u "
            "pku %u ospke %u la57 %u pks %u\n",
            BIT(offered.l7[1], 0), BIT(offered.l7[1], 7),
            BIT(offered.l7[1], 14), BIT(offered.l7[1], 20),
            BIT(offered.l7[2], 2), BIT(offered.l7[2], 3),
            BIT(offered.l7[2], 4), BIT(offered.l7[2], 16),
            BIT(offered.l7[2], 31));
    kprintf("cpuid 0xd: xcr0 components offered 0x%08x\n", offered.xcr0);
}

/* Is CR4 bit BIT offered: always (as QEMU decides it), or by CPUID? */
static int cr4_offered(uint32_t bit)
{
    switch (bit) {
    case CR4_UMIP:     return BIT(offered.l7[2], 2);
    case CR4_LA57:     return BIT(offered.l7[2], 16);
    case CR4_FSGSBASE: return BIT(offered.l7[1], 0);
    case CR4_OSXSAVE:  return BIT(offered.l1[2], 26);
    case CR4_SMEP:     return BIT(offered.l7[1], 7);
    case CR4_SMAP:     return BIT(offered.l7[1], 20);
    case CR4_PKE:      return BIT(offered.l7[2], 3);
    case CR4_PKS:      return BIT(offered.l7[2], 31);
    default:           return 1;
    }
}

/* ---- the instructions probed (each may clobber any register) ----------- */

uint32_t insn_sgdt(void), insn_sidt(void), insn_sldt(void), insn_str(void);
uint32_t insn_smsw(void), insn_stac(void), insn_clac(void), insn_ac(void);
uint32_t insn_popf_ac(void), insn_cli(void), insn_xgetbv(void);
uint32_t insn_xsetbv(void), insn_avx(void), insn_rdfsbase(void);
uint32_t insn_sgdt_user_page(void), insn_lgdt_user_page(void);
uint32_t insn_outsb_user_page(void), insn_insb_user_page(void);
uint32_t insn_int3_on_user_stack(void);

struct pseudodesc insn_pd;
uint32_t xsetbv_ecx, xsetbv_eax, xsetbv_edx;
uint8_t avx_in[32] __attribute__((aligned(32)));
uint8_t avx_out[32] __attribute__((aligned(32)));
/* The user-page operands of the insn_ routines that must obey SMAP. */
const uint32_t user_pd_va = VA_UDATA + PD_OFF;
const uint32_t user_io_va = VA_UDATA + IO_OFF;
const uint32_t user_stack_top = VA_USTACK + PAGE_SIZE;

asm(".text\n"
    "insn_sgdt:  sgdt insn_pd; movzwl insn_pd, %eax; ret\n"
    "insn_sidt:  sidt insn_pd; movzwl insn_pd, %eax; ret\n"
    "insn_sldt:  sldt %ax; movzwl %ax, %eax; ret\n"
    "insn_str:   str %ax; movzwl %ax, %eax; ret\n"
    "insn_smsw:  smsw %eax; movzwl %ax, %eax; ret\n"
    "insn_stac:  stac\n"
    "insn_ac:    pushfl; popl %eax; andl $0x40000, %eax; ret\n"
    "insn_clac:  clac; jmp insn_ac\n"
    "insn_popf_ac: pushfl; orl $0x40000, (%esp); popfl; jmp insn_ac\n"
    "insn_cli:   cli; xorl %eax, %eax; ret\n"
    "insn_xgetbv: xorl %ecx, %ecx; xgetbv; ret\n"
    "insn_xsetbv: movl xsetbv_ecx, %ecx; movl xsetbv_eax, %eax\n\t"
    "            movl xsetbv_edx, %edx; xsetbv; ret\n"
    "insn_avx:   vmovdqa avx_in, %ymm0; vmovdqa %ymm0, avx_out\n\t"
    "            vzeroupper; movl avx_out + 28, %eax; ret\n"
    "insn_rdfsbase: .byte 0xf3, 0x0f, 0xae, 0xc0; ret\n"     /* rdfsbase %eax */
    "insn_sgdt_user_page: movl user_pd_va, %ecx; sgdt (%ecx)\n\t"
    "            movzwl (%ecx), %eax; ret\n"
    "insn_lgdt_user_page: movl user_pd_va, %ecx; lgdt (%ecx)\n\t"
    "            xorl %eax, %eax; ret\n"
    "insn_outsb_user_page: movl user_io_va, %esi; movl $0x3ff, %edx\n\t"
    "            cld; outsb; xorl %eax, %eax; inb %dx, %al; ret\n"
    "insn_insb_user_page: movl user_io_va, %edi; movl $0x3ff, %edx\n\t"
    "            cld; insb; movl user_io_va, %ecx; movzbl (%ecx), %eax; ret\n"
    "insn_int3_on_user_stack: movl user_stack_top, %esp; int3; ret\n");

/* Print NAME and what probing FN did: "ok 0x..." or the fault. */
static void show(const char *name, uint32_t (*fn)(void))
{
    kprintf("%s: ", name);
    outcome_print(probe_call(fn), 1);
    kprintf("\n");
}

static void show_outcome(const char *name, struct outcome o, int with_value)
{
    kprintf("%s: ", name);
    outcome_print(o, with_value);
    kprintf("\n");
}

/* ---- CR4, bit by bit (paging off) --------------------------------------- */

static const struct {
    const char *name;
    uint32_t bit;
} cr4_bits[] = {
    { "vme", CR4_VME }, { "pvi", CR4_PVI }, { "tsd", CR4_TSD },
    { "de", CR4_DE }, { "pse", CR4_PSE }, { "pae", CR4_PAE },
    { "mce", CR4_MCE }, { "pge", CR4_PGE }, { "pce", CR4_PCE },
    { "osfxsr", CR4_OSFXSR }, { "osxmmexcpt", CR4_OSXMMEXCPT },
    { "umip", CR4_UMIP }, { "la57", CR4_LA57 }, { "fsgsbase", CR4_FSGSBASE },
    { "osxsave", CR4_OSXSAVE }, { "smep", CR4_SMEP }, { "smap", CR4_SMAP },
    { "pke", CR4_PKE }, { "pks", CR4_PKS },
};

/*
 * Turn each offered bit on alone, read CR4 back, turn it off.  Then SMEP
 * and SMAP together while paging is off, where they mean nothing: the
 * kernel (all of it in what would be user pages) must run on.
 */
static void cr4_bit_by_bit(void)
{
    uint32_t boot = read_cr4();
    volatile uint32_t data = 0x1234;

    kprintf("cr4 at boot 0x%08x\n", boot);
    for (unsigned i = 0; i < sizeof(cr4_bits) / sizeof(cr4_bits[0]); i++) {
        if (!cr4_offered(cr4_bits[i].bit)) {
            kprintf("cr4.%s: not offered\n", cr4_bits[i].name);
            continue;
        }
        write_cr4(boot | cr4_bits[i].bit);
        kprintf("cr4.%s: cr4 reads 0x%08x\n", cr4_bits[i].name, read_cr4());
        write_cr4(boot);
    }
    write_cr4(boot | CR4_SMEP | CR4_SMAP);
    data += 1;
    kprintf("paging off, cr4 0x%08x: the kernel runs, data 0x%x\n",
            read_cr4(), data);
    write_cr4(boot);
}

/* ---- UMIP, stac/clac and PVI at CPL 3 (identity map all user) ---------- */

#define USER_RESULTS 12
static struct outcome user_seen[USER_RESULTS];

static void user_probes(void)
{
    user_seen[0] = probe_call(insn_sgdt);
    user_seen[1] = probe_call(insn_sidt);
    user_seen[2] = probe_call(insn_sldt);
    user_seen[3] = probe_call(insn_str);
    user_seen[4] = probe_call(insn_smsw);
    user_seen[5] = probe_call(insn_stac);
    user_seen[6] = probe_call(insn_clac);
    user_seen[7] = probe_call(insn_xgetbv);
    user_seen[8] = probe_call(insn_xsetbv);
    user_seen[9] = probe_call(insn_rdfsbase);
    user_seen[10] = probe_call(insn_cli);
    user_seen[11] = probe_call(insn_popf_ac);
}

static void user_report(const char *when)
{
    static const char *const names[USER_RESULTS] = {
        "sgdt limit", "sidt limit", "sldt", "str", "smsw (low 16)",
        "stac", "clac", "xgetbv", "xsetbv", "rdfsbase", "cli",
        "popf ac",
    };

    run_user(user_probes);
    insn_clac();                /* the user's popf left AC set */
    for (unsigned i = 0; i < USER_RESULTS; i++) {
        kprintf("%s: user %s: ", when, names[i]);
        outcome_print(user_seen[i], 1);
        kprintf("\n");
    }
}

/*
 * UMIP: with the guest's CR4.UMIP clear, sgdt, sidt, sldt, str and smsw
 * work at CPL 3 (under the monitor they fault on the real CPU, which has
 * UMIP on, and are emulated); with it set they raise #GP(0) - at CPL 3
 * only.  stac and clac raise #UD at CPL 3; PVI does not make cli at CPL 3
 * touch VIF on the reference CPU.
 */
static void cpl3_features(void)
{
    uint32_t cr4 = read_cr4();

    user_report("umip clear");
    write_cr4(cr4 | CR4_UMIP | CR4_PVI | CR4_VME);
    kprintf("cr4 0x%08x\n", read_cr4());
    user_report("umip, pvi set");
    show("umip set: kernel sgdt limit", insn_sgdt);
    show("umip set: kernel smsw (low 16)", insn_smsw);
    write_cr4(cr4);
}

/*
 * stac and clac at CPL 0 set and clear EFLAGS.AC, with CR4.SMAP clear too
 * (they depend on CPUID.SMAP, not on CR4); under the monitor they raise #UD
 * at CPL 1 and are emulated.
 */
static void stac_clac_kernel(void)
{
    show("kernel stac, cr4.smap clear: eflags.ac", insn_stac);
    show("kernel clac, cr4.smap clear: eflags.ac", insn_clac);
    show("kernel popf with ac: eflags.ac", insn_popf_ac);
    show("kernel clac: eflags.ac", insn_clac);
}

/* ---- SMEP and SMAP (identity map supervisor-only) ---------------------- */

static pde_t *sup_space;
static pte_t *user_table;

/* The supervisor address space and its user pages (see the top). */
static void sup_space_build(void)
{
    uint32_t udata = frame_alloc(), ucode = frame_alloc();
    uint32_t ustack = frame_alloc(), target = frame_alloc();
    uint32_t uro = frame_alloc();

    sup_space = space_new();
    for (uint32_t t = 0; t < IDENTITY_END / BIG_PAGE_SIZE; t++)
        sup_space[t] &= ~PTE_U;
    frame_sign(udata);
    frame_sign(target);
    plant_return(ucode + CODE_OFF);
    map_page(sup_space, VA_UDATA, udata, PTE_P | PTE_W | PTE_U);
    map_page(sup_space, VA_UCODE, ucode, PTE_P | PTE_W | PTE_U);
    map_page(sup_space, VA_USTACK, ustack, PTE_P | PTE_W | PTE_U);
    user_table = table_of(sup_space, VA_UDATA);
    map_page(sup_space, VA_UTABLE, (uint32_t)user_table,
             PTE_P | PTE_W | PTE_U);
    map_page(sup_space, VA_MAPPED_BY_TABLE, target, PTE_P | PTE_W);
    plant_return(uro + CODE_OFF);
    map_page(sup_space, VA_URO, uro, PTE_P | PTE_U);
}

/* Fetch at VA (where "jmp *%ecx" waits) and print what happened. */
static void fetch_at(const char *name, uint32_t va)
{
    show_outcome(name, probe_fetch(va), 0);
}

/*
 * SMEP: the kernel may not run code from a user page; every fetch fault
 * then reports I/D (error bit 4), and the refused leaf gets no Accessed
 * bit.  Fetching from supervisor pages and reading user pages go on.
 */
static void smep(void)
{
    uint32_t kcode = frame_alloc();
    pte_t *ucode_pte = pte_of(sup_space, VA_UCODE);

    plant_return(kcode + CODE_OFF);
    fetch_at("smep clear: kernel fetch from a user page", VA_UCODE + CODE_OFF);
    fetch_at("smep clear: kernel fetch from an absent page", VA_ABSENT);
    *ucode_pte &= ~PTE_A;
    invlpg((void *)VA_UCODE);
    cr4_set(CR4_SMEP, 1);
    kprintf("smep set: cr4 0x%08x\n", read_cr4());
    fetch_at("smep set: kernel fetch from a user page", VA_UCODE + CODE_OFF);
    kprintf("smep set: user code page after the refused fetch: %s\n",
            ad_str(*ucode_pte));
    fetch_at("smep set: kernel fetch from an absent page", VA_ABSENT + 8);
    fetch_at("smep set: kernel fetch from a supervisor page",
             kcode + CODE_OFF);
    show_outcome("smep set: kernel read of the user code page",
                 probe_read(VA_UCODE + CODE_OFF), 1);
    cr4_set(CR4_SMEP, 0);
    fetch_at("smep clear again: kernel fetch from a user page",
             VA_UCODE + CODE_OFF);
}

/* The kernel's data accesses to user pages under SMAP, AC clear and set. */
static void smap_data(void)
{
    show_outcome("smap set, ac 0: kernel read of a user page",
                 probe_read(VA_UDATA + 8), 1);
    show_outcome("smap set, ac 0: kernel write of a user page",
                 probe_write(VA_UDATA + 8, 0x11111111), 0);
    fetch_at("smap set: kernel fetch from a user page", VA_UCODE + CODE_OFF);
    show_outcome("smap set: kernel read of a supervisor page",
                 probe_read((uint32_t)user_table), 1);
    show("stac: eflags.ac", insn_stac);
    show_outcome("smap set, ac 1: kernel write of a user page",
                 probe_write(VA_UDATA + 8, 0x22222222), 0);
    show_outcome("smap set, ac 1: kernel read of a user page",
                 probe_read(VA_UDATA + 8), 1);
    show("clac: eflags.ac", insn_clac);
    show_outcome("smap set, ac 0 again: kernel read of a user page",
                 probe_read(VA_UDATA + 8), 1);
    show("popf sets ac: eflags.ac", insn_popf_ac);
    show_outcome("smap set, ac 1 by popf: kernel read of a user page",
                 probe_read(VA_UDATA + 8), 1);
    show("clac: eflags.ac", insn_clac);
}

/*
 * Instructions the monitor carries out itself (at CPL 1 they fault, or
 * they write a page table it traces) must obey SMAP as the CPU would: sgdt
 * and lgdt with a user-page operand, outs from and ins to a user page, a
 * page-table write through a user mapping, and an exception delivered onto
 * a stack in a user page (with AC set: the reference CPU lets that through;
 * with AC clear it would end in a triple fault).
 */
static void smap_emulated(void)
{
    struct pseudodesc gdtr;
    volatile struct pseudodesc *user_pd = (struct pseudodesc *)user_pd_va;
    pte_t *mapped = &user_table[PTX(VA_MAPPED_BY_TABLE)];
    uint32_t table_va = VA_UTABLE + PTX(VA_MAPPED_BY_TABLE) * 4;

    asm volatile("sgdt %0" : "=m"(gdtr));
    show("smap set, ac 0: sgdt to a user page", insn_sgdt_user_page);
    show("smap set, ac 0: lgdt from a user page", insn_lgdt_user_page);
    outb(UART_SCR, 0x5a);
    show("smap set, ac 0: outsb from a user page", insn_outsb_user_page);
    show("smap set, ac 0: insb to a user page", insn_insb_user_page);
    show_outcome("smap set, ac 0: page-table write through a user mapping",
                 probe_write(table_va, *mapped | PTE_U), 0);
    insn_stac();
    user_pd->limit = gdtr.limit;
    user_pd->base = gdtr.base;
    *(volatile uint8_t *)user_io_va = 0xa5;
    show("smap set, ac 1: sgdt to a user page", insn_sgdt_user_page);
    show("smap set, ac 1: lgdt from a user page", insn_lgdt_user_page);
    show("smap set, ac 1: outsb from a user page (scratch)",
         insn_outsb_user_page);
    outb(UART_SCR, 0x3c);
    show("smap set, ac 1: insb to a user page", insn_insb_user_page);
    show_outcome("smap set, ac 1: page-table write through a user mapping",
                 probe_write(table_va, *mapped | PTE_U), 0);
    invlpg((void *)VA_MAPPED_BY_TABLE);
    show_outcome("smap set, ac 1: the page it made a user page",
                 probe_read(VA_MAPPED_BY_TABLE), 1);
    insn_clac();
    show_outcome("smap set, ac 0: the page it made a user page",
                 probe_read(VA_MAPPED_BY_TABLE), 1);
    insn_stac();
    show("smap set, ac 1: int3 on a stack in a user page",
         insn_int3_on_user_stack);
    insn_clac();
}

static void smap(void)
{
    cr4_set(CR4_SMAP, 1);
    kprintf("smap set: cr4 0x%08x\n", read_cr4());
    smap_data();
    smap_emulated();
    cr4_set(CR4_SMAP, 0);
    show_outcome("smap clear: kernel read of a user page",
                 probe_read(VA_UDATA + 8), 1);
}

/*
 * CR0.WP clear lets the kernel write a read-only user page, but under SMEP
 * and SMAP it stays a user page: the kernel may still not run code from it,
 * nor read it with AC clear, after writing it.
 */
static void wp_clear(void)
{
    set_wp(0);
    cr4_set(CR4_SMEP | CR4_SMAP, 1);
    kprintf("wp clear, smep and smap set: cr0.wp %u cr4 0x%08x\n",
            (read_cr0() & CR0_WP) != 0, read_cr4());
    show_outcome("ac 0: kernel write of a read-only user page",
                 probe_write(VA_URO + 8, 0x33333333), 0);
    insn_stac();
    show_outcome("ac 1: kernel write of a read-only user page",
                 probe_write(VA_URO + 8, 0x44444444), 0);
    show_outcome("ac 1: kernel read of it", probe_read(VA_URO + 8), 1);
    insn_clac();
    show_outcome("ac 0: kernel read of it", probe_read(VA_URO + 8), 1);
    fetch_at("kernel fetch from it", VA_URO + CODE_OFF);
    kprintf("its entry: %s %s\n", rights_str(*pte_of(sup_space, VA_URO)),
            ad_str(*pte_of(sup_space, VA_URO)));
    cr4_set(CR4_SMEP | CR4_SMAP, 0);
    show_outcome("wp clear, smep and smap clear: kernel write of it",
                 probe_write(VA_URO + 8, 0x55555555), 0);
    fetch_at("wp clear, smep and smap clear: kernel fetch from it",
             VA_URO + CODE_OFF);
    cr4_set(CR4_SMEP, 1);
    fetch_at("wp clear, smep set again: kernel fetch from it",
             VA_URO + CODE_OFF);
    cr4_set(CR4_SMEP, 0);
    set_wp(1);
}

/*
 * Paging turned on with SMEP and SMAP already set: they take effect with
 * it (and the kernel, in supervisor pages, runs on).
 */
static void paging_on_with_smep_smap(void)
{
    write_cr0(read_cr0() & ~CR0_PG);
    cr4_set(CR4_SMEP | CR4_SMAP, 1);
    kprintf("paging off, cr4 0x%08x\n", read_cr4());
    write_cr3((uint32_t)sup_space);
    write_cr0(read_cr0() | CR0_PG);
    kprintf("paging on again, cr0 PG %u\n", read_cr0() >> 31);
    fetch_at("smep set: kernel fetch from a user page", VA_UCODE + CODE_OFF);
    show_outcome("smap set, ac 0: kernel read of a user page",
                 probe_read(VA_UDATA + 8), 1);
    cr4_set(CR4_SMEP | CR4_SMAP, 0);
}

static void smep_smap(void)
{
    sup_space_build();
    write_cr3((uint32_t)sup_space);
    kprintf("supervisor-only identity map: cr3 is it: %s\n",
            read_cr3() == (uint32_t)sup_space ? "yes" : "no");
    smep();
    smap();
    wp_clear();
    paging_on_with_smep_smap();
    write_cr3((uint32_t)main_space);
}

/* ---- OSXSAVE, FSGSBASE -------------------------------------------------- */

static void xsetbv_try(const char *name, uint32_t xcr, uint64_t value)
{
    xsetbv_ecx = xcr;
    xsetbv_eax = (uint32_t)value;
    xsetbv_edx = (uint32_t)(value >> 32);
    show(name, insn_xsetbv);
}

/*
 * OSXSAVE opens xgetbv and xsetbv (#UD before).  xsetbv takes XCR0 only,
 * with x87, never AVX without SSE, nothing CPUID does not offer; at CPL 3
 * it raises #GP, while xgetbv works there.  AVX then works for real.
 */
static void osxsave(void)
{
    uint32_t cr4 = read_cr4(), l1[4];

    xsetbv_try("osxsave clear: xsetbv xcr0 3", 0, 3);
    show("osxsave clear: xgetbv xcr0", insn_xgetbv);
    write_cr4(cr4 | CR4_OSXSAVE);
    cpuid(1, 0, l1);
    kprintf("osxsave set: cr4 0x%08x, cpuid osxsave %u\n", read_cr4(),
            BIT(l1[2], 27));
    show("osxsave set: xgetbv xcr0", insn_xgetbv);
    xsetbv_try("xsetbv xcr0 2 (no x87)", 0, 2);
    xsetbv_try("xsetbv xcr0 5 (avx without sse)", 0, 5);
    xsetbv_try("xsetbv xcr1", 1, 1);
    xsetbv_try("xsetbv xcr0 bit 9 (pkru)", 0, 0x201);
    xsetbv_try("xsetbv xcr0 bit 32", 0, 1ull << 32 | 1);
    xsetbv_try("xsetbv xcr0 offered (x87 sse avx)", 0, offered.xcr0 & 7);
    show("xgetbv xcr0", insn_xgetbv);
    for (unsigned i = 0; i < sizeof(avx_in); i++)
        avx_in[i] = (uint8_t)(i * 7 + 1);
    if (offered.xcr0 & 4)
        show("avx: the top of a ymm register copied", insn_avx);
    user_report("osxsave set");
    xsetbv_try("xsetbv xcr0 1", 0, 1);
    write_cr4(cr4);
    show("osxsave clear again: xgetbv xcr0", insn_xgetbv);
}

/* FSGSBASE can be set, but rdfsbase exists in 64-bit mode only. */
static void fsgsbase(void)
{
    uint32_t cr4 = read_cr4();

    write_cr4(cr4 | CR4_FSGSBASE);
    kprintf("fsgsbase set: cr4 0x%08x\n", read_cr4());
    show("fsgsbase set: kernel rdfsbase", insn_rdfsbase);
    write_cr4(cr4);
}

void kmain(uint32_t magic, void *mbi)
{
    (void)magic;
    (void)mbi;
    paging_guest_start("cr4feat");
    cpuid_features();
    cr4_bit_by_bit();
    paging_on();
    stac_clac_kernel();
    cpl3_features();
    smep_smap();
    osxsave();
    fsgsbase();
    kprintf("cr4feat: done\n");
    poweroff(0);
}
