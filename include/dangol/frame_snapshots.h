/* The frame snapshots a store keeps (docs/snapshot.md), seen from the frame: which are saved and
 * whether dg_frame_from_store would use them. Apart from frame.h because it needs the store's
 * types (dangol/store.h), which a model header does not pull in. */
#ifndef DANGOL_FRAME_SNAPSHOTS_H
#define DANGOL_FRAME_SNAPSHOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/frame.h"
#include "dangol/store.h"

DG_API_BEGIN

/* The store's frame snapshots, for `dangol stats`: the store's generation and dirty flag, and
 * each saved snapshot (up to cap, their number in *n) with whether dg_frame_from_store would use
 * it (its generation is the store's or the delta segments bring it there, the store is clean,
 * its format is this dangol's). */
typedef struct dg_frame_snapshot_status {
    dg_store_snapshot saved;
    bool current;
    int64_t delta_bytes;   /* the delta segments an import appended since it was saved, which a
                            * reader merges into it (docs/snapshot.md, "Appending") */
} dg_frame_snapshot_status;

/* Fills *generation, *dirty, out[0..cap) and *n as above (no allocation); the store's errors. */
int dg_frame_snapshots(dg_store *store, int64_t *generation, bool *dirty,
                       dg_frame_snapshot_status *out, size_t cap, size_t *n, dg_error *err);

/* True when dg_frame_from_store would load the store's snapshot of the frame without lines for
 * as_of (DG_DAY_NONE: the store's last day), not read the rows: the snapshot is current and
 * as_of is not after its day (an earlier day is the snapshot cut; a later one is a rebuild).
 * False on any error. How a command chooses between loading the frame and a cheaper path that
 * reads less than every row (a tier evaluation's SQL, a cluster's aggregates computed on its
 * nodes): loading a current snapshot beats them both, a rebuild loses to them. A day after the
 * snapshot's own that appended segments reached counts as a rebuild (the segments are not read
 * to find out), so the cheaper path answers it. */
bool dg_frame_snapshot_current(dg_store *store, int32_t as_of);

/* dg_frame_from_store (dangol/frame.h), also telling which clean generation of the store the
 * frame holds exactly (*generation, -1 when it was read while the store was being written): a
 * writer that reads the frame, then opens its transaction and finds the store still clean at that
 * generation (dg_store_snapshot_state), knows the frame is the store it is about to change. */
int dg_frame_from_store_at(dg_frame **out, dg_store *store, const dg_frame_options *opts,
                           int64_t *generation, dg_error *err);

/* dg_frame_from_store_at, except that a frame it had to rebuild from the rows at a clean
 * generation is not saved here: *unsaved is then true, and the caller saves it with
 * dg_frame_save(store, frame, *generation) when it likes — a server answers from the frame first
 * and saves it on another thread. Correct whenever it runs: the save checks, in its own
 * transaction, that the store is still clean at that generation (docs/snapshot.md). */
int dg_frame_from_store_unsaved(dg_frame **out, dg_store *store, const dg_frame_options *opts,
                                int64_t *generation, bool *unsaved, dg_error *err);

/* Saves frame, read from the rows of the store at its default as-of at the clean generation, as
 * the store's snapshot of its kind, if the store is still clean at that generation and can be
 * written without waiting; otherwise nothing (best effort, as dg_frame_from_store saves). Only
 * reads frame: other threads may read it meanwhile. */
void dg_frame_save(dg_store *store, dg_frame *frame, int64_t generation);

/* The frame of the store's clean generation (*generation) made from kept, a frame at its default
 * as-of of the earlier clean generation kept_generation, without reading the snapshot or the
 * rows: a copy of kept with the delta segments written since applied (docs/snapshot.md,
 * "Updating"), so a server that holds a frame follows the API's writes at the cost of a copy.
 * DG_ENOTFOUND when the store is dirty or still at kept_generation, or the segments do not lead
 * there (a gap, a compaction, one that cannot be applied); the store's errors. Only reads kept. */
int dg_frame_advance(dg_frame **out, dg_store *store, const dg_frame *kept,
                     int64_t kept_generation, int64_t *generation);

/* dg_frame_advance applied to frame itself, no copy, for a caller that holds it alone: 0 with
 * frame the store's generation's; after anything else frame may only be freed. */
int dg_frame_advance_in_place(dg_frame *frame, dg_store *store, int64_t kept_generation,
                              int64_t *generation);
DG_API_END

#endif
