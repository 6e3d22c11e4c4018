/*
 * probe.c - the conformance guests' probe (conformance.h): run one
 * instruction that may fault, and report what happened.
 */
#include "conformance.h"

volatile struct probe probe;

static void probe_handler(struct trapframe *tf)
{
    if (probe.skip == 0) {
        kprintf("FAIL: unexpected %s at cpl %u, error 0x%x\n",
                trap_name(tf->trapno), tf->cs & 3, tf->err);
        poweroff(1);
    }
    probe.faulted = 1;
    probe.vector = tf->trapno;
    probe.err = tf->err;
    probe.cpl = tf->cs & 3;
    tf->eip += probe.skip;
    probe.skip = 0;
}

void conformance_start(const char *name)
{
    uart_init();
    pic_mask_all();
    idt_init();
    probe_install();
    kprintf("%s: conformance guest\n", name);
}

void probe_install(void)
{
    for (uint32_t v = 0; v < 32; v++)
        trap_register(v, probe_handler);
}

void probe_report(const char *name)
{
    if (!probe.faulted)
        kprintf("%s: no fault\n", name);
    else
        kprintf("%s: %s err 0x%x cpl %u\n", name, trap_name(probe.vector),
                probe.err, probe.cpl);
}
