/* Money arithmetic. Money is an int64 count of the currency's minor unit. Every amount dangol
 * reads (CSV import, the API's JSON bodies) is bounded by DG_MONEY_MAX_MINOR, so one amount
 * always fits with room to spare; a sum of many can still leave the int64 range, so every sum
 * of money goes through dg_money_add and an overflow is an error (DG_ERANGE) naming what
 * overflowed, never a wrapped, negative total. */
#ifndef DANGOL_MONEY_H
#define DANGOL_MONEY_H

#include <stdint.h>

#include "dangol/error.h"

/* The largest |amount| an import or the API accepts: 9,999,999,999,999,999 minor units
 * (99,999,999,999,999.99 USD), about a thousandth of the int64 range. */
#define DG_MONEY_MAX_MINOR INT64_C(9999999999999999)
#define DG_MONEY_MAX_TEXT "9999999999999999"

/* The range of a sum, for messages. */
#define DG_MONEY_SUM_RANGE_TEXT "+-9223372036854775807 minor units"

/* *sum += amount. 0, or DG_ERANGE (and *sum unchanged) when the result would leave the int64
 * range. Inline: the cube adds one per order in its inner loop. */
static inline int dg_money_add(int64_t *sum, int64_t amount)
{
    int64_t result;
    if (__builtin_add_overflow(*sum, amount, &result))
        return DG_ERANGE;
    *sum = result;
    return 0;
}

#endif
