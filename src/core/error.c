/* The error vocabulary: status strings and the helpers that fill a caller-owned dg_error. */
#include <stdio.h>
#include <string.h>

#include "dangol/error.h"

const char *dg_strerror(int code)
{
    switch (code) {
    case DG_OK:           return "success";
    case DG_ENOMEM:       return "out of memory";
    case DG_EINVAL:       return "invalid argument";
    case DG_EIO:          return "input/output error";
    case DG_ESTORE:       return "store error";
    case DG_ENOTFOUND:    return "not found";
    case DG_EEXIST:       return "already exists";
    case DG_EVERSION:     return "store version not supported";
    case DG_EPARSE:       return "malformed input";
    case DG_ERANGE:       return "value out of range";
    case DG_ECONVERGE:    return "did not converge";
    case DG_EUNSUPPORTED: return "not supported";
    case DG_EABORTED:     return "aborted";
    case DG_EBUSY:        return "store busy";
    case DG_EAUTH:        return "not authenticated";
    case DG_ECONFLICT:    return "conflict";
    default:              return "unknown error";
    }
}

void dg_error_clear(dg_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

int dg_error_vset(dg_error *err, int code, const char *fmt, va_list ap)
{
    if (err) {   /* no position: a stale file/line of an earlier error must not survive */
        err->code = code;
        err->file[0] = '\0';
        err->line = 0;
        err->column = 0;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
    }
    return code;
}

int dg_error_set(dg_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dg_error_vset(err, code, fmt, ap);
    va_end(ap);
    return code;
}

int dg_error_at(dg_error *err, int code, const char *file, long line, long column,
                const char *fmt, ...)
{
    if (!err)
        return code;
    char text[DG_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    if (column > 0)
        snprintf(err->message, sizeof err->message, "%s:%ld:%ld: %s", err->file, line, column, text);
    else
        snprintf(err->message, sizeof err->message, "%s:%ld: %s", err->file, line, text);
    return code;
}
