#include "MimallocSetup.h"
#include <mimalloc.h>
#include <string.h>

/* mimalloc's segments committed whole when they are made (one system call each rather than one
   per page's first use). The heap stays in 4 KiB pages: 2 MiB pages (transparent huge pages)
   were tried, and cut the faults of building the large issue's text from 8,400 to 1,050, which
   paid back to back, but on a virtual machine that hands freed memory back to its host (free
   page reporting), a build a few seconds after the last one, as an editor rebuilds, took 227 ms
   with them against 153 ms without (system time 166 ms against 51 ms): each 2 MiB page is
   zeroed whole, and its memory fetched back from the host whole, while only part of it is used.
   A MIMALLOC_ variable in the environment (MIMALLOC_LARGE_OS_PAGES=1 among them) still wins. */
static int issue_environment_has(char **envp, const char *name) {
    size_t length = strlen(name);
    for (char **entry = envp; entry != NULL && *entry != NULL; entry++) {
        if (strncmp(*entry, name, length) == 0 && (*entry)[length] == '=') return 1;
    }
    return 0;
}

/* The environment is read from the entry's own argument: libc's `getenv` does not see it yet. */
static void issue_mimalloc_setup(int argc, char **argv, char **envp) {
    (void)argc; (void)argv;
    if (!issue_environment_has(envp, "MIMALLOC_EAGER_COMMIT_DELAY")) mi_option_set(mi_option_eager_commit_delay, 0);
}

/* Run before any library's initializer: the C++ runtime's and others' allocate, and the main
   thread's first segment is made then, with the options as they are at that moment. Setting an
   option only writes mimalloc's table, which its own initializer then leaves as set. */
__attribute__((section(".preinit_array"), used))
static void (*const issue_mimalloc_setup_entry)(int, char **, char **) = issue_mimalloc_setup;
