#ifndef VMM_MACHINE_PIC_H
#define VMM_MACHINE_PIC_H

/* Remap the machine's PICs above the exceptions and mask every line. */
void machine_pic_init(void);

#endif
