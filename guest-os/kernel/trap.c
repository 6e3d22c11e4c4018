/*
 * trap.c - where every exception and software interrupt arrives in C.
 *
 * vectors.S turns each entry through the IDT into a call of trap() with a
 * uniform trap frame.  What to do about a vector is not trap()'s business:
 * code that expects a vector registers a handler for it, and trap() calls
 * that.  A vector that nobody expects means the kernel is broken, so trap()
 * says which one it was and powers the machine off with a failure status
 * rather than resume into code that cannot continue.
 */
#include "kernel.h"
#include "mmu.h"

/* The registered handler of each vector, or 0. */
static trap_handler_t handlers[IDT_ENTRIES];

/* Make `handler` the one trap() calls for `vector`. */
void trap_register(uint32_t vector, trap_handler_t handler)
{
    handlers[vector] = handler;
}

/* Return the mnemonic of exception `vector` ("#DE"), or a description. */
const char *trap_name(uint32_t vector)
{
    static const char *const names[] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
        "#DF", "coprocessor overrun", "#TS", "#NP", "#SS", "#GP", "#PF",
        "reserved", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
    };
    if (vector < sizeof(names) / sizeof(names[0]))
        return names[vector];
    if (vector == T_SYSCALL)
        return "syscall";
    if (vector < 32)
        return "reserved";
    return "interrupt";
}

/* Called by alltraps with the frame of the interrupted code: hand it to the
 * vector's handler, or power off if there is none. */
void trap(struct trapframe *tf)
{
    trap_handler_t handler = handlers[tf->trapno];
    if (handler != 0) {
        handler(tf);
        return;
    }
    kprintf("FAIL: unexpected trap %u (%s), error 0x%x, eip 0x%08x\n",
            tf->trapno, trap_name(tf->trapno), tf->err, tf->eip);
    poweroff(1);
}
