/* Cairo's declarations; the definitions the program links are CairoOnDemand's, which open
   libcairo when first called. */
#include <cairo/cairo.h>
#include <cairo/cairo-pdf.h>
#include <cairo/cairo-ft.h>
