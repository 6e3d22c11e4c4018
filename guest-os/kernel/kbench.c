/*
 * kbench.c - the kernel-level benchmarks: what single privileged or
 * trapping operations cost the guest kernel.
 *
 * These are Adams and Agesen's nanobenchmarks ("A Comparison of Software and
 * Hardware Techniques for x86 Virtualization", ASPLOS 2006) as this kernel
 * runs them in ring 0, before the first process starts, with interrupts off:
 *
 *   k.int      `int` to a handler that only irets: the cheapest trap, the
 *              floor under every trap-and-emulate exit
 *   k.in       `in` from the POST port 0x80: port I/O
 *   k.sticli   `sti; cli`: the interrupt flag set and cleared (one
 *              operation = the pair; no interrupt is taken in between)
 *   k.callret  call and return: no trap anywhere (the control)
 *   k.pgfault  a load from an unmapped page: a true page fault, taken and
 *              handled by this kernel's full trap path
 *   k.divzero  a divide by zero: an exception through the same path
 *   k.ptemod   rewrite a page table entry, invlpg, and use the mapping
 *              (one operation = one PTE write + invlpg + load)
 *   k.cr3      reload CR3: the TLB flush of a context switch
 *
 * Each runs its loop (kbench_loops.S) a fixed number of times between two
 * reads of the TSC and prints one line:
 *
 *   bench k.NAME iters=N cycles_per_op=C
 *
 * Natively the cycles are the CPU's (or QEMU's); under a monitor they show
 * what each operation costs once virtualized.  Only C varies between runs.
 */
#include "kbench.h"

#include "frame.h"
#include "kernel.h"
#include "klib.h"
#include "memlayout.h"
#include "mmu.h"
#include "ostrap.h"
#include "paging.h"
#include "vm.h"
#include "x86.h"

#define KBENCH_INT_VECTOR 0x81 /* = kbench_loops.S */

void loop_int(uint32_t n);
void loop_in(uint32_t n);
void loop_sti_cli(uint32_t n);
void loop_call(uint32_t n);
void loop_fault_load(uint32_t n, uint32_t va);
void loop_divide_by_zero(uint32_t n);
void loop_ptemod(uint32_t n, pte_t *pte, pte_t a, pte_t b, uint32_t va);
void loop_cr3_reload(uint32_t n);
extern const char fault_load_resume[], divide_resume[];
extern void bare_iret(void); /* osvectors.S */

/* Print the result line of benchmark `name`: `ops` operations took
 * `cycles`. */
static void report(const char *name, uint32_t ops, uint64_t cycles)
{
    kprintf("bench %s iters=%u cycles_per_op=%u\n", name, ops,
            (uint32_t)(cycles / ops));
}

/* Time `loop(n)` and report it as `name`, n operations. */
static void time_loop(const char *name, void (*loop)(uint32_t), uint32_t n)
{
    uint64_t start = rdtsc();
    loop(n);
    report(name, n, rdtsc() - start);
}

static void bench_pgfault(uint32_t n)
{
    *vm_scratch_pte() = 0;
    invlpg((const void *)SCRATCH_VA);
    ostrap_expect_kernel_fault(T_PGFLT, (uint32_t)fault_load_resume);
    uint64_t start = rdtsc();
    loop_fault_load(n, SCRATCH_VA);
    report("k.pgfault", n, rdtsc() - start);
    ostrap_expect_kernel_fault(-1, 0);
}

static void bench_divzero(uint32_t n)
{
    ostrap_expect_kernel_fault(0, (uint32_t)divide_resume); /* #DE */
    uint64_t start = rdtsc();
    loop_divide_by_zero(n);
    report("k.divzero", n, rdtsc() - start);
    ostrap_expect_kernel_fault(-1, 0);
}

/* Alternate the scratch page between two frames of its own. */
static void bench_ptemod(uint32_t n)
{
    physaddr_t a = frame_alloc(), b = frame_alloc();
    if (a == 0 || b == 0)
        panic("bench_ptemod", "no frames");
    pte_t *pte = vm_scratch_pte();
    uint64_t start = rdtsc();
    loop_ptemod(n, pte, a | PTE_P | PTE_W, b | PTE_P | PTE_W, SCRATCH_VA);
    report("k.ptemod", 2 * n, rdtsc() - start);
    *pte = 0;
    invlpg((const void *)SCRATCH_VA);
    frame_unref(a);
    frame_unref(b);
}

void kbench_run_all(void)
{
    idt_set_gate(KBENCH_INT_VECTOR, bare_iret, DPL_KERNEL);
    time_loop("k.int", loop_int, 20000);
    time_loop("k.in", loop_in, 20000);
    time_loop("k.sticli", loop_sti_cli, 20000);
    time_loop("k.callret", loop_call, 1000000);
    bench_pgfault(10000);
    bench_divzero(10000);
    bench_ptemod(10000);
    time_loop("k.cr3", loop_cr3_reload, 10000);
}
