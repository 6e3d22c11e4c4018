/*
 * shadow_sim.c - the simulated machines the shadow MMU tests run on
 * (see shadow_sim.h).
 */
#include "shadow_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- machine memory: fake addresses over host blocks ------------------ */

#define MAX_BLOCKS 64

static struct block {
	shadow_hpa_t hpa;
	uint64_t size;
	uint8_t *ptr;
} blocks[MAX_BLOCKS];
static unsigned nblocks;
static shadow_hpa_t next_hpa = 0x100000000ull;
static struct sim *current;     /* the env has no context for hpa_ptr */

static shadow_hpa_t alloc_block(uint64_t size)
{
	struct block *b;

	if (nblocks == MAX_BLOCKS) {
		fprintf(stderr, "sim: out of blocks\n");
		abort();
	}
	b = &blocks[nblocks++];
	size = (size + 0xfff) & ~0xfffull;
	b->hpa = next_hpa;
	b->size = size;
	b->ptr = aligned_alloc(4096, size);
	memset(b->ptr, 0, size);
	next_hpa += size + 0x10000;     /* a gap: strays land nowhere */
	return b->hpa;
}

static shadow_hpa_t alloc_frame(void)
{
	return alloc_block(4096);
}

static void *hpa_ptr(shadow_hpa_t pa)
{
	if (pa >= SIM_RAM_BASE && pa < SIM_RAM_BASE + SIM_RAM_SIZE)
		return current->ram + (pa - SIM_RAM_BASE);
	for (unsigned i = 0; i < nblocks; i++)
		if (pa >= blocks[i].hpa && pa < blocks[i].hpa + blocks[i].size)
			return blocks[i].ptr + (pa - blocks[i].hpa);
	fprintf(stderr, "sim: no memory at machine address 0x%llx\n",
		(unsigned long long)pa);
	abort();
}

static void activate_root(void *ctx, shadow_hpa_t pdpt)
{
	struct sim *s = ctx;

	s->pdpt = pdpt;
	s->activations++;
}

static void flush_tlb(void *ctx)
{
	((struct sim *)ctx)->flushes++;
}

static void panic(void *ctx, const char *why)
{
	(void)ctx;
	fprintf(stderr, "sim: shadow panic: %s\n", why);
	abort();
}

void sim_init(struct sim *s, const struct shadow_params *p)
{
	memset(s, 0, sizeof(*s));
	current = s;
	s->ram = calloc(1, SIM_RAM_SIZE);
	s->ref_ram = calloc(1, SIM_RAM_SIZE);
	s->env = (struct shadow_env){
		.alloc_frame = alloc_frame, .hpa_ptr = hpa_ptr,
		.alloc_block = alloc_block, .activate_root = activate_root,
		.flush_tlb = flush_tlb, .panic = panic, .ctx = s,
	};
	s->gram = (struct shadow_guest_ram){
		.base = SIM_RAM_BASE, .size = SIM_RAM_SIZE,
		.hole_start = SIM_HOLE_START, .hole_end = SIM_HOLE_END,
	};
	s->mmu = shadow_create(&s->env, &s->gram, p);
	if (!s->mmu) {
		fprintf(stderr, "sim: shadow_create refused\n");
		abort();
	}
	s->pdpt = shadow_root(s->mmu);
}

void sim_free(struct sim *s)
{
	for (unsigned i = 0; i < nblocks; i++)
		free(blocks[i].ptr);
	nblocks = 0;
	free(s->ram);
	free(s->ref_ram);
	current = NULL;
}

/* ---- guest RAM -------------------------------------------------------- */

static bool is_ram(uint64_t gpa, uint64_t len)
{
	return gpa + len <= SIM_RAM_SIZE &&
	       !(gpa < SIM_HOLE_END && gpa + len > SIM_HOLE_START);
}

static uint32_t load32(const uint8_t *ram, uint64_t gpa)
{
	uint32_t v = 0;

	if (is_ram(gpa, 4))
		memcpy(&v, ram + gpa, 4);
	return v;
}

static void store32(uint8_t *ram, uint64_t gpa, uint32_t v)
{
	if (is_ram(gpa, 4))
		memcpy(ram + gpa, &v, 4);
}

void sim_poke32(struct sim *s, uint32_t gpa, uint32_t v)
{
	store32(s->ram, gpa, v);
	store32(s->ref_ram, gpa, v);
}

uint32_t sim_peek32(const struct sim *s, uint32_t gpa)
{
	return load32(s->ram, gpa);
}

static void must(int rc, const char *what)
{
	if (rc) {
		fprintf(stderr, "sim: the shadow refused %s\n", what);
		abort();
	}
}

void sim_cr0(struct sim *s, uint32_t cr0)
{
	s->cr0 = cr0;
	must(shadow_on_cr0_write(s->mmu, cr0), "a CR0 write");
}

void sim_cr3(struct sim *s, uint32_t cr3)
{
	s->cr3 = cr3;
	shadow_on_cr3_load(s->mmu, cr3);
}

void sim_cr4(struct sim *s, uint32_t cr4)
{
	s->cr4 = cr4;
	must(shadow_on_cr4_write(s->mmu, cr4), "a CR4 write");
}

/* ---- the reference machine -------------------------------------------- */

/*
 * SDM vol. 3A 4.6: may ACCESS at CPL 3 (USER) or 0-2 with EFLAGS.AC = AC go
 * where W and U (ANDed over the walk) allow?
 */
static bool ref_allows(bool w, bool u, enum shadow_access access, bool user,
		       bool ac, uint32_t cr0, uint32_t cr4)
{
	bool write = access == SHADOW_WRITE;

	if (user)
		return u && (!write || w);
	if (access == SHADOW_FETCH)
		return !u || !(cr4 & SIM_CR4_SMEP);
	if (u && (cr4 & SIM_CR4_SMAP) && !ac)
		return false;
	return !write || w || !(cr0 & SIM_CR0_WP);
}

bool ref_walk(uint8_t *ram, uint32_t cr0, uint32_t cr3, uint32_t cr4,
	      uint32_t gva, enum shadow_access access, int cpl, bool ac,
	      bool set_ad, uint64_t *gpa, uint32_t *err)
{
	bool write = access == SHADOW_WRITE, user = cpl == 3;
	uint32_t bits = (write ? E_W : 0) | (user ? E_U : 0) |
			(access == SHADOW_FETCH && (cr4 & SIM_CR4_SMEP) ? E_ID
									: 0);
	uint32_t pde_at, pde, pte_at, pte;

	if (!(cr0 & SIM_CR0_PG)) {
		*gpa = gva;
		return true;
	}
	pde_at = (cr3 & 0xfffff000u) + (gva >> 22) * 4;
	pde = load32(ram, pde_at);
	if (!(pde & G_P))
		return *err = bits, false;
	if ((pde & G_PS) && (cr4 & SIM_CR4_PSE)) {
		if (pde & 0x00200000u)
			return *err = bits | E_P | E_RSVD, false;
		if (!ref_allows(pde & G_W, pde & G_U, access, user, ac, cr0,
				cr4))
			return *err = bits | E_P, false;
		if (set_ad)
			store32(ram, pde_at, pde | G_A | (write ? G_D : 0));
		*gpa = (uint64_t)((pde >> 13) & 0xff) << 32 |
		       (pde & 0xffc00000u) | (gva & 0x3fffffu);
		return true;
	}
	if (set_ad)
		store32(ram, pde_at, pde | G_A);
	pte_at = (pde & 0xfffff000u) + ((gva >> 12) & 0x3ff) * 4;
	pte = load32(ram, pte_at);
	if (!(pte & G_P))
		return *err = bits, false;
	if (!ref_allows(pde & pte & G_W, pde & pte & G_U, access, user, ac,
			cr0, cr4))
		return *err = bits | E_P, false;
	if (set_ad)
		store32(ram, pte_at, pte | G_A | (write ? G_D : 0));
	*gpa = (pte & 0xfffff000u) | (gva & 0xfff);
	return true;
}

/* Split [gva, gva+len) at the page boundary (linear addresses wrap). */
static void split(struct outcome *o, uint32_t gva, unsigned len,
		  uint32_t piece_gva[2])
{
	unsigned first = 4096 - (gva & 0xfff);

	o->pieces = len > first ? 2 : 1;
	o->len[0] = len > first ? first : len;
	o->len[1] = len - o->len[0];
	piece_gva[0] = gva;
	piece_gva[1] = gva + o->len[0];
}

/* Move the bytes of piece I between BUF and RAM at GPA (MMIO: drop, zero). */
static void move_piece(struct outcome *o, unsigned i, uint8_t *ram,
		       enum shadow_access access, uint8_t *buf)
{
	uint8_t *bytes = buf + (i ? o->len[0] : 0);

	if (!is_ram(o->gpa[i], o->len[i])) {
		if (o->kind != OUT_MMIO)
			o->mmio_gpa = o->gpa[i];
		o->kind = OUT_MMIO;
		if (access != SHADOW_WRITE)
			memset(bytes, 0, o->len[i]);
	} else if (access == SHADOW_WRITE) {
		memcpy(ram + o->gpa[i], bytes, o->len[i]);
	} else {
		memcpy(bytes, ram + o->gpa[i], o->len[i]);
	}
}

struct outcome ref_access(struct sim *s, uint32_t gva,
			  enum shadow_access access, int cpl, void *buf,
			  unsigned len)
{
	struct outcome o = { .kind = OUT_OK };
	uint32_t piece[2];

	split(&o, gva, len, piece);
	for (unsigned i = 0; i < o.pieces; i++)
		if (!ref_walk(s->ref_ram, s->cr0, s->cr3, s->cr4, piece[i],
			      access, cpl, s->ac, true, &o.gpa[i],
			      &o.error_code)) {
			o.kind = OUT_FAULT;
			o.cr2 = piece[i];
			return o;
		}
	for (unsigned i = 0; i < o.pieces; i++)
		move_piece(&o, i, s->ref_ram, access, buf);
	return o;
}

/* ---- the shadowed machine --------------------------------------------- */

static const uint64_t *table(uint64_t spte)
{
	return hpa_ptr(spte & SPTE_ADDR_MASK);
}

uint64_t shadow_leaf(const struct sim *s, uint32_t gva, uint64_t *size)
{
	const uint64_t *pdpt = hpa_ptr(s->pdpt);
	uint64_t e = pdpt[gva >> 30];

	*size = 0;
	if (!(e & SPTE_P))
		return 0;
	e = table(e)[(gva >> 21) & 511];
	if (!(e & SPTE_P))
		return 0;
	if (e & SPTE_PS) {
		*size = 0x200000;
		return e;
	}
	e = table(e)[(gva >> 12) & 511];
	*size = 0x1000;
	return e & SPTE_P ? e : 0;
}

/*
 * The real CPU in long mode with CR0.WP = 1: every level present, U at every
 * level for CPL 3, W at every level for a write (ring 1 is supervisor); and
 * the guest's SMEP and SMAP while its paging is on, on a leaf with U at
 * every level.
 */
bool hw_translate(const struct sim *s, uint32_t gva,
		  enum shadow_access access, int cpl, bool ac, uint64_t *hpa)
{
	const uint64_t *t = hpa_ptr(s->pdpt);
	unsigned shift[3] = { 30, 21, 12 };
	uint64_t need = SPTE_P | (cpl == 3 ? SPTE_U : 0) |
			(access == SHADOW_WRITE ? SPTE_W : 0);
	uint32_t cr4 = s->cr0 & SIM_CR0_PG ? s->cr4 : 0;
	bool user_page = true;

	for (unsigned level = 0; level < 3; level++) {
		uint64_t e = t[(gva >> shift[level]) & 511];

		if ((e & need) != need)
			return false;
		user_page = user_page && (e & SPTE_U);
		if ((level == 1 && (e & SPTE_PS)) || level == 2) {
			if (cpl != 3 && user_page &&
			    (access == SHADOW_FETCH ? (cr4 & SIM_CR4_SMEP)
						    : (cr4 & SIM_CR4_SMAP) && !ac))
				return false;
			*hpa = (e & SPTE_ADDR_MASK) +
			       (gva & (level == 1 ? 0x1fffff : 0xfff));
			return true;
		}
		t = table(e);
	}
	return false;
}

/* Who the monitor tells the shadow makes an access at CPL with AC. */
static enum shadow_privilege privilege(int cpl, bool ac)
{
	if (cpl == 3)
		return SHADOW_USER;
	return ac ? SHADOW_SUPERVISOR_AC : SHADOW_SUPERVISOR;
}

/* The monitor emulates the access after an MMIO, traced-write or
 * emulate fault. */
static struct outcome emulate(struct sim *s, struct outcome o,
			      const uint32_t piece[2],
			      enum shadow_access access, int cpl, uint8_t *buf)
{
	for (unsigned i = 0; i < o.pieces; i++)
		if (!shadow_translate(s->mmu, piece[i], access,
				      privilege(cpl, s->ac), &o.gpa[i],
				      &o.error_code)) {
			o.kind = OUT_FAULT;
			o.cr2 = piece[i];
			return o;
		}
	for (unsigned i = 0; i < o.pieces; i++) {
		uint8_t *bytes = buf + (i ? o.len[0] : 0);

		if (access == SHADOW_WRITE && is_ram(o.gpa[i], o.len[i]))
			shadow_emulated_write(s->mmu, (uint32_t)o.gpa[i], bytes,
					      o.len[i]);
		else
			move_piece(&o, i, s->ram, access, buf);
	}
	return o;
}

/* All pieces through the shadow, as the CPU does it; false: which faults. */
static bool hw_pass(struct sim *s, struct outcome *o, const uint32_t piece[2],
		    enum shadow_access access, int cpl, unsigned *faulting)
{
	uint64_t hpa[2];

	for (unsigned i = 0; i < o->pieces; i++) {
		if (!hw_translate(s, piece[i], access, cpl, s->ac, &hpa[i])) {
			*faulting = i;
			return false;
		}
		if (hpa[i] < SIM_RAM_BASE ||
		    !is_ram(hpa[i] - SIM_RAM_BASE, o->len[i])) {
			o->broken = "the shadow maps memory outside guest RAM";
			return true;
		}
		o->gpa[i] = hpa[i] - SIM_RAM_BASE;
	}
	return true;
}

struct outcome sim_access(struct sim *s, uint32_t gva,
			  enum shadow_access access, int cpl, void *buf,
			  unsigned len)
{
	struct outcome o = { .kind = OUT_OK };
	struct shadow_fault f;
	uint32_t piece[2];
	unsigned faulting;

	split(&o, gva, len, piece);
	for (unsigned restart = 0; restart < 4; restart++) {
		if (hw_pass(s, &o, piece, access, cpl, &faulting)) {
			for (unsigned i = 0; !o.broken && i < o.pieces; i++)
				move_piece(&o, i, s->ram, access, buf);
			return o;
		}
		switch (shadow_page_fault(s->mmu, piece[faulting], access,
					  privilege(cpl, s->ac), &f)) {
		case SHADOW_HIDDEN:
			continue;       /* restart the instruction */
		case SHADOW_TRUE_FAULT:
			o.kind = OUT_FAULT;
			o.error_code = f.error_code;
			o.cr2 = f.cr2;
			if (f.cr2 != piece[faulting])
				o.broken = "a true fault names another address";
			return o;
		case SHADOW_MMIO:
		case SHADOW_TRACED_WRITE:
		case SHADOW_EMULATE:
			return emulate(s, o, piece, access, cpl, buf);
		}
	}
	o.broken = "a hidden fault that does not fix the shadow";
	return o;
}

/* ---- coherence -------------------------------------------------------- */

static char why[512];

/* Does the guest allow ACCESS at CPL with AC on GVA, to the same place as
 * HPA? */
static const char *agrees(struct sim *s, uint32_t gva,
			  enum shadow_access access, int cpl, bool ac,
			  uint64_t hpa)
{
	uint64_t gpa;
	uint32_t err;

	if (!ref_walk(s->ram, s->cr0, s->cr3, s->cr4, gva, access, cpl, ac,
		      false, &gpa, &err)) {
		snprintf(why, sizeof(why), "gva 0x%08x: the shadow allows a "
			 "%s at CPL %d (AC %d) that the guest refuses (#PF "
			 "0x%x)", gva, access == SHADOW_WRITE ? "write" :
			 access == SHADOW_READ ? "read" : "fetch", cpl, ac,
			 err);
		return why;
	}
	if (gpa + SIM_RAM_BASE != hpa) {
		snprintf(why, sizeof(why), "gva 0x%08x: shadow -> gpa 0x%llx, "
			 "guest -> gpa 0x%llx", gva,
			 (unsigned long long)(hpa - SIM_RAM_BASE),
			 (unsigned long long)gpa);
		return why;
	}
	return NULL;
}

/*
 * Check each access the real CPU lets through the page at GVA - read,
 * write and fetch, at CPL 3 and at CPL 0 with AC clear and set - against
 * the guest.
 */
static const char *page_agrees(struct sim *s, uint32_t gva)
{
	static const struct { int cpl; bool ac; } who[] = {
		{ 0, false }, { 0, true }, { 3, false },
	};
	const char *bad = NULL;
	uint64_t hpa;

	for (unsigned a = SHADOW_READ; !bad && a <= SHADOW_FETCH; a++)
		for (unsigned i = 0; !bad && i < 3; i++)
			if (hw_translate(s, gva, (enum shadow_access)a,
					 who[i].cpl, who[i].ac, &hpa))
				bad = agrees(s, gva, (enum shadow_access)a,
					     who[i].cpl, who[i].ac,
					     hpa & ~0xfffull);
	return bad;
}

const char *sim_check_coherence(struct sim *s)
{
	const uint64_t *pdpt = hpa_ptr(s->pdpt), *pd, *pt;

	if (!(s->cr0 & SIM_CR0_PG))
		return NULL;
	for (unsigned q = 0; q < 4; q++) {
		if (!(pdpt[q] & SPTE_P))
			continue;
		pd = table(pdpt[q]);
		for (unsigned i = 0; i < 512; i++) {
			uint32_t base = q << 30 | i << 21;
			const char *bad = NULL;

			if (!(pd[i] & SPTE_P))
				continue;
			if (pd[i] & SPTE_PS) {
				for (unsigned k = 0; !bad && k < 512; k++)
					bad = page_agrees(s, base + k * 4096);
				if (bad)
					return bad;
				continue;
			}
			pt = table(pd[i]);
			for (unsigned k = 0; !bad && k < 512; k++)
				if (pt[k] & SPTE_P)
					bad = page_agrees(s, base + k * 4096);
			if (bad)
				return bad;
		}
	}
	return NULL;
}
