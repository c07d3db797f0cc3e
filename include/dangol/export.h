/* The export marker of libdangol. The library is built with -fvisibility=hidden, so only what a
 * public header declares between DG_API_BEGIN and DG_API_END is visible to a program linking the
 * shared library; the library's internals (dg__*) stay private to it. Every header in
 * include/dangol/ wraps its declarations this way. */
#ifndef DANGOL_EXPORT_H
#define DANGOL_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define DG_API_BEGIN _Pragma("GCC visibility push(default)")
#define DG_API_END _Pragma("GCC visibility pop")
#else
#define DG_API_BEGIN
#define DG_API_END
#endif

#endif
