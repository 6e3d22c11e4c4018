/*
 * pci.c - the PCI configuration ports, answering "no device" everywhere.
 *
 * Problem: kernels probe PCI by writing a bus/device/function/register
 * address to CONFIG_ADDRESS and reading CONFIG_DATA: a vendor ID of 0xffff
 * means nothing is there.  Some first check that CONFIG_ADDRESS reads back
 * what was written, to detect that mechanism #1 exists at all.
 *
 * Approach: CONFIG_ADDRESS is a register that a 32-bit write at 0xcf8 sets
 * and any read returns (narrower reads see their bytes of it; narrower writes
 * are ignored, as on QEMU's host bridge); CONFIG_DATA reads all ones, for
 * every address, and drops writes.  This machine has no PCI device, not even
 * a host bridge: a deliberate difference from QEMU's PC.
 */
#include "pci.h"

void pci_init(struct pci_config *p)
{
	p->address = 0;
}

static uint32_t size_mask(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

uint32_t pci_read(const struct pci_config *p, uint16_t port, unsigned size)
{
	if (port < PCI_CONFIG_DATA)
		return (p->address >> (8 * (port - PCI_CONFIG_ADDRESS))) &
		       size_mask(size);
	return size_mask(size);                 /* no device */
}

void pci_write(struct pci_config *p, uint16_t port, unsigned size, uint32_t val)
{
	if (port == PCI_CONFIG_ADDRESS && size == 4)
		p->address = val;
}
