/* libFuzzer target for the frame snapshot's decoder (src/frame/frame_snapshot.c and its column
 * codec). The first input byte picks the chunk size the bytes are handed over in, whether
 * optional order columns are skipped, and the size of the values for the codec's own check;
 * the rest is a serialized frame (the corpus holds real ones). Nothing may crash or leak; a frame
 * that decodes must serialize and decode again to the same bytes; any bytes read as values must
 * encode and decode back to themselves. Run by `make fuzz` (a few seconds, fixed seed). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame/column_codec.h"
#include "frame/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const uint8_t *data;
    size_t len, chunk;
} source;

static int next_chunk(void *ctx, size_t skip, const void **data, size_t *len, dg_error *err)
{
    source *s = ctx;
    (void)err;
    *len = s->len < s->chunk ? s->len : s->chunk;
    *data = *len <= skip ? NULL : s->data;   /* as the store does: a chunk skipped is not read */
    s->data += *len;
    s->len -= *len;
    return 0;
}

static int decode(const uint8_t *data, size_t len, size_t chunk, unsigned columns,
                  dg_frame **out)
{
    source s = { data, len, chunk };
    dg_error err;
    return dg__frame_deserialize(next_chunk, &s, len, columns, out, &err);
}

/* The input's bytes as values of size bytes each survive the codec unchanged. */
static void codec_round_trip(const uint8_t *data, size_t size, size_t value_size)
{
    size_t n = size / value_size;
    void *values = malloc(n * value_size + 1), *back = calloc(1, n * value_size + 1);
    memcpy(values, data, n * value_size);
    size_t len = dg__codec_encode(values, n, value_size, NULL);
    unsigned char *enc = malloc(len);
    if (dg__codec_encode(values, n, value_size, enc) != len)
        abort();
    if (!dg__codec_decode(back, n, value_size, enc, len, 2) ||
        memcmp(values, back, n * value_size) != 0)
        abort();
    free(enc);
    free(back);
    free(values);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const size_t chunks[] = { 1, 7, 64, 1 << 20 };
    static const size_t value_sizes[] = { 1, 4, 8, 8 };
    size_t chunk = chunks[data[0] & 3];
    unsigned columns = data[0] & 4 ? DG_FRAME_ORDER_CORE | (data[0] >> 3) : 0;
    codec_round_trip(data + 1, size - 1, value_sizes[(data[0] >> 6) & 3]);
    dg_frame *f = NULL;
    if (decode(data + 1, size - 1, chunk, columns, &f) != 0)
        return 0;
    unsigned char *again = NULL, *third = NULL;
    size_t len = 0, len3 = 0;
    dg_frame *g = NULL;
    if (dg__frame_serialize(f, &again, &len) != 0 || decode(again, len, chunk, 0, &g) != 0 ||
        dg__frame_serialize(g, &third, &len3) != 0 || len != len3 || memcmp(again, third, len))
        abort();
    free(third);
    free(again);
    dg_frame_free(g);
    dg_frame_free(f);
    return 0;
}
