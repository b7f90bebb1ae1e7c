/* Nothing to call: linking this target into an executable sets mimalloc's options before the
   process's first allocation (setup.c). */
