/*
 * shadow_sim.h - a simulated machine for testing the shadow MMU on the host.
 *
 * Two guest machines side by side, fed the same guest actions:
 *
 *  - the shadowed machine: guest RAM in a host buffer at a fake machine
 *    address, the shadow MMU, and a model of the real CPU that translates
 *    through the shadow's 4-level tables (and on a refusal calls the fault
 *    handler and acts on its answer, as the monitor would);
 *  - the reference machine: its own copy of guest RAM, translated by a
 *    straightforward 32-bit walker written from the SDM (with no TLB).
 *
 * A correct shadow makes the two indistinguishable: the same data, the same
 * faults with the same error codes, the same Accessed and Dirty bits.
 */
#ifndef SHADOW_SIM_H
#define SHADOW_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "../../shadow/shadow.h"

#define SIM_RAM_SIZE   (16u << 20)
#define SIM_HOLE_START 0xa0000u
#define SIM_HOLE_END   0xc0000u
#define SIM_RAM_BASE   0x80000000ull     /* machine address of guest-physical 0 */

#define SIM_CR0_PE 0x00000001u
#define SIM_CR0_WP 0x00010000u
#define SIM_CR0_PG 0x80000000u
#define SIM_CR4_PSE 0x00000010u
#define SIM_CR4_PAE 0x00000020u
#define SIM_CR4_PGE 0x00000080u
#define SIM_CR4_SMEP 0x00100000u
#define SIM_CR4_SMAP 0x00200000u

/* Guest entry bits, as the test writes them. */
#define G_P  0x001u
#define G_W  0x002u
#define G_U  0x004u
#define G_A  0x020u
#define G_D  0x040u
#define G_PS 0x080u
#define G_G  0x100u

/* #PF error code bits. */
#define E_P    0x01u
#define E_W    0x02u
#define E_U    0x04u
#define E_RSVD 0x08u
#define E_ID   0x10u

struct sim {
	uint8_t *ram;               /* the shadowed machine's guest RAM */
	uint8_t *ref_ram;           /* the reference machine's */
	struct shadow_env env;
	struct shadow_guest_ram gram;
	struct shadow_mmu *mmu;
	shadow_hpa_t pdpt;          /* real PML4 entry 0, as activate_root left it */
	unsigned activations, flushes;
	uint32_t cr0, cr3, cr4;     /* the guest's, on both machines */
	bool ac;                    /* the guest's EFLAGS.AC, on both */
};

enum outcome_kind { OUT_OK, OUT_FAULT, OUT_MMIO };

struct outcome {
	enum outcome_kind kind;
	uint32_t error_code, cr2;   /* OUT_FAULT */
	uint64_t mmio_gpa;          /* OUT_MMIO: the first piece not in RAM */
	unsigned pieces;            /* an access splits at page boundaries */
	uint64_t gpa[2];            /* each piece's guest-physical address */
	unsigned len[2];
	const char *broken;         /* the shadowed machine misbehaved: why */
};

/* A machine pair with RAM zeroed, paging off, the shadow made with P. */
void sim_init(struct sim *s, const struct shadow_params *p);
void sim_free(struct sim *s);

/* Store V at GPA in both machines' RAM, behind the shadow's back. */
void sim_poke32(struct sim *s, uint32_t gpa, uint32_t v);
/* The shadowed machine's guest RAM at GPA. */
uint32_t sim_peek32(const struct sim *s, uint32_t gpa);

/* The guest writes CR0, CR3, CR4 (both machines). */
void sim_cr0(struct sim *s, uint32_t cr0);
void sim_cr3(struct sim *s, uint32_t cr3);
void sim_cr4(struct sim *s, uint32_t cr4);

/*
 * An access of LEN bytes at GVA by code at CPL (with the guest's EFLAGS.AC
 * s->ac), on the shadowed machine.
 */
struct outcome sim_access(struct sim *s, uint32_t gva,
			  enum shadow_access access, int cpl, void *buf,
			  unsigned len);
/* ... and on the reference machine. */
struct outcome ref_access(struct sim *s, uint32_t gva,
			  enum shadow_access access, int cpl, void *buf,
			  unsigned len);

/*
 * The reference walker: 32-bit paging from the SDM (SMEP and SMAP
 * included), over RAM, for an access at CPL with EFLAGS.AC = AC.  True with
 * *GPA, or false with the #PF error code.  SET_AD: set A/D as the CPU does.
 */
bool ref_walk(uint8_t *ram, uint32_t cr0, uint32_t cr3, uint32_t cr4,
	      uint32_t gva, enum shadow_access access, int cpl, bool ac,
	      bool set_ad, uint64_t *gpa, uint32_t *err);

/*
 * The real CPU's view: the shadow leaf for GVA in the active root (0 if
 * none) and its size; true if ACCESS at CPL with EFLAGS.AC = AC would go
 * through (the real CR4.SMEP and SMAP are the guest's while its paging is
 * on, as the monitor keeps them).
 */
uint64_t shadow_leaf(const struct sim *s, uint32_t gva, uint64_t *size);
bool hw_translate(const struct sim *s, uint32_t gva,
		  enum shadow_access access, int cpl, bool ac, uint64_t *hpa);

/*
 * Every translation the active root makes must be the guest's (as the
 * reference walker finds it in the shadowed machine's RAM): NULL, or why
 * not.
 */
const char *sim_check_coherence(struct sim *s);

#endif
