/* The snapshot's compressed columns (docs/snapshot.md, "Compressed columns"): the column codec
 * gives back every value it was given, whatever their range, and packs sorted and small values
 * to a few bits; a frame read with only the columns a command uses holds exactly those of the
 * whole frame, leaves the others NULL, passes over their chunks unread, and still cuts to an
 * earlier day like the whole frame. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dangol/demo.h"
#include "dangol/frame.h"
#include "dangol/rng.h"
#include "frame/column_codec.h"
#include "frame/snapshot.h"
#include "support.h"

/* Encodes n values of size bytes, checks they decode back into zeros (blocks of zeros are not
 * written) on one thread and in parts on three (a long column), and that one byte less or more
 * is refused; returns the encoded length. */
static size_t round_trip(const void *values, size_t n, size_t size)
{
    size_t len = dg__codec_encode(values, n, size, NULL);
    unsigned char *enc = malloc(len + 1);
    void *back = malloc(n * size + 1);
    cr_assert_eq(dg__codec_encode(values, n, size, enc), len);
    for (int threads = 1; threads <= 3; threads += 2) {
        memset(back, 0, n * size + 1);
        cr_assert(dg__codec_decode(back, n, size, enc, len, threads), "%zu values of %zu bytes",
                  n, size);
        cr_assert_eq(memcmp(values, back, n * size), 0, "%zu values of %zu bytes differ (%d "
                     "threads)", n, size, threads);
    }
    cr_assert(!dg__codec_decode(back, n, size, enc, len - 1, 3), "a cut encoding read");
    enc[len] = 0;
    cr_assert(!dg__codec_decode(back, n, size, enc, len + 1, 3), "a byte after it read");
    free(back);
    free(enc);
    return len;
}

Test(column_codec, every_value_comes_back)
{
    /* 600,000 and 800,000: decoded in two and three parts */
    static const size_t counts[] = { 0, 1, 2, 1023, 1024, 1025, 5000, 600000, 800000 };
    dg_rng rng;
    dg_rng_seed(&rng, 13);
    int64_t *v64 = malloc(800000 * sizeof *v64);
    int32_t *v32 = malloc(800000 * sizeof *v32);
    int8_t *v8 = malloc(800000);
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        size_t n = counts[c];
        for (int shape = 0; shape < 6; shape++) {
            for (size_t i = 0; i < n; i++) {
                uint64_t r = dg_rng_next(&rng);
                int64_t x = shape == 0   ? 7                            /* constant */
                            : shape == 1 ? (int64_t)(i * 3 + r % 3)     /* sorted */
                            : shape == 2 ? (int64_t)(r % 40) - 20       /* small, signed */
                            /* zeros, then rising, then level: blocks of zero differences */
                            : shape == 4 ? (int64_t)(i < n / 3 ? 0 : i < n / 2 ? i : n / 2)
                            /* blocks of zeros between blocks of values */
                            : shape == 5 ? (int64_t)((i / 1024) % 2 ? 0 : r % 1000)
                                         : (int64_t)r;                  /* anything */
                if (shape == 3 && i % 7 == 0)
                    x = i % 2 ? INT64_MIN : INT64_MAX;
                v64[i] = x;
                v32[i] = (int32_t)(uint32_t)x;
                v8[i] = (int8_t)(uint8_t)x;
            }
            round_trip(v64, n, 8);
            round_trip(v32, n, 4);
            round_trip(v8, n, 1);
        }
    }
    free(v8);
    free(v32);
    free(v64);
}

Test(column_codec, sorted_and_small_columns_pack_to_a_few_bits)
{
    size_t n = 100000;
    int64_t *offsets = malloc(n * sizeof *offsets);
    uint32_t *codes = malloc(n * sizeof *codes);
    for (size_t i = 0; i < n; i++) {
        offsets[i] = (int64_t)(i * 10 + i % 7);   /* a CSR offsets array: ~10 rows each */
        codes[i] = (uint32_t)(i * 2654435761u % 5);   /* a dictionary of 5 codes */
    }
    size_t packed_offsets = round_trip(offsets, n, 8), packed_codes = round_trip(codes, n, 4);
    cr_assert_lt(packed_offsets, n * 8 / 10, "offsets: %zu bytes", packed_offsets);
    cr_assert_lt(packed_codes, n * 4 / 8, "codes: %zu bytes", packed_codes);
    free(codes);
    free(offsets);
}

Test(column_codec, a_width_over_64_or_an_unknown_mode_is_refused)
{
    int32_t out[4];
    unsigned char mode[] = { 2, 0, 0 }, width[] = { 0, 0, 65 };
    cr_assert(!dg__codec_decode(out, 4, 4, mode, sizeof mode, 1));
    cr_assert(!dg__codec_decode(out, 4, 4, width, sizeof width, 1));
}

/* ---- reading some columns only ---- */

static char path[64];
static dg_store *store;
static dg_error err;

static void setup(void)
{
    snprintf(path, sizeof path, "/tmp/dangol-test-columns-%d.db", (int)getpid());
    test_remove_store(path);
    cr_assert_eq(dg_store_open(&store, path, DG_STORE_CREATE, &err), 0, "%s", err.message);
    dg_demo_options opt;
    dg_demo_options_init(&opt);
    opt.seed = 5;
    opt.n_customers = 400;
    opt.order_lines = false;
    dg_demo_output out = { .store = store };
    cr_assert_eq(dg_demo_generate(&out, &opt, NULL, NULL, NULL, &err), 0, "%s", err.message);
}

static void teardown(void)
{
    dg_store_close(store);
    store = NULL;
    test_remove_store(path);
}

static dg_frame *frame(int32_t as_of, unsigned columns)
{
    dg_frame *f = NULL;
    dg_frame_options opts = { .as_of = as_of, .columns = columns };
    cr_assert_eq(dg_frame_from_store(&f, store, &opts, &err), 0, "%s", err.message);
    return f;
}

#define SAME(field, n) \
    cr_assert_eq(memcmp(part->field, whole->field, (n) * sizeof *whole->field), 0, #field)

static void same_core(const dg_frame *part, const dg_frame *whole)
{
    cr_assert_eq(part->n_customers, whole->n_customers);
    cr_assert_eq(part->n_orders, whole->n_orders);
    cr_assert_eq(part->n_surveys, whole->n_surveys);
    SAME(order_offset, whole->n_customers + 1);
    SAME(order_day, whole->n_orders);
    SAME(order_amount_minor, whole->n_orders);
    SAME(region, whole->n_customers);
    SAME(survey_offset, whole->n_customers + 1);
    SAME(survey_nps, whole->n_surveys);
    for (size_t c = 0; c < whole->n_customers; c++)
        cr_assert_str_eq(part->customer_id[c], whole->customer_id[c]);
}

TestSuite(snapshot_columns, .init = setup, .fini = teardown);

Test(snapshot_columns, a_frame_of_some_columns_holds_those_of_the_whole)
{
    dg_frame *whole = frame(DG_DAY_NONE, 0);          /* rebuilt and saved */
    dg_frame *part = frame(DG_DAY_NONE, DG_FRAME_ORDER_CORE | DG_FRAME_ORDER_CHANNEL |
                                            DG_FRAME_ORDER_CUSTOMER);
    same_core(part, whole);
    SAME(order_channel, whole->n_orders);
    SAME(order_customer, whole->n_orders);
    cr_assert_null(part->order_ts);
    cr_assert_null(part->order_units);
    cr_assert_null(part->order_payment);
    cr_assert_null(part->order_site);
    cr_assert_null(part->order_staff);
    dg_frame_free(part);
    /* cut to an earlier day, the columns read are the whole frame's cut to that day */
    int32_t day = whole->as_of - 200;
    dg_frame_free(whole);
    whole = frame(day, 0);
    part = frame(day, DG_FRAME_ORDER_CORE);
    same_core(part, whole);
    cr_assert_null(part->order_channel);
    cr_assert_null(part->order_customer);
    dg_frame_free(part);
    dg_frame_free(whole);
}

/* A source of the serialized frame in chunks of 7 bytes that counts the chunks passed over. */
typedef struct {
    const unsigned char *data;
    size_t len, skipped;
} source;

static int next_chunk(void *ctx, size_t skip, const void **data, size_t *len, dg_error *e)
{
    source *s = ctx;
    (void)e;
    *len = s->len < 7 ? s->len : 7;
    *data = *len <= skip ? NULL : s->data;
    s->skipped += *data == NULL && *len > 0;
    s->data += *len;
    s->len -= *len;
    return 0;
}

Test(snapshot_columns, the_chunks_of_a_column_left_out_are_not_read)
{
    dg_frame *whole = frame(DG_DAY_NONE, 0);
    unsigned char *data;
    size_t len;
    cr_assert_eq(dg__frame_serialize(whole, &data, &len), 0);
    source all = { data, len, 0 }, core = { data, len, 0 };
    dg_frame *again = NULL, *part = NULL;
    cr_assert_eq(dg__frame_deserialize(next_chunk, &all, len, 0, &again, &err), 0, "%s",
                 err.message);
    cr_assert_eq(dg__frame_deserialize(next_chunk, &core, len, DG_FRAME_ORDER_CORE, &part, &err),
                 0, "%s", err.message);
    cr_assert_eq(all.skipped, 0);
    cr_assert_gt(core.skipped, 10, "only %zu chunks passed over", core.skipped);
    same_core(part, whole);
    cr_assert_null(part->order_ts);
    cr_assert_eq(memcmp(again->order_ts, whole->order_ts, whole->n_orders * 8), 0);
    free(data);
    dg_frame_free(part);
    dg_frame_free(again);
    dg_frame_free(whole);
}

/* Every id of a frame read from the snapshot is found (by halves: the store's ids are in
 * order), an id it does not hold is not, and a cut or a window finds those it keeps. */
static void finds_every_id(const dg_frame *f, const dg_frame *whole)
{
    for (size_t c = 0; c < whole->n_customers; c++) {
        int64_t at = dg_frame_customer_index(f, whole->customer_id[c]);
        if (at < 0) {
            cr_assert(whole->first_seen_day[c] != DG_DAY_NONE &&
                      whole->first_seen_day[c] > f->as_of, "%s lost", whole->customer_id[c]);
            continue;
        }
        cr_assert_str_eq(f->customer_id[at], whole->customer_id[c]);
    }
    static const char *const absent[] = { "", "0", "~", "C0000000", "C99999999999" };
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        cr_assert_eq(dg_frame_customer_index(f, absent[i]), -1, "%s found", absent[i]);
}

Test(snapshot_columns, customer_ids_are_found_without_a_hash_map)
{
    dg_frame *whole = frame(DG_DAY_NONE, 0);          /* rebuilt and saved */
    dg_frame *read = frame(DG_DAY_NONE, DG_FRAME_ORDER_CORE), *cut = NULL, *window = NULL;
    finds_every_id(read, whole);
    int32_t day = whole->as_of - 300;
    cr_assert_eq(dg_frame_cut_copy(&cut, read, day, &err), 0, "%s", err.message);
    cr_assert_eq(dg_frame_window(&window, read, day, &err), 0, "%s", err.message);
    cr_assert_lt(cut->n_customers, whole->n_customers);
    finds_every_id(cut, whole);
    finds_every_id(window, whole);
    cr_assert_eq(dg_frame_cut(read, day, &err), 0, "%s", err.message);
    finds_every_id(read, whole);
    dg_frame_free(window);
    dg_frame_free(cut);
    dg_frame_free(read);

    /* ids out of order (two swapped) are looked up through a map built on reading */
    char *first = whole->customer_id[0];
    whole->customer_id[0] = whole->customer_id[1];
    whole->customer_id[1] = first;
    unsigned char *data;
    size_t len;
    cr_assert_eq(dg__frame_serialize(whole, &data, &len), 0);
    source all = { data, len, 0 };
    cr_assert_eq(dg__frame_deserialize(next_chunk, &all, len, 0, &read, &err), 0, "%s",
                 err.message);
    cr_assert_eq(dg_frame_customer_index(read, first), 1);
    cr_assert_eq(dg_frame_customer_index(read, whole->customer_id[0]), 0);
    finds_every_id(read, read);
    free(data);
    dg_frame_free(read);
    dg_frame_free(whole);
}
