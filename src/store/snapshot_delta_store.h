/* Private to the delta segments: what their writer and reader (snapshot_delta.c, the same for
 * both stores) need of a store, one small set of calls per backend (snapshot_delta_sqlite.c,
 * snapshot_delta_postgres.c). The SQL is shared too: written with $1..$4 (the texts first, then
 * the numbers of dg__delta_params), each backend binding them by that name, and with the
 * backend's text_order after a text compared or sorted, so both order ids by their bytes. */
#ifndef DANGOL_STORE_SNAPSHOT_DELTA_STORE_H
#define DANGOL_STORE_SNAPSHOT_DELTA_STORE_H

#include "store/snapshot_delta.h"
#include "store/sql_day.h"

/* A statement's parameters: $1 and $2 the texts (NULL binds ""), $3 and $4 the numbers. */
typedef struct dg__delta_params {
    const char *text[2];
    int64_t number[2];
} dg__delta_params;

/* What the rows a statement selects are to a segment: added customers (or an update's changed
 * ones), orders, the customers an update segment carries because the frame may leave them
 * out (dg__segment_left_out), or feedback. */
typedef enum {
    DG__ROWS_CUSTOMERS, DG__ROWS_ORDERS, DG__ROWS_LEFT_OUT, DG__ROWS_FEEDBACK
} dg__delta_rows;

/* One stored segment as the reader lists it; data and checksum only when asked for. */
typedef struct dg__delta_row {
    int64_t generation, base, bytes;
    uint64_t checksum;
    const void *data;   /* valid until the callback returns */
    size_t len;
} dg__delta_row;
/* Nonzero stops the listing (its value is returned). */
typedef int (*dg__delta_row_fn)(void *ctx, const dg__delta_row *row);

typedef struct dg__delta_store {
    /* After the write's last statement: what the store holds back written (a PostgreSQL bulk
     * load's staged rows), so that the reads and counts below see it; the store's error, which
     * fails the write. */
    int (*settle)(dg_store *s, dg_error *err);
    /* appended to a text column compared or sorted so that it goes by its bytes ("" when the
     * store already does) */
    const char *(*text_order)(dg_store *s);
    /* Inside the write's transaction, before its first write: marks the snapshot out of date as
     * any write does; true with *before when it was current (at that generation) until then. */
    bool (*mark)(dg_store *s, int64_t *before);
    /* The row changes the write's transaction (or connection) has made so far. */
    int64_t (*changes)(dg_store *s);
    /* The first column of sql's first row as an integer: false when the statement failed;
     * *found false when it gave no row or a NULL. */
    bool (*integer)(dg_store *s, const char *sql, const dg__delta_params *p, int64_t *value,
                    bool *found);
    /* The same as text (caller frees), NULL for none or a failure. */
    char *(*text)(dg_store *s, const char *sql);
    /* sql's rows, in order, added to w as `kind` says (sql selects DG__DELTA_CUSTOMER_COLUMNS,
     * DG__DELTA_ORDER_COLUMNS or DG__DELTA_FEEDBACK_COLUMNS): their number, or -1. */
    int64_t (*add_rows)(dg_store *s, const char *sql, const dg__delta_params *p, dg__segment *w,
                        dg__delta_rows kind);
    /* DG__LAST_FEEDBACK_SQL with the store's storage order (which a rebuild's scan follows) */
    const char *last_feedback_sql;
    /* Writes the segment and marks the snapshot current; the store's error. */
    int (*insert)(dg_store *s, int64_t generation, int64_t customers, int64_t orders,
                  const unsigned char *data, size_t len, dg_error *err);
    /* The segments after generation base up to `to` (INT64_MAX: all), in order, with their data
     * when with_data; the store's error, or what fn returned. Inside a read. */
    int (*list)(dg_store *s, int64_t base, int64_t to, bool with_data, dg__delta_row_fn fn,
                void *ctx, dg_error *err);
} dg__delta_store;

extern const dg__delta_store dg__delta_sqlite, dg__delta_postgres;

#define DG__DELTA_CUSTOMER_COLUMNS \
    "customer_id, birth_year, acquired_on, gender, region, acquisition_channel, staff_id, " \
    "customer_type, income_band"
#define DG__DELTA_ORDER_COLUMNS \
    "order_id, customer_id, ordered_at, total, units, channel, payment_method, site, staff_id"
#define DG__DELTA_FEEDBACK_COLUMNS "customer_id, received_at, kind, channel, staff_id, rating"
/* The feedback row $1 added, when the rebuild's scan reads it last of the table (no row g is
 * `after` f in its storage order), it is dated by the snapshot's day ($3) and is after every other
 * row of its customer's on that day (the frame keeps days, not times: the reader puts it after
 * those of its day). */
#define DG__LAST_FEEDBACK_SQL(after) \
    "SELECT " DG__DELTA_FEEDBACK_COLUMNS " FROM feedback f WHERE feedback_id = $1 " \
    "AND " DG__SQL_DAY_OF("received_at") " <= $3 " \
    "AND NOT EXISTS (SELECT 1 FROM feedback g WHERE " after ") " \
    "AND NOT EXISTS (SELECT 1 FROM feedback g WHERE g.customer_id = f.customer_id " \
    "AND g.received_at > f.received_at AND " DG__SQL_DAY_OF("g.received_at") " = " \
    DG__SQL_DAY_OF("f.received_at") ")"

#endif
