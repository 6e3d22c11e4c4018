/*
 * frame.c - physical page frames: which 4 KiB of RAM are free, and how many
 * users each of the others has.
 *
 * Everything the kernel allocates dynamically - page directories, page
 * tables, user pages, pipes - is one 4 KiB frame.  Free frames are kept on a
 * list threaded through the frames themselves (the first word of a free
 * frame, reached through the kernel's map of physical memory, points at the
 * next), so the allocator needs no memory of its own beyond a head pointer.
 * Allocation takes the head; freeing pushes on it: the order is the same on
 * every run, so two runs of the same programs use the same frames.
 *
 * After fork, a frame can be mapped in several address spaces at once
 * (copy-on-write, vm.c), so each frame has a reference count: frame_alloc
 * gives 1, frame_ref adds a user, frame_unref drops one and frees the frame
 * when none is left.  The counts live in a table indexed by frame number
 * that covers all the memory the kernel maps (PHYS_MAP_MAX).
 */
#include "frame.h"

#include "klib.h"
#include "memlayout.h"

#define MAX_FRAMES (PHYS_MAP_MAX / PAGE_SIZE)

/* A free frame, as the free list sees it. */
struct free_frame {
    struct free_frame *next;
};

static struct free_frame *free_list;
static uint32_t free_count;
static uint16_t refcount[MAX_FRAMES];

/* Return the refcount slot of `pa`; panic if it is not a managed frame. */
static uint16_t *refcount_of(physaddr_t pa, const char *who)
{
    if (pa % PAGE_SIZE != 0 || pa >= PHYS_MAP_MAX)
        panic(who, "not a frame address");
    return &refcount[pa / PAGE_SIZE];
}

/* Put the unused frame `pa` on the free list. */
static void frame_free(physaddr_t pa)
{
    struct free_frame *f = phys_to_virt(pa);
    f->next = free_list;
    free_list = f;
    free_count++;
}

void frame_init(physaddr_t start, physaddr_t end)
{
    /* Freed from the top down, so the lowest frames are handed out first. */
    for (physaddr_t pa = end; pa > start; pa -= PAGE_SIZE)
        frame_free(pa - PAGE_SIZE);
}

physaddr_t frame_alloc(void)
{
    struct free_frame *f = free_list;
    if (f == 0)
        return 0;
    free_list = f->next;
    free_count--;
    physaddr_t pa = virt_to_phys(f);
    *refcount_of(pa, "frame_alloc") = 1;
    memset(f, 0, PAGE_SIZE);
    return pa;
}

void frame_ref(physaddr_t pa)
{
    uint16_t *count = refcount_of(pa, "frame_ref");
    if (*count == 0 || *count == UINT16_MAX)
        panic("frame_ref", "frame free or shared too often");
    (*count)++;
}

void frame_unref(physaddr_t pa)
{
    uint16_t *count = refcount_of(pa, "frame_unref");
    if (*count == 0)
        panic("frame_unref", "frame already free");
    if (--*count == 0)
        frame_free(pa);
}

uint32_t frame_refcount(physaddr_t pa)
{
    return *refcount_of(pa, "frame_refcount");
}

uint32_t frame_free_count(void)
{
    return free_count;
}
