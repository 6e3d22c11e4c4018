/* paths.c - find the files vmm needs, without asking the user.
 *
 * The problem: vmm is run from anywhere, but it needs the monitor image and
 * (by default) a guest that were built next to it, a QEMU binary, and a
 * scratch file for the monitor's log.
 *
 * The approach: the build puts vmm, monitor.elf and guests/ in one directory,
 * so vmm looks next to itself, found through /proc/self/exe (not argv[0],
 * which may be a bare name or a symlink). Environment variables override
 * what a test or a user needs to: VMM_MONITOR for the monitor image, VMM_QEMU
 * for QEMU. QEMU is looked up on PATH here, before anything starts, so a
 * missing QEMU is a clear error rather than a failure inside timeout.
 */
#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_QEMU "qemu-system-x86_64"

bool paths_exe_dir(char *buf, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;

    if (n <= 0)
        return false;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (slash == NULL)
        return false;
    *slash = '\0';
    return snprintf(buf, len, "%s", exe[0] ? exe : "/") < (int)len;
}

/* Put <dir of vmm>/REL in BUF. */
static bool next_to_vmm(const char *rel, char *buf, size_t len)
{
    char dir[PATH_MAX];

    return paths_exe_dir(dir, sizeof(dir)) &&
           snprintf(buf, len, "%s/%s", dir, rel) < (int)len;
}

bool paths_monitor_image(char *buf, size_t len)
{
    const char *env = getenv("VMM_MONITOR");

    if (env && *env)
        return snprintf(buf, len, "%s", env) < (int)len;
    return next_to_vmm("monitor.elf", buf, len);
}

bool paths_default_guest(char *buf, size_t len)
{
    return next_to_vmm("guests/os.elf", buf, len);
}

bool paths_default_initrd(char *buf, size_t len)
{
    return next_to_vmm("guests/initrd.img", buf, len);
}

/* Is PATH a regular file we may execute? */
static bool is_executable(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
           access(path, X_OK) == 0;
}

bool paths_search(const char *name, const char *path_env,
                  char *buf, size_t len)
{
    const char *dir = path_env, *end;
    int dlen;

    if (strchr(name, '/'))
        return is_executable(name) &&
               snprintf(buf, len, "%s", name) < (int)len;
    while (dir) {
        end = strchr(dir, ':');
        dlen = end ? (int)(end - dir) : (int)strlen(dir);
        if (snprintf(buf, len, "%.*s/%s", dlen ? dlen : 1,
                     dlen ? dir : ".", name) < (int)len &&
            is_executable(buf))
            return true;
        dir = end ? end + 1 : NULL;
    }
    return false;
}

bool paths_find_qemu(char *buf, size_t len, char *err, size_t errlen)
{
    const char *env = getenv("VMM_QEMU");
    const char *name = env && *env ? env : DEFAULT_QEMU;
    const char *path = getenv("PATH");

    if (paths_search(name, path ? path : "/usr/bin:/bin", buf, len))
        return true;
    if (env && *env)
        snprintf(err, errlen, "QEMU not found: VMM_QEMU=%s is not an "
                 "executable file", env);
    else
        snprintf(err, errlen, "QEMU not found: no %s on PATH (install "
                 "qemu-system-x86, or set VMM_QEMU to the QEMU binary)",
                 DEFAULT_QEMU);
    return false;
}

/* The directory for scratch files: $TMPDIR, unless unset, empty or holding
 * a comma (which QEMU's -debugcon option would mangle); else /tmp. */
static const char *temp_dir(void)
{
    const char *t = getenv("TMPDIR");

    return t && *t && !strchr(t, ',') ? t : "/tmp";
}

bool paths_make_log(char *buf, size_t len, char *err, size_t errlen)
{
    int fd;

    if (snprintf(buf, len, "%s/vmm-monitor-log-XXXXXX", temp_dir()) >=
        (int)len)
        return snprintf(err, errlen, "temporary directory name too long"),
               false;
    fd = mkstemp(buf);
    if (fd < 0)
        return snprintf(err, errlen, "cannot create the monitor log %s: %s",
                        buf, strerror(errno)), false;
    close(fd);
    return true;
}
