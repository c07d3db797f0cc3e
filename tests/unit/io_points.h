/* Deterministic points inside SQLite's file I/O for the unit tests (io_points.c): a pass-through
 * VFS that counts the reads, writes, syncs and truncations of every file and runs a callback at
 * the call numbered `at`, so a test can stop a process at an exact point of a snapshot's claim,
 * rebuild or save (SIGKILL there, or wait while another process writes) with no timing. Only the
 * test program has it; install it in a forked child, before the child opens its store. */
#ifndef DANGOL_TEST_IO_POINTS_H
#define DANGOL_TEST_IO_POINTS_H

#define IO_POINT_READ 1u
#define IO_POINT_WRITE 2u   /* writes, syncs and truncations */

typedef void (*io_point_fn)(void *ctx, long call);

/* Makes the shim SQLite's default VFS for the connections opened after this; counts the calls of
 * the kinds given from 0, and runs fn(ctx, at) before the call numbered at (1 = the first; 0 =
 * never). A SQLite result code. */
int io_points_install(unsigned kinds, long at, io_point_fn fn, void *ctx);

/* The calls of the installed kinds counted so far. */
long io_points_count(void);

#endif
