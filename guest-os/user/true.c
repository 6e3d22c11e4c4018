/*
 * true.c - do nothing, successfully: exit at once with status 0 (or with
 * the status given as the argument).  The exec benchmark's payload.
 */
#include "user.h"

int main(int argc, char *argv[])
{
    return argc > 1 ? atoi(argv[1]) : 0;
}
