/*
 * capstone_x86_only.c - link capstone with the x86 architecture alone.
 *
 * Debian's libcapstone.a has one object per architecture, but its core
 * (cs.o) names every architecture's init and option functions in a table, so
 * linking cs.o would drag in all of them: about 5 MB of decoders the monitor
 * never uses.  The build links only cs.o, the shared helpers and the X86*.o
 * objects; the table's other entries resolve to these definitions, which
 * refuse the architecture exactly as a capstone built without it does
 * (cs_open returns CS_ERR_ARCH).
 */
#include <capstone/capstone.h>

#define NO_ARCH(name)                                                   \
	cs_err name##_global_init(void *ud);                            \
	cs_err name##_global_init(void *ud)                             \
	{                                                               \
		(void)ud;                                               \
		return CS_ERR_ARCH;                                     \
	}                                                               \
	cs_err name##_option(void *handle, int type, size_t value);     \
	cs_err name##_option(void *handle, int type, size_t value)      \
	{                                                               \
		(void)handle;                                           \
		(void)type;                                             \
		(void)value;                                            \
		return CS_ERR_ARCH;                                     \
	}

NO_ARCH(ARM)
NO_ARCH(AArch64)
NO_ARCH(Mips)
NO_ARCH(PPC)
NO_ARCH(Sparc)
NO_ARCH(SystemZ)
NO_ARCH(XCore)
NO_ARCH(M68K)
NO_ARCH(TMS320C64x)
NO_ARCH(M680X)
NO_ARCH(EVM)

/* The canary check capstone's code calls when its stack was overwritten. */
void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
	extern _Noreturn void panic_at(const char *, const char *, ...);

	panic_at("__stack_chk_fail", "capstone's stack canary was overwritten");
}
