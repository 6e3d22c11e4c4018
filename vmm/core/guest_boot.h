/*
 * guest_boot.h - loading the guest and starting it as a multiboot loader would.
 */
#ifndef VMM_GUEST_BOOT_H
#define VMM_GUEST_BOOT_H

#include <stdint.h>

#include "../cpu/vcpu.h"
#include "multiboot.h"

/*
 * Load the guest ELF of module 0 of MBI (the monitor's own multiboot info)
 * into guest RAM, copy the other modules after it, write the guest's
 * multiboot information, and set the vcpu to the multiboot entry state.
 * Stops the run with a report if the guest file is unusable.
 */
void guest_boot(struct vcpu *v, const struct multiboot_info *mbi);

#endif
