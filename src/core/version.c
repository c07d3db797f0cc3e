/* The run-time version of libdangol (include/dangol/version.h). */
#include "dangol/version.h"

const char *dg_version(int *major, int *minor, int *patch)
{
    if (major)
        *major = DG_VERSION_MAJOR;
    if (minor)
        *minor = DG_VERSION_MINOR;
    if (patch)
        *patch = DG_VERSION_PATCH;
    return DG_VERSION_STRING;
}
