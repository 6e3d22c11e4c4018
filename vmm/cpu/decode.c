/*
 * decode.c - capstone inside the monitor.
 *
 * Capstone is Debian's libcapstone.a, compiled for user space: it uses SSE
 * registers and reads its stack-protector canary at %fs:0x28.  The monitor
 * itself is built without SSE and without the stack protector, so those two
 * needs are met here, around each call and nowhere else:
 *
 *   - the guest's x87/SSE state is saved with fxsave before capstone runs
 *     and restored after, so the guest never sees capstone's registers;
 *   - the guest's FS base is saved, replaced by a monitor area holding the
 *     canary, and restored exactly afterwards (a guest's FS base may be
 *     whatever its descriptor said, even stale behind a null selector).
 *
 * One capstone handle and one preallocated cs_insn are used: the monitor
 * decodes only while handling an exit, and exits do not nest.
 */
#include "decode.h"

#include <stdio.h>
#include <string.h>

#include "../core/log.h"
#include "../core/x86.h"
#include "segments.h"

static csh handle;
static cs_insn *insn;
static int have_fsgsbase;

/* What %fs points at while capstone runs: the canary sits at offset 0x28. */
static struct {
	uint64_t self;
	uint64_t unused[4];
	uint64_t canary;
} capstone_tls __attribute__((aligned(64))) = { .canary = 0x5eed0fca9570e5ULL };

static uint8_t guest_fpu[512] __attribute__((aligned(16)));

static uint64_t fs_base_get(void)
{
	uint64_t v;

	if (!have_fsgsbase)
		return rdmsr(MSR_FS_BASE);
	__asm__ volatile("rdfsbase %0" : "=r"(v));
	return v;
}

static void fs_base_set(uint64_t v)
{
	if (!have_fsgsbase) {
		wrmsr(MSR_FS_BASE, v);
		return;
	}
	__asm__ volatile("wrfsbase %0" : : "r"(v));
}

static uint64_t guest_fs_base, guest_cr0, guest_cr4;

/*
 * Before any call into capstone: park the guest's SSE state and FS base.
 * The real CR0 and CR4 carry the guest's TS, EM and OSFXSR, which would
 * make SSE fault: set them as SSE needs meanwhile.
 */
static void capstone_enter(void)
{
	guest_cr0 = read_cr0();
	if (guest_cr0 & (CR0_TS | CR0_EM))
		write_cr0(guest_cr0 & ~(uint64_t)(CR0_TS | CR0_EM));
	guest_cr4 = read_cr4();
	if (!(guest_cr4 & CR4_OSFXSR))
		write_cr4(guest_cr4 | CR4_OSFXSR | CR4_OSXMMEXCPT);
	guest_fs_base = fs_base_get();
	__asm__ volatile("fxsave64 %0" : "=m"(guest_fpu));
	fs_base_set((uint64_t)&capstone_tls);
}

/* After it: give the guest back exactly what it had. */
static void capstone_leave(void)
{
	fs_base_set(guest_fs_base);
	__asm__ volatile("fxrstor64 %0" : : "m"(guest_fpu));
	if (!(guest_cr4 & CR4_OSFXSR))
		write_cr4(guest_cr4);
	if (guest_cr0 & (CR0_TS | CR0_EM))
		write_cr0(guest_cr0);
}

/* Run capstone's disassembler on CODE; true if it found an instruction. */
static int capstone_disasm(const uint8_t *code, size_t size, uint64_t addr)
{
	int ok;

	capstone_enter();
	ok = cs_disasm_iter(handle, &code, &size, &addr, insn);
	capstone_leave();
	return ok;
}

void decode_init(void)
{
	uint32_t r[4];

	cpuid(7, 0, r);
	have_fsgsbase = (r[1] & 1) != 0;
	if (have_fsgsbase)
		write_cr4(read_cr4() | CR4_FSGSBASE);

	capstone_enter();
	if (cs_open(CS_ARCH_X86, CS_MODE_32, &handle) != CS_ERR_OK)
		panic("cs_open failed");
	cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON);
	insn = cs_malloc(handle);
	capstone_leave();
	if (!insn)
		panic("cs_malloc failed");
}

/*T:085 The decoded-instruction cache.  The same few guest instructions
 * exit over and over (the UART poll loop, the context switch), and capstone
 * is the most expensive step of an exit.  So each decoding is kept, keyed by
 * the instruction's linear address and checked against its bytes, which are
 * fetched anyway: a hit costs a compare; code that changed misses. */
#define DCACHE_SLOTS 256

static struct dcache_entry {
	bool valid;
	uint32_t linear;
	uint8_t len;
	uint8_t bytes[16];
	cs_insn insn;
	cs_detail detail;
} dcache[DCACHE_SLOTS];

static uint64_t dcache_hits, dcache_misses;

static struct dcache_entry *dcache_slot(uint32_t linear)
{
	return &dcache[(linear * 2654435761u) >> 24 & (DCACHE_SLOTS - 1)];
}

/* The cached decoding of the NBYTES at LINEAR, or NULL. */
static const struct dcache_entry *dcache_find(uint32_t linear,
					      const uint8_t *bytes,
					      size_t nbytes)
{
	const struct dcache_entry *e = dcache_slot(linear);

	if (!e->valid || e->linear != linear || e->len > nbytes ||
	    memcmp(e->bytes, bytes, e->len))
		return NULL;
	return e;
}

/* Keep capstone's latest decoding (of BYTES at LINEAR) in the cache. */
static const struct dcache_entry *dcache_store(uint32_t linear,
					       const uint8_t *bytes)
{
	struct dcache_entry *e = dcache_slot(linear);

	e->valid = true;
	e->linear = linear;
	e->len = (uint8_t)insn->size;
	memcpy(e->bytes, bytes, insn->size);
	e->insn = *insn;
	e->detail = *insn->detail;
	e->insn.detail = &e->detail;
	return e;
}

int decode_guest_insn(struct vcpu *v, struct decoded *d)
{
	uint32_t eip = (uint32_t)v->tf->rip;
	uint32_t linear = seg_base(v, (uint16_t)v->tf->cs) + eip;
	const struct dcache_entry *e;

	d->insn = insn;
	d->x86 = NULL;
	d->nbytes = 0;
	d->why = NULL;
	if (!segments_code_is_32bit(v)) {
		d->why = "16-bit code (CS.D = 0) is not decoded yet";
		return -1;
	}
	d->nbytes = gmem_fetch(&v->mem, linear - eip, eip, d->bytes, 15,
			       guest_cpl(v), &d->fault);
	if (d->nbytes == 0)
		return -1;
	e = dcache_find(linear, d->bytes, d->nbytes);
	if (e) {
		dcache_hits++;
	} else {
		dcache_misses++;
		if (!capstone_disasm(d->bytes, d->nbytes, eip))
			return -1;
		e = dcache_store(linear, d->bytes);
	}
	d->insn = &((struct dcache_entry *)e)->insn;
	d->x86 = &d->insn->detail->x86;
	return 0;
}

void decode_stats(uint64_t *hits, uint64_t *misses)
{
	*hits = dcache_hits;
	*misses = dcache_misses;
}

void decode_text(const struct decoded *d, char *buf, size_t len)
{
	size_t n = 0;

	if (d->x86) {
		snprintf(buf, len, "%s%s%s", d->insn->mnemonic,
			 d->insn->op_str[0] ? " " : "", d->insn->op_str);
		return;
	}
	if (d->why) {
		snprintf(buf, len, "(%s)", d->why);
		return;
	}
	n = (size_t)snprintf(buf, len, "(undecodable:");
	for (size_t i = 0; i < d->nbytes && n + 4 < len; i++)
		n += (size_t)snprintf(buf + n, len - n, " %02x", d->bytes[i]);
	snprintf(buf + n, len - n, ")");
}

const char *decode_insn_name(unsigned id)
{
	const char *name;

	capstone_enter();
	name = cs_insn_name(handle, id);
	capstone_leave();
	return name ? name : "?";
}
