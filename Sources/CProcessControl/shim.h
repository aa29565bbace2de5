/*
 * What Swift cannot import from the C library: prctl(2) is variadic, and
 * Swift imports no variadic C function.
 */
#ifndef CPROCESSCONTROL_SHIM_H
#define CPROCESSCONTROL_SHIM_H

#ifdef __linux__
#include <sys/prctl.h>

/* Marks the calling process not dumpable: the kernel writes no core for it
 * (whatever RLIMIT_CORE and the core pattern say, unless suid_dumpable is 2),
 * and other processes of the same user can neither ptrace it nor read its
 * memory through /proc. 0 on success, -1 with errno set on failure. */
static inline int cprocesscontrol_set_not_dumpable(void) {
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}
#endif

#endif
