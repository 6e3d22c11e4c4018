/*
 * main.c - the monitor's start-up, from multiboot to the guest's first
 * instruction.
 *
 * QEMU boots the monitor (boot/entry.S brings it to 64-bit mode) and hands it,
 * as multiboot modules, the guest kernel and the guest's own modules.  The
 * monitor then, in this order: takes over the CPU (its GDT, TSS, IDT, SSE),
 * finds machine memory, carves guest RAM out of it, loads the guest, builds
 * the guest's first shadow page tables, starts capstone and the devices, and
 * enters the guest through the same return path every exit takes.
 */
#include <stdio.h>
#include <string.h>

#include "../cpu/decode.h"
#include "../cpu/segments.h"
#include "../cpu/system.h"
#include "../cpu/vcpu.h"
#include "../dev/devices.h"
#include "../lib/heap.h"
#include "cpu_tables.h"
#include "frames.h"
#include "guest_boot.h"
#include "layout.h"
#include "machine_pic.h"
#include "log.h"
#include "multiboot.h"
#include "paging.h"
#include "trace.h"
#include "vintr.h"
#include "x86.h"

#define DEFAULT_GUEST_MIB 256

struct vcpu the_vcpu;

extern char image_end[];

static uint8_t heap_arena[2 << 20] __attribute__((aligned(16)));


/*
 * The real CPU's features: SSE for capstone (CR4.OSFXSR, OSXMMEXCPT; CR0.EM
 * and TS clear), and UMIP where the CPU has it, so that sgdt, sidt, sldt,
 * str and smsw fault at CPL 1 and 3 and the guest sees its virtual values.
 */
static void enable_cpu_features(void)
{
	uint32_t r[4];
	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;

	cpuid(7, 0, r);
	if (r[2] & (1u << 2))
		cr4 |= CR4_UMIP;
	else
		log_printf("monitor: no UMIP: sgdt, sidt, sldt, str, smsw show "
			   "the monitor's values to the guest\n");
	write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(uint64_t)(CR0_EM | CR0_TS));
	write_cr4(cr4);
}

/* First machine address after the monitor image and every module. */
static hpa_t first_free(const struct multiboot_info *mbi)
{
	const struct multiboot_module *mods = hpa_to_ptr(mbi->mods_addr);
	hpa_t end = ptr_to_hpa(image_end);

	for (unsigned i = 0; (mbi->flags & MBI_MODS) && i < mbi->mods_count; i++)
		if (mods[i].mod_end > end)
			end = mods[i].mod_end;
	return end;
}

/* End of the usable RAM region that starts at 1 MiB (QEMU's e820 map). */
static hpa_t high_memory_end(const struct multiboot_info *mbi)
{
	if (!(mbi->flags & MBI_MEMORY))
		panic("the loader gave no memory size");
	return 0x100000ull + (uint64_t)mbi->mem_upper * 1024;
}

/* Value of "KEY=<word>" in the monitor's command line into BUF, or "". */
static void cmdline_word(const char *cmdline, const char *key, char *buf,
			 size_t len)
{
	size_t klen = strlen(key), n = 0;

	buf[0] = 0;
	for (const char *p = cmdline; p && *p; p++) {
		if ((p != cmdline && p[-1] != ' ') || strncmp(p, key, klen) ||
		    p[klen] != '=')
			continue;
		for (p += klen + 1; *p && *p != ' ' && n + 1 < len; p++)
			buf[n++] = *p;
		buf[n] = 0;
		return;
	}
}

/* Value of "KEY=<decimal>" in the monitor's command line, or DEF. */
static uint64_t cmdline_number(const char *cmdline, const char *key,
			       uint64_t def)
{
	char word[24];
	uint64_t n = 0;

	cmdline_word(cmdline, key, word, sizeof(word));
	if (!word[0])
		return def;
	for (const char *p = word; *p >= '0' && *p <= '9'; p++)
		n = n * 10 + (uint64_t)(*p - '0');
	return n;
}

void monitor_main(uint32_t magic, uint32_t mbi_pa);

/*T:010 Start-up.  QEMU has booted the monitor as a multiboot kernel
 * (boot/entry.S took it to 64-bit mode in the higher half).  The guest
 * kernel arrived as multiboot module 0.  The monitor takes the machine
 * (descriptor tables, PICs, SSE), carves guest RAM out of machine memory,
 * builds the guest's first shadow - identity over guest RAM, because the
 * guest starts with paging off - and then enters the guest through the very
 * path every exit returns by: trap_return. */
void monitor_main(uint32_t magic, uint32_t mbi_pa)
{
	const struct multiboot_info *mbi = hpa_to_ptr(mbi_pa);
	const char *cmdline = "";
	struct vcpu *v = &the_vcpu;
	enum shadow_policy policy;
	enum desc_policy desc;
	char word[16], classes[96];
	uint64_t mib;

	heap_init(heap_arena, sizeof(heap_arena));
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		panic("not booted by a multiboot loader (magic 0x%x)", magic);
	cpu_tables_init();
	machine_pic_init();
	enable_cpu_features();
	if (mbi->flags & MBI_CMDLINE)
		cmdline = hpa_to_ptr(mbi->cmdline);
	log_printf("monitor: started, command line \"%s\"\n", cmdline);

	mib = cmdline_number(cmdline, "mem", DEFAULT_GUEST_MIB);
	cmdline_word(cmdline, "policy", word, sizeof(word));
	if (!word[0])
		policy = SHADOW_HYBRID;     /* measured: docs/shadow-paging.md */
	else if (shadow_policy_from_name(word, &policy))
		panic("unknown shadow policy \"%s\"", word);
	cmdline_word(cmdline, "trace", classes, sizeof(classes));
	if (classes[0] && !trace_init(classes))
		panic("unknown trace class in \"%s\"", classes);
	frames_init(first_free(mbi), high_memory_end(mbi));
	paging_init(v, mib, policy,
		    (unsigned)cmdline_number(cmdline, "shadow_frames", 0));
	v->tf = exit_frame;
	memset(v->tf, 0, sizeof(*v->tf));
	decode_init();
	devices_init();
	vintr_init();
	system_init(v);
	guest_boot(v, mbi);
	cmdline_word(cmdline, "descriptors", word, sizeof(word));
	if (!word[0])
		desc = DESC_HYBRID;         /* measured: docs/deprivileging.md */
	else if (desc_policy_from_name(word, &desc))
		panic("unknown descriptor policy \"%s\"", word);
	segments_set_policy(v, desc);
	log_printf("monitor: guest RAM %llu MiB, entering guest at 0x%08llx\n",
		   (unsigned long long)mib, (unsigned long long)v->tf->rip);
	trap_return(v->tf);
}
