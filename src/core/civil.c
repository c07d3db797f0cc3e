/* Calendar arithmetic and formatting of dates, timestamps and money. Dates are days since
 * 1970-01-01 in the proleptic Gregorian calendar; the conversions are H. Hinnant's
 * "chrono-compatible low-level date algorithms" (days_from_civil / civil_from_days), exact for
 * every int32 day. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dangol/text.h"

int32_t dg_days_from_civil(int year, int month, int day)
{
    year -= month <= 2;
    const int era = (year >= 0 ? year : year - 399) / 400;
    const unsigned yoe = (unsigned)(year - era * 400);
    const unsigned doy = (153u * (unsigned)(month + (month > 2 ? -3 : 9)) + 2u) / 5u + (unsigned)day - 1u;
    const unsigned doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
    return (int32_t)(era * 146097 + (int)doe - 719468);
}

void dg_civil_from_days(int32_t days, int *year, int *month, int *day)
{
    const int64_t z = (int64_t)days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
    const unsigned doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
    const unsigned mp = (5u * doy + 2u) / 153u;
    const unsigned d = doy - (153u * mp + 2u) / 5u + 1u;
    const unsigned m = mp < 10u ? mp + 3u : mp - 9u;
    *year = (int)((int64_t)yoe + era * 400 + (m <= 2u));
    *month = (int)m;
    *day = (int)d;
}

char *dg_date_format(int32_t days, char buf[16])
{
    int y, m, d;
    dg_civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999)
        snprintf(buf, 16, "%s", "?");
    else
        snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
    return buf;
}

char *dg_timestamp_format(int64_t seconds, char buf[32])
{
    int32_t days = dg_day_of(seconds);
    int64_t rest = seconds - (int64_t)days * 86400;   /* outside 0..86399 when days overflowed */
    int y, m, d;
    dg_civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999 || rest < 0 || rest >= 86400)
        snprintf(buf, 32, "%s", "?");
    else
        snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(rest / 3600),
                 (int)(rest / 60 % 60), (int)(rest % 60));
    return buf;
}

char *dg_int_format(int64_t v, char buf[24])
{
    char digits[24], *p = digits + sizeof digits;
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do
        *--p = (char)('0' + mag % 10);
    while (mag /= 10);
    if (v < 0)
        *--p = '-';
    size_t n = (size_t)(digits + sizeof digits - p);
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

char *dg_money_format(int64_t minor, int minor_digits, char *buf, size_t cap)
{
    uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%" PRIu64, mag);
    size_t o = 0;
    if (minor < 0 && o + 1 < cap)
        buf[o++] = '-';
    /* integer part: the digits left of the last minor_digits, or "0" */
    if (n <= minor_digits) {
        if (o + 1 < cap)
            buf[o++] = '0';
    } else {
        for (int i = 0; i < n - minor_digits && o + 1 < cap; i++)
            buf[o++] = digits[i];
    }
    if (minor_digits > 0 && o + 1 < cap) {
        buf[o++] = '.';
        for (int i = 0; i < minor_digits && o + 1 < cap; i++) {
            int src = n - minor_digits + i;
            buf[o++] = src < 0 ? '0' : digits[src];
        }
    }
    buf[o] = '\0';
    return buf;
}

char *dg_money_format_human(int64_t minor, int minor_digits, char *buf, size_t cap)
{
    char plain[48];
    dg_money_format(minor, minor_digits, plain, sizeof plain);
    const char *digits = plain + (plain[0] == '-');
    const char *dot = strchr(digits, '.');
    size_t int_len = dot ? (size_t)(dot - digits) : strlen(digits), o = 0;
    if (plain[0] == '-' && o + 1 < cap)
        buf[o++] = '-';
    for (size_t i = 0; i < int_len && o + 1 < cap; i++) {
        if (i > 0 && (int_len - i) % 3 == 0 && o + 2 < cap)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    for (const char *p = dot; p && *p && o + 1 < cap; p++)
        buf[o++] = *p;
    buf[o] = '\0';
    return buf;
}
