/* A pass-through SQLite VFS for tests (io_points.h): every file SQLite opens is wrapped so its
 * reads, writes, syncs and truncations are counted, and the call numbered `at` first runs the
 * test's callback (which may stop the process there with SIGKILL, or wait while another process
 * writes). It lives in the test program only: the library and the released binary have no hook. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "io_points.h"

typedef struct {
    sqlite3_file base;
    sqlite3_file *real;
} point_file;

/* The test program's one shim; its state is test state, not the library's. */
static struct {
    sqlite3_vfs vfs;
    sqlite3_vfs *real;
    unsigned kinds;
    long calls, at;
    io_point_fn fn;
    void *ctx;
} shim;

static void tick(unsigned kind)
{
    if (!(shim.kinds & kind))
        return;
    if (++shim.calls == shim.at && shim.fn)
        shim.fn(shim.ctx, shim.calls);
}

static sqlite3_file *real_of(sqlite3_file *f)
{
    return ((point_file *)f)->real;
}

static int p_close(sqlite3_file *f)
{
    sqlite3_file *r = real_of(f);
    int rc = r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
    free(r);
    return rc;
}

static int p_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    tick(IO_POINT_READ);
    return real_of(f)->pMethods->xRead(real_of(f), buf, n, off);
}

static int p_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    tick(IO_POINT_WRITE);
    return real_of(f)->pMethods->xWrite(real_of(f), buf, n, off);
}

static int p_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    tick(IO_POINT_WRITE);
    return real_of(f)->pMethods->xTruncate(real_of(f), size);
}

static int p_sync(sqlite3_file *f, int flags)
{
    tick(IO_POINT_WRITE);
    return real_of(f)->pMethods->xSync(real_of(f), flags);
}

static int p_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return real_of(f)->pMethods->xFileSize(real_of(f), size);
}

static int p_lock(sqlite3_file *f, int lock)
{
    return real_of(f)->pMethods->xLock(real_of(f), lock);
}

static int p_unlock(sqlite3_file *f, int lock)
{
    return real_of(f)->pMethods->xUnlock(real_of(f), lock);
}

static int p_check_lock(sqlite3_file *f, int *out)
{
    return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}

static int p_control(sqlite3_file *f, int op, void *arg)
{
    return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}

static int p_sector(sqlite3_file *f)
{
    return real_of(f)->pMethods->xSectorSize(real_of(f));
}

static int p_device(sqlite3_file *f)
{
    return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}

static int p_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **out)
{
    return real_of(f)->pMethods->xShmMap(real_of(f), page, size, extend, out);
}

static int p_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}

static void p_shm_barrier(sqlite3_file *f)
{
    real_of(f)->pMethods->xShmBarrier(real_of(f));
}

static int p_shm_unmap(sqlite3_file *f, int delete_flag)
{
    return real_of(f)->pMethods->xShmUnmap(real_of(f), delete_flag);
}

/* Version 2: no memory-mapped fetches, so every page goes through p_read. */
static const sqlite3_io_methods point_methods = {
    .iVersion = 2, .xClose = p_close, .xRead = p_read, .xWrite = p_write,
    .xTruncate = p_truncate, .xSync = p_sync, .xFileSize = p_size, .xLock = p_lock,
    .xUnlock = p_unlock, .xCheckReservedLock = p_check_lock, .xFileControl = p_control,
    .xSectorSize = p_sector, .xDeviceCharacteristics = p_device, .xShmMap = p_shm_map,
    .xShmLock = p_shm_lock, .xShmBarrier = p_shm_barrier, .xShmUnmap = p_shm_unmap,
};

static int p_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    (void)vfs;
    point_file *p = (point_file *)f;
    p->base.pMethods = NULL;
    if (!(p->real = calloc(1, (size_t)shim.real->szOsFile)))
        return SQLITE_NOMEM;
    int rc = shim.real->xOpen(shim.real, name, p->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        free(p->real);
        return rc;
    }
    p->base.pMethods = &point_methods;
    return SQLITE_OK;
}

#define FORWARD(name, proto, args) \
    static int p_##name proto { (void)vfs; return shim.real->x##name args; }
FORWARD(Delete, (sqlite3_vfs *vfs, const char *n, int sync), (shim.real, n, sync))
FORWARD(Access, (sqlite3_vfs *vfs, const char *n, int flags, int *out), (shim.real, n, flags, out))
FORWARD(FullPathname, (sqlite3_vfs *vfs, const char *n, int size, char *out),
        (shim.real, n, size, out))
FORWARD(Randomness, (sqlite3_vfs *vfs, int n, char *out), (shim.real, n, out))
FORWARD(Sleep, (sqlite3_vfs *vfs, int us), (shim.real, us))
FORWARD(CurrentTime, (sqlite3_vfs *vfs, double *out), (shim.real, out))
FORWARD(GetLastError, (sqlite3_vfs *vfs, int n, char *out), (shim.real, n, out))
FORWARD(CurrentTimeInt64, (sqlite3_vfs *vfs, sqlite3_int64 *out), (shim.real, out))

int io_points_install(unsigned kinds, long at, io_point_fn fn, void *ctx)
{
    if (!shim.real) {
        if (!(shim.real = sqlite3_vfs_find(NULL)))
            return SQLITE_ERROR;
        shim.vfs = (sqlite3_vfs){
            .iVersion = 2, .szOsFile = (int)sizeof(point_file),
            .mxPathname = shim.real->mxPathname, .zName = "io_points", .xOpen = p_open,
            .xDelete = p_Delete, .xAccess = p_Access, .xFullPathname = p_FullPathname,
            .xDlOpen = shim.real->xDlOpen, .xDlError = shim.real->xDlError,
            .xDlSym = shim.real->xDlSym, .xDlClose = shim.real->xDlClose,
            .xRandomness = p_Randomness, .xSleep = p_Sleep, .xCurrentTime = p_CurrentTime,
            .xGetLastError = p_GetLastError, .xCurrentTimeInt64 = p_CurrentTimeInt64,
        };
    }
    shim.kinds = kinds;
    shim.calls = 0;
    shim.at = at;
    shim.fn = fn;
    shim.ctx = ctx;
    return sqlite3_vfs_register(&shim.vfs, 1);
}

long io_points_count(void)
{
    return shim.calls;
}
