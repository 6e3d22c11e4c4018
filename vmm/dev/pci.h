/*
 * pci.h - PCI configuration mechanism #1 with no device behind it.
 *
 *   0xcf8  CONFIG_ADDRESS (32 bits)        0xcfc-0xcff  CONFIG_DATA
 *
 *    31   30   24 23   16 15    11 10      8 7        2 1 0
 *   +--+-------+--------+--------+---------+----------+---+
 *   |EN|   0   |  bus   | device | function| register |   |
 *   +--+-------+--------+--------+---------+----------+---+
 */
#ifndef VMM_DEV_PCI_H
#define VMM_DEV_PCI_H

#include <stdint.h>

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc
#define PCI_PORT_LAST      0xcff

struct pci_config {
	uint32_t address;
};

void pci_init(struct pci_config *p);

/* A guest read of SIZE bytes at PORT (0xcf8-0xcff). */
uint32_t pci_read(const struct pci_config *p, uint16_t port, unsigned size);

/* A guest write of SIZE bytes VAL at PORT. */
void pci_write(struct pci_config *p, uint16_t port, unsigned size, uint32_t val);

#endif
