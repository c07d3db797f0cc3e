/* The version of libdangol: the macros say which headers a program was compiled against,
 * dg_version() which library it runs with. MAJOR changes with an incompatible ABI (it is the
 * shared library's SONAME, libdangol.so.MAJOR); the Makefile reads DG_VERSION_STRING from here. */
#ifndef DANGOL_VERSION_H
#define DANGOL_VERSION_H

#include "dangol/export.h"

DG_API_BEGIN

#define DG_VERSION_MAJOR 0
#define DG_VERSION_MINOR 1
#define DG_VERSION_PATCH 0
#define DG_VERSION_STRING "0.1.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH, for #if comparisons. */
#define DG_VERSION_NUMBER (DG_VERSION_MAJOR * 10000 + DG_VERSION_MINOR * 100 + DG_VERSION_PATCH)

/* The version of the library at run time ("MAJOR.MINOR.PATCH"); sets the three numbers when the
 * pointers are not NULL. Never fails. */
const char *dg_version(int *major, int *minor, int *patch);

DG_API_END

#endif
