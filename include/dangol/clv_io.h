/* Files for customer lifetime value without a store: a transaction log (a CSV with a header
 * naming the customer, date and value columns, or the header-less whitespace log of the CDNOW
 * data: customer_id [sample_id] YYYYMMDD [units] value) and a summary CSV with the columns of the
 * common Python CLV library (an id column, frequency, recency, T, optional monetary_value). */
#ifndef DANGOL_CLV_IO_H
#define DANGOL_CLV_IO_H

#include "dangol/clv.h"
#include "dangol/export.h"

DG_API_BEGIN

typedef struct dg_clv_log {
    dg_clv_transactions tx;   /* points into the arrays below */
    char **customer_id;       /* [tx.n_customers], in order of first appearance */
    uint32_t *customer;
    int32_t *day;
    double *value;
} dg_clv_log;

/* Reads a transaction log. Caller frees with dg_clv_log_free. Errors name file:line:column. */
int dg_clv_log_read(dg_clv_log **out, const char *path, dg_error *err);
void dg_clv_log_free(dg_clv_log *log);   /* NULL is a no-op */

/* Reads a summary CSV; *ids gets the id of each row (caller frees with dg_clv_ids_free). */
int dg_clv_summary_read(dg_clv_summary **out, char ***ids, const char *path, dg_error *err);
/* Frees the n ids of dg_clv_summary_read or a dg_clv_log (one block and its array); NULL is a
 * no-op. */
void dg_clv_ids_free(char **ids, size_t n);

DG_API_END

#endif
