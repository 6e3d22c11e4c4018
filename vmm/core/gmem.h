/*
 * gmem.h - the one door into guest memory.
 *
 * Nothing in the monitor dereferences a guest address except through these
 * functions.  A guest linear address (gva_t) is first translated to a
 * guest-physical address (gpa_t) - identity while guest paging is off, the
 * guest's own page tables once shadow/ provides a walker - and only then, if
 * it falls inside guest RAM, turned into a monitor pointer.  Linear addresses
 * wrap at 4 GiB, as they do on the reference CPU.
 *
 * The module is pure: it knows guest RAM as (pointer, size), so the same
 * source builds into host unit tests.
 */
#ifndef VMM_GMEM_H
#define VMM_GMEM_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t gva_t;     /* guest linear (virtual) address */
typedef uint32_t gpa_t;     /* guest-physical address */

enum gmem_access { GM_READ, GM_WRITE, GM_FETCH };

enum gmem_status {
	GM_OK,
	GM_PAGE_FAULT,      /* the guest's translation refuses: a true #PF */
	GM_UNBACKED,        /* translated, but not guest RAM (MMIO or a hole) */
};

struct gmem_fault {
	enum gmem_status status;    /* why it failed */
	gva_t gva;          /* first linear address that failed */
	uint64_t gpa;       /* its guest-physical address (GM_UNBACKED) */
	uint32_t pf_error;  /* #PF error code (GM_PAGE_FAULT) */
};

/*
 * Translate GVA for ACCESS at guest CPL CPL; on success store the
 * guest-physical address and return GM_OK, else GM_PAGE_FAULT with
 * *pf_error set.
 */
typedef enum gmem_status (*gmem_translate_fn)(void *ctx, gva_t gva,
					      enum gmem_access access, int cpl,
					      uint64_t *gpa, uint32_t *pf_error);

/*
 * Optional hooks.  WRITE_RAM replaces the plain copy of a write into guest
 * RAM (the shadow MMU must see every write that may change a guest page
 * table).  MMIO_READ and MMIO_WRITE receive accesses to guest-physical
 * addresses that are not RAM (devices, or nothing: reads 0, writes
 * dropped); without them such accesses fail with GM_UNBACKED.  GPA is
 * 64-bit: a PSE-36 page may lie above 4 GiB.
 */
typedef void (*gmem_write_ram_fn)(void *ctx, gpa_t gpa, const void *bytes,
				  size_t len);
typedef void (*gmem_mmio_read_fn)(void *ctx, uint64_t gpa, void *buf,
				  size_t len);
typedef void (*gmem_mmio_write_fn)(void *ctx, uint64_t gpa, const void *buf,
				   size_t len);

struct guest_mem {
	uint8_t *ram;               /* monitor pointer to guest-physical 0 */
	uint64_t size;              /* bytes of guest RAM */
	gpa_t hole_start, hole_end; /* [start, end): not RAM (the VGA window) */
	gmem_translate_fn translate;/* NULL: paging off, linear = physical */
	gmem_write_ram_fn write_ram;
	gmem_mmio_read_fn mmio_read;
	gmem_mmio_write_fn mmio_write;
	void *ctx;
};

#define GUEST_PAGE_SIZE 4096u

/* Monitor pointer to guest-physical [gpa, gpa+len), or NULL if not all RAM. */
void *gmem_gpa_ptr(const struct guest_mem *m, uint64_t gpa, size_t len);

/* Copy LEN bytes at linear GVA into BUF, as an access by code at CPL. */
enum gmem_status gmem_read(const struct guest_mem *m, gva_t gva, void *buf,
			   size_t len, int cpl, struct gmem_fault *fault);

/* Copy LEN bytes from BUF to linear GVA, as an access by code at CPL. */
enum gmem_status gmem_write(const struct guest_mem *m, gva_t gva,
			    const void *buf, size_t len, int cpl,
			    struct gmem_fault *fault);

/*
 * Fetch up to MAX instruction bytes at CS_BASE + EIP.  Returns how many
 * bytes could be fetched before the first that cannot (0 if none); an
 * instruction may cross a page boundary and the 4 GiB edge.
 */
size_t gmem_fetch(const struct guest_mem *m, uint32_t cs_base, uint32_t eip,
		  uint8_t *buf, size_t max, int cpl, struct gmem_fault *fault);

#endif
