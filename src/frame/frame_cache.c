/* dg_frame_from_store: the frame from the store's snapshot when it is current, else rebuilt from
 * the rows and saved as the new snapshot (docs/snapshot.md). Only the default as-of (the store's
 * last day) is kept as a snapshot; a frame as of an earlier day is that frame cut to the day
 * (dg_frame_cut), never a rebuild; one after the last day is rebuilt. Everything is
 * read inside one consistent read of the store, so the generation a frame is saved under is the
 * one its rows were read at. Saving is best effort: a busy or read-only store answers from the
 * rebuilt frame and saves nothing; a snapshot that fails its checksums, or of another format, is
 * never used. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/frame.h"
#include "dangol/frame_snapshots.h"
#include "frame/snapshot.h"
#include "store/snapshot_delta.h"

static const char *variant_of(bool with_lines)
{
    return with_lines ? "orders+lines" : "orders";
}

static int next_chunk(void *reader, size_t skip, const void **data, size_t *len, dg_error *err)
{
    return dg_store_snapshot_next(reader, skip, data, len, err);
}

/* The delta segments applied to f in order: merged (rows added) or updated in place. */
static int apply(dg_frame *f, const dg__delta *deltas, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = deltas[i].updates ? dg__frame_update(f, &deltas[i])
                               : dg__frame_append(f, &deltas[i]);
    return rc;
}

/* The delta segments from the snapshot's generation to the store's applied to *f (read with
 * what a merge needs); DG_ENOTFOUND when there is a gap or a segment cannot be applied. */
static int append_deltas(dg_frame *f, dg_store *store, int64_t from, int64_t to)
{
    dg__delta *deltas = NULL;
    size_t n = 0;
    dg_error ignored;
    int rc = dg__store_deltas(store, from, to, &deltas, &n, &ignored);
    if (rc == 0)
        rc = apply(f, deltas, n);
    dg__deltas_free(deltas, n);
    return rc;
}

/* The delta segments from kept_generation to the store's clean generation (*generation), read in
 * one read; DG_ENOTFOUND when the store is dirty or still there, or they do not lead there. */
static int segments_since(dg_store *store, int64_t kept_generation, int64_t *generation,
                          dg__delta **deltas, size_t *n)
{
    bool dirty = true;
    dg_error ignored;
    int rc = dg_store_read_begin(store, &ignored);
    if (rc != 0)
        return rc;
    rc = dg_store_snapshot_state(store, generation, &dirty, &ignored);
    if (rc == 0 && (dirty || *generation <= kept_generation || kept_generation < 0))
        rc = DG_ENOTFOUND;
    if (rc == 0)
        rc = dg__store_deltas(store, kept_generation, *generation, deltas, n, &ignored);
    dg_store_read_end(store);
    return rc;
}

int dg_frame_advance(dg_frame **out, dg_store *store, const dg_frame *kept,
                     int64_t kept_generation, int64_t *generation)
{
    dg__delta *deltas = NULL;
    size_t n = 0;
    dg_error ignored;
    *out = NULL;
    int rc = segments_since(store, kept_generation, generation, &deltas, &n);
    if (rc == 0)   /* a copy at its own day: every row kept */
        rc = dg_frame_cut_copy(out, kept, kept->as_of, &ignored);
    if (rc == 0 && (rc = apply(*out, deltas, n)) != 0) {
        dg_frame_free(*out);
        *out = NULL;
    }
    dg__deltas_free(deltas, n);
    return rc;
}

int dg_frame_advance_in_place(dg_frame *frame, dg_store *store, int64_t kept_generation,
                              int64_t *generation)
{
    dg__delta *deltas = NULL;
    size_t n = 0;
    int rc = segments_since(store, kept_generation, generation, &deltas, &n);
    if (rc == 0)
        rc = apply(frame, deltas, n);
    dg__deltas_free(deltas, n);
    return rc;
}

/* The snapshot's frame when it is of this generation and format, or of an earlier one that the
 * delta segments bring to it, and reads back whole (the columns opts asks for: the chunks of
 * the others are not read). */
static int load(dg_frame **out, dg_store *store, const dg_frame_options *opts, int64_t generation)
{
    const char *variant = variant_of(opts->with_lines);
    dg_store_snapshot info;
    dg_store_snapshot_reader *reader = NULL;
    dg_error ignored;
    unsigned columns = opts->columns;
    int rc = dg_store_snapshot_open(store, variant, &info, &reader, &ignored);
    if (rc == 0 && (info.generation > generation || info.format != DG__FRAME_FORMAT))
        rc = DG_ENOTFOUND;
    if (rc == 0 && info.generation < generation && columns)   /* what a merge reads */
        columns |= DG_FRAME_ORDER_TS | DG_FRAME_ORDER_CHANNEL | DG_FRAME_ORDER_STAFF;
    if (rc == 0)
        rc = dg__frame_deserialize(next_chunk, reader, (size_t)info.bytes, columns, out,
                                   &ignored);
    dg_store_snapshot_reader_close(reader);
    if (rc == 0 && info.generation < generation &&
        (rc = append_deltas(*out, store, info.generation, generation)) != 0) {
        dg_frame_free(*out);
        *out = NULL;
    }
    return rc;
}

/* A frame with nothing dated took today as its as-of: it must not outlive the day. */
static bool dated(const dg_frame *f)
{
    return f->n_orders || f->n_surveys || f->n_feedback || f->n_interactions;
}

void dg_frame_save(dg_store *store, dg_frame *f, int64_t generation)
{
    const char *variant = variant_of(f->has_lines);
    unsigned char *data = NULL;
    size_t len = 0;
    dg_error ignored;
    if (!dated(f) || dg__frame_serialize(f, &data, &len) != 0)
        return;
    dg_store_snapshot info = {
        .format = DG__FRAME_FORMAT, .generation = generation, .customers = (int64_t)f->n_customers,
        .orders = (int64_t)f->n_orders, .lines = (int64_t)f->n_lines, .as_of = f->as_of,
    };
    snprintf(info.variant, sizeof info.variant, "%s", variant);
    dg_store_snapshot_save(store, &info, data, len, &ignored);
    free(data);
}

/* The frame from the rows, inside one read; with generation, also the state it was read at (a
 * state that cannot be read counts as dirty: the frame is then not saved). */
static int rebuild(dg_frame **out, dg_store *store, const dg_frame_options *opts,
                   int64_t *generation, bool *dirty, dg_error *err)
{
    dg_error ignored;
    int rc = dg_store_read_begin(store, err);
    if (rc != 0)
        return rc;
    if (generation && dg_store_snapshot_state(store, generation, dirty, &ignored) != 0)
        *dirty = true;
    rc = dg__frame_read_store(out, store, opts, err);
    dg_store_read_end(store);
    return rc;
}

/* The frame at the default as-of: the snapshot's, else rebuilt and saved (or, with unsaved,
 * left for the caller to save: *unsaved). *exact: the clean generation whose rows the frame
 * holds, or -1 when it was read while the store was dirty. */
static int whole(dg_frame **out, dg_store *store, const dg_frame_options *opts, int64_t *exact,
                 bool *unsaved, dg_error *err)
{
    int64_t generation = 0;
    bool dirty = true;
    dg_error ignored;
    *exact = -1;
    int rc = dg_store_read_begin(store, err);
    if (rc != 0)
        return rc;
    bool known = dg_store_snapshot_state(store, &generation, &dirty, &ignored) == 0;
    bool loaded = known && !dirty && load(out, store, opts, generation) == 0;
    dg_store_read_end(store);
    if (loaded) {
        *exact = generation;
        return 0;
    }
    /* out of date: clear the dirty flag first, so a write made while the rows are read bumps
     * the generation and the frame is not saved under it */
    if (!known || (dirty && dg_store_snapshot_claim(store, &ignored) != 0))
        return rebuild(out, store, opts, NULL, NULL, err);
    if ((rc = rebuild(out, store, opts, &generation, &dirty, err)) != 0)
        return rc;
    if (!dirty) {
        if (unsaved)
            *unsaved = true;
        else
            dg_frame_save(store, *out, generation);
        *exact = generation;
    }
    return 0;
}

int dg_frame_from_store(dg_frame **out, dg_store *store, const dg_frame_options *opts,
                        dg_error *err)
{
    int64_t generation;
    return dg_frame_from_store_at(out, store, opts, &generation, err);
}

int dg_frame_from_store_at(dg_frame **out, dg_store *store, const dg_frame_options *opts,
                           int64_t *generation, dg_error *err)
{
    return dg_frame_from_store_unsaved(out, store, opts, generation, NULL, err);
}

int dg_frame_from_store_unsaved(dg_frame **out, dg_store *store, const dg_frame_options *opts,
                                int64_t *generation, bool *unsaved, dg_error *err)
{
    static const dg_frame_options defaults = { .as_of = DG_DAY_NONE };
    *out = NULL;
    if (unsaved)
        *unsaved = false;
    if (!opts)
        opts = &defaults;
    dg_frame_options latest = *opts;
    latest.as_of = DG_DAY_NONE;
    int rc = whole(out, store, &latest, generation, unsaved, err);
    if (rc != 0 || opts->as_of == DG_DAY_NONE)
        return rc;
    if (unsaved && *unsaved) {   /* the frame is about to be cut: save it whole now */
        dg_frame_save(store, *out, *generation);
        *unsaved = false;
    }
    if (opts->as_of <= (*out)->as_of)
        rc = dg_frame_cut(*out, opts->as_of, err);
    else   /* after the last day: partner activities, referrals or acquisitions may be there */
        rc = DG_ENOTFOUND;
    if (rc != 0) {
        dg_frame_free(*out);
        *out = NULL;
    }
    if (rc == DG_ENOTFOUND) {
        *generation = -1;
        return rebuild(out, store, opts, NULL, NULL, err);
    }
    return rc;
}

int dg_frame_snapshots(dg_store *store, int64_t *generation, bool *dirty,
                       dg_frame_snapshot_status *out, size_t cap, size_t *n, dg_error *err)
{
    dg_store_snapshot saved[8];
    *n = 0;
    int rc = dg_store_read_begin(store, err);
    if (rc != 0)
        return rc;
    size_t n_saved = 0;
    rc = dg_store_snapshot_state(store, generation, dirty, err);
    if (rc == 0)
        rc = dg_store_snapshot_list(store, saved, sizeof saved / sizeof saved[0], &n_saved, err);
    for (size_t i = 0; rc == 0 && i < n_saved && *n < cap; i++) {
        int64_t reach = saved[i].generation, bytes = 0;
        dg_error ignored;
        if (saved[i].generation < *generation)   /* the delta segments bring it up to date */
            dg__store_delta_reach(store, saved[i].generation, &reach, &bytes, &ignored);
        out[(*n)++] = (dg_frame_snapshot_status){
            .saved = saved[i],
            .current = !*dirty && reach == *generation && saved[i].format == DG__FRAME_FORMAT,
            .delta_bytes = bytes,
        };
    }
    dg_store_read_end(store);
    return rc;
}

bool dg_frame_snapshot_current(dg_store *store, int32_t as_of)
{
    int64_t generation;
    bool dirty;
    dg_frame_snapshot_status saved[8];
    size_t n = 0;
    dg_error ignored;
    if (dg_frame_snapshots(store, &generation, &dirty, saved, 8, &n, &ignored) != 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (saved[i].current && strcmp(saved[i].saved.variant, "orders") == 0)
            return as_of == DG_DAY_NONE || as_of <= saved[i].saved.as_of;
    return false;
}
