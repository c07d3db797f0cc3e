/* Store access problems named for the user. SQLite's own words ("attempt to write a readonly
 * database", "database is locked") say neither which file nor what to do; these messages say
 * both. A store in WAL mode is read through a -shm index beside it, which a reader creates when it
 * is missing: in a read-only directory that fails, so such a store (when no -wal file holds
 * changes) is opened as immutable, which SQLite reads without any index. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/access.h"

bool dg__sqlite_is_readonly(int code)
{
    return (code & 0xff) == SQLITE_READONLY || code == SQLITE_CANTOPEN ||
           code == SQLITE_IOERR_SHMOPEN || code == SQLITE_IOERR_SHMSIZE;
}

static void directory_of(const char *path, char *dir, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, cap, ".");
    else if (slash == path)
        snprintf(dir, cap, "/");
    else
        snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

int dg__store_readonly_error(const char *path, dg_error *err)
{
    char dir[PATH_MAX], why[PATH_MAX + 128];
    directory_of(path, dir, sizeof dir);
    if (access(path, W_OK) != 0 && errno == EROFS)
        snprintf(why, sizeof why, "it is on a read-only file system");
    else if (access(path, W_OK) != 0)
        snprintf(why, sizeof why, "no write permission on the file");
    else if (access(dir, W_OK) != 0)
        snprintf(why, sizeof why, "no write permission on its directory %s, where SQLite keeps "
                 "the store's -wal and -shm files", dir);
    else
        snprintf(why, sizeof why, "SQLite could not write it or the files beside it");
    return dg_error_set(err, DG_ESTORE, "%s: the store is read-only (%s); this command writes "
                        "to it: give it write access, or use a command that only reads "
                        "(reports, export, `serve --read-only`)", path, why);
}

int dg__store_busy_error(const char *path, dg_error *err)
{
    return dg_error_set(err, DG_EBUSY, "%s: another process is writing to the store (an import "
                        "or a server holds its write lock; waited %d s); try again when it has "
                        "finished", path, DG_STORE_BUSY_TIMEOUT_MS / 1000);
}

int dg__sqlite_open_immutable(const char *path, sqlite3 **db, dg_error *err)
{
    char wal[PATH_MAX + 8], uri[3 * PATH_MAX + 32];
    struct stat st;
    *db = NULL;
    snprintf(wal, sizeof wal, "%s-wal", path);
    if (stat(wal, &st) == 0)
        return dg_error_set(err, DG_ESTORE, "%s: cannot read the store: it is read-only and its "
                            "write-ahead log %s holds changes that need write access to be read; "
                            "open it once with write access", path, wal);
    /* a URI of the path: '%', '?' and '#' are escaped; "file://" keeps "//x" from naming a host */
    size_t o = (size_t)snprintf(uri, sizeof uri, "file:%s", path[0] == '/' ? "//" : "");
    for (const char *p = path; *p && o + 4 < sizeof uri; p++)
        o += (size_t)(*p == '%' || *p == '?' || *p == '#'
                          ? snprintf(uri + o, sizeof uri - o, "%%%02X", (unsigned char)*p)
                          : snprintf(uri + o, sizeof uri - o, "%c", *p));
    snprintf(uri + o, sizeof uri - o, "?immutable=1");
    if (sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        return dg_error_set(err, DG_ESTORE, "%s: cannot open the store: %s", path,
                            *db ? sqlite3_errmsg(*db) : "out of memory");
    return 0;
}
