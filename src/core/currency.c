/* The currencies dangol knows and their minor-unit digits (ISO 4217). */
#include <string.h>
#include <strings.h>

#include "dangol/currency.h"

static const struct { const char *code; int digits; } currencies[] = {
    { "KRW", 0 }, { "JPY", 0 }, { "VND", 0 }, { "USD", 2 }, { "EUR", 2 }, { "GBP", 2 },
    { "CNY", 2 }, { "HKD", 2 }, { "TWD", 2 }, { "SGD", 2 }, { "AUD", 2 }, { "CAD", 2 },
    { "CHF", 2 }, { "INR", 2 }, { "THB", 2 }, { "KWD", 3 }, { "BHD", 3 },
};

int dg_currency_minor_digits(const char *code)
{
    for (size_t i = 0; i < sizeof currencies / sizeof currencies[0]; i++)
        if (strcasecmp(currencies[i].code, code) == 0)
            return currencies[i].digits;
    return -1;
}

const char *dg_currency_known(void)
{
    return "KRW, JPY, VND, USD, EUR, GBP, CNY, HKD, TWD, SGD, AUD, CAD, CHF, INR, THB, KWD, BHD";
}
