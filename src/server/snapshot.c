/* Shared analysis snapshots: the frame of the store (with order lines) as of its last day and the
 * cube over it, built once and handed to every analysis request until the store changes. A change
 * is seen from the store files themselves — size and modification time of the database and of
 * its write-ahead log, which every commit touches, whoever makes it (this server, `dangol import`
 * in another process) — so no request ever answers from stale data; a change of the files that
 * left the rows as they were (the snapshot's own save into the store) keeps the kept frames,
 * by the store's generation. Requests with an explicit as_of get a frame of that day made in
 * memory out of the shared one (never a second read of the store, never a copy): a window of it
 * (dg_frame_window: it reads the shared frame's arrays and holds a reference to it; every
 * analysis takes the day from the window and leaves out what is later). It is kept for the next
 * requests of the same day: the AS_OF_KEPT most recently asked days, dropped like the shared
 * one when the store changes. Snapshots are reference counted: a
 * request keeps the one it got even if a newer one replaces it meanwhile. A frame rebuilt from
 * the rows (the store changed) is saved into the store by a saver thread, so the request that
 * rebuilt it answers without waiting for the save. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dangol/clv.h"
#include "dangol/cube.h"
#include "dangol/frame.h"
#include "dangol/frame_snapshots.h"
#include "dangol/store.h"
#include "dangol/segment.h"
#include "dangol/text.h"
#include "server/server.h"

struct dg_snapshot {
    dg_frame *frame;
    int64_t generation;     /* the store's clean generation whose rows frame holds, or -1 */
    dg_snapshot *base;      /* a window's: the snapshot whose frame it reads (a reference) */
    dg_cube *cube;          /* built on first use */
    int refs;               /* the cache's (while it keeps it) and each request's; under its lock */
    pthread_mutex_t clv_lock;   /* guards the CLV report (a fit takes a while: not the cache lock) */
    dg_clv_report *clv;     /* the last CLV report asked for, with its options */
    dg_clv_options clv_options;
    dg_features *features;  /* the default feature table and segmentation (the card's), built */
    dg_segmentation *segments;   /* on first use under the CLV lock */
};

typedef struct fingerprint {
    long long db_size, db_mtime_ns, wal_size, wal_mtime_ns;
} fingerprint;

#define AS_OF_KEPT 4   /* as-of days kept (a window holds a few kilobytes, and what was built on
                        * it on first use: its cube's indexes, CLV fit, feature table) */

typedef struct as_of_slot {
    dg_snapshot *snapshot;  /* NULL: empty */
    int32_t day;
    fingerprint built_from;
    uint64_t used;          /* the cache's tick when last handed out: the oldest goes first */
} as_of_slot;

struct dg_snapshot_cache {
    pthread_mutex_t lock;
    char *db_path;
    dg_snapshot *current;
    fingerprint built_from;
    as_of_slot as_of[AS_OF_KEPT];
    uint64_t tick;
    pthread_t saver;        /* saves a rebuilt frame into the store after the answer */
    dg_snapshot *saving;    /* the snapshot it saves (a reference), or NULL: no saver to join */
    bool saved;             /* the saver is done and may be joined without waiting */
    uint64_t dirty_reads;   /* fingerprints given a dirty store without files (atomic) */
};

/* A store without files to watch (PostgreSQL) is known by its snapshot state instead: while it is
 * clean at a generation no record was written (every record write moves the generation on when
 * it is clean, in its own transaction, docs/snapshot.md); a dirty one may change at any time, so
 * it gets a fingerprint never given before and the frame is read again (which claims it: clean
 * again unless a writer is under way). */
static void take_fingerprint(dg_snapshot_cache *c, dg_store *store, fingerprint *fp)
{
    char wal[4096];
    struct stat st;
    const char *db_path = c->db_path;
    memset(fp, 0, sizeof *fp);
    if (stat(db_path, &st) == 0) {
        fp->db_size = (long long)st.st_size;
        fp->db_mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    } else {
        int64_t generation = 0;
        bool dirty = true;
        dg_error ignored;
        dg_store_snapshot_state(store, &generation, &dirty, &ignored);
        fp->db_size = (long long)generation;
        fp->db_mtime_ns = dirty ? (long long)__atomic_add_fetch(&c->dirty_reads, 1,
                                                                 __ATOMIC_RELAXED) : 0;
        return;
    }
    snprintf(wal, sizeof wal, "%s-wal", db_path);
    if (stat(wal, &st) == 0) {
        fp->wal_size = (long long)st.st_size;
        fp->wal_mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    }
}

dg_snapshot_cache *dg_snapshot_cache_new(const char *db_path)
{
    dg_snapshot_cache *c = calloc(1, sizeof *c);
    if (!c || !(c->db_path = strdup(db_path))) {
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

static void snapshot_free(dg_snapshot *s)
{
    pthread_mutex_destroy(&s->clv_lock);
    dg_clv_report_free(s->clv);
    dg_segmentation_free(s->segments);
    dg_features_free(s->features);
    dg_cube_free(s->cube);
    dg_frame_free(s->frame);
    free(s);
}

/* Drops a reference to s (the caller holds the cache's lock, or is its last user); frees s when
 * it was the last, and then drops s's reference to its base. NULL is a no-op. */
static void unref_locked(dg_snapshot *s)
{
    while (s && --s->refs == 0) {
        dg_snapshot *base = s->base;
        snapshot_free(s);
        s = base;
    }
}

static void saver_join(dg_snapshot_cache *c);

void dg_snapshot_cache_free(dg_snapshot_cache *c)
{
    if (!c)
        return;
    saver_join(c);   /* the saver takes the lock to finish: it is not held here */
    unref_locked(c->current);
    for (size_t i = 0; i < AS_OF_KEPT; i++)
        unref_locked(c->as_of[i].snapshot);
    pthread_mutex_destroy(&c->lock);
    free(c->db_path);
    free(c);
}

/* A snapshot holding frame (taken over: freed here on failure), with one reference. */
static dg_snapshot *snapshot_new(dg_frame *frame, dg_error *err)
{
    dg_snapshot *s = calloc(1, sizeof *s);
    if (!s) {
        dg_frame_free(frame);
        dg_error_set(err, DG_ENOMEM, "out of memory");
        return NULL;
    }
    s->frame = frame;
    s->generation = -1;
    s->refs = 1;
    pthread_mutex_init(&s->clv_lock, NULL);
    return s;
}

static dg_snapshot *build(dg_store *store, int32_t as_of, bool *unsaved, dg_error *err)
{
    dg_frame *frame = NULL;
    int64_t generation = -1;
    dg_frame_options fopt = { .as_of = as_of, .with_lines = true };
    if (dg_frame_from_store_unsaved(&frame, store, &fopt, &generation, unsaved, err) != 0)
        return NULL;
    dg_snapshot *s = snapshot_new(frame, err);
    if (s)
        s->generation = generation;
    else if (unsaved)
        *unsaved = false;
    return s;
}

/* The snapshot of the store's generation made from the kept one's frame and the delta segments
 * written since (the API's own writes of customers and orders, an appending import), without
 * reading the store's snapshot or rows (docs/snapshot.md, "Updating"): applied to the frame itself
 * when nothing else holds it (no request, window or saver; the kept snapshot is then dropped
 * whatever comes of it), else to a copy. NULL when they do not lead there: the caller builds.
 * Caller holds the lock. */
static dg_snapshot *advance(dg_snapshot_cache *c, dg_store *store)
{
    dg_snapshot *kept = c->current;
    dg_frame *frame = NULL;
    int64_t generation = -1;
    dg_error ignored;
    if (!kept || kept->generation < 0)
        return NULL;
    if (c->saving && c->saved)   /* a finished saver's reference goes first */
        saver_join(c);
    if (kept->refs == 1) {
        int64_t from = kept->generation;
        frame = kept->frame;
        kept->frame = NULL;
        unref_locked(kept);
        c->current = NULL;
        if (dg_frame_advance_in_place(frame, store, from, &generation) != 0) {
            dg_frame_free(frame);
            return NULL;
        }
    } else if (dg_frame_advance(&frame, store, kept->frame, kept->generation, &generation) != 0) {
        return NULL;
    }
    dg_snapshot *s = snapshot_new(frame, &ignored);
    if (s)
        s->generation = generation;
    return s;
}

/* The saver thread: saves the frame it was given (dg_frame_save checks, in its own transaction,
 * that the store is still clean at the frame's generation, so a write made meanwhile, by this
 * server or another process, only means nothing is saved), on a connection of its own. */
static void *save_in_background(void *arg)
{
    dg_snapshot_cache *c = arg;
    dg_snapshot *s = c->saving;   /* set before the thread started, cleared only by a join */
    dg_store *store = NULL;
    if (dg_store_open(&store, c->db_path, DG_STORE_READONLY, NULL) == 0)
        dg_frame_save(store, s->frame, s->generation);
    dg_store_close(store);
    pthread_mutex_lock(&c->lock);
    c->saved = true;
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* Joins a finished saver and drops its reference. Caller holds the lock (or is the last user). */
static void saver_join(dg_snapshot_cache *c)
{
    if (!c->saving)
        return;
    pthread_join(c->saver, NULL);
    unref_locked(c->saving);
    c->saving = NULL;
    c->saved = false;
}

/* Saves s's frame, rebuilt from the rows, into the store: on the saver thread, so the request
 * that rebuilt it answers without waiting for the save; here (on store) when the saver is still
 * busy with an earlier frame or cannot be started. Caller holds the lock. */
static void save_rebuilt(dg_snapshot_cache *c, dg_store *store, dg_snapshot *s)
{
    if (c->saving && !c->saved) {
        dg_frame_save(store, s->frame, s->generation);
        return;
    }
    saver_join(c);
    c->saving = s;
    s->refs++;
    if (pthread_create(&c->saver, NULL, save_in_background, c) != 0) {
        c->saving = NULL;
        s->refs--;
        dg_frame_save(store, s->frame, s->generation);
    }
}

/* The store's files changed since the kept snapshots were read (now differs from the cache's
 * fingerprint), but maybe not its rows: building the snapshot itself saves the frame into the
 * store (docs/snapshot.md), a write like any other. When the store's generation is still the
 * clean one the kept frame was read at, no record has been written since (every record write
 * marks the store dirty and moves the generation on, in its own transaction), so the kept
 * snapshots stay, now known by the new fingerprint. Caller holds the lock. */
static void recognise_unchanged_rows(dg_snapshot_cache *c, dg_store *store, const fingerprint *now)
{
    int64_t generation;
    bool dirty;
    dg_error ignored;
    if (!c->current || c->current->generation < 0 ||
        memcmp(now, &c->built_from, sizeof *now) == 0 ||
        dg_store_snapshot_state(store, &generation, &dirty, &ignored) != 0 || dirty ||
        generation != c->current->generation)
        return;
    for (size_t i = 0; i < AS_OF_KEPT; i++)
        if (c->as_of[i].snapshot &&
            memcmp(&c->as_of[i].built_from, &c->built_from, sizeof *now) == 0)
            c->as_of[i].built_from = *now;
    c->built_from = *now;
}

static dg_snapshot *snapshot_of(dg_request *req, dg_response *res);

/* Drops the cache's reference to slot's snapshot (the caller holds the lock); the snapshot is
 * freed when no request holds it either. */
static void slot_clear(as_of_slot *slot)
{
    unref_locked(slot->snapshot);
    slot->snapshot = NULL;
}

/* Drops every kept as-of snapshot read before fingerprint now (the store has changed since; a
 * window would keep its old frame alive). Caller holds the lock. */
static void drop_stale(dg_snapshot_cache *c, const fingerprint *now)
{
    for (size_t i = 0; i < AS_OF_KEPT; i++)
        if (c->as_of[i].snapshot && memcmp(now, &c->as_of[i].built_from, sizeof *now) != 0)
            slot_clear(&c->as_of[i]);
}

/* The kept snapshot of day read at fingerprint now, with a reference for the caller, or NULL,
 * after dropping the stale ones. Caller holds the lock. */
static dg_snapshot *as_of_find(dg_snapshot_cache *c, int32_t day, const fingerprint *now)
{
    drop_stale(c, now);
    for (size_t i = 0; i < AS_OF_KEPT; i++) {
        as_of_slot *slot = &c->as_of[i];
        if (slot->snapshot && slot->day == day) {
            slot->snapshot->refs++;
            slot->used = ++c->tick;
            return slot->snapshot;
        }
    }
    return NULL;
}

/* The snapshot of the store's last day with a reference for the caller, and the fingerprint of
 * the store it was read at: the kept one if the store has not changed since, else read now. */
static dg_snapshot *latest_snapshot(dg_snapshot_cache *c, dg_store *store, fingerprint *read_at,
                                    dg_error *err)
{
    fingerprint now;
    take_fingerprint(c, store, &now);
    pthread_mutex_lock(&c->lock);
    recognise_unchanged_rows(c, store, &now);
    if (!c->current || memcmp(&now, &c->built_from, sizeof now) != 0) {
        bool unsaved = false;
        dg_snapshot *s = advance(c, store);
        if (!s)
            s = build(store, DG_DAY_NONE, &unsaved, err);
        if (!s) {
            pthread_mutex_unlock(&c->lock);
            return NULL;
        }
        unref_locked(c->current);
        c->current = s;
        c->built_from = now;
        drop_stale(c, &now);
        if (unsaved)
            save_rebuilt(c, store, s);
    }
    dg_snapshot *s = c->current;
    s->refs++;
    *read_at = c->built_from;
    pthread_mutex_unlock(&c->lock);
    return s;
}

/* The snapshot of an as_of day, not yet kept: a window of the last day's frame (kept, or read
 * now), holding the reference to it, so an as_of question never reads the store a second time
 * nor copies the frame (docs/snapshot.md); a day after the last day is read from the store (its
 * partner activities and referrals are not in the last day's frame). *read_at: the store's
 * fingerprint it is of. */
static dg_snapshot *as_of_build(dg_request *req, int32_t day, fingerprint *read_at,
                                dg_error *err)
{
    dg_snapshot *latest = latest_snapshot(req->snapshots, req->store, read_at, err);
    if (!latest)
        return NULL;
    dg_snapshot *built = NULL;
    dg_frame *frame = NULL;
    if (day > latest->frame->as_of)
        built = build(req->store, day, NULL, err);
    else if (dg_frame_window(&frame, latest->frame, day, err) == 0 &&
             (built = snapshot_new(frame, err))) {
        built->base = latest;
        return built;
    }
    dg_snapshot_release(req, latest);
    return built;
}

/* The snapshot of an as_of day: a kept one if the store has not changed since it was read, else
 * one made now (outside the lock: other requests go on meanwhile) and kept in the slot of the
 * least recently used day. If another request made the same day meanwhile, its one is used. */
static dg_snapshot *as_of_snapshot(dg_request *req, int32_t day, dg_error *err)
{
    dg_snapshot_cache *c = req->snapshots;
    fingerprint now;
    take_fingerprint(c, req->store, &now);
    pthread_mutex_lock(&c->lock);
    recognise_unchanged_rows(c, req->store, &now);
    dg_snapshot *s = as_of_find(c, day, &now);
    pthread_mutex_unlock(&c->lock);
    if (s)
        return s;
    dg_snapshot *built = as_of_build(req, day, &now, err);
    if (!built)
        return NULL;
    pthread_mutex_lock(&c->lock);
    s = as_of_find(c, day, &now);
    if (s) {
        unref_locked(built);
        pthread_mutex_unlock(&c->lock);
        return s;
    }
    as_of_slot *slot = &c->as_of[0];
    for (size_t i = 1; i < AS_OF_KEPT && slot->snapshot; i++)
        if (!c->as_of[i].snapshot || c->as_of[i].used < slot->used)
            slot = &c->as_of[i];
    slot_clear(slot);
    built->refs = 2;   /* the cache's and the caller's */
    *slot = (as_of_slot){ .snapshot = built, .day = day, .built_from = now,
                          .used = ++c->tick };
    pthread_mutex_unlock(&c->lock);
    return built;
}

/* The snapshot, then one look at the client: a frame can take seconds on a big store, and
 * whatever the report does next (fit, cube, render) is not done for a client that has gone. */
dg_snapshot *dg_snapshot_get(dg_request *req, dg_response *res)
{
    dg_snapshot *s = snapshot_of(req, res);
    if (s && dg_request_client_gone(req)) {
        dg_snapshot_release(req, s);
        dg_reply_abandon(res);
        return NULL;
    }
    return s;
}

static dg_snapshot *snapshot_of(dg_request *req, dg_response *res)
{
    dg_snapshot_cache *c = req->snapshots;
    dg_error err;
    dg_error_clear(&err);
    const char *as_of_text = dg_request_query(req, "as_of");
    if (as_of_text && *as_of_text) {
        int32_t as_of;
        if (dg_date_parse(as_of_text, strlen(as_of_text), &as_of, &err) != 0) {
            dg_reply_error(res, 400, "invalid", "as_of: %s", err.message);
            return NULL;
        }
        dg_snapshot *s = as_of_snapshot(req, as_of, &err);
        if (!s)
            dg_reply_failure(res, &err);
        return s;
    }
    fingerprint read_at;
    dg_snapshot *s = latest_snapshot(c, req->store, &read_at, &err);
    if (!s)
        dg_reply_failure(res, &err);
    return s;
}

const dg_frame *dg_snapshot_frame(const dg_snapshot *s)
{
    return s->frame;
}

const dg_cube *dg_snapshot_cube(dg_request *req, dg_snapshot *s, dg_error *err)
{
    dg_snapshot_cache *c = req->snapshots;
    pthread_mutex_lock(&c->lock);   /* one builder; readers of a built cube only read */
    int rc = s->cube ? 0 : dg_cube_from_frame(&s->cube, s->frame, NULL, NULL, err);
    pthread_mutex_unlock(&c->lock);
    return rc == 0 ? s->cube : NULL;
}

void dg_snapshot_release(dg_request *req, dg_snapshot *s)
{
    if (!s)
        return;
    dg_snapshot_cache *c = req->snapshots;
    pthread_mutex_lock(&c->lock);
    unref_locked(s);
    pthread_mutex_unlock(&c->lock);
}

/* The CLV report of the snapshot's frame for these options: fitted once, kept until the options
 * change or the snapshot is replaced. Runs fn with the report under the snapshot's CLV lock. */
int dg_snapshot_clv(dg_snapshot *s, const dg_clv_options *opt, dg_clv_fn fn, void *ctx,
                    dg_error *err)
{
    int rc = 0;
    pthread_mutex_lock(&s->clv_lock);
    if (!s->clv || memcmp(&s->clv_options, opt, sizeof *opt) != 0) {
        dg_clv_period period = { .calibration_end = DG_DAY_NONE, .holdout_end = DG_DAY_NONE,
                                 .days_per_unit = 7.0 };
        dg_clv_report_free(s->clv);
        s->clv = NULL;
        rc = dg_clv_frame_run(&s->clv, s->frame, &period, opt, err);
        if (rc == 0)
            s->clv_options = *opt;
    }
    if (rc == 0)
        rc = fn(ctx, s->frame, s->clv, err);
    pthread_mutex_unlock(&s->clv_lock);
    return rc;
}

const dg_segmentation *dg_snapshot_segments(dg_snapshot *s, dg_error *err)
{
    if (s->segments)
        return s->segments;
    dg_segment_options opt;
    dg_segment_options_init(&opt);
    if (!s->features && dg_features_compute(&s->features, s->frame, NULL, err) != 0)
        return NULL;
    if (dg_segment_run(&s->segments, s->features, &opt, err) != 0)
        s->segments = NULL;
    return s->segments;
}
