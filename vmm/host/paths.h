/* paths.h - where vmm finds the monitor, the default guest, QEMU, and where
 * it puts the monitor's log. See paths.c.
 */
#ifndef VMM_HOST_PATHS_H
#define VMM_HOST_PATHS_H

#include <stdbool.h>
#include <stddef.h>

/* Put the directory holding the running vmm executable (from
 * /proc/self/exe) in BUF. False if it cannot be found or does not fit. */
bool paths_exe_dir(char *buf, size_t len);

/* Put the monitor image in BUF: $VMM_MONITOR if set, else
 * <dir of vmm>/monitor.elf. False if that cannot be formed. */
bool paths_monitor_image(char *buf, size_t len);

/* Put the default guest, <dir of vmm>/guests/os.elf (the project's OS,
 * which runs its benchmark suite unless told otherwise), in BUF. */
bool paths_default_guest(char *buf, size_t len);

/* Put the default guest's ramdisk, <dir of vmm>/guests/initrd.img, in BUF. */
bool paths_default_initrd(char *buf, size_t len);

/* Find the executable NAME: as given if it contains a '/', else in the
 * directories of the ':'-separated PATH_ENV (an empty entry meaning ".").
 * Put the path found in BUF; false if there is no executable file. */
bool paths_search(const char *name, const char *path_env,
                  char *buf, size_t len);

/* Find QEMU: $VMM_QEMU if set, else qemu-system-x86_64, searched on $PATH.
 * False with a one-line reason in ERR if it is not there. */
bool paths_find_qemu(char *buf, size_t len, char *err, size_t errlen);

/* Create a fresh, empty log file in $TMPDIR (or /tmp) and put its path in
 * BUF. False with a reason in ERR if it cannot be created. */
bool paths_make_log(char *buf, size_t len, char *err, size_t errlen);

#endif
