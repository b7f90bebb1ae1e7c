/* Nothing to include: this target defines the Cairo functions the program calls (cairo.c), so
   that the executable links them from here rather than from libcairo. */
