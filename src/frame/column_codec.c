/* The frame snapshot's column codec (column_codec.h): frame-of-reference bit-packing of blocks of
 * values or of their differences. Bits are packed least significant first into bytes, so the
 * encoding does not depend on the machine's byte order. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "core/parallel.h"
#include "frame/column_codec.h"

#define MAX_VARINT 10
/* A column is decoded in parts on several threads, each of at least this many blocks */
#define PART_BLOCKS 256
#define MAX_PARTS 8

static uint64_t load(const void *values, size_t size, size_t i)
{
    switch (size) {
    case 1:  return (uint64_t)(int64_t)((const int8_t *)values)[i];
    case 4:  return (uint64_t)(int64_t)((const int32_t *)values)[i];
    default: return (uint64_t)((const int64_t *)values)[i];
    }
}

/* k values of x into values from index i, each cut to size bytes. */
static void store(void *values, size_t size, size_t i, const uint64_t *x, size_t k)
{
    switch (size) {
    case 1:
        for (size_t j = 0; j < k; j++)
            ((uint8_t *)values)[i + j] = (uint8_t)x[j];
        break;
    case 4:
        for (size_t j = 0; j < k; j++)
            ((uint32_t *)values)[i + j] = (uint32_t)x[j];
        break;
    default:
        memcpy((uint64_t *)values + i, x, k * sizeof *x);
        break;
    }
}

static unsigned bits_of(uint64_t v)
{
    return v ? 64u - (unsigned)__builtin_clzll(v) : 0u;
}

static size_t put_varint(unsigned char *out, uint64_t v)
{
    size_t n = 0;
    do {
        unsigned char byte = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (out)
            out[n] = byte | (v ? 0x80 : 0);
        n++;
    } while (v);
    return n;
}

/* A block's reference (its least value) and width (the bits of the largest value minus it). */
static void frame_of(const uint64_t *x, size_t k, int64_t *base_out, unsigned *width_out)
{
    int64_t base = (int64_t)x[0];
    for (size_t j = 1; j < k; j++)
        if ((int64_t)x[j] < base)
            base = (int64_t)x[j];
    uint64_t span = 0;
    for (size_t j = 0; j < k; j++)
        span |= x[j] - (uint64_t)base;
    *base_out = base;
    *width_out = bits_of(span);
}

static uint64_t zigzag_of(int64_t base)
{
    return ((uint64_t)base << 1) ^ (0 - ((uint64_t)base >> 63));
}

/* Length of a block of k values with this reference and width. */
static size_t block_length(size_t k, int64_t base, unsigned width)
{
    return put_varint(NULL, zigzag_of(base)) + 1 + (k * width + 7) / 8;
}

/* The k values minus base, width bits each, least significant first, into packed: whole 64-bit
 * words through an accumulator, then the bytes of the last one. */
static void pack(const uint64_t *x, size_t k, uint64_t base, unsigned width, unsigned char *packed)
{
    uint64_t acc = 0;
    unsigned have = 0;   /* bits in acc */
    if (width == 0)
        return;
    for (size_t j = 0; j < k; j++) {
        uint64_t v = x[j] - base;
        acc |= v << have;
        if (have + width < 64) {
            have += width;
            continue;
        }
        for (unsigned i = 0; i < 8; i++)
            *packed++ = (unsigned char)(acc >> (8 * i));
        acc = have ? v >> (64 - have) : 0;
        have = have + width - 64;
    }
    for (unsigned i = 0; i < have; i += 8)
        *packed++ = (unsigned char)(acc >> i);
}

/* One block of k values (already differenced when the mode says so): its reference, width and
 * packed bits into out; returns its length. */
static size_t encode_block(const uint64_t *x, size_t k, unsigned char *out)
{
    int64_t base;
    unsigned width;
    frame_of(x, k, &base, &width);
    size_t n = put_varint(out, zigzag_of(base));
    out[n++] = (unsigned char)width;
    pack(x, k, (uint64_t)base, width, out + n);
    return n + (k * width + 7) / 8;
}

dg__codec_plan dg__codec_measure(const void *values, size_t n, size_t size)
{
    uint64_t plain[DG__CODEC_BLOCK], delta[DG__CODEC_BLOCK], prev = 0;
    size_t plain_len = 1, delta_len = 1;
    for (size_t i = 0; i < n; i += DG__CODEC_BLOCK) {
        size_t k = n - i < DG__CODEC_BLOCK ? n - i : DG__CODEC_BLOCK;
        for (size_t j = 0; j < k; j++) {
            uint64_t v = load(values, size, i + j);
            plain[j] = v;
            delta[j] = v - prev;
            prev = v;
        }
        int64_t base;
        unsigned width;
        frame_of(plain, k, &base, &width);
        plain_len += block_length(k, base, width);
        frame_of(delta, k, &base, &width);
        delta_len += block_length(k, base, width);
    }
    return delta_len < plain_len ? (dg__codec_plan){ delta_len, true }
                                 : (dg__codec_plan){ plain_len, false };
}

void dg__codec_encode_planned(const void *values, size_t n, size_t size, dg__codec_plan plan,
                              unsigned char *out)
{
    uint64_t x[DG__CODEC_BLOCK], prev = 0;
    size_t len = 1;
    out[0] = plan.delta;
    for (size_t i = 0; i < n; i += DG__CODEC_BLOCK) {
        size_t k = n - i < DG__CODEC_BLOCK ? n - i : DG__CODEC_BLOCK;
        for (size_t j = 0; j < k; j++) {
            uint64_t v = load(values, size, i + j);
            x[j] = plan.delta ? v - prev : v;
            prev = v;
        }
        len += encode_block(x, k, out + len);
    }
    assert(len == plan.len);
}

size_t dg__codec_encode(const void *values, size_t n, size_t size, unsigned char *out)
{
    dg__codec_plan plan = dg__codec_measure(values, n, size);
    if (out)
        dg__codec_encode_planned(values, n, size, plan, out);
    return plan.len;
}

/* The varint at data[*pos], within len bytes; *pos moves past it. */
static bool varint_at(const unsigned char *data, size_t len, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < MAX_VARINT && *pos < len; i++) {
        unsigned char byte = data[(*pos)++];
        v |= (uint64_t)(byte & 0x7f) << (7 * i);
        if (!(byte & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

/* The 8 bytes at p as a little-endian word (one load where the machine is little-endian). */
static uint64_t word_at(const unsigned char *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The k values of a block packed width bits each (16 zero bytes after them), plus base. */
static void unpack(const unsigned char *packed, size_t k, unsigned width, uint64_t base,
                   uint64_t *x)
{
    if (width == 0) {
        for (size_t j = 0; j < k; j++)
            x[j] = base;
        return;
    }
    uint64_t mask = width == 64 ? ~UINT64_C(0) : (UINT64_C(1) << width) - 1;
    for (size_t j = 0; j < k; j++) {
        size_t bit = j * width;
        unsigned shift = (unsigned)(bit & 7);
        uint64_t v = word_at(packed + (bit >> 3)) >> shift;
        if (shift + width > 64)
            v |= (uint64_t)packed[(bit >> 3) + 8] << (64 - shift);
        x[j] = base + (v & mask);
    }
}

/* A run of blocks decoded on its own: from block `first` (at byte `at`) up to block `end`, the
 * differences summed from 0; `last` is that sum at its end. */
typedef struct part {
    size_t first, end, at;
    uint64_t last;
    uint64_t carry;   /* the sum of the runs before it, added to its values afterwards */
} part;

typedef struct decoding {
    void *values;
    size_t n, size;
    const unsigned char *data;
    size_t len;
    bool delta;
    size_t n_parts;
    part parts[MAX_PARTS];
} decoding;

/* Checks every block's header and that the blocks end exactly at len, and marks where each part
 * starts (the block headers are all the decoder has to trust: the packed bits of any width are
 * some values). */
static bool plan_parts(decoding *d)
{
    size_t n_blocks = (d->n + DG__CODEC_BLOCK - 1) / DG__CODEC_BLOCK, pos = 1, next = 0;
    for (size_t b = 0; b < n_blocks; b++) {
        while (next < d->n_parts && d->parts[next].first == b)
            d->parts[next++].at = pos;
        size_t k = d->n - b * DG__CODEC_BLOCK < DG__CODEC_BLOCK ? d->n - b * DG__CODEC_BLOCK
                                                                 : DG__CODEC_BLOCK;
        uint64_t zigzag;
        if (!varint_at(d->data, d->len, &pos, &zigzag) || pos >= d->len || d->data[pos] > 64)
            return false;
        size_t bytes = (k * d->data[pos++] + 7) / 8;
        if (bytes > d->len - pos)
            return false;
        pos += bytes;
    }
    return pos == d->len;
}

/* Decodes part t (plan_parts checked its headers). A block of zeros is not written: a large
 * column of them (the offsets of rows a store has none of) stays untouched fresh pages. A block's bits are read in place, as the
 * words past its end hold only bits above the last value's (masked off); the last blocks, near
 * the end of the data, are copied out with the zero bytes unpack reads past them. */
static void decode_part(size_t t, void *ctx)
{
    decoding *d = ctx;
    part *p = &d->parts[t];
    unsigned char tail[DG__CODEC_BLOCK * 8 + 16];
    uint64_t x[DG__CODEC_BLOCK], prev = 0;
    size_t pos = p->at;
    for (size_t b = p->first; b < p->end; b++) {
        size_t i = b * DG__CODEC_BLOCK;
        size_t k = d->n - i < DG__CODEC_BLOCK ? d->n - i : DG__CODEC_BLOCK;
        uint64_t zigzag = 0;
        varint_at(d->data, d->len, &pos, &zigzag);
        unsigned width = d->data[pos++];
        uint64_t base = (zigzag >> 1) ^ (0 - (zigzag & 1));
        size_t bytes = (k * width + 7) / 8;
        const unsigned char *packed = d->data + pos;
        if (d->len - pos < bytes + 16) {
            memcpy(tail, packed, bytes);
            memset(tail + bytes, 0, 16);
            packed = tail;
        }
        pos += bytes;
        if (width == 0 && base == 0 && (!d->delta || prev == 0))
            continue;   /* zeros, which values holds already */
        unpack(packed, k, width, base, x);
        if (d->delta)
            for (size_t j = 0; j < k; j++)
                x[j] = prev += x[j];
        store(d->values, d->size, i, x, k);
    }
    p->last = prev;
}

/* Adds to part t + 1's values the sum of the differences before it (a delta column's parts were
 * summed from 0); in the values' own width, which wraps as the sum cut to that width would. */
static void carry_part(size_t t, void *ctx)
{
    decoding *d = ctx;
    const part *p = &d->parts[t + 1];
    size_t i = p->first * DG__CODEC_BLOCK, end = p->end * DG__CODEC_BLOCK;
    if (end > d->n)
        end = d->n;
    for (; i < end; i++)
        switch (d->size) {
        case 1:  ((uint8_t *)d->values)[i] += (uint8_t)p->carry; break;
        case 4:  ((uint32_t *)d->values)[i] += (uint32_t)p->carry; break;
        default: ((uint64_t *)d->values)[i] += p->carry; break;
        }
}

bool dg__codec_decode(void *values, size_t n, size_t size, const unsigned char *data, size_t len,
                      int threads)
{
    if (len < 1 || data[0] > 1)
        return false;
    decoding d = { .values = values, .n = n, .size = size, .data = data, .len = len,
                   .delta = data[0] == 1 };
    size_t n_blocks = (n + DG__CODEC_BLOCK - 1) / DG__CODEC_BLOCK;
    size_t want = (size_t)dg__threads_default(threads);
    d.n_parts = n_blocks / PART_BLOCKS;
    if (d.n_parts > want)
        d.n_parts = want;
    if (d.n_parts > MAX_PARTS)
        d.n_parts = MAX_PARTS;
    if (d.n_parts < 1)
        d.n_parts = 1;
    for (size_t t = 0; t < d.n_parts; t++) {
        d.parts[t].first = n_blocks * t / d.n_parts;
        d.parts[t].end = n_blocks * (t + 1) / d.n_parts;
    }
    if (!plan_parts(&d))
        return false;
    dg__parallel_tasks(d.n_parts, decode_part, &d, (int)d.n_parts);
    if (d.delta && d.n_parts > 1) {
        for (size_t t = 1; t < d.n_parts; t++)
            d.parts[t].carry = d.parts[t - 1].carry + d.parts[t - 1].last;
        dg__parallel_tasks(d.n_parts - 1, carry_part, &d, (int)d.n_parts - 1);
    }
    return true;
}
