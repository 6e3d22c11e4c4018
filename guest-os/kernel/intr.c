/*
 * intr.c - device interrupts: the APICs, or the 8259s.
 *
 * A PC has two ways to deliver device interrupts.  The old one: the two
 * 8259s (pic.c) take the ISA lines, with the 8254 PIT (pit.c) on line 0 as
 * the tick.  The one every multiprocessor-era kernel uses, as xv6 does: the
 * I/O APIC (ioapic.c) takes the lines and sends them to the CPU's local
 * APIC (lapic.c), whose own timer gives the tick.  Only the BIOS's MP table
 * (mp.c) says where the APICs are, so the kernel looks for it and takes
 * the APIC path if it finds one, the 8259 path otherwise.  Either way the
 * 8259s are first re-programmed to vectors 32-47 and masked - on the APIC
 * path they stay masked, so no line can reach the CPU twice - and either way
 * line n arrives on vector PIC_VECTOR_BASE + n, so the trap handlers
 * (ostrap.c) need not know which path was taken; they acknowledge through
 * intr_eoi, which does.
 *
 * On the APIC path the local APIC's spurious vector is the one line 15
 * would use: its low four bits must be 1111 on older CPUs, and line 15 is
 * never routed.  The boot line says which path was taken, without
 * addresses, so the console output is the same on every PC.
 */
#include "intr.h"

#include "ioapic.h"
#include "kernel.h"
#include "lapic.h"
#include "mp.h"
#include "pit.h"
#include "vm.h"
#include "x86.h"

#define IRQ_APIC_SPURIOUS 15 /* its vector is PIC_VECTOR_BASE + 15 = 0x2F */

/* The IMCR (ports 0x22, 0x23): on old boards, whether the 8259s or the
 * APIC reach the CPU's interrupt pin.  Register 0x70, bit 0 = 1: the APIC. */
#define IMCR_SELECT 0x22
#define IMCR_DATA 0x23
#define IMCR_REG 0x70
#define IMCR_APIC_MODE 0x01u

static int use_apic;
static uint8_t boot_apic_id;

/* Take the APIC path on the machine `m` describes: IMCR to APIC mode if
 * there is one, both APICs mapped and set up, the LAPIC timer started. */
static void apic_path(const struct mp_machine *m)
{
    if (m->imcr) {
        outb(IMCR_SELECT, IMCR_REG);
        outb(IMCR_DATA, inb(IMCR_DATA) | IMCR_APIC_MODE);
    }
    vm_map_mmio(m->lapic_pa);
    vm_map_mmio(m->ioapic_pa);
    lapic_init(m->lapic_pa, PIC_VECTOR_BASE + IRQ_APIC_SPURIOUS);
    boot_apic_id = lapic_id();
    ioapic_init(m->ioapic_pa, m->ioapic_id);
    lapic_timer_start(TIMER_HZ, PIC_VECTOR_BASE + IRQ_TIMER);
    use_apic = 1;
}

void intr_init(void)
{
    struct mp_machine m;
    pic_remap();
    if (mp_find(&m) == 0) {
        pic_mask_all();
        apic_path(&m);
        kprintf("os: interrupts: lapic + ioapic (mp table found)\n");
    } else {
        pit_init();
        kprintf("os: interrupts: 8259 pic + pit (no mp table)\n");
    }
}

void intr_enable(uint32_t irq)
{
    if (use_apic)
        ioapic_route(irq, PIC_VECTOR_BASE + irq, boot_apic_id);
    else
        pic_unmask(irq);
}

void intr_eoi(uint32_t irq)
{
    if (use_apic)
        lapic_eoi();
    else
        pic_eoi(irq);
}

int intr_is_spurious(uint32_t irq)
{
    if (use_apic)
        return irq == IRQ_APIC_SPURIOUS;
    return pic_is_spurious(irq);
}
