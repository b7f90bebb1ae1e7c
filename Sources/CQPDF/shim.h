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

/* Whether libqpdf could be opened. */
static inline int issue_qpdf_available(void) {
    return issue_qpdf_symbol("qpdf_init") != NULL;
}

static inline void issue_qpdf_cleanup(qpdf_data* qpdf) {
    static void (*cached)(qpdf_data* qpdf) = NULL;
    void (*function)(qpdf_data* qpdf) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (void (*)(qpdf_data* qpdf))issue_qpdf_symbol("qpdf_cleanup");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    if (function) function(qpdf);
}
static inline qpdf_error issue_qpdf_get_error(qpdf_data qpdf) {
    static qpdf_error (*cached)(qpdf_data qpdf) = NULL;
    qpdf_error (*function)(qpdf_data qpdf) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (qpdf_error (*)(qpdf_data qpdf))issue_qpdf_symbol("qpdf_get_error");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf) : NULL;
}
static inline char const* issue_qpdf_get_error_full_text(qpdf_data q, qpdf_error e) {
    static char const* (*cached)(qpdf_data q, qpdf_error e) = NULL;
    char const* (*function)(qpdf_data q, qpdf_error e) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (char const* (*)(qpdf_data q, qpdf_error e))issue_qpdf_symbol("qpdf_get_error_full_text");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(q, e) : NULL;
}
static inline int issue_qpdf_get_num_pages(qpdf_data qpdf) {
    static int (*cached)(qpdf_data qpdf) = NULL;
    int (*function)(qpdf_data qpdf) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (int (*)(qpdf_data qpdf))issue_qpdf_symbol("qpdf_get_num_pages");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf) : -1;
}
static inline qpdf_oh issue_qpdf_get_object_by_id(qpdf_data qpdf, int objid, int generation) {
    static qpdf_oh (*cached)(qpdf_data qpdf, int objid, int generation) = NULL;
    qpdf_oh (*function)(qpdf_data qpdf, int objid, int generation) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (qpdf_oh (*)(qpdf_data qpdf, int objid, int generation))issue_qpdf_symbol("qpdf_get_object_by_id");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf, objid, generation) : 0;
}
static inline qpdf_oh issue_qpdf_get_page_n(qpdf_data qpdf, size_t zero_based_index) {
    static qpdf_oh (*cached)(qpdf_data qpdf, size_t zero_based_index) = NULL;
    qpdf_oh (*function)(qpdf_data qpdf, size_t zero_based_index) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (qpdf_oh (*)(qpdf_data qpdf, size_t zero_based_index))issue_qpdf_symbol("qpdf_get_page_n");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf, zero_based_index) : 0;
}
static inline qpdf_oh issue_qpdf_get_trailer(qpdf_data qpdf) {
    static qpdf_oh (*cached)(qpdf_data qpdf) = NULL;
    qpdf_oh (*function)(qpdf_data qpdf) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (qpdf_oh (*)(qpdf_data qpdf))issue_qpdf_symbol("qpdf_get_trailer");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf) : 0;
}
static inline QPDF_BOOL issue_qpdf_has_error(qpdf_data qpdf) {
    static QPDF_BOOL (*cached)(qpdf_data qpdf) = NULL;
    QPDF_BOOL (*function)(qpdf_data qpdf) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (QPDF_BOOL (*)(qpdf_data qpdf))issue_qpdf_symbol("qpdf_has_error");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf) : 0;
}
static inline qpdf_data issue_qpdf_init(void) {
    static qpdf_data (*cached)(void) = NULL;
    qpdf_data (*function)(void) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (qpdf_data (*)(void))issue_qpdf_symbol("qpdf_init");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function() : NULL;
}
static inline QPDF_ERROR_CODE issue_qpdf_init_write(qpdf_data qpdf, char const* filename) {
    static QPDF_ERROR_CODE (*cached)(qpdf_data qpdf, char const* filename) = NULL;
    QPDF_ERROR_CODE (*function)(qpdf_data qpdf, char const* filename) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (QPDF_ERROR_CODE (*)(qpdf_data qpdf, char const* filename))issue_qpdf_symbol("qpdf_init_write");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf, filename) : QPDF_ERRORS;
}
static inline qpdf_oh issue_qpdf_oh_get_dict(qpdf_data qpdf, qpdf_oh oh) {
    static qpdf_oh (*cached)(qpdf_data qpdf, qpdf_oh oh) = NULL;
    qpdf_oh (*function)(qpdf_data qpdf, qpdf_oh oh) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (qpdf_oh (*)(qpdf_data qpdf, qpdf_oh oh))issue_qpdf_symbol("qpdf_oh_get_dict");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf, oh) : 0;
}
static inline int issue_qpdf_oh_get_int_value_as_int(qpdf_data qpdf, qpdf_oh oh) {
    static int (*cached)(qpdf_data qpdf, qpdf_oh oh) = NULL;
    int (*function)(qpdf_data qpdf, qpdf_oh oh) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (int (*)(qpdf_data qpdf, qpdf_oh oh))issue_qpdf_symbol("qpdf_oh_get_int_value_as_int");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf, oh) : 0;
}
static inline qpdf_oh issue_qpdf_oh_get_key(qpdf_data qpdf, qpdf_oh oh, char const* key) {
    static qpdf_oh (*cached)(qpdf_data qpdf, qpdf_oh oh, char const* key) = NULL;
    qpdf_oh (*function)(qpdf_data qpdf, qpdf_oh oh, char const* key) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (qpdf_oh (*)(qpdf_data qpdf, qpdf_oh oh, char const* key))issue_qpdf_symbol("qpdf_oh_get_key");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf, oh, key) : 0;
}
static inline QPDF_ERROR_CODE issue_qpdf_oh_get_stream_data(qpdf_data qpdf, qpdf_oh stream_oh, enum qpdf_stream_decode_level_e decode_level, QPDF_BOOL* filtered, unsigned char** bufp, size_t* len) {
    static QPDF_ERROR_CODE (*cached)(qpdf_data qpdf, qpdf_oh stream_oh, enum qpdf_stream_decode_level_e decode_level, QPDF_BOOL* filtered, unsigned char** bufp, size_t* len) = NULL;
    QPDF_ERROR_CODE (*function)(qpdf_data qpdf, qpdf_oh stream_oh, enum qpdf_stream_decode_level_e decode_level, QPDF_BOOL* filtered, unsigned char** bufp, size_t* len) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (QPDF_ERROR_CODE (*)(qpdf_data qpdf, qpdf_oh stream_oh, enum qpdf_stream_decode_level_e decode_level, QPDF_BOOL* filtered, unsigned char** bufp, size_t* len))issue_qpdf_symbol("qpdf_oh_get_stream_data");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf, stream_oh, decode_level, filtered, bufp, len) : QPDF_ERRORS;
}
static inline QPDF_BOOL issue_qpdf_oh_is_name_and_equals(qpdf_data qpdf, qpdf_oh oh, char const* name) {
    static QPDF_BOOL (*cached)(qpdf_data qpdf, qpdf_oh oh, char const* name) = NULL;
    QPDF_BOOL (*function)(qpdf_data qpdf, qpdf_oh oh, char const* name) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (QPDF_BOOL (*)(qpdf_data qpdf, qpdf_oh oh, char const* name))issue_qpdf_symbol("qpdf_oh_is_name_and_equals");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf, oh, name) : 0;
}
static inline QPDF_BOOL issue_qpdf_oh_is_stream(qpdf_data qpdf, qpdf_oh oh) {
    static QPDF_BOOL (*cached)(qpdf_data qpdf, qpdf_oh oh) = NULL;
    QPDF_BOOL (*function)(qpdf_data qpdf, qpdf_oh oh) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (QPDF_BOOL (*)(qpdf_data qpdf, qpdf_oh oh))issue_qpdf_symbol("qpdf_oh_is_stream");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf, oh) : 0;
}
static inline qpdf_oh issue_qpdf_oh_new_integer(qpdf_data qpdf, long long value) {
    static qpdf_oh (*cached)(qpdf_data qpdf, long long value) = NULL;
    qpdf_oh (*function)(qpdf_data qpdf, long long value) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (qpdf_oh (*)(qpdf_data qpdf, long long value))issue_qpdf_symbol("qpdf_oh_new_integer");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf, value) : 0;
}
static inline qpdf_oh issue_qpdf_oh_new_name(qpdf_data qpdf, char const* name) {
    static qpdf_oh (*cached)(qpdf_data qpdf, char const* name) = NULL;
    qpdf_oh (*function)(qpdf_data qpdf, char const* name) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (qpdf_oh (*)(qpdf_data qpdf, char const* name))issue_qpdf_symbol("qpdf_oh_new_name");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf, name) : 0;
}
static inline qpdf_oh issue_qpdf_oh_parse(qpdf_data qpdf, char const* object_str) {
    static qpdf_oh (*cached)(qpdf_data qpdf, char const* object_str) = NULL;
    qpdf_oh (*function)(qpdf_data qpdf, char const* object_str) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (qpdf_oh (*)(qpdf_data qpdf, char const* object_str))issue_qpdf_symbol("qpdf_oh_parse");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf, object_str) : 0;
}
static inline void issue_qpdf_oh_replace_key(qpdf_data qpdf, qpdf_oh oh, char const* key, qpdf_oh item) {
    static void (*cached)(qpdf_data qpdf, qpdf_oh oh, char const* key, qpdf_oh item) = NULL;
    void (*function)(qpdf_data qpdf, qpdf_oh oh, char const* key, qpdf_oh item) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (void (*)(qpdf_data qpdf, qpdf_oh oh, char const* key, qpdf_oh item))issue_qpdf_symbol("qpdf_oh_replace_key");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    if (function) function(qpdf, oh, key, item);
}
static inline void issue_qpdf_oh_replace_stream_data(qpdf_data qpdf, qpdf_oh stream_oh, unsigned char const* buf, size_t len, qpdf_oh filter, qpdf_oh decode_parms) {
    static void (*cached)(qpdf_data qpdf, qpdf_oh stream_oh, unsigned char const* buf, size_t len, qpdf_oh filter, qpdf_oh decode_parms) = NULL;
    void (*function)(qpdf_data qpdf, qpdf_oh stream_oh, unsigned char const* buf, size_t len, qpdf_oh filter, qpdf_oh decode_parms) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (void (*)(qpdf_data qpdf, qpdf_oh stream_oh, unsigned char const* buf, size_t len, qpdf_oh filter, qpdf_oh decode_parms))issue_qpdf_symbol("qpdf_oh_replace_stream_data");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    if (function) function(qpdf, stream_oh, buf, len, filter, decode_parms);
}
static inline QPDF_ERROR_CODE issue_qpdf_read(qpdf_data qpdf, char const* filename, char const* password) {
    static QPDF_ERROR_CODE (*cached)(qpdf_data qpdf, char const* filename, char const* password) = NULL;
    QPDF_ERROR_CODE (*function)(qpdf_data qpdf, char const* filename, char const* password) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (QPDF_ERROR_CODE (*)(qpdf_data qpdf, char const* filename, char const* password))issue_qpdf_symbol("qpdf_read");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf, filename, password) : QPDF_ERRORS;
}
static inline QPDF_ERROR_CODE issue_qpdf_write(qpdf_data qpdf) {
    static QPDF_ERROR_CODE (*cached)(qpdf_data qpdf) = NULL;
    QPDF_ERROR_CODE (*function)(qpdf_data qpdf) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (QPDF_ERROR_CODE (*)(qpdf_data qpdf))issue_qpdf_symbol("qpdf_write");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    return function ? function(qpdf) : QPDF_ERRORS;
}
static inline void issue_qpdf_set_deterministic_ID(qpdf_data qpdf, QPDF_BOOL value) {
    static void (*cached)(qpdf_data qpdf, QPDF_BOOL value) = NULL;
    void (*function)(qpdf_data qpdf, QPDF_BOOL value) = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (function == NULL) {
        function = (void (*)(qpdf_data qpdf, QPDF_BOOL value))issue_qpdf_symbol("qpdf_set_deterministic_ID");
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE);
    }
    if (function) function(qpdf, value);
}
