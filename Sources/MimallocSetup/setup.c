#include "MimallocSetup.h"
#include <mimalloc.h>
#include <string.h>

/* mimalloc's heap in 2 MiB pages where the kernel has them (transparent huge pages, asked for
   with madvise), each segment committed whole when it is made. A 4 KiB page costs a fault when
   it is first touched, and a fault costs far more than the use made of the page: building the
   large issue's text faulted 8,800 times, about 20 ms of CPU on the benchmark's virtual machine,
   most of it in the heap; in 2 MiB pages, 1,300 times. Where the kernel gives no huge pages,
   mimalloc takes small ones, as before. A MIMALLOC_ variable in the environment still wins. */
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
    if (!issue_environment_has(envp, "MIMALLOC_LARGE_OS_PAGES")) mi_option_set(mi_option_large_os_pages, 1);
    if (!issue_environment_has(envp, "MIMALLOC_EAGER_COMMIT_DELAY")) mi_option_set(mi_option_eager_commit_delay, 0);
}

/* Run before any library's initializer: the C++ runtime's and others' allocate, and the main
   thread's first segment is made then, with the options as they are at that moment. Setting an
   option only writes mimalloc's table, which its own initializer then leaves as set. */
__attribute__((section(".preinit_array"), used))
static void (*const issue_mimalloc_setup_entry)(int, char **, char **) = issue_mimalloc_setup;
