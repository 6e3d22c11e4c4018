/*
 * inttypes.h - printf length prefixes for the <stdint.h> types.
 *
 * gcc supplies <stdint.h> but not <inttypes.h>, which capstone's platform.h
 * includes for PRIx64 and friends.  The macros are derived from gcc's own
 * predefined type names, so they match whatever stdint.h chose (int64_t is
 * "long" on x86-64, "long long" on i386).  Only the PRI (printf) half exists:
 * the monitor has no scanf.
 */
#ifndef VMM_LIB_INTTYPES_H
#define VMM_LIB_INTTYPES_H

#include <stdint.h>

#if __SIZEOF_LONG__ == 8
#define VMM_PRI64 "l"          /* int64_t is long */
#else
#define VMM_PRI64 "ll"         /* int64_t is long long */
#endif
#if __SIZEOF_POINTER__ == 8
#define VMM_PRIPTR VMM_PRI64
#else
#define VMM_PRIPTR ""          /* intptr_t is int on i386 */
#endif

#define PRId8  "d"
#define PRIi8  "i"
#define PRIo8  "o"
#define PRIu8  "u"
#define PRIx8  "x"
#define PRIX8  "X"
#define PRId16 "d"
#define PRIi16 "i"
#define PRIo16 "o"
#define PRIu16 "u"
#define PRIx16 "x"
#define PRIX16 "X"
#define PRId32 "d"
#define PRIi32 "i"
#define PRIo32 "o"
#define PRIu32 "u"
#define PRIx32 "x"
#define PRIX32 "X"
#define PRId64 VMM_PRI64 "d"
#define PRIi64 VMM_PRI64 "i"
#define PRIo64 VMM_PRI64 "o"
#define PRIu64 VMM_PRI64 "u"
#define PRIx64 VMM_PRI64 "x"
#define PRIX64 VMM_PRI64 "X"
#define PRIdPTR VMM_PRIPTR "d"
#define PRIuPTR VMM_PRIPTR "u"
#define PRIxPTR VMM_PRIPTR "x"
#define PRIXPTR VMM_PRIPTR "X"
#define PRIdMAX "jd"
#define PRIuMAX "ju"
#define PRIxMAX "jx"
#define PRIXMAX "jX"

#endif
