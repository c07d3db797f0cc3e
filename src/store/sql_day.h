/* Private to the store and the report layer's SQL: the day (days since 1970-01-01) of a
 * timestamp column in seconds, written once for every statement that needs it. It is
 * dg_day_of (dangol/text.h) in SQL: floor division, so the second before the epoch is day -1.
 * One text serves both dialects: in SQLite and in PostgreSQL, `/` on integers truncates toward
 * zero and `%` takes the sign of the dividend, so the remainder is shifted into 0..86399 before
 * it is taken off. */
#ifndef DANGOL_STORE_SQL_DAY_H
#define DANGOL_STORE_SQL_DAY_H

#include "dangol/entity.h"
#include "dangol/text.h"

/* TS is a string literal: a column or an expression of integer seconds. */
#define DG__SQL_DAY_OF(TS) "(((" TS ") - (((" TS ") % 86400 + 86400) % 86400)) / 86400)"

/* The day of a value read back from time column COL: a timestamp's through dg_day_of, a date's
 * as it is. The day is monotonic in the value, so the first and last day of a table are the
 * days of min() and max() of the raw column, which the backends read without this SQL. */
static inline int32_t dg__column_day(const dg_column *col, int64_t value)
{
    return col->type == DG_TYPE_TIMESTAMP ? dg_day_of(value) : (int32_t)value;
}

#endif
