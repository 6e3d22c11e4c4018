/*
 * cases.c - choosing a hostile guest's case (cases.h).
 */
#include "cases.h"

#include "kernel.h"

volatile uint32_t hostile_skip;
static volatile uint32_t fault_vector, fault_err, faulted;

static void handler(struct trapframe *tf)
{
    faulted = 1;
    fault_vector = tf->trapno;
    fault_err = tf->err;
    if (!hostile_skip) {
        kprintf("unexpected %s at 0x%x err 0x%x\n", trap_name(tf->trapno),
                tf->eip, tf->err);
        poweroff(1);
    }
    tf->eip += hostile_skip;
    hostile_skip = 0;
}

void hostile_report(const char *what)
{
    if (faulted)
        kprintf("%s: %s err 0x%x\n", what, trap_name(fault_vector), fault_err);
    else
        kprintf("%s: no fault\n", what);
    faulted = 0;
}

void hostile_start(void)
{
    uart_init();
    pic_mask_all();
    idt_init();
    for (uint32_t v = 0; v < 32; v++)
        trap_register(v, handler);
}

const char *hostile_case_name(const struct multiboot_info *mbi)
{
    const char *s = (const char *)mbi->cmdline;

    while (*s && *s != ' ')
        s++;
    while (*s == ' ')
        s++;
    return s;
}

/* Does the command line A start with the word B? */
static int is(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *b == 0 && (*a == 0 || *a == ' ');
}

void hostile_run(const char *name, const struct hostile_case *cases,
                 unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (is(name, cases[i].name)) {
            cases[i].run();
            return;
        }
    kprintf("unknown case\n");
    poweroff(2);
}
