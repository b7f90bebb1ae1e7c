#include <curl/curl.h>
#include <dlfcn.h>
#include <stddef.h>

/* libcurl is opened the first time `issue send` needs it, not when the program starts: with
   the thirty-odd libraries it pulls in (TLS, Kerberos, LDAP, SSH …) it took 10 ms to load,
   paid by every `issue build` too. Each function is looked up once; a lookup that races another
   finds the same address. Without libcurl installed, the calls fail as libcurl's would
   (NULL, CURLE_FAILED_INIT) and `issue send` says so. */
static inline void *issue_curl_symbol(const char *name) {
    static void *library = NULL;
    void *handle = __atomic_load_n(&library, __ATOMIC_ACQUIRE);
    if (handle == NULL) {
        handle = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
        if (handle == NULL) return NULL;
        __atomic_store_n(&library, handle, __ATOMIC_RELEASE);
    }
    return dlsym(handle, name);
}

/* Declares `function`, the named symbol as `type`, looked up on the first call. */
#define ISSUE_CURL_FUNCTION(type, name) \
    static __typeof__(type) cached = NULL; \
    __typeof__(type) function = __atomic_load_n(&cached, __ATOMIC_ACQUIRE); \
    if (function == NULL) { \
        function = (__typeof__(type))issue_curl_symbol(name); \
        __atomic_store_n(&cached, function, __ATOMIC_RELEASE); \
    }

/* Whether libcurl could be opened. */
static inline int issue_curl_available(void) {
    return issue_curl_symbol("curl_easy_init") != NULL;
}

static inline CURLcode issue_curl_global_init(long flags) {
    ISSUE_CURL_FUNCTION(CURLcode (*)(long), "curl_global_init")
    return function ? function(flags) : CURLE_FAILED_INIT;
}
static inline CURL *issue_curl_easy_init(void) {
    ISSUE_CURL_FUNCTION(CURL *(*)(void), "curl_easy_init")
    return function ? function() : NULL;
}
static inline void issue_curl_easy_cleanup(CURL *handle) {
    ISSUE_CURL_FUNCTION(void (*)(CURL *), "curl_easy_cleanup")
    if (function) function(handle);
}
static inline CURLcode issue_curl_easy_perform(CURL *handle) {
    ISSUE_CURL_FUNCTION(CURLcode (*)(CURL *), "curl_easy_perform")
    return function ? function(handle) : CURLE_FAILED_INIT;
}
static inline const char *issue_curl_easy_strerror(CURLcode code) {
    ISSUE_CURL_FUNCTION(const char *(*)(CURLcode), "curl_easy_strerror")
    return function ? function(code) : "libcurl (libcurl.so.4) is not installed";
}
static inline struct curl_slist *issue_curl_slist_append(struct curl_slist *list, const char *string) {
    ISSUE_CURL_FUNCTION(struct curl_slist *(*)(struct curl_slist *, const char *), "curl_slist_append")
    return function ? function(list, string) : NULL;
}
static inline void issue_curl_slist_free_all(struct curl_slist *list) {
    ISSUE_CURL_FUNCTION(void (*)(struct curl_slist *), "curl_slist_free_all")
    if (function) function(list);
}

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed
   wrapper for each kind of argument the SMTP transport passes. */
typedef CURLcode (*issue_curl_setopt_function)(CURL *, CURLoption, ...);
static inline issue_curl_setopt_function issue_curl_setopt(void) {
    ISSUE_CURL_FUNCTION(issue_curl_setopt_function, "curl_easy_setopt")
    return function;
}
static inline CURLcode issue_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    issue_curl_setopt_function f = issue_curl_setopt();
    return f ? f(handle, option, value) : CURLE_FAILED_INIT;
}
static inline CURLcode issue_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    issue_curl_setopt_function f = issue_curl_setopt();
    return f ? f(handle, option, value) : CURLE_FAILED_INIT;
}
static inline CURLcode issue_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    issue_curl_setopt_function f = issue_curl_setopt();
    return f ? f(handle, option, value) : CURLE_FAILED_INIT;
}
static inline CURLcode issue_curl_setopt_read(CURL *handle, curl_read_callback callback) {
    issue_curl_setopt_function f = issue_curl_setopt();
    return f ? f(handle, CURLOPT_READFUNCTION, callback) : CURLE_FAILED_INIT;
}
static inline CURLcode issue_curl_setopt_debug(CURL *handle, curl_debug_callback callback) {
    issue_curl_setopt_function f = issue_curl_setopt();
    return f ? f(handle, CURLOPT_DEBUGFUNCTION, callback) : CURLE_FAILED_INIT;
}
static inline CURLcode issue_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    ISSUE_CURL_FUNCTION(CURLcode (*)(CURL *, CURLINFO, ...), "curl_easy_getinfo")
    return function ? function(handle, info, value) : CURLE_FAILED_INIT;
}
