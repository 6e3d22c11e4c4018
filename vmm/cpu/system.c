/*
 * system.c - system instructions, emulated on the virtual CPU.
 *
 * The guest's control registers, descriptor-table registers, task register
 * and MSRs are virtual: they live in struct vcpu and reach the real CPU
 * only where the monitor decides.  Each instruction below does what the SDM
 * says it does at CPL 0, and raises the faults it would raise.  Where QEMU
 * 7.2, the reference CPU, is more lenient than the SDM, the monitor does as
 * QEMU does, because a guest must not see a difference:
 *
 *   - mov to CR0 with NW=1 and CD=0 does not raise #GP;
 *   - an unknown MSR reads as 0 and ignores writes instead of raising #GP.
 *
 * The debug registers hold what the guest writes, and its breakpoints are
 * loaded into the real ones (see load_real_debug_registers, debugreg.h).
 *
 * Real CR0 follows the guest's TS, EM, MP and AM, and real CR4 its TSD,
 * PCE, OSFXSR, OSXMMEXCPT and OSXSAVE (and XCR0), so the guest's own lazy
 * FPU switching, alignment checks, SSE and XSAVE enabling and counter
 * restrictions work natively; the monitor sets what its own SSE use needs
 * around capstone only (cpu/decode.c).  With TSD, rdtsc faults at CPL 1 too
 * and is emulated.  Real CR4.SMEP and SMAP follow the guest's while its
 * paging is on: ring 1 is supervisor for paging, so the real CPU enforces
 * the guest's rules, and the monitor only ever touches guest memory through
 * its own supervisor mappings.  Every CR4 bit, and what the guest sees of
 * it, is in the table "CR4 features" of docs/deprivileging.md.
 *
 * At virtual CPL 3 every instruction here except the UMIP-sensitive stores
 * (sgdt, sidt, sldt, str, smsw) raises #GP(0), as natively.  Those five
 * fault on the real CPU because the monitor enables UMIP for itself; for the
 * guest they fault only if its own CR4.UMIP is set.  stac and clac raise #UD
 * at CPL 1 whatever CR4.SMAP says: the monitor does them for the guest
 * kernel.
 */
#include "system.h"

#include <string.h>

#include "../core/account.h"
#include "../core/paging.h"
#include "../core/x86.h"
#include "debugreg.h"
#include "descriptor.h"
#include "interrupts.h"
#include "operands.h"
#include "segments.h"

#define DR7_FIXED   0x00000400u

/* CR4 bits of the real CPU that follow the guest's ... */
#define CR4_GUEST_OWNED (CR4_TSD | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT | \
			 CR4_OSXSAVE)
/* ... and those that follow it only while guest paging is on. */
#define CR4_GUEST_PAGING (CR4_SMEP | CR4_SMAP)

/*
 * CR4 bits a CPU may offer that the monitor does not virtualize: VMX and SMX
 * (no nested virtualization), protection keys and CET (they act on the
 * real 4-level tables and registers the guest could reach unseen: wrpkru
 * does not trap).  QEMU's model has none of them (vmm/host/qemu.c masks
 * PKU and PKS); a guest on a CPU that offers one is stopped if it sets it.
 */
#define CR4_NOT_VIRTUALIZED (CR4_VMXE | CR4_SMXE | CR4_PKE | CR4_CET | \
			     CR4_PKS)

/* CR0 bits of the real CPU that follow the guest's. */
#define CR0_GUEST_OWNED (CR0_MP | CR0_EM | CR0_TS | CR0_AM)

/* CPUID bits the rules below depend on (SDM vol. 2, CPUID). */
#define CPUID_1_ECX_VMX      (1u << 5)
#define CPUID_1_ECX_SMX      (1u << 6)
#define CPUID_1_ECX_XSAVE    (1u << 26)
#define CPUID_7_EBX_FSGSBASE (1u << 0)
#define CPUID_7_EBX_SMEP     (1u << 7)
#define CPUID_7_EBX_SMAP     (1u << 20)
#define CPUID_7_ECX_UMIP     (1u << 2)
#define CPUID_7_ECX_PKU      (1u << 3)
#define CPUID_7_ECX_CET_SS   (1u << 7)
#define CPUID_7_ECX_LA57     (1u << 16)
#define CPUID_7_ECX_PKS      (1u << 31)

/* What the CPU model offers the guest, read from CPUID once. */
static struct {
	uint32_t cr4_offered;       /* CR4 bits a mov to CR4 accepts */
	bool smap;                  /* stac and clac exist */
	uint64_t xcr0_offered;      /* XCR0 bits xsetbv accepts */
} model;

/*
 * The CR4 bits a mov to CR4 accepts, as the reference CPU decides them
 * (QEMU 7.2's cr4_reserved_bits): VME, PVI, TSD, DE, PSE, PAE, MCE, PGE,
 * PCE, OSFXSR and OSXMMEXCPT always - VME and PVI even though its CPUID
 * does not offer VME - and each newer bit if CPUID offers its feature.
 * Any other bit raises #GP.
 */
static uint32_t cr4_offered_by_cpuid(const uint32_t l1[4], const uint32_t l7[4])
{
	uint32_t ok = CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE |
		      CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT;

	if (l1[2] & CPUID_1_ECX_VMX)      ok |= CR4_VMXE;
	if (l1[2] & CPUID_1_ECX_SMX)      ok |= CR4_SMXE;
	if (l1[2] & CPUID_1_ECX_XSAVE)    ok |= CR4_OSXSAVE;
	if (l7[1] & CPUID_7_EBX_FSGSBASE) ok |= CR4_FSGSBASE;
	if (l7[1] & CPUID_7_EBX_SMEP)     ok |= CR4_SMEP;
	if (l7[1] & CPUID_7_EBX_SMAP)     ok |= CR4_SMAP;
	if (l7[2] & CPUID_7_ECX_UMIP)     ok |= CR4_UMIP;
	if (l7[2] & CPUID_7_ECX_PKU)      ok |= CR4_PKE;
	if (l7[2] & CPUID_7_ECX_CET_SS)   ok |= CR4_CET;
	if (l7[2] & CPUID_7_ECX_LA57)     ok |= CR4_LA57;
	if (l7[2] & CPUID_7_ECX_PKS)      ok |= CR4_PKS;
	return ok;
}

/*
 * Read the CPU model: the CR4 bits, SMAP, and the XCR0 bits CPUID leaf 0xD
 * offers - but for MPX's, which are not virtualized (its bounds
 * configuration for CPL < 3 would be shared with the monitor's ring 0;
 * QEMU's model is run without MPX).
 */
static void model_init(void)
{
	uint32_t l0[4], l1[4], l7[4] = { 0 }, ld[4] = { 0 };

	cpuid(0, 0, l0);
	cpuid(1, 0, l1);
	if (l0[0] >= 7)
		cpuid(7, 0, l7);
	if (l0[0] >= 0xd && (l1[2] & CPUID_1_ECX_XSAVE))
		cpuid(0xd, 0, ld);
	model.cr4_offered = cr4_offered_by_cpuid(l1, l7);
	model.smap = l7[1] & CPUID_7_EBX_SMAP;
	model.xcr0_offered = ((uint64_t)ld[3] << 32 | ld[0]) &
			     ~(uint64_t)(XCR0_BNDREGS | XCR0_BNDCSR);
}

/*T:415 A CR4 feature, end to end: SMAP.  CPUID does not trap, so the
 * guest sees SMAP offered and sets CR4.SMAP; the monitor sets the real bit
 * too (below), and from then on the real CPU refuses the guest kernel's
 * reads of user pages at CPL 1 - ring 1 is supervisor for paging - unless
 * EFLAGS.AC is set.  The guest's stac and clac fault (#UD at CPL 1) and are
 * emulated on that AC flag.  The refusal arrives as a #PF, which the shadow
 * MMU's walk, applying SMAP itself, calls a true fault: the guest gets the
 * #PF its own CPU would give.  And what the monitor reads or writes for the
 * guest - an emulated sgdt, a traced page-table write - is judged by the
 * same walk, with the guest's AC. */

/*
 * Load the real CR4 with the guest's share of it: the bits it owns, and
 * SMEP and SMAP while its paging is on (with paging off they mean nothing
 * to the guest, but the real CPU would apply them to the shadow's identity
 * map, which is all user pages).
 */
static void sync_real_cr4(const struct vcpu *v)
{
	uint64_t mask = CR4_GUEST_OWNED | CR4_GUEST_PAGING;
	uint64_t now = read_cr4();
	uint64_t want = (now & ~mask) | (v->cr4 & CR4_GUEST_OWNED) |
			(v->cr0 & CR0_PG ? v->cr4 & CR4_GUEST_PAGING : 0);

	if (want != now)
		write_cr4(want);
}

void system_init(struct vcpu *v)
{
	v->cr0 = CR0_PE | CR0_ET;               /* as QEMU's multiboot loader */
	v->cr4 = 0;
	sync_real_cr4(v);
	v->dr[6] = DR6_FIXED;
	v->dr[7] = DR7_FIXED;
	v->msr.apic_base = rdmsr(0x1b);
	v->msr.pat = rdmsr(0x277);
	v->msr.misc_enable = rdmsr(0x1a0);
	v->msr.mtrr_def_type = rdmsr(0x2ff);
	model_init();
}

/* Load the real CR0 with the guest's share of it. */
static void sync_real_cr0(const struct vcpu *v)
{
	write_cr0((read_cr0() & ~(uint64_t)CR0_GUEST_OWNED) |
		  (v->cr0 & CR0_GUEST_OWNED));
}

/* Set CR0 to VAL as mov/lmsw/clts would, or stop for modes not run. */
static void set_cr0(struct vcpu *v, uint32_t val)
{
	bool paging_changed;

	val |= CR0_ET;
	if (!(val & CR0_PE))
		guest_fatal(v, "CR0.PE cleared: real mode is not run by direct "
			    "execution");
	paging_changed = (v->cr0 ^ val) & CR0_PG;
	v->cr0 = val;
	sync_real_cr0(v);
	sync_real_cr4(v);                       /* SMEP/SMAP follow CR0.PG */
	if (shadow_on_cr0_write(the_shadow, val))
		guest_fatal(v, "CR0 0x%08x turns on PAE paging (CR4.PAE is "
			    "set), which the shadow MMU does not implement yet",
			    val);
	if (paging_changed)
		segments_paging_changed(v);
}

/*
 * mov to CR4 (SDM vol. 2, MOV-Move to/from Control Registers): a bit the CPU
 * model does not offer raises #GP (QEMU 7.2 itself hangs instead: see
 * docs/deprivileging.md); one it offers but the monitor does not
 * virtualize stops the guest; PAE with paging on stops it too (the shadow
 * MMU has no PAE mode yet).  Every other bit is honoured: see the table
 * "CR4 features" in docs/deprivileging.md.  False if #GP was reflected.
 */
static bool set_cr4(struct vcpu *v, uint32_t val)
{
	bool translation_changed = (v->cr4 ^ val) & (CR4_PSE | CR4_PGE);

	if (val & ~model.cr4_offered) {
		reflect_gp0(v);
		return false;
	}
	if (val & CR4_NOT_VIRTUALIZED)
		guest_fatal(v, "CR4 0x%08x sets a feature the CPU offers but the "
			    "monitor does not virtualize (VMX, SMX, protection "
			    "keys or CET)", val);
	v->cr4 = val;
	sync_real_cr4(v);
	if (shadow_on_cr4_write(the_shadow, val))
		guest_fatal(v, "CR4 0x%08x turns on PAE paging, which the "
			    "shadow MMU does not implement yet", val);
	if (translation_changed)                /* 4 MiB pages came or went */
		segments_paging_changed(v);
	return true;
}

/* The number N of control register CRn, or -1. */
static int cr_number(x86_reg r)
{
	if (r >= X86_REG_CR0 && r <= X86_REG_CR15)
		return (int)(r - X86_REG_CR0);
	return -1;
}

static enum emulate_result mov_to_cr(struct vcpu *v, const struct decoded *d,
				     int n, uint32_t val)
{
	switch (n) {
	case 0: set_cr0(v, val); break;
	case 2: v->cr2 = val; break;
	case 3:
		v->cr3 = val;
		shadow_on_cr3_load(the_shadow, val);
		segments_paging_changed(v);
		break;
	case 4:
		if (!set_cr4(v, val))
			return EMU_DONE;
		break;
	default:
		reflect_exception(v, EXC_UD, false, 0);
		return EMU_DONE;
	}
	advance(v, d);
	return EMU_DONE;
}

static uint32_t cr_value(const struct vcpu *v, int n)
{
	switch (n) {
	case 0: return v->cr0;
	case 2: return v->cr2;
	case 3: return v->cr3;
	default: return v->cr4;
	}
}

/* mov crN, r32 / mov r32, crN. */
static enum emulate_result emulate_mov_cr(struct vcpu *v,
					  const struct decoded *d)
{
	const cs_x86_op *dst = &d->x86->operands[0];
	const cs_x86_op *src = &d->x86->operands[1];
	int to = cr_number(dst->reg), from = cr_number(src->reg);

	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	if (to >= 0) {
		v->exit.insn_id = to == 0 ? INSN_MOV_CR0 : to == 2 ? INSN_MOV_CR2 :
				  to == 3 ? INSN_MOV_CR3 : INSN_MOV_CR4;
		return mov_to_cr(v, d, to, reg_read(v, src->reg));
	}
	v->exit.insn_id = INSN_MOV_FROM_CR;
	if (from == 1 || from > 4) {
		reflect_exception(v, EXC_UD, false, 0);
		return EMU_DONE;
	}
	reg_write(v, dst->reg, cr_value(v, from));
	advance(v, d);
	return EMU_DONE;
}

/* The number N of debug register DRn, or -1. */
static int dr_number(x86_reg r)
{
	if (r >= X86_REG_DR0 && r <= X86_REG_DR15)
		return (int)(r - X86_REG_DR0);
	return -1;
}

/*
 * The real DR0-DR3 and DR7 after the guest wrote its own: the CPU watches
 * its instruction and data breakpoints (the monitor never touches guest
 * linear addresses below 4 GiB itself, so they fire only for the guest);
 * the monitor checks the I/O breakpoints and its own accesses for it
 * (debugreg.h).
 */
static void load_real_debug_registers(const struct vcpu *v)
{
	__asm__ volatile("mov %0, %%dr0" : : "r"((uint64_t)v->dr[0]));
	__asm__ volatile("mov %0, %%dr1" : : "r"((uint64_t)v->dr[1]));
	__asm__ volatile("mov %0, %%dr2" : : "r"((uint64_t)v->dr[2]));
	__asm__ volatile("mov %0, %%dr3" : : "r"((uint64_t)v->dr[3]));
	__asm__ volatile("mov %0, %%dr7" : : "r"(dr7_for_cpu(v->dr[7])));
}

/*
 * mov to/from DR0-DR7.  The guest's debug registers are virtual, and its
 * breakpoints real (load_real_debug_registers).  DR4/DR5 alias DR6/DR7
 * unless CR4.DE, when they raise #UD.  DR7.GD is kept but raises nothing:
 * QEMU 7.2, the reference, does not implement general detection.
 */
static enum emulate_result emulate_mov_dr(struct vcpu *v,
					  const struct decoded *d)
{
	const cs_x86_op *dst = &d->x86->operands[0];
	const cs_x86_op *src = &d->x86->operands[1];
	int to = dr_number(dst->reg);
	int n = to >= 0 ? to : dr_number(src->reg);

	v->exit.insn_id = INSN_MOV_DR;
	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	if (n == 4 || n == 5) {
		if (v->cr4 & CR4_DE) {
			reflect_exception(v, EXC_UD, false, 0);
			return EMU_DONE;
		}
		n += 2;
	}
	if (n > 7) {
		reflect_exception(v, EXC_UD, false, 0);
		return EMU_DONE;
	}
	if (to >= 0) {
		uint32_t val = reg_read(v, src->reg);

		v->dr[n] = n == 6 ? val | DR6_FIXED : n == 7 ? val | DR7_FIXED
							     : val;
		if (n != 6)
			load_real_debug_registers(v);
	} else {
		reg_write(v, dst->reg, v->dr[n]);
	}
	advance(v, d);
	return EMU_DONE;
}

static enum emulate_result emulate_clts(struct vcpu *v, const struct decoded *d)
{
	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	v->cr0 &= ~CR0_TS;
	sync_real_cr0(v);
	advance(v, d);
	return EMU_DONE;
}

/* lmsw: loads CR0 bits 0-3; it can set PE but never clear it. */
static enum emulate_result emulate_lmsw(struct vcpu *v, const struct decoded *d)
{
	const uint32_t msw_bits = CR0_PE | CR0_MP | CR0_EM | CR0_TS;
	uint32_t val;

	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	if (!operand_read(v, &d->x86->operands[0], 2, &val))
		return EMU_DONE;
	set_cr0(v, (v->cr0 & ~(msw_bits & ~CR0_PE)) | (val & msw_bits));
	advance(v, d);
	return EMU_DONE;
}

/* The UMIP-sensitive stores: sgdt, sidt, sldt, str, smsw. */
static enum emulate_result emulate_store(struct vcpu *v, const struct decoded *d)
{
	const cs_x86_op *dst = &d->x86->operands[0];
	uint32_t val;
	uint8_t pd[6];
	const struct dtr *t;

	if (guest_cpl(v) != 0 && (v->cr4 & CR4_UMIP))
		return reflect_gp0(v);
	switch (d->insn->id) {
	case X86_INS_SGDT:
	case X86_INS_SIDT:
		t = d->insn->id == X86_INS_SGDT ? &v->gdtr : &v->idtr;
		memcpy(pd, &t->limit, 2);
		memcpy(pd + 2, &t->base, 4);
		if (guest_write(v, mem_operand_address(v, dst), pd, 6))
			advance(v, d);
		return EMU_DONE;
	case X86_INS_SLDT: val = v->ldtr.sel; break;
	case X86_INS_STR:  val = v->tr.sel; break;
	default:           val = v->cr0; break;        /* smsw */
	}
	/* To memory these store 16 bits; to a 32-bit register, zero-extended
	 * (smsw: the whole of CR0, as QEMU gives it). */
	if (dst->type == X86_OP_MEM)
		val &= 0xffff;
	if (operand_write(v, dst, dst->type == X86_OP_MEM ? 2 : dst->size, val))
		advance(v, d);
	return EMU_DONE;
}

/* Read the pseudo-descriptor (limit16, base32) that lgdt/lidt name. */
static bool read_pseudo_descriptor(struct vcpu *v, const struct decoded *d,
				   struct dtr *out)
{
	uint8_t raw[6];

	if (!guest_read(v, mem_operand_address(v, &d->x86->operands[0]), raw,
			sizeof(raw)))
		return false;
	memcpy(&out->limit, raw, 2);
	memcpy(&out->base, raw + 2, 4);
	if (d->x86->prefix[2] == X86_PREFIX_OPSIZE)
		out->base &= 0x00ffffff;    /* 16-bit operand size: 24-bit base */
	return true;
}

static enum emulate_result emulate_lgdt_lidt(struct vcpu *v,
					     const struct decoded *d)
{
	struct dtr t;

	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	if (!read_pseudo_descriptor(v, d, &t))
		return EMU_DONE;
	if (d->insn->id == X86_INS_LIDT) {
		v->idtr = t;
	} else {
		v->gdtr = t;
		segments_sync_gdt(v);
	}
	advance(v, d);
	return EMU_DONE;
}

static enum emulate_result emulate_ltr(struct vcpu *v, const struct decoded *d)
{
	uint32_t sel;

	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	if (!operand_read(v, &d->x86->operands[0], 2, &sel))
		return EMU_DONE;
	if (segments_load_tr(v, (uint16_t)sel) == 0)
		advance(v, d);
	return EMU_DONE;
}

static enum emulate_result emulate_lldt(struct vcpu *v, const struct decoded *d)
{
	uint32_t sel;

	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	if (!operand_read(v, &d->x86->operands[0], 2, &sel))
		return EMU_DONE;
	if (segments_load_ldt(v, (uint16_t)sel) == 0)
		advance(v, d);
	return EMU_DONE;
}

/* The guest's copy of MSR, or NULL for one this monitor does not model. */
static uint64_t *msr_slot(struct vcpu *v, uint32_t msr)
{
	switch (msr) {
	case 0x174: return &v->msr.sysenter_cs;
	case 0x175: return &v->msr.sysenter_esp;
	case 0x176: return &v->msr.sysenter_eip;
	case 0x1b:  return &v->msr.apic_base;
	case 0x277: return &v->msr.pat;
	case 0x1a0: return &v->msr.misc_enable;
	case 0x2ff: return &v->msr.mtrr_def_type;
	default:
		if (msr >= 0x200 && msr < 0x210)
			return &v->msr.mtrr_var[msr - 0x200];
		if (msr == 0x250)
			return &v->msr.mtrr_fixed[0];
		if (msr == 0x258 || msr == 0x259)
			return &v->msr.mtrr_fixed[msr - 0x258 + 1];
		if (msr >= 0x268 && msr < 0x270)
			return &v->msr.mtrr_fixed[msr - 0x268 + 3];
		return NULL;
	}
}

/* Values only the CPU model decides: MTRRCAP and the time-stamp counter. */
static bool msr_fixed_value(uint32_t msr, uint64_t *val)
{
	switch (msr) {
	case 0xfe: *val = rdmsr(0xfe); return true;     /* MTRRCAP */
	case 0x10: *val = rdtsc(); return true;
	default: return false;
	}
}

static enum emulate_result emulate_rdmsr(struct vcpu *v, const struct decoded *d)
{
	uint32_t msr = (uint32_t)v->tf->rcx;
	uint64_t *slot = msr_slot(v, msr), val = 0;

	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	if (slot)
		val = *slot;
	else
		msr_fixed_value(msr, &val);     /* unknown MSRs read 0 (QEMU) */
	v->tf->rax = (uint32_t)val;
	v->tf->rdx = (uint32_t)(val >> 32);
	advance(v, d);
	return EMU_DONE;
}

static enum emulate_result emulate_wrmsr(struct vcpu *v, const struct decoded *d)
{
	uint32_t msr = (uint32_t)v->tf->rcx;
	uint64_t *slot = msr_slot(v, msr);

	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	if (msr == 0x10)
		guest_fatal(v, "wrmsr to the time-stamp counter is not "
			    "virtualized yet");
	if (slot)
		*slot = (uint64_t)(uint32_t)v->tf->rdx << 32 |
			(uint32_t)v->tf->rax;
	advance(v, d);
	return EMU_DONE;
}

/* rdtsc faults at CPL 1 when the guest set CR4.TSD; at CPL 0 it may read. */
static enum emulate_result emulate_rdtsc(struct vcpu *v, const struct decoded *d)
{
	uint64_t tsc;

	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	tsc = rdtsc();
	v->tf->rax = (uint32_t)tsc;
	v->tf->rdx = (uint32_t)(tsc >> 32);
	advance(v, d);
	return EMU_DONE;
}

/* wbinvd, invd: no caches to model.  invlpg: the shadow drops the page. */
static enum emulate_result emulate_cache_tlb(struct vcpu *v,
					     const struct decoded *d)
{
	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	if (d->insn->id == X86_INS_INVLPG) {
		uint32_t lin = mem_operand_address(v, &d->x86->operands[0]);

		shadow_on_invlpg(the_shadow, lin);
		segments_page_remapped(v, lin);
	}
	advance(v, d);
	return EMU_DONE;
}

/*
 * xsetbv (SDM vol. 2, XSETBV; checks in the order of the reference CPU):
 * #GP at CPL 3 (the CPU already said so: this is the guest's CPL 0); #UD
 * without CR4.OSXSAVE; #GP for an XCR other than XCR0, for x87 cleared, for
 * AVX without SSE, or for a component the model does not offer.  Then the
 * real XCR0 becomes the guest's: it is guest-owned, as CR4.OSXSAVE is, so
 * xgetbv, xsave and xrstor run natively on it.
 */
static enum emulate_result emulate_xsetbv(struct vcpu *v,
					  const struct decoded *d)
{
	uint32_t xcr = (uint32_t)v->tf->rcx;
	uint64_t val = (uint64_t)(uint32_t)v->tf->rdx << 32 |
		       (uint32_t)v->tf->rax;

	if (guest_cpl(v) != 0)
		return reflect_gp0(v);
	if (!(v->cr4 & CR4_OSXSAVE)) {
		reflect_exception(v, EXC_UD, false, 0);
		return EMU_DONE;
	}
	if (xcr != 0 || !(val & XCR0_X87) ||
	    (val & (XCR0_SSE | XCR0_YMM)) == XCR0_YMM ||
	    (val & ~model.xcr0_offered))
		return reflect_gp0(v);
	xsetbv(0, val);
	advance(v, d);
	return EMU_DONE;
}

enum emulate_result emulate_stac_clac(struct vcpu *v, const struct decoded *d)
{
	if (guest_cpl(v) != 0 || !model.smap)
		return EMU_NOT_MINE;
	v->exit.insn_id = d->insn->id;
	if (d->insn->id == X86_INS_STAC)
		v->tf->rflags |= FL_AC;
	else
		v->tf->rflags &= ~(uint64_t)FL_AC;
	advance(v, d);
	return EMU_DONE;
}

enum emulate_result emulate_system(struct vcpu *v, const struct decoded *d)
{
	v->exit.insn_id = d->insn->id;
	switch (d->insn->id) {
	case X86_INS_MOV:
		if (d->x86->op_count == 2 &&
		    d->x86->operands[0].type == X86_OP_REG &&
		    d->x86->operands[1].type == X86_OP_REG &&
		    (cr_number(d->x86->operands[0].reg) >= 0 ||
		     cr_number(d->x86->operands[1].reg) >= 0))
			return emulate_mov_cr(v, d);
		if (d->x86->op_count == 2 &&
		    d->x86->operands[0].type == X86_OP_REG &&
		    d->x86->operands[1].type == X86_OP_REG &&
		    (dr_number(d->x86->operands[0].reg) >= 0 ||
		     dr_number(d->x86->operands[1].reg) >= 0))
			return emulate_mov_dr(v, d);
		return EMU_NOT_MINE;
	case X86_INS_CLTS:   return emulate_clts(v, d);
	case X86_INS_LMSW:   return emulate_lmsw(v, d);
	case X86_INS_SGDT: case X86_INS_SIDT: case X86_INS_SLDT:
	case X86_INS_STR: case X86_INS_SMSW:
		return emulate_store(v, d);
	case X86_INS_LGDT: case X86_INS_LIDT:
		return emulate_lgdt_lidt(v, d);
	case X86_INS_LTR:    return emulate_ltr(v, d);
	case X86_INS_LLDT:   return emulate_lldt(v, d);
	case X86_INS_RDMSR:  return emulate_rdmsr(v, d);
	case X86_INS_RDTSC:  return emulate_rdtsc(v, d);
	case X86_INS_WRMSR:  return emulate_wrmsr(v, d);
	case X86_INS_WBINVD: case X86_INS_INVD: case X86_INS_INVLPG:
		return emulate_cache_tlb(v, d);
	case X86_INS_XSETBV: return emulate_xsetbv(v, d);
	default:
		return EMU_NOT_MINE;
	}
}
