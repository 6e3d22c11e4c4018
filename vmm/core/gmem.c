/*
 * gmem.c - the one door into guest memory (see gmem.h).
 *
 * Every access is split at guest page boundaries, because each page of a
 * linear range may translate somewhere else (or nowhere).  Each piece is
 * translated, checked to lie wholly inside guest RAM and outside the hole,
 * and only then copied - or, if it is not RAM and the monitor gave MMIO
 * hooks, handed to them (instructions are never fetched from devices).  A read or fetch that fails leaves the bytes before
 * it done and reports where it stopped; a write is checked whole before any
 * byte lands, as the hardware checks a store before it commits it.
 */
#include "gmem.h"

#include <string.h>

void *gmem_gpa_ptr(const struct guest_mem *m, uint64_t gpa, size_t len)
{
	uint64_t end = gpa + len;

	if (end > m->size)
		return NULL;
	if (gpa < m->hole_end && end > m->hole_start)
		return NULL;
	return m->ram + gpa;
}

/* Translate one linear address, or fail with the reason in *fault. */
static enum gmem_status translate(const struct guest_mem *m, gva_t gva,
				  enum gmem_access access, int cpl,
				  uint64_t *gpa, struct gmem_fault *fault)
{
	enum gmem_status st = GM_OK;

	fault->gva = gva;
	fault->pf_error = 0;
	fault->status = GM_OK;
	if (m->translate)
		st = m->translate(m->ctx, gva, access, cpl, gpa,
				  &fault->pf_error);
	else
		*gpa = gva;
	fault->gpa = *gpa;
	fault->status = st;
	return st;
}

/* Bytes from GVA to the end of its guest page, at most LEN. */
static size_t chunk_len(gva_t gva, size_t len)
{
	size_t room = GUEST_PAGE_SIZE - (gva & (GUEST_PAGE_SIZE - 1));

	return len < room ? len : room;
}

/*
 * Move N bytes between BUF and guest-physical GPA (monitor pointer P, or
 * NULL if it is not RAM) in the direction ACCESS says, through the hooks.
 */
static void move(const struct guest_mem *m, uint8_t *p, uint64_t gpa,
		 uint8_t *buf, size_t n, enum gmem_access access)
{
	if (access == GM_WRITE) {
		if (!p)
			m->mmio_write(m->ctx, gpa, buf, n);
		else if (m->write_ram)
			m->write_ram(m->ctx, (gpa_t)gpa, buf, n);
		else
			memcpy(p, buf, n);
	} else if (p) {
		memcpy(buf, p, n);
	} else {
		m->mmio_read(m->ctx, gpa, buf, n);
	}
}

/*
 * Walk [gva, gva+len) page by page; for each piece copy between guest RAM
 * and BUF in the direction ACCESS says (or, if !COMMIT, only check that it
 * could).  Linear addresses wrap at 4 GiB.
 */
static enum gmem_status copy(const struct guest_mem *m, gva_t gva,
			     uint8_t *buf, size_t len, enum gmem_access access,
			     int cpl, struct gmem_fault *fault, size_t *done,
			     int commit)
{
	*done = 0;
	while (*done < len) {
		size_t n = chunk_len(gva, len - *done);
		uint64_t gpa;
		enum gmem_status st = translate(m, gva, access, cpl, &gpa,
						fault);
		uint8_t *p;

		if (st != GM_OK)
			return st;
		p = gmem_gpa_ptr(m, gpa, n);
		if (!p && !(m->mmio_read && m->mmio_write && access != GM_FETCH))
			return fault->status = GM_UNBACKED;
		if (commit)
			move(m, p, gpa, buf + *done, n, access);
		*done += n;
		gva += (gva_t)n;            /* wraps at 4 GiB */
	}
	return GM_OK;
}

enum gmem_status gmem_read(const struct guest_mem *m, gva_t gva, void *buf,
			   size_t len, int cpl, struct gmem_fault *fault)
{
	size_t done;

	return copy(m, gva, buf, len, GM_READ, cpl, fault, &done, 1);
}

enum gmem_status gmem_write(const struct guest_mem *m, gva_t gva,
			    const void *buf, size_t len, int cpl,
			    struct gmem_fault *fault)
{
	size_t done;

	enum gmem_status st = copy(m, gva, (uint8_t *)buf, len, GM_WRITE, cpl,
				   fault, &done, 0);

	if (st != GM_OK)
		return st;
	return copy(m, gva, (uint8_t *)buf, len, GM_WRITE, cpl, fault, &done,
		    1);
}

size_t gmem_fetch(const struct guest_mem *m, uint32_t cs_base, uint32_t eip,
		  uint8_t *buf, size_t max, int cpl, struct gmem_fault *fault)
{
	size_t done;

	copy(m, (gva_t)(cs_base + eip), buf, max, GM_FETCH, cpl, fault, &done,
	     1);
	return done;
}
