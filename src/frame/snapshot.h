/* Private to the frame: the frame rebuilt from the store's rows (frame_store.c), and the frame in
 * the byte form the store keeps as its snapshot (frame_snapshot.c). dg_frame_from_store
 * (frame_cache.c) chooses between them. */
#ifndef DANGOL_FRAME_SNAPSHOT_H
#define DANGOL_FRAME_SNAPSHOT_H

#include <stddef.h>

#include "dangol/frame.h"

/* The serialization format: bump it whenever the layout or the meaning of a field changes, and
 * every stored snapshot is rebuilt instead of being trusted. */
#define DG__FRAME_FORMAT 2   /* 2: columns compressed, each behind its encoded length */

#define DG__FRAME_DICTS 15
/* The addresses of every dictionary of f, in a fixed order. */
void dg__frame_dicts(dg_frame *f, dg_dict *out[DG__FRAME_DICTS]);

/* Reads every row of the store into a new frame (as-of DG_DAY_NONE: the store's last day, or
 * today on a store with nothing dated). Caller frees with dg_frame_free. */
int dg__frame_read_store(dg_frame **out, dg_store *store, const dg_frame_options *opts,
                         dg_error *err);

/* Adds every customer of the store to b, in the frame's customer order (the cluster's cube
 * adds its nodes' aggregated orders after them, src/report/cube_cluster.c). */
int dg__frame_read_customers(dg_store *store, dg_frame_builder *b, dg_error *err);
/* Adds every survey answer, feedback, interaction, referral and partner activity of the store
 * to b (after its customers and orders). */
int dg__frame_read_activity(dg_store *store, dg_frame_builder *b, dg_error *err);

/* f (left unchanged) as bytes in the machine's byte order, into *data (caller frees with
 * free()). 0 or DG_ENOMEM. */
int dg__frame_serialize(dg_frame *f, unsigned char **data, size_t *len);

/* Index of the customer with this id among all of f's (a window's later customers too), or -1:
 * through its hash map, or by halves when it has none (ids in increasing order). */
int64_t dg__frame_find_customer(const dg_frame *f, const char *customer_id);

/* A deep copy of frame into *out, without its customer map (NULL: the caller builds it, as
 * dg_frame_cut does). 0 or DG_ENOMEM. Caller frees with dg_frame_free. */
int dg__frame_copy(dg_frame **out, const dg_frame *frame);

/* The source of a serialized frame, chunk by chunk: the next chunk's bytes into *data and *len
 * (0 at the end), or an error in err. A chunk of at most skip bytes, which the caller passes
 * over, may be handed over unread: *data NULL. */
typedef int (*dg__frame_chunk_fn)(void *ctx, size_t skip, const void **data, size_t *len,
                                  dg_error *err);

/* The frame serialized in the chunks next hands over (total bytes in all): decoded straight into
 * the frame's arrays, so no buffer of the whole is needed; the optional order columns that
 * columns (dg_frame_options.columns; 0: all) leaves out are skipped and stay NULL. The source's
 * error when it fails;
 * DG_EPARSE when the bytes are not a frame (wrong magic or format, sizes that do not add up,
 * offsets out of order). Caller frees with dg_frame_free. */
int dg__frame_deserialize(dg__frame_chunk_fn next, void *ctx, size_t total, unsigned columns,
                          dg_frame **out, dg_error *err);

/* A delta segment of the snapshot (src/store/snapshot_delta.h) merged into f, the frame of the
 * generation it applies to, read with at least its order times, channels and staff: f becomes
 * the frame a rebuild from the rows gives after the import that wrote the segment. DG_ENOTFOUND
 * when the segment cannot be merged so (a new dictionary value that would take another code in
 * a rebuild, an order of a customer the frame left out, a column missing), DG_ENOMEM; after
 * either, f may only be freed. */
struct dg__delta;
int dg__frame_append(dg_frame *f, const struct dg__delta *d);

/* An update segment (the customers one write changed) applied to f, the frame of the generation
 * it applies to: each customer's attributes replaced in place (frame_update.c). DG_ENOTFOUND when
 * a rebuild would give another frame than that (a customer the frame does not hold, a changed
 * acquisition date, a dictionary code that would move), DG_ENOMEM; after either, f may only be
 * freed. */
int dg__frame_update(dg_frame *f, const struct dg__delta *d);

#endif
