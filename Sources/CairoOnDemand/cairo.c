/* Cairo, opened the first time a Cairo function is called rather than when the program starts.
   Cairo draws only picture previews, scaled pictures and imposed sheets; linked in, it loaded
   thirteen libraries with it (pixman, fontconfig, expat, X11 and xcb …), 2.3 ms of every
   process's start on the benchmark machine, text-only builds and `issue send` included.

   Each function the program calls is defined here under Cairo's own name, with Cairo's own
   prototype (the headers check it), and calls Cairo's, looked up once; a lookup that races
   another finds the same address. A function the program starts to call must be added here:
   the link fails until it is. */
#include <cairo/cairo.h>
#include <cairo/cairo-ft.h>
#include <cairo/cairo-pdf.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static void *issue_cairo_symbol(const char *name) {
    static void *library = NULL;
    void *handle = __atomic_load_n(&library, __ATOMIC_ACQUIRE);
    if (handle == NULL) {
        handle = dlopen("libcairo.so.2", RTLD_NOW | RTLD_LOCAL);
        if (handle == NULL) {
            /* Installed with the program (scripts/install-packages): without it nothing that
               draws can go on, and nothing has been written yet that a later step would finish. */
            fprintf(stderr, "error: Cairo (libcairo.so.2) could not be opened: %s\n", dlerror());
            exit(70);
        }
        __atomic_store_n(&library, handle, __ATOMIC_RELEASE);
    }
    void *symbol = dlsym(handle, name);
    if (symbol == NULL) {
        fprintf(stderr, "error: Cairo (libcairo.so.2) has no %s: %s\n", name, dlerror());
        exit(70);
    }
    return symbol;
}

#define ISSUE_CAIRO_LOOKUP(name) \
    static __typeof__(&name) cached = NULL; \
    __typeof__(&name) function = __atomic_load_n(&cached, __ATOMIC_ACQUIRE); \
    if (function == NULL) { \
        function = (__typeof__(&name))issue_cairo_symbol(#name); \
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE); \
    }

/* A function returning `type`, with its parameters and the arguments passed on. */
#define ISSUE_CAIRO(type, name, parameters, arguments) \
    type name parameters { ISSUE_CAIRO_LOOKUP(name) return function arguments; }
/* A function returning nothing. */
#define ISSUE_CAIRO_VOID(name, parameters, arguments) \
    void name parameters { ISSUE_CAIRO_LOOKUP(name) function arguments; }

/* Surfaces. */
ISSUE_CAIRO(cairo_surface_t *, cairo_image_surface_create, (cairo_format_t format, int width, int height), (format, width, height))
ISSUE_CAIRO(cairo_surface_t *, cairo_image_surface_create_from_png, (const char *filename), (filename))
ISSUE_CAIRO(unsigned char *, cairo_image_surface_get_data, (cairo_surface_t *surface), (surface))
ISSUE_CAIRO(cairo_format_t, cairo_image_surface_get_format, (cairo_surface_t *surface), (surface))
ISSUE_CAIRO(int, cairo_image_surface_get_height, (cairo_surface_t *surface), (surface))
ISSUE_CAIRO(int, cairo_image_surface_get_stride, (cairo_surface_t *surface), (surface))
ISSUE_CAIRO(int, cairo_image_surface_get_width, (cairo_surface_t *surface), (surface))
ISSUE_CAIRO(cairo_surface_t *, cairo_pdf_surface_create, (const char *filename, double width_in_points, double height_in_points),
            (filename, width_in_points, height_in_points))
ISSUE_CAIRO_VOID(cairo_pdf_surface_restrict_to_version, (cairo_surface_t *surface, cairo_pdf_version_t version), (surface, version))
ISSUE_CAIRO_VOID(cairo_pdf_surface_set_metadata, (cairo_surface_t *surface, cairo_pdf_metadata_t metadata, const char *utf8),
                 (surface, metadata, utf8))
ISSUE_CAIRO(cairo_surface_t *, cairo_recording_surface_create, (cairo_content_t content, const cairo_rectangle_t *extents),
            (content, extents))
ISSUE_CAIRO_VOID(cairo_surface_destroy, (cairo_surface_t *surface), (surface))
ISSUE_CAIRO_VOID(cairo_surface_finish, (cairo_surface_t *surface), (surface))
ISSUE_CAIRO_VOID(cairo_surface_flush, (cairo_surface_t *surface), (surface))
ISSUE_CAIRO_VOID(cairo_surface_mark_dirty, (cairo_surface_t *surface), (surface))
ISSUE_CAIRO(cairo_status_t, cairo_surface_set_mime_data,
            (cairo_surface_t *surface, const char *mime_type, const unsigned char *data, unsigned long length,
             cairo_destroy_func_t destroy, void *closure),
            (surface, mime_type, data, length, destroy, closure))
ISSUE_CAIRO(cairo_status_t, cairo_surface_status, (cairo_surface_t *surface), (surface))
ISSUE_CAIRO(cairo_status_t, cairo_surface_write_to_png, (cairo_surface_t *surface, const char *filename), (surface, filename))
ISSUE_CAIRO(cairo_status_t, cairo_surface_write_to_png_stream, (cairo_surface_t *surface, cairo_write_func_t write_func, void *closure),
            (surface, write_func, closure))
ISSUE_CAIRO(const char *, cairo_status_to_string, (cairo_status_t status), (status))

/* Drawing. */
ISSUE_CAIRO(cairo_t *, cairo_create, (cairo_surface_t *target), (target))
ISSUE_CAIRO_VOID(cairo_destroy, (cairo_t *cr), (cr))
ISSUE_CAIRO_VOID(cairo_save, (cairo_t *cr), (cr))
ISSUE_CAIRO_VOID(cairo_restore, (cairo_t *cr), (cr))
ISSUE_CAIRO_VOID(cairo_translate, (cairo_t *cr, double tx, double ty), (cr, tx, ty))
ISSUE_CAIRO_VOID(cairo_scale, (cairo_t *cr, double sx, double sy), (cr, sx, sy))
ISSUE_CAIRO_VOID(cairo_set_source_rgb, (cairo_t *cr, double red, double green, double blue), (cr, red, green, blue))
ISSUE_CAIRO_VOID(cairo_set_source_surface, (cairo_t *cr, cairo_surface_t *surface, double x, double y), (cr, surface, x, y))
ISSUE_CAIRO(cairo_pattern_t *, cairo_get_source, (cairo_t *cr), (cr))
ISSUE_CAIRO_VOID(cairo_pattern_set_filter, (cairo_pattern_t *pattern, cairo_filter_t filter), (pattern, filter))
ISSUE_CAIRO_VOID(cairo_set_line_width, (cairo_t *cr, double width), (cr, width))
ISSUE_CAIRO_VOID(cairo_move_to, (cairo_t *cr, double x, double y), (cr, x, y))
ISSUE_CAIRO_VOID(cairo_line_to, (cairo_t *cr, double x, double y), (cr, x, y))
ISSUE_CAIRO_VOID(cairo_rectangle, (cairo_t *cr, double x, double y, double width, double height), (cr, x, y, width, height))
ISSUE_CAIRO_VOID(cairo_clip, (cairo_t *cr), (cr))
ISSUE_CAIRO_VOID(cairo_fill, (cairo_t *cr), (cr))
ISSUE_CAIRO_VOID(cairo_stroke, (cairo_t *cr), (cr))
ISSUE_CAIRO_VOID(cairo_paint, (cairo_t *cr), (cr))
ISSUE_CAIRO_VOID(cairo_show_page, (cairo_t *cr), (cr))
ISSUE_CAIRO_VOID(cairo_tag_begin, (cairo_t *cr, const char *tag_name, const char *attributes), (cr, tag_name, attributes))
ISSUE_CAIRO_VOID(cairo_tag_end, (cairo_t *cr, const char *tag_name), (cr, tag_name))

/* Text. */
ISSUE_CAIRO(cairo_font_face_t *, cairo_ft_font_face_create_for_ft_face, (FT_Face face, int load_flags), (face, load_flags))
ISSUE_CAIRO_VOID(cairo_font_face_destroy, (cairo_font_face_t *font_face), (font_face))
ISSUE_CAIRO(cairo_status_t, cairo_font_face_set_user_data,
            (cairo_font_face_t *font_face, const cairo_user_data_key_t *key, void *user_data, cairo_destroy_func_t destroy),
            (font_face, key, user_data, destroy))
ISSUE_CAIRO(cairo_status_t, cairo_font_face_status, (cairo_font_face_t *font_face), (font_face))
ISSUE_CAIRO_VOID(cairo_set_font_face, (cairo_t *cr, cairo_font_face_t *font_face), (cr, font_face))
ISSUE_CAIRO_VOID(cairo_set_font_size, (cairo_t *cr, double size), (cr, size))
ISSUE_CAIRO_VOID(cairo_show_glyphs, (cairo_t *cr, const cairo_glyph_t *glyphs, int num_glyphs), (cr, glyphs, num_glyphs))
ISSUE_CAIRO_VOID(cairo_show_text_glyphs,
                 (cairo_t *cr, const char *utf8, int utf8_len, const cairo_glyph_t *glyphs, int num_glyphs,
                  const cairo_text_cluster_t *clusters, int num_clusters, cairo_text_cluster_flags_t cluster_flags),
                 (cr, utf8, utf8_len, glyphs, num_glyphs, clusters, num_clusters, cluster_flags))
