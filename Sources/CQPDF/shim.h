#include <qpdf/qpdf-c.h>
#include <dlfcn.h>
#include <stddef.h>

/* libqpdf is opened the first time an imposed sheet needs it, not when the program starts: with
   the libraries it pulls in (GnuTLS, OpenSSL's libcrypto, libjpeg …) it took 7 ms to load, paid
   by every `issue build`. Each function is looked up once; a lookup that races another finds the
   same address. Without libqpdf the calls fail as qpdf's would (QPDF_ERRORS, NULL, 0) and
   `issue_qpdf_available` says why. */
static inline void *issue_qpdf_symbol(const char *name) {
    static void *library = NULL;
    void *handle = __atomic_load_n(&library, __ATOMIC_ACQUIRE);
    if (handle == NULL) {
        handle = dlopen("libqpdf.so.29", RTLD_NOW | RTLD_LOCAL);
        if (handle == NULL) handle = dlopen("libqpdf.so", RTLD_NOW | RTLD_LOCAL);
        if (handle == NULL) return NULL;
        __atomic_store_n(&library, handle, __ATOMIC_RELEASE);
    }
    return dlsym(handle, name);
}

/* Declares `function`, the named symbol as `type`, looked up on the first call. */
#define ISSUE_QPDF_FUNCTION(type, name) \
    static __typeof__(type) cached = NULL; \
    __typeof__(type) function = __atomic_load_n(&cached, __ATOMIC_ACQUIRE); \
    if (function == NULL) { \
        function = (__typeof__(type))issue_qpdf_symbol(name); \
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE); \
    }

/* Whether libqpdf could be opened. */
static inline int issue_qpdf_available(void) {
    return issue_qpdf_symbol("qpdf_init") != NULL;
}

static inline void issue_qpdf_cleanup(qpdf_data* qpdf) {
    ISSUE_QPDF_FUNCTION(void (*)(qpdf_data* qpdf), "qpdf_cleanup")
    if (function) function(qpdf);
}
static inline qpdf_error issue_qpdf_get_error(qpdf_data qpdf) {
    ISSUE_QPDF_FUNCTION(qpdf_error (*)(qpdf_data qpdf), "qpdf_get_error")
    return function ? function(qpdf) : NULL;
}
static inline char const* issue_qpdf_get_error_full_text(qpdf_data q, qpdf_error e) {
    ISSUE_QPDF_FUNCTION(char const* (*)(qpdf_data q, qpdf_error e), "qpdf_get_error_full_text")
    return function ? function(q, e) : NULL;
}
static inline int issue_qpdf_get_num_pages(qpdf_data qpdf) {
    ISSUE_QPDF_FUNCTION(int (*)(qpdf_data qpdf), "qpdf_get_num_pages")
    return function ? function(qpdf) : -1;
}
static inline qpdf_oh issue_qpdf_get_object_by_id(qpdf_data qpdf, int objid, int generation) {
    ISSUE_QPDF_FUNCTION(qpdf_oh (*)(qpdf_data qpdf, int objid, int generation), "qpdf_get_object_by_id")
    return function ? function(qpdf, objid, generation) : 0;
}
static inline qpdf_oh issue_qpdf_get_page_n(qpdf_data qpdf, size_t zero_based_index) {
    ISSUE_QPDF_FUNCTION(qpdf_oh (*)(qpdf_data qpdf, size_t zero_based_index), "qpdf_get_page_n")
    return function ? function(qpdf, zero_based_index) : 0;
}
static inline qpdf_oh issue_qpdf_get_trailer(qpdf_data qpdf) {
    ISSUE_QPDF_FUNCTION(qpdf_oh (*)(qpdf_data qpdf), "qpdf_get_trailer")
    return function ? function(qpdf) : 0;
}
static inline QPDF_BOOL issue_qpdf_has_error(qpdf_data qpdf) {
    ISSUE_QPDF_FUNCTION(QPDF_BOOL (*)(qpdf_data qpdf), "qpdf_has_error")
    return function ? function(qpdf) : 0;
}
static inline qpdf_data issue_qpdf_init(void) {
    ISSUE_QPDF_FUNCTION(qpdf_data (*)(void), "qpdf_init")
    return function ? function() : NULL;
}
static inline QPDF_ERROR_CODE issue_qpdf_init_write(qpdf_data qpdf, char const* filename) {
    ISSUE_QPDF_FUNCTION(QPDF_ERROR_CODE (*)(qpdf_data qpdf, char const* filename), "qpdf_init_write")
    return function ? function(qpdf, filename) : QPDF_ERRORS;
}
static inline qpdf_oh issue_qpdf_oh_get_dict(qpdf_data qpdf, qpdf_oh oh) {
    ISSUE_QPDF_FUNCTION(qpdf_oh (*)(qpdf_data qpdf, qpdf_oh oh), "qpdf_oh_get_dict")
    return function ? function(qpdf, oh) : 0;
}
static inline int issue_qpdf_oh_get_int_value_as_int(qpdf_data qpdf, qpdf_oh oh) {
    ISSUE_QPDF_FUNCTION(int (*)(qpdf_data qpdf, qpdf_oh oh), "qpdf_oh_get_int_value_as_int")
    return function ? function(qpdf, oh) : 0;
}
static inline qpdf_oh issue_qpdf_oh_get_key(qpdf_data qpdf, qpdf_oh oh, char const* key) {
    ISSUE_QPDF_FUNCTION(qpdf_oh (*)(qpdf_data qpdf, qpdf_oh oh, char const* key), "qpdf_oh_get_key")
    return function ? function(qpdf, oh, key) : 0;
}
static inline QPDF_ERROR_CODE issue_qpdf_oh_get_stream_data(qpdf_data qpdf, qpdf_oh stream_oh, enum qpdf_stream_decode_level_e decode_level, QPDF_BOOL* filtered, unsigned char** bufp, size_t* len) {
    ISSUE_QPDF_FUNCTION(QPDF_ERROR_CODE (*)(qpdf_data qpdf, qpdf_oh stream_oh, enum qpdf_stream_decode_level_e decode_level, QPDF_BOOL* filtered, unsigned char** bufp, size_t* len), "qpdf_oh_get_stream_data")
    return function ? function(qpdf, stream_oh, decode_level, filtered, bufp, len) : QPDF_ERRORS;
}
static inline QPDF_BOOL issue_qpdf_oh_is_name_and_equals(qpdf_data qpdf, qpdf_oh oh, char const* name) {
    ISSUE_QPDF_FUNCTION(QPDF_BOOL (*)(qpdf_data qpdf, qpdf_oh oh, char const* name), "qpdf_oh_is_name_and_equals")
    return function ? function(qpdf, oh, name) : 0;
}
static inline QPDF_BOOL issue_qpdf_oh_is_stream(qpdf_data qpdf, qpdf_oh oh) {
    ISSUE_QPDF_FUNCTION(QPDF_BOOL (*)(qpdf_data qpdf, qpdf_oh oh), "qpdf_oh_is_stream")
    return function ? function(qpdf, oh) : 0;
}
static inline qpdf_oh issue_qpdf_oh_new_integer(qpdf_data qpdf, long long value) {
    ISSUE_QPDF_FUNCTION(qpdf_oh (*)(qpdf_data qpdf, long long value), "qpdf_oh_new_integer")
    return function ? function(qpdf, value) : 0;
}
static inline qpdf_oh issue_qpdf_oh_new_name(qpdf_data qpdf, char const* name) {
    ISSUE_QPDF_FUNCTION(qpdf_oh (*)(qpdf_data qpdf, char const* name), "qpdf_oh_new_name")
    return function ? function(qpdf, name) : 0;
}
static inline qpdf_oh issue_qpdf_oh_parse(qpdf_data qpdf, char const* object_str) {
    ISSUE_QPDF_FUNCTION(qpdf_oh (*)(qpdf_data qpdf, char const* object_str), "qpdf_oh_parse")
    return function ? function(qpdf, object_str) : 0;
}
static inline void issue_qpdf_oh_replace_key(qpdf_data qpdf, qpdf_oh oh, char const* key, qpdf_oh item) {
    ISSUE_QPDF_FUNCTION(void (*)(qpdf_data qpdf, qpdf_oh oh, char const* key, qpdf_oh item), "qpdf_oh_replace_key")
    if (function) function(qpdf, oh, key, item);
}
static inline void issue_qpdf_oh_replace_stream_data(qpdf_data qpdf, qpdf_oh stream_oh, unsigned char const* buf, size_t len, qpdf_oh filter, qpdf_oh decode_parms) {
    ISSUE_QPDF_FUNCTION(void (*)(qpdf_data qpdf, qpdf_oh stream_oh, unsigned char const* buf, size_t len, qpdf_oh filter, qpdf_oh decode_parms), "qpdf_oh_replace_stream_data")
    if (function) function(qpdf, stream_oh, buf, len, filter, decode_parms);
}
static inline QPDF_ERROR_CODE issue_qpdf_read(qpdf_data qpdf, char const* filename, char const* password) {
    ISSUE_QPDF_FUNCTION(QPDF_ERROR_CODE (*)(qpdf_data qpdf, char const* filename, char const* password), "qpdf_read")
    return function ? function(qpdf, filename, password) : QPDF_ERRORS;
}
static inline QPDF_ERROR_CODE issue_qpdf_write(qpdf_data qpdf) {
    ISSUE_QPDF_FUNCTION(QPDF_ERROR_CODE (*)(qpdf_data qpdf), "qpdf_write")
    return function ? function(qpdf) : QPDF_ERRORS;
}
static inline void issue_qpdf_set_deterministic_ID(qpdf_data qpdf, QPDF_BOOL value) {
    ISSUE_QPDF_FUNCTION(void (*)(qpdf_data qpdf, QPDF_BOOL value), "qpdf_set_deterministic_ID")
    if (function) function(qpdf, value);
}
