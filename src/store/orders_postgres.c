/* An order as the services read it on a PostgreSQL store (tickets, points, coupons, returns):
 * one place for the look-up, its "no order" refusal (the same words as SQLite's), and the lock a
 * write holds on the order while it decides from it. */
#include <stdio.h>

#include "store/postgres.h"

int dg__pg_order_row(dg_pg *pg, const char *sql, const char *order_id, PGresult **res,
                     dg_error *err)
{
    int rc = dg__pg_one_row(pg, sql, 1, &order_id, res, "reading an order", err);
    if (rc == 0)
        return dg_error_set(err, DG_ENOTFOUND, "no order \"%s\"", order_id);
    return rc < 0 ? rc : 0;
}

int dg__pg_order_customer(dg_pg *pg, const char *order_id, bool lock, char *customer_id,
                          size_t cap, dg_error *err)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT customer_id FROM orders WHERE order_id = $1%s",
             lock ? dg__pg_lock_clause(pg) : "");
    PGresult *res = NULL;
    int rc = dg__pg_order_row(pg, sql, order_id, &res, err);
    if (rc != 0)
        return rc;
    snprintf(customer_id, cap, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return 0;
}
