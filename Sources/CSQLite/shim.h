#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast macro Swift cannot import: bound text is copied by SQLite. */
static inline int issue_sqlite3_bind_text(sqlite3_stmt *statement, int index, const char *text) {
    return sqlite3_bind_text(statement, index, text, -1, SQLITE_TRANSIENT);
}
