/* RFM scores and segments (include/dangol/rfm.h). One pass over the frame's CSR orders gives
 * recency, frequency and spend; each measure is then ranked with an LSD radix sort of (value,
 * customer) that only runs the 16-bit passes whose digits vary (recency and frequency usually
 * need one), and a sweep over the sorted run gives every tie group the score of the customers
 * strictly below it: score = 1 + floor(5 * below / n), except that the best value scores 5 and
 * a measure on which everyone ties scores 3 for all. No comparison sort, no per-customer
 * search: O(n) per measure. The segment map is parsed from text and checked to be a partition. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/config.h"
#include "dangol/money.h"
#include "dangol/rfm.h"

/* ---- the segment map ---- */

static const char default_map[] =
    "# dangol RFM segment map (the default). Each row gives a segment the (R, F, M) score\n"
    "# combinations inside its ranges; a segment may take several rows. Together the rows must cover\n"
    "# each of the 125 combinations exactly once: dangol refuses a map with a gap or an overlap.\n"
    "# Ranges are \"lo-hi\" or a single score, 1 (worst) .. 5 (best). Replace with --segments FILE.\n"
    "segment,r,f,m\n"
    "Champions,5,4-5,3-5\n"
    "Loyal,5,4-5,1-2\n"
    "Loyal,3-4,4-5,1-5\n"
    "Potential Loyalist,4-5,2-3,1-5\n"
    "New,5,1,1-5\n"
    "Promising,4,1,1-5\n"
    "Need Attention,3,3,1-5\n"
    "About to Sleep,3,1-2,1-5\n"
    "At Risk,1-2,3-4,1-5\n"
    "Can't Lose,1-2,5,1-5\n"
    "Hibernating,2,1-2,1-5\n"
    "Hibernating,1,2,1-5\n"
    "Lost,1,1,1-5\n";

const char *dg_rfm_segment_map_default_text(void)
{
    return default_map;
}

void dg_rfm_segment_map_free(dg_rfm_segment_map *map)
{
    if (!map)
        return;
    for (size_t i = 0; i < map->n_segments; i++)
        free(map->names[i]);
    free(map->names);
    free(map);
}

int dg_rfm_segment_find(const dg_rfm_segment_map *map, const char *name)
{
    for (size_t i = 0; i < map->n_segments; i++)
        if (strcmp(map->names[i], name) == 0)
            return (int)i;
    return -1;
}

/* "3" or "2-5" with scores 1..5 and lo <= hi. */
static bool parse_range(const char *s, int *lo, int *hi)
{
    if (s[0] < '1' || s[0] > '5')
        return false;
    *lo = *hi = s[0] - '0';
    if (s[1] == '\0')
        return true;
    if (s[1] != '-' || s[2] < '1' || s[2] > '5' || s[3] != '\0')
        return false;
    *hi = s[2] - '0';
    return *lo <= *hi;
}

static int add_name(dg_rfm_segment_map *map, const char *name)
{
    int found = dg_rfm_segment_find(map, name);
    if (found >= 0)
        return found;
    if (map->n_segments >= 1000)
        return DG_ERANGE;
    char **grown = realloc(map->names, (map->n_segments + 1) * sizeof *grown);
    if (!grown)
        return DG_ENOMEM;
    map->names = grown;
    if (!(map->names[map->n_segments] = strdup(name)))
        return DG_ENOMEM;
    return (int)map->n_segments++;
}

int dg_rfm_segment_map_parse(dg_rfm_segment_map **out, const char *text, const char *name,
                             dg_error *err)
{
    static const char *const measure[3] = { "r", "f", "m" };
    dg_rfm_segment_map *map = calloc(1, sizeof *map);
    char *copy = strdup(text);
    long cell_line[5][5][5] = { { { 0 } } };
    long line_no = 0;
    bool header_seen = false;
    int rc = 0;
    *out = NULL;
    if (!map || !copy) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
        goto cleanup;
    }
    memset(map->cell, 0xff, sizeof map->cell);
    char *cursor = copy, *line, *body;
    while ((body = dg__config_next_line(&cursor, &line, &line_no))) {
        char *field[4];
        size_t n_fields = 0;
        for (char *p = body; p && n_fields < 5; n_fields++) {
            char *comma = strchr(p, ',');
            if (comma)
                *comma = '\0';
            if (n_fields < 4)
                field[n_fields] = dg__config_trim(p);
            p = comma ? comma + 1 : NULL;
        }
        if (n_fields != 4) {
            rc = dg_error_at(err, DG_EPARSE, name, line_no, 1,
                             "expected 4 fields (segment,r,f,m), got %zu", n_fields);
            goto cleanup;
        }
        if (!header_seen && strcmp(field[0], "segment") == 0) {
            header_seen = true;
            continue;
        }
        header_seen = true;
        int lo[3], hi[3];
        for (int k = 0; k < 3; k++)
            if (!parse_range(field[k + 1], &lo[k], &hi[k])) {
                rc = dg_error_at(err, DG_EPARSE, name, line_no, (long)(field[k + 1] - line) + 1,
                                 "%s range \"%s\" is not a score range; expected e.g. \"4-5\" or "
                                 "\"3\" with scores 1 to 5", measure[k], field[k + 1]);
                goto cleanup;
            }
        if (!*field[0]) {
            rc = dg_error_at(err, DG_EPARSE, name, line_no, 1, "empty segment name");
            goto cleanup;
        }
        int seg = add_name(map, field[0]);
        if (seg < 0) {
            rc = dg_error_set(err, seg, "too many segments or out of memory");
            goto cleanup;
        }
        for (int r = lo[0]; r <= hi[0]; r++)
            for (int f = lo[1]; f <= hi[1]; f++)
                for (int m = lo[2]; m <= hi[2]; m++) {
                    uint16_t *cell = &map->cell[r - 1][f - 1][m - 1];
                    if (*cell != DG_RFM_NO_SEGMENT) {
                        rc = dg_error_at(err, DG_EINVAL, name, line_no, 1,
                                         "(R %d, F %d, M %d) is already in segment \"%s\" (line "
                                         "%ld); each combination needs exactly one segment",
                                         r, f, m, map->names[*cell], cell_line[r - 1][f - 1][m - 1]);
                        goto cleanup;
                    }
                    *cell = (uint16_t)seg;
                    cell_line[r - 1][f - 1][m - 1] = line_no;
                }
    }
    for (int r = 1; r <= 5; r++)
        for (int f = 1; f <= 5; f++)
            for (int m = 1; m <= 5; m++)
                if (map->cell[r - 1][f - 1][m - 1] == DG_RFM_NO_SEGMENT) {
                    rc = dg_error_set(err, DG_EINVAL, "%s: no segment holds (R %d, F %d, M %d); "
                                      "each of the 125 combinations needs exactly one", name,
                                      r, f, m);
                    goto cleanup;
                }
    *out = map;
    map = NULL;
cleanup:
    free(copy);
    dg_rfm_segment_map_free(map);
    return rc;
}

int dg_rfm_segment_map_default(dg_rfm_segment_map **out, dg_error *err)
{
    return dg_rfm_segment_map_parse(out, default_map, "built-in RFM segment map", err);
}

/* ---- quintiles ---- */

int dg_rfm_quintiles(const int64_t *values, size_t n, uint8_t *score, dg_rfm_bin bins[DG_RFM_BINS])
{
    if (bins)
        memset(bins, 0, DG_RFM_BINS * sizeof *bins);
    if (n == 0)
        return 0;
    uint64_t *key = malloc(n * sizeof *key), *key2 = malloc(n * sizeof *key2);
    uint32_t *idx = malloc(n * sizeof *idx), *idx2 = malloc(n * sizeof *idx2);
    size_t *count = malloc(65536 * sizeof *count);
    int rc = 0;
    if (!key || !key2 || !idx || !idx2 || !count) {
        rc = DG_ENOMEM;
        goto cleanup;
    }
    uint64_t diff = 0;
    for (size_t i = 0; i < n; i++) {
        key[i] = (uint64_t)values[i] ^ (UINT64_C(1) << 63);   /* signed order as unsigned */
        idx[i] = (uint32_t)i;
        diff |= key[i] ^ key[0];
    }
    for (int shift = 0; shift < 64; shift += 16) {
        if (((diff >> shift) & 0xffff) == 0)
            continue;
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(key[i] >> shift) & 0xffff]++;
        size_t sum = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t at = count[(key[i] >> shift) & 0xffff]++;
            key2[at] = key[i];
            idx2[at] = idx[i];
        }
        uint64_t *tk = key; key = key2; key2 = tk;
        uint32_t *ti = idx; idx = idx2; idx2 = ti;
    }
    for (size_t start = 0, end; start < n; start = end) {
        end = start + 1;
        while (end < n && key[end] == key[start])
            end++;
        /* `start` customers have a strictly lower value: 1 + floor(5 * below / n); the best
         * value scores 5 as the worst scores 1, and when everyone ties the measure says
         * nothing: all share the middle score */
        uint8_t s = start == 0 && end == n ? (DG_RFM_BINS + 1) / 2
                  : end == n ? DG_RFM_BINS
                             : (uint8_t)(1 + (DG_RFM_BINS * start) / n);
        for (size_t k = start; k < end; k++)
            score[idx[k]] = s;
        if (bins) {
            dg_rfm_bin *b = &bins[s - 1];
            int64_t v = values[idx[start]];
            if (b->count == 0)
                b->min = v;
            b->max = v;
            b->count += end - start;
        }
    }
cleanup:
    free(key);
    free(key2);
    free(idx);
    free(idx2);
    free(count);
    return rc;
}

/* ---- per-customer RFM ---- */

void dg_rfm_result_clear(dg_rfm_result *r)
{
    if (!r)
        return;
    free(r->recency_days);
    free(r->frequency);
    free(r->monetary_minor);
    free(r->revenue_minor);
    free(r->r);
    free(r->f);
    free(r->m);
    free(r->segment);
    memset(r, 0, sizeof *r);
}

/* The result's arrays for n customers; DG_ENOMEM. */
static int result_alloc(dg_rfm_result *res, size_t n)
{
    size_t cap = n ? n : 1;
    res->n_customers = n;
    if (!(res->recency_days = malloc(cap * sizeof *res->recency_days)) ||
        !(res->frequency = malloc(cap * sizeof *res->frequency)) ||
        !(res->monetary_minor = malloc(cap * sizeof *res->monetary_minor)) ||
        !(res->revenue_minor = malloc(cap * sizeof *res->revenue_minor)) ||
        !(res->r = calloc(cap, 1)) || !(res->f = calloc(cap, 1)) || !(res->m = calloc(cap, 1)) ||
        !(res->segment = malloc(cap * sizeof *res->segment)))
        return DG_ENOMEM;
    return 0;
}

/* Customer c's orders, spend and last order day: -1 orders for a customer not in the input
 * (a window's later customer), no last day without orders. */
static void set_customer(dg_rfm_result *res, size_t c, int32_t orders, int64_t spend,
                         int32_t last_day, bool monetary_mean)
{
    res->segment[c] = DG_RFM_NO_SEGMENT;
    res->frequency[c] = orders;
    res->revenue_minor[c] = orders > 0 ? spend : 0;
    res->recency_days[c] = orders > 0 ? res->as_of - last_day : -1;
    res->monetary_minor[c] = orders <= 0 ? 0 : monetary_mean ? spend / orders : spend;
    if (orders >= 0)
        res->n_known++;
}

/* The scores, bins and segments of res, whose per-customer measures are set. */
static int score(dg_rfm_result *res, const dg_rfm_segment_map *map, dg_error *err)
{
    size_t n = res->n_customers, cap = n ? n : 1, n_scored = 0;
    int64_t *values = malloc(cap * sizeof *values);
    uint8_t *scores = malloc(cap);
    uint32_t *scored = malloc(cap * sizeof *scored);
    int rc = 0;
    if (!values || !scores || !scored) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory computing RFM");
        goto cleanup;
    }
    for (size_t c = 0; c < n; c++)
        if (res->frequency[c] > 0)
            scored[n_scored++] = (uint32_t)c;
    res->n_scored = n_scored;

    uint8_t *dest[3] = { res->r, res->f, res->m };
    for (int measure = 0; measure < 3; measure++) {
        for (size_t i = 0; i < n_scored; i++) {
            uint32_t c = scored[i];
            values[i] = measure == 0 ? -(int64_t)res->recency_days[c]   /* recent is better */
                      : measure == 1 ? res->frequency[c] : res->monetary_minor[c];
        }
        if (dg_rfm_quintiles(values, n_scored, scores, res->bins[measure]) != 0) {
            rc = dg_error_set(err, DG_ENOMEM, "out of memory computing RFM");
            goto cleanup;
        }
        for (size_t i = 0; i < n_scored; i++)
            dest[measure][scored[i]] = scores[i];
        const dg_rfm_bin *middle = &res->bins[measure][(DG_RFM_BINS - 1) / 2];
        res->no_information[measure] = n_scored > 0 && middle->count == n_scored &&
                                       middle->min == middle->max;
    }
    for (int s = 0; s < DG_RFM_BINS; s++) {   /* R bins in days, not negated days */
        dg_rfm_bin *b = &res->bins[0][s];
        int64_t lo = b->min;
        b->min = -b->max;
        b->max = -lo;
        for (int measure = 0; measure < 3; measure++)
            if (n_scored > 0 && res->bins[measure][s].count == 0)
                res->any_empty_bin = true;
    }
    if (map)
        for (size_t i = 0; i < n_scored; i++) {
            uint32_t c = scored[i];
            res->segment[c] = map->cell[res->r[c] - 1][res->f[c] - 1][res->m[c] - 1];
        }
cleanup:
    free(values);
    free(scores);
    free(scored);
    return rc;
}

int dg_rfm_compute(dg_rfm_result *out, const dg_frame *fr,
                   const dg_rfm_options *opts, const dg_rfm_segment_map *map, dg_error *err)
{
    static const dg_rfm_options defaults = { .as_of = DG_DAY_NONE };
    dg_rfm_result res = { 0 };
    int rc = 0;
    if (!opts)
        opts = &defaults;
    memset(out, 0, sizeof *out);
    res.as_of = opts->as_of == DG_DAY_NONE ? fr->as_of : opts->as_of;
    if (res.as_of > fr->as_of)
        return dg_error_set(err, DG_EINVAL, "RFM as of %d is later than the frame (as of %d)",
                            res.as_of, fr->as_of);
    if (result_alloc(&res, fr->n_customers) != 0) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory computing RFM");
        goto cleanup;
    }
    for (size_t c = 0; c < fr->n_customers; c++) {
        if (!dg_frame_has_customer(fr, c)) {   /* a window's later customer */
            set_customer(&res, c, -1, 0, 0, false);
            continue;
        }
        size_t begin = fr->order_offset[c];
        size_t end = dg_frame_run_end(fr->order_offset, fr->order_day, c, res.as_of);
        int64_t total = 0;
        for (size_t k = begin; k < end; k++)
            if (dg_money_add(&total, fr->order_amount_minor[k]) != 0) {
                rc = dg_error_set(err, DG_ERANGE, "customer \"%s\": the total of the orders "
                                  "overflows the money range (" DG_MONEY_SUM_RANGE_TEXT "); "
                                  "check the order amounts", fr->customer_id[c]);
                goto cleanup;
            }
        set_customer(&res, c, (int32_t)(end - begin), total,
                     end > begin ? fr->order_day[end - 1] : 0, opts->monetary_mean);
    }
    if ((rc = score(&res, map, err)) == 0) {
        *out = res;
        memset(&res, 0, sizeof res);
    }
cleanup:
    dg_rfm_result_clear(&res);
    return rc;
}

int dg_rfm_compute_totals(dg_rfm_result *out, const dg_rfm_totals *in, bool monetary_mean,
                          const dg_rfm_segment_map *map, dg_error *err)
{
    dg_rfm_result res = { .as_of = in->as_of };
    int rc = 0;
    memset(out, 0, sizeof *out);
    if (result_alloc(&res, in->n_customers) != 0) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory computing RFM");
        goto cleanup;
    }
    for (size_t c = 0; c < in->n_customers; c++)
        set_customer(&res, c, in->orders[c], in->spend_minor[c], in->last_day[c],
                     monetary_mean);
    if ((rc = score(&res, map, err)) == 0) {
        *out = res;
        memset(&res, 0, sizeof res);
    }
cleanup:
    dg_rfm_result_clear(&res);
    return rc;
}
