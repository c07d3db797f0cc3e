/* The frame snapshot's column codec (column_codec.h): frame-of-reference bit-packing of blocks of
 * values or of their differences. Bits are packed least significant first into bytes, so the
 * encoding does not depend on the machine's byte order. */
#include <stdint.h>
#include <string.h>

#include "frame/column_codec.h"

#define MAX_VARINT 10

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

/* One block of k values (already differenced when the mode says so): its reference, width and
 * packed bits, into out unless NULL; returns its length. */
static size_t encode_block(const uint64_t *x, size_t k, unsigned char *out)
{
    int64_t base = (int64_t)x[0];
    for (size_t j = 1; j < k; j++)
        if ((int64_t)x[j] < base)
            base = (int64_t)x[j];
    uint64_t span = 0;
    for (size_t j = 0; j < k; j++)
        span |= x[j] - (uint64_t)base;
    unsigned width = bits_of(span);
    uint64_t zigzag = ((uint64_t)base << 1) ^ (0 - ((uint64_t)base >> 63));
    size_t n = put_varint(out, zigzag);
    size_t bytes = (k * width + 7) / 8;
    if (!out)
        return n + 1 + bytes;
    out[n++] = (unsigned char)width;
    unsigned char *packed = out + n;
    memset(packed, 0, bytes);
    for (size_t j = 0; j < k; j++) {
        uint64_t v = x[j] - (uint64_t)base;
        size_t bit = j * width;
        for (unsigned done = 0; done < width;) {
            unsigned shift = (unsigned)(bit & 7), take = 8 - shift;
            if (take > width - done)
                take = width - done;
            packed[bit >> 3] |= (unsigned char)(((v >> done) & ((1u << take) - 1)) << shift);
            bit += take;
            done += take;
        }
    }
    return n + bytes;
}

static size_t encode_mode(const void *values, size_t n, size_t size, bool delta,
                          unsigned char *out)
{
    uint64_t x[DG__CODEC_BLOCK], prev = 0;
    size_t len = 1;
    if (out)
        out[0] = delta;
    for (size_t i = 0; i < n; i += DG__CODEC_BLOCK) {
        size_t k = n - i < DG__CODEC_BLOCK ? n - i : DG__CODEC_BLOCK;
        for (size_t j = 0; j < k; j++) {
            uint64_t v = load(values, size, i + j);
            x[j] = delta ? v - prev : v;
            prev = v;
        }
        len += encode_block(x, k, out ? out + len : NULL);
    }
    return len;
}

size_t dg__codec_encode(const void *values, size_t n, size_t size, unsigned char *out)
{
    size_t plain = encode_mode(values, n, size, false, NULL);
    size_t delta = encode_mode(values, n, size, true, NULL);
    if (!out)
        return plain < delta ? plain : delta;
    return encode_mode(values, n, size, delta < plain, out);
}

static bool get_varint(dg__codec_get_fn get, void *ctx, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < MAX_VARINT; i++) {
        unsigned char byte;
        if (!get(ctx, &byte, 1))
            return false;
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

bool dg__codec_decode(void *values, size_t n, size_t size, dg__codec_get_fn get, void *ctx)
{
    unsigned char mode, packed[DG__CODEC_BLOCK * 8 + 16];
    uint64_t x[DG__CODEC_BLOCK], prev = 0;
    if (!get(ctx, &mode, 1) || mode > 1)
        return false;
    for (size_t i = 0; i < n; i += DG__CODEC_BLOCK) {
        size_t k = n - i < DG__CODEC_BLOCK ? n - i : DG__CODEC_BLOCK;
        uint64_t zigzag;
        unsigned char width;
        if (!get_varint(get, ctx, &zigzag) || !get(ctx, &width, 1) || width > 64)
            return false;
        uint64_t base = (zigzag >> 1) ^ (0 - (zigzag & 1));
        size_t bytes = (k * width + 7) / 8;
        if (!get(ctx, packed, bytes))
            return false;
        memset(packed + bytes, 0, 16);
        unpack(packed, k, width, base, x);
        if (mode)
            for (size_t j = 0; j < k; j++)
                x[j] = prev += x[j];
        store(values, size, i, x, k);
    }
    return true;
}
