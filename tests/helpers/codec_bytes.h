/* A column codec byte source over memory (the callback dg__codec_decode reads its input through,
 * src/frame/column_codec.h), for the codec's own checks: tests/unit/test_snapshot_columns.c and
 * tests/fuzz/fuzz_snapshot.c. Header-only, shared by the two. */
#ifndef DANGOL_CODEC_BYTES_H
#define DANGOL_CODEC_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct {
    const unsigned char *p;
    size_t left;
} codec_bytes;

/* The next n bytes of ctx (a codec_bytes) into dst; false when fewer are left. */
static inline bool codec_bytes_get(void *ctx, void *dst, size_t n)
{
    codec_bytes *b = ctx;
    if (n > b->left)
        return false;
    memcpy(dst, b->p, n);
    b->p += n;
    b->left -= n;
    return true;
}

#endif
