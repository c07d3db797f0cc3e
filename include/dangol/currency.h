/* Currencies: ISO 4217 codes and the digits of their minor unit (KRW has none, USD has cents).
 * A store holds money in one currency, as int64 minor units. */
#ifndef DANGOL_CURRENCY_H
#define DANGOL_CURRENCY_H

#include "dangol/export.h"

DG_API_BEGIN

/* Minor-unit digits of an ISO 4217 code ("KRW" -> 0, "USD" -> 2), or -1 if unknown. */
int dg_currency_minor_digits(const char *code);

/* Comma-separated list of the codes dg_currency_minor_digits knows, for messages. */
const char *dg_currency_known(void);

DG_API_END

#endif
