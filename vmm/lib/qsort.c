/*
 * qsort.c - sorting an array of elements of any size, without recursion.
 *
 * The problem: capstone sorts tables with qsort, and the monitor has a small
 * fixed stack and no C library.  A textbook quicksort recurses (and degrades
 * to n^2 on sorted input); a merge sort wants a buffer as big as the array.
 *
 * The approach: heap sort.  It needs no extra memory, no recursion, and
 * takes O(n log n) comparisons on every input; and, having no random pivot,
 * it does the same comparisons on every run.  The array is viewed as a
 * binary tree (element i has children 2i+1 and 2i+2).  First it is arranged
 * into a max-heap, where every parent is >= its children; then the root (the
 * largest element) is swapped to the end, the heap shrinks by one, and the
 * new root sinks back to its place.  Like every heap sort it is not stable:
 * elements that compare equal may end up in any order, as C allows.
 */
#include <stddef.h>
#include <stdlib.h>

/* What qsort works on: the array and how to compare two of its elements. */
struct sort_array {
	unsigned char *base;
	size_t elem_size;
	int (*compar)(const void *, const void *);
};

/* Address of element i. */
static void *element(const struct sort_array *a, size_t i)
{
	return a->base + i * a->elem_size;
}

/* True if element i sorts before element j. */
static int less(const struct sort_array *a, size_t i, size_t j)
{
	return a->compar(element(a, i), element(a, j)) < 0;
}

/* Exchange elements i and j, byte by byte (elements may be of any size and
 * alignment). */
static void swap(const struct sort_array *a, size_t i, size_t j)
{
	unsigned char *x = element(a, i), *y = element(a, j);

	for (size_t k = 0; k < a->elem_size; k++) {
		unsigned char t = x[k];

		x[k] = y[k];
		y[k] = t;
	}
}

/* Move element `parent` down the heap formed by the first n elements until
 * it is no smaller than its children.  Its subtrees must already be heaps. */
static void sift_down(const struct sort_array *a, size_t parent, size_t n)
{
	for (;;) {
		size_t largest = parent;
		size_t left = 2 * parent + 1, right = left + 1;

		if (left < n && less(a, largest, left))
			largest = left;
		if (right < n && less(a, largest, right))
			largest = right;
		if (largest == parent)
			return;
		swap(a, parent, largest);
		parent = largest;
	}
}

/* Sort nmemb elements of `size` bytes at base into ascending order as told
 * by compar (negative, zero or positive for less, equal or greater). */
void qsort(void *base, size_t nmemb, size_t size,
	   int (*compar)(const void *, const void *))
{
	struct sort_array a = { base, size, compar };

	if (nmemb < 2 || size == 0)
		return;
	/* Heapify: sift every parent down, from the last one up to the root. */
	for (size_t i = nmemb / 2; i-- > 0;)
		sift_down(&a, i, nmemb);
	/* Move the maximum behind the shrinking heap, then repair the heap. */
	for (size_t end = nmemb - 1; end > 0; end--) {
		swap(&a, 0, end);
		sift_down(&a, 0, end);
	}
}
