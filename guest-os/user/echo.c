/*
 * echo.c - print the arguments, separated by spaces, and a newline.
 */
#include "user.h"

int main(int argc, char *argv[])
{
    char line[EXEC_MAX_ARGLEN + 1];
    size_t len = 0;
    for (int i = 1; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (len + n + 1 > sizeof(line) - 1)
            break;
        memcpy(line + len, argv[i], n);
        len += n;
        line[len++] = i + 1 < argc ? ' ' : '\n';
    }
    if (argc < 2)
        line[len++] = '\n';
    write(1, line, (uint32_t)len);
    return 0;
}
