/* Private: the frame snapshot's delta segments (docs/snapshot.md, "Appending" and "Updating";
 * schema/0023_snapshot_delta.sql). An import that only adds customers and orders whose ids sort
 * after every existing one (so a rebuild would scan them after the rows it already holds) writes
 * what it added as a segment, in its own transaction, and leaves the snapshot current at the new
 * generation; so does an API write of one customer or order (the row added, or the changed
 * customer's row as it now is: an update segment), or of one piece of feedback (a feedback
 * segment: the row added). A reader applies the segments to the base snapshot's frame
 * (frame_append.c, frame_update.c). Anything else the write did leaves the
 * snapshot out of date, as any write does. The same on both stores (snapshot_delta.c; what differs
 * is behind snapshot_delta_store.h). */
#ifndef DANGOL_STORE_SNAPSHOT_DELTA_H
#define DANGOL_STORE_SNAPSHOT_DELTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/frame.h"
#include "dangol/store.h"

/* What an import's delta needs to know about the store before it writes anything. */
typedef struct dg__delta_mark {
    bool active;               /* the snapshot was current: this import may write a delta */
    int64_t generation;        /* the store's generation once the import commits */
    int64_t changes;           /* the write's row changes so far (the store's count) */
    char *max_customer;        /* the greatest customer and order ids before the import */
    char *max_order;
    unsigned char *was;        /* an update's: the customer's row before it, as a segment's bytes */
    size_t was_len;
} dg__delta_mark;

/* Inside the import's transaction, before its first write: marks the snapshot out of date (as
 * any write does) and, when it was current, notes what the delta needs in *m. Never fails the
 * import: a store without a current snapshot only gets m->active false. */
void dg__store_delta_begin(dg_store *store, dg__delta_mark *m);

/* Inside the same transaction, after the import's last write: when every row it changed is a new
 * customer or order (with an id after m's), nothing else dated by the new last day would enter
 * the frame, and the segments stay under a tenth of the base snapshot, writes them as a segment
 * and marks the snapshot current at m->generation; otherwise leaves it out of date. Frees m.
 * Best effort: only an error of the store's transaction itself is returned. */
int dg__store_delta_end(dg_store *store, dg__delta_mark *m, dg_error *err);

/* As dg__store_delta_begin, before a write that may change customer_id's row: notes the row as
 * it was too (m->was). */
void dg__store_delta_begin_update(dg_store *store, dg__delta_mark *m, const char *customer_id);

/* As dg__store_delta_end, after a write that changed one existing customer: when that row is all
 * it changed, and a reader can apply the change (dg__update_applies), writes the row as it now
 * is as an update segment (docs/snapshot.md, "Updating"); otherwise leaves the snapshot out of
 * date at once, so no reader reads the base snapshot to find that out. */
int dg__store_delta_end_update(dg_store *store, dg__delta_mark *m, const char *customer_id,
                               dg_error *err);

/* Can a reader (frame_update.c) apply the update of a customer whose frame row was `was` and is
 * now `now` to the frame of a snapshot of day as_of (or of a later day, after appends)? The
 * writer's decision, the same for every store (record_write.c). */
typedef enum {
    DG__UPDATE_REFUSED,    /* never: the customer may be out of the frame, or would leave it
                            * (acquired after as_of, or its acquisition day no longer known) */
    DG__UPDATE_WITH_LEFT_OUT,   /* dictionary values change, whose codes the reader gives again:
                                 * the segment must carry, for each value of the changed
                                 * dictionaries, the first by id of the customers that the frame
                                 * may leave out (first seen after as_of: acquired after it, or
                                 * unknown with a partner activity or a referral after it) that
                                 * use it; refused past DG__MAX_LEFT_OUT of them */
    DG__UPDATE_APPLIES,
} dg__update_verdict;
#define DG__MAX_LEFT_OUT 1024
/* The dictionary fields of a customer's frame row, in the order of *changed's bits. */
#define DG__CUSTOMER_CODES 6   /* region, gender, acquisition channel, staff, type, income band */
/* *changed gets bit i set when the i-th of them differs. */
dg__update_verdict dg__update_applies(const dg_frame_customer_in *was,
                                      const dg_frame_customer_in *now, int32_t as_of,
                                      unsigned *changed);

void dg__delta_mark_free(dg__delta_mark *m);

/* As dg__store_delta_end, after a write that added one piece of feedback, feedback_id: when that
 * row is all it changed, it is the last in the table's storage order (where a rebuild's scan
 * reads it), dated by the snapshot's day and after every other piece of its customer's on its
 * day, writes it as a feedback segment (docs/snapshot.md, "Feedback"); otherwise leaves the
 * snapshot out of date. */
int dg__store_delta_end_feedback(dg_store *store, dg__delta_mark *m, const char *feedback_id,
                                 dg_error *err);

/* The API's write of one record of e (dg_store_insert when insert, else dg_store_put), inside the
 * caller's transaction, leaving a delta segment when it can: a new customer or order appended as
 * an import's are, a changed customer as an update segment, new feedback as a feedback segment.
 * Anything else (other entities, a changed order or feedback) puts the snapshot out of date as
 * every write does. dg_store_insert's and dg_store_put's results (record_write.c). */
int dg__store_write_record(dg_store *store, const dg_entity *e, const dg_value *row, bool insert,
                           dg_error *err);

/* One segment, decoded: the rows an import added, in the order a rebuild scans them
 * (customers by id, orders by id; the orders' ids are not kept), their texts pointing into
 * data. An update segment (updates) holds instead the customers one write changed, their rows as
 * a rebuild now reads them, and no orders (docs/snapshot.md, "Updating"); after them in
 * customers[], when a dictionary value changed, the rows of n_left_out customers the frame may
 * leave out (by id), whose values count in a rebuild's order of the codes. A feedback segment
 * holds feedback rows (n_feedback, each the last its customer has on its day) and nothing else. */
typedef struct dg__delta {
    int64_t generation;
    bool updates;
    size_t n_customers, n_orders, n_left_out, n_feedback;
    dg_frame_customer_in *customers;
    dg_frame_order_in *orders;
    dg_frame_feedback_in *feedback;
    unsigned char *data;
    const char **texts;
} dg__delta;

/* A segment's bytes (snapshot_delta_codec.c): rows added in scan order, then the bytes. */
typedef struct dg__segment dg__segment;
int dg__segment_new(dg__segment **out);
void dg__segment_free(dg__segment *w);   /* NULL is a no-op */
void dg__segment_updates(dg__segment *w);   /* its customers are changed ones (no orders) */
int dg__segment_customer(dg__segment *w, const dg_frame_customer_in *in);
/* An update segment's customer the frame may leave out, after its changed ones, in id order. */
int dg__segment_left_out(dg__segment *w, const dg_frame_customer_in *in);
int dg__segment_order(dg__segment *w, const dg_frame_order_in *in);
/* A piece of feedback: the segment is then a feedback segment (no customers, no orders). */
int dg__segment_feedback(dg__segment *w, const dg_frame_feedback_in *in);
/* The bytes of the rows added so far into *data (caller frees with free()). 0 or DG_ENOMEM. */
int dg__segment_bytes(dg__segment *w, unsigned char **data, size_t *len);
/* d's rows out of its len bytes of data; false when they are not a segment (sizes that do not
 * add up, a row without its customer's id, customers out of id order) or memory ran out. */
bool dg__segment_decode(dg__delta *d, size_t len);

/* The generation that the segments reach from a snapshot of generation base without a gap (base
 * itself when there are none), and their bytes. Inside a read. */
int dg__store_delta_reach(dg_store *store, int64_t base, int64_t *reach, int64_t *bytes,
                          dg_error *err);

/* The segments from base to generation `to`, in order, each checked against its checksum and
 * decoded, into *out (*n of them; free with dg__deltas_free). DG_ENOTFOUND when they do not run
 * from base to `to` without a gap, DG_ESTORE when one is damaged. Inside a read. */
int dg__store_deltas(dg_store *store, int64_t base, int64_t to, dg__delta **out, size_t *n,
                     dg_error *err);
void dg__deltas_free(dg__delta *deltas, size_t n);

#endif
