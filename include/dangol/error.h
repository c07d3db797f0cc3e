/* dangol error vocabulary: one append-only enum of status codes (never renumber, never reuse)
 * and a caller-owned dg_error that carries the human message and, for input errors, the
 * file, line and column. The library never prints and never exits: it returns a code and fills
 * the dg_error the caller passed (which may be NULL when the caller does not want the detail). */
#ifndef DANGOL_ERROR_H
#define DANGOL_ERROR_H

#include <stdarg.h>

#include "dangol/export.h"

DG_API_BEGIN

typedef enum {
    DG_OK        = 0,
    DG_ENOMEM    = -1,  /* out of memory */
    DG_EINVAL    = -2,  /* invalid argument or input value */
    DG_EIO       = -3,  /* file or device error */
    DG_ESTORE    = -4,  /* the store (database) reported an error */
    DG_ENOTFOUND = -5,  /* no such customer, order, file, ... */
    DG_EEXIST    = -6,  /* already exists */
    DG_EVERSION  = -7,  /* store written by a newer dangol */
    DG_EPARSE    = -8,  /* malformed input text (CSV, date, number, JSON) */
    DG_ERANGE    = -9,  /* value out of its allowed range */
    DG_ECONVERGE = -10, /* an optimiser did not converge */
    DG_EUNSUPPORTED = -11, /* operation not available in this backend or build */
    DG_EABORTED  = -12, /* stopped on purpose (too many errors, user interrupt) */
    DG_EBUSY     = -13, /* another process holds the store's write lock; try again later */
    DG_EAUTH     = -14, /* not authenticated: unknown user, wrong password, bad or revoked token */
    DG_ECONFLICT = -15, /* the store's state refuses it: too few points, a key reused, ... */
} dg_status;

#define DG_ERROR_MSG_MAX 512

typedef struct dg_error {
    int  code;                       /* a dg_status */
    char message[DG_ERROR_MSG_MAX];  /* full message, position prefix included when known */
    char file[256];                  /* input file, "" when not about a file */
    long line;                       /* 1-based, 0 when unknown */
    long column;                     /* 1-based, 0 when unknown */
} dg_error;

/* Short English description of a status code; never NULL. */
const char *dg_strerror(int code);

/* Fills err (if not NULL) with code and the formatted message, cut to DG_ERROR_MSG_MAX, and
 * clears its position (file "", line and column 0): a position is only ever the reported
 * error's. Returns code, so callers can write `return dg_error_set(...)`. Allocates nothing. */
int dg_error_set(dg_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* dg_error_set with a va_list (ap is consumed). Returns code. */
int dg_error_vset(dg_error *err, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* dg_error_set with a position: file, line and column are kept in err and the message becomes
 * "file:line:column: text" ("file:line: text" when column is 0). Returns code. */
int dg_error_at(dg_error *err, int code, const char *file, long line, long column,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Empties err (code DG_OK, no message, no position); NULL is a no-op. Nothing to free: a
 * dg_error owns no memory. */
void dg_error_clear(dg_error *err);

DG_API_END

#endif
