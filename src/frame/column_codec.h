/* The frame snapshot's column codec (docs/snapshot.md, "Compressed columns"): an integer column
 * as blocks of DG__CODEC_BLOCK values, each stored frame-of-reference (its least value as a
 * zigzag varint, then every value minus it bit-packed at the width of the largest), either of
 * the values themselves or of their differences from the value before (chosen per column,
 * whichever is smaller: sorted ids, offsets and days pack to a few bits). Simple and fast: the
 * decoder unpacks a block with word loads, straight into the frame's array, a long column's
 * blocks in parts on several threads (the block headers give where each part starts). */
#ifndef DANGOL_FRAME_COLUMN_CODEC_H
#define DANGOL_FRAME_COLUMN_CODEC_H

#include <stdbool.h>
#include <stddef.h>

#define DG__CODEC_BLOCK 1024

/* The encoding of n values of size bytes each (1, 4 or 8; read as signed), into out unless it is
 * NULL; returns its length either way. */
size_t dg__codec_encode(const void *values, size_t n, size_t size, unsigned char *out);

/* The same in two steps, so a writer that first sizes its buffer reads the values twice, not
 * five times: measure (one pass: the length of both modes, the smaller chosen), then encode that
 * plan into out (plan.len bytes). */
typedef struct {
    size_t len;
    bool delta;    /* the differences, else the values */
} dg__codec_plan;
dg__codec_plan dg__codec_measure(const void *values, size_t n, size_t size);
void dg__codec_encode_planned(const void *values, size_t n, size_t size, dg__codec_plan plan,
                              unsigned char *out);

/* The n values of size bytes encoded in data[0, len), into values, which must hold zeros (from
 * calloc: blocks of zeros are not written); a long column in parts on up to `threads` threads
 * (0: the online cores), the same values whatever their number. False when
 * the bytes run short, go on past the values or are not an encoding (an unknown mode, a width
 * over 64). */
bool dg__codec_decode(void *values, size_t n, size_t size, const unsigned char *data, size_t len,
                      int threads);

#endif
