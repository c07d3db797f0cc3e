/* Text-to-value parsers (see include/dangol/text.h): dates, timestamps, money, booleans, integers
 * and reals. They run once per imported field, so the common forms take a fast path with no
 * allocation and no locale; the error path writes a message that quotes the value (cut to a
 * readable length) and says what would have been accepted. Leading and trailing blanks are
 * ignored everywhere. */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/money.h"
#include "dangol/text.h"

#define SHOW_MAX 40  /* longer values are cut in messages, with "..." */

static inline void trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

/* The value as it appears in a message: at most SHOW_MAX bytes, not cutting a UTF-8 sequence. */
static const char *show(const char *s, size_t len, char buf[SHOW_MAX + 8])
{
    size_t n = len;
    if (n > SHOW_MAX) {
        n = SHOW_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(buf, s, n);
    strcpy(buf + n, len > n ? "..." : "");
    return buf;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return false;
    return true;
}

static int digits_value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int days_in_month(int year, int month)
{
    static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : dim[month - 1];
}

#define FORMS "expected YYYY-MM-DD, YYYYMMDD or YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]"

/* Parses the date at the start of s (10 bytes YYYY-MM-DD, or 8 bytes YYYYMMDD when compact);
 * `what` and `whole` are for the message. */
static int civil_parse(const char *s, size_t n, const char *what, const char *whole,
                       size_t whole_len, const char *expected, int32_t *days, dg_error *err)
{
    char shown[SHOW_MAX + 8];
    int y, m, d;
    if (n == 10 && s[4] == '-' && s[7] == '-' && all_digits(s, 4) && all_digits(s + 5, 2) &&
        all_digits(s + 8, 2)) {
        y = digits_value(s, 4);
        m = digits_value(s + 5, 2);
        d = digits_value(s + 8, 2);
    } else if (n == 8 && all_digits(s, 8)) {
        y = digits_value(s, 4);
        m = digits_value(s + 4, 2);
        d = digits_value(s + 6, 2);
    } else {
        return dg_error_set(err, DG_EPARSE, "%s \"%s\" is not a %s; %s", what,
                            show(whole, whole_len, shown), what, expected);
    }
    if (y < DG_DATE_MIN_YEAR || y > DG_DATE_MAX_YEAR)
        return dg_error_set(err, DG_ERANGE,
                            "%s \"%s\" is out of range (year %04d); dates must be between "
                            "%d-01-01 and %d-12-31", what, show(whole, whole_len, shown), y,
                            DG_DATE_MIN_YEAR, DG_DATE_MAX_YEAR);
    if (m < 1 || m > 12)
        return dg_error_set(err, DG_ERANGE, "%s \"%s\" is not a valid date (month %d); %s", what,
                            show(whole, whole_len, shown), m, expected);
    if (d < 1 || d > days_in_month(y, m))
        return dg_error_set(err, DG_ERANGE,
                            "%s \"%s\" is not a valid date (day %d; %04d-%02d has %d days); %s",
                            what, show(whole, whole_len, shown), d, y, m, days_in_month(y, m),
                            expected);
    *days = dg_days_from_civil(y, m, d);
    return 0;
}

/* The length of the date a date or timestamp text starts with (len if it is no known form). */
static size_t date_part(const char *s, size_t len)
{
    return len >= 10 && s[4] == '-' ? 10 : len >= 8 && all_digits(s, 8) ? 8 : len;
}

/* A timestamp is accepted too, and gives the date as written, before any zone offset is applied
 * (the local date: 2024-03-01T01:00+09:00 is 2024-03-01, although it is 2024-02-29 in UTC). */
int dg_date_parse(const char *s, size_t len, int32_t *days, dg_error *err)
{
    char shown[SHOW_MAX + 8];
    trim(&s, &len);
    if (len == 0)
        return dg_error_set(err, DG_EPARSE, "date is empty; " FORMS);
    size_t date_len = date_part(s, len);
    int rc = civil_parse(s, date_len, "date", s, len, FORMS, days, err);
    int64_t seconds;
    dg_error time_err;
    if (rc == 0 && date_len < len && dg_timestamp_parse(s, len, &seconds, &time_err) != 0)
        return dg_error_set(err, time_err.code, "date \"%s\" has an invalid time after the date; "
                            FORMS, show(s, len, shown));
    return rc;
}

int dg_timestamp_parse(const char *s, size_t len, int64_t *seconds, dg_error *err)
{
    char shown[SHOW_MAX + 8];
    trim(&s, &len);
    if (len == 0)
        return dg_error_set(err, DG_EPARSE, "timestamp is empty; " FORMS);
    int32_t days;
    size_t date_len = date_part(s, len);
    int rc = civil_parse(s, date_len, "timestamp", s, len, FORMS, &days, err);
    if (rc != 0)
        return rc;
    int64_t secs = (int64_t)days * 86400;
    if (date_len == len) {
        *seconds = secs;
        return 0;
    }
    /* time of day: [T ]HH:MM[:SS[.fff]] then Z, +HH:MM, +HHMM, +HH or nothing (= UTC) */
    const char *p = s + date_len, *end = s + len;
    int hh, mm, ss = 0;
    if ((*p != 'T' && *p != 't' && *p != ' ') || end - p < 6 || !all_digits(p + 1, 2) ||
        p[3] != ':' || !all_digits(p + 4, 2))
        goto bad;
    hh = digits_value(p + 1, 2);
    mm = digits_value(p + 4, 2);
    p += 6;
    if (p < end && *p == ':') {
        if (end - p < 3 || !all_digits(p + 1, 2))
            goto bad;
        ss = digits_value(p + 1, 2);
        p += 3;
        if (p < end && *p == '.') {  /* fractions of a second: the store keeps whole seconds */
            p++;
            if (p == end || !is_digit(*p))
                goto bad;
            while (p < end && is_digit(*p))
                p++;
        }
    }
    if (hh > 23 || mm > 59 || ss > 60)
        return dg_error_set(err, DG_ERANGE, "timestamp \"%s\" has an invalid time of day; %s",
                            show(s, len, shown), FORMS);
    if (ss == 60)  /* a leap second is the first second of the next minute */
        ss = 59, secs += 1;
    secs += hh * 3600 + mm * 60 + ss;
    if (p < end && (*p == 'Z' || *p == 'z')) {
        p++;
    } else if (p < end && (*p == '+' || *p == '-')) {
        int sign = *p == '-' ? -1 : 1, oh, om = 0;
        p++;
        if (end - p < 2 || !all_digits(p, 2))
            goto bad;
        oh = digits_value(p, 2);
        p += 2;
        if (p < end && *p == ':')
            p++;
        if (end - p >= 2 && all_digits(p, 2)) {
            om = digits_value(p, 2);
            p += 2;
        }
        if (oh > 18 || om > 59)
            goto bad;
        secs -= sign * (oh * 3600 + om * 60);  /* local = UTC + offset */
    }
    if (p != end)
        goto bad;
    *seconds = secs;
    return 0;
bad:
    return dg_error_set(err, DG_EPARSE, "timestamp \"%s\" is not a valid timestamp; %s",
                        show(s, len, shown), FORMS);
}

/* Currency signs accepted before (or after) an amount, and the Korean unit word 원 after it. */
static const char *const money_prefixes[] = {
    "$", "\xE2\x82\xA9" /* ₩ */, "\xEF\xBF\xA6" /* ￦ */, "\xE2\x82\xAC" /* € */,
    "\xC2\xA3" /* £ */, "\xC2\xA5" /* ¥ */, NULL };
static const char *const money_suffixes[] = {
    "\xEC\x9B\x90" /* 원 */, "$", "\xE2\x82\xA9", "\xE2\x82\xAC", NULL };

static bool strip_prefix(const char **p, const char *end, const char *const *list)
{
    for (size_t i = 0; list[i]; i++) {
        size_t n = strlen(list[i]);
        if ((size_t)(end - *p) >= n && memcmp(*p, list[i], n) == 0) {
            *p += n;
            return true;
        }
    }
    return false;
}

static bool strip_suffix(const char *p, const char **end, const char *const *list)
{
    for (size_t i = 0; list[i]; i++) {
        size_t n = strlen(list[i]);
        if ((size_t)(*end - p) >= n && memcmp(*end - n, list[i], n) == 0) {
            *end -= n;
            return true;
        }
    }
    return false;
}

#define MONEY_FORMS "expected an amount like 1234, 1,234.50, -12.30, $12.30 or ₩1,000"

int dg_money_parse(const char *s, size_t len, int minor_digits, int64_t *minor, dg_error *err)
{
    char shown[SHOW_MAX + 8];
    trim(&s, &len);
    if (len == 0)
        return dg_error_set(err, DG_EPARSE, "amount is empty; " MONEY_FORMS);
    const char *p = s, *end = s + len;
    bool negative = false;
    /* fast path: plain digits with an optional '-' and '.', the shape every export writes */
    if (*p == '(' && end[-1] == ')') {  /* accounting style (1,234.00): the parentheses are the sign */
        negative = true;
        p++;
        end--;
        const char *q = p;
        strip_prefix(&q, end, money_prefixes);
        while (q < end && *q == ' ')
            q++;
        if (q < end && (*q == '-' || *q == '+'))
            return dg_error_set(err, DG_EPARSE,
                                "amount \"%s\" has a sign inside accounting parentheses; write "
                                "(5.00) or -5.00, not both", show(s, len, shown));
    } else if ((*p == '-' || *p == '+') && len > 1 && p[1] == '(') {
        return dg_error_set(err, DG_EPARSE,
                            "amount \"%s\" has a sign outside accounting parentheses; write "
                            "(5.00) or -5.00, not both", show(s, len, shown));
    }
    if (p < end && *p == '-') {
        negative = !negative;
        p++;
    } else if (p < end && *p == '+') {
        p++;
    }
    if (strip_prefix(&p, end, money_prefixes)) {
        while (p < end && *p == ' ')
            p++;
        if (p < end && *p == '-' && !negative) {
            negative = true;
            p++;
        }
    } else {
        strip_suffix(p, &end, money_suffixes);
        while (end > p && end[-1] == ' ')
            end--;
    }
    if (p == end || !(is_digit(*p) || *p == '.'))
        goto bad;
    uint64_t units = 0;
    const uint64_t limit = (uint64_t)INT64_MAX;
    int group = -1;   /* digits since the last thousands separator, -1 = none seen */
    size_t int_digits = 0;
    for (; p < end && *p != '.'; p++) {
        if (*p == ',') {
            if (int_digits == 0 || (group >= 0 && group != 3) || (group < 0 && int_digits > 3))
                goto bad_group;
            group = 0;
            continue;
        }
        if (!is_digit(*p))
            goto bad;
        uint64_t digit = (uint64_t)(*p - '0');
        if (units > (limit - digit) / 10)
            goto too_big;
        units = units * 10 + digit;
        int_digits++;
        if (group >= 0)
            group++;
    }
    if (group >= 0 && group != 3)
        goto bad_group;
    int frac_digits = 0;
    uint64_t frac = 0;
    if (p < end && *p == '.') {
        p++;
        if (p == end && int_digits == 0)
            goto bad;
        for (; p < end; p++) {
            if (!is_digit(*p))
                goto bad;
            if (frac_digits < minor_digits) {
                frac = frac * 10 + (uint64_t)(*p - '0');
                frac_digits++;
            } else if (*p != '0') {
                return dg_error_set(err, DG_ERANGE,
                                    "amount \"%s\" has more decimals than the currency's %d; "
                                    "amounts are never rounded",
                                    show(s, len, shown), minor_digits);
            }
        }
    }
    if (int_digits == 0 && frac_digits == 0 && minor_digits > 0)
        goto bad;
    for (; frac_digits < minor_digits; frac_digits++)
        frac *= 10;
    for (int i = 0; i < minor_digits; i++) {
        if (units > limit / 10)
            goto too_big;
        units *= 10;
    }
    if (units > limit - frac)
        goto too_big;
    units += frac;
    if (units > (uint64_t)DG_MONEY_MAX_MINOR)
        goto too_big;
    *minor = negative ? -(int64_t)units : (int64_t)units;
    return 0;
too_big: {
    char largest[48];
    dg_money_format_human(DG_MONEY_MAX_MINOR, minor_digits, largest, sizeof largest);
    return dg_error_set(err, DG_ERANGE, "amount \"%s\" is too large; amounts are limited to "
                        "+-%s (" DG_MONEY_MAX_TEXT " minor units), so that sums of them stay "
                        "exact", show(s, len, shown), largest);
}
bad_group:
    return dg_error_set(err, DG_EPARSE,
                        "amount \"%s\" has a misplaced thousands separator; %s "
                        "(the decimal mark is '.')", show(s, len, shown), MONEY_FORMS);
bad:
    return dg_error_set(err, DG_EPARSE, "amount \"%s\" is not an amount of money; %s",
                        show(s, len, shown), MONEY_FORMS);
}

static bool word_is(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (n != len)
        return false;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s[i]) != tolower((unsigned char)word[i]))
            return false;
    return true;
}

int dg_bool_parse(const char *s, size_t len, bool *value, dg_error *err)
{
    static const char *const yes[] = { "1", "true", "yes", "y", "t", "\xEC\x98\x88" /* 예 */,
                                       "\xEB\x84\xA4" /* 네 */, NULL };
    static const char *const no[] = { "0", "false", "no", "n", "f",
                                      "\xEC\x95\x84\xEB\x8B\x88\xEC\x98\xA4" /* 아니오 */,
                                      "\xEC\x95\x84\xEB\x8B\x88\xEC\x9A\x94" /* 아니요 */, NULL };
    char shown[SHOW_MAX + 8];
    trim(&s, &len);
    for (size_t i = 0; yes[i]; i++)
        if (word_is(s, len, yes[i])) {
            *value = true;
            return 0;
        }
    for (size_t i = 0; no[i]; i++)
        if (word_is(s, len, no[i])) {
            *value = false;
            return 0;
        }
    return dg_error_set(err, DG_EPARSE,
                        "\"%s\" is not a yes/no value; expected 1/0, true/false, yes/no, y/n, "
                        "t/f or 예/아니오", show(s, len, shown));
}

int dg_int_parse(const char *s, size_t len, int64_t *value, dg_error *err)
{
    char shown[SHOW_MAX + 8];
    trim(&s, &len);
    const char *p = s, *end = s + len;
    bool negative = false;
    if (p < end && (*p == '-' || *p == '+'))
        negative = *p++ == '-';
    if (p == end)
        goto bad;
    uint64_t v = 0;
    const uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; p < end; p++) {
        if (!is_digit(*p))
            goto bad;
        unsigned d = (unsigned)(*p - '0');
        if (v > (limit - d) / 10)
            return dg_error_set(err, DG_ERANGE, "integer \"%s\" is too large",
                                show(s, len, shown));
        v = v * 10 + d;
    }
    *value = negative ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
bad:
    return dg_error_set(err, DG_EPARSE, "\"%s\" is not a whole number; expected digits like 42 "
                        "or -7", show(s, len, shown));
}

/* A plain decimal ([+-]digits[.digits], no exponent) of at most 19 significant digits is the
 * integer m of its digits over 10^k, k the digits after the point. When m < 2^53 and k <= 22 both
 * are exact doubles, so the one division is correctly rounded: the very value strtod gives
 * (Clinger 1990, "How to Read Floating Point Numbers Accurately", the fast path). Where long
 * double has a 64-bit significand (x86), m < 10^19 < 2^64 and 10^k for k <= 27 (5^27 < 2^64)
 * are exact long doubles, so their quotient q is correctly rounded to 64 bits, and rounding q
 * to double gives the correctly rounded m / 10^k unless q lies exactly halfway between two
 * doubles (the one case where rounding twice differs from rounding once): then the 11 bits of
 * q's significand below a double's are 10000000000, and the text goes to strtod. So the %.17g
 * texts a summary CSV holds need no strtod. 1 when a fast path applied. */
static int decimal_fast(const char *s, size_t len, double *value)
{
    static const double pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = s, *end = s + len;
    bool negative = false;
    if (p < end && (*p == '-' || *p == '+'))
        negative = *p++ == '-';
    const char *first = p, *point = NULL;
    uint64_t m = 0;   /* wraps past 19 digits, which are then sent away below */
    for (; p < end && is_digit(*p); p++)
        m = m * 10 + (uint64_t)(*p - '0');
    int frac = 0;
    if (p < end && *p == '.') {
        point = p++;
        for (; p < end && is_digit(*p); p++)
            m = m * 10 + (uint64_t)(*p - '0');
        frac = (int)(p - point - 1);
    }
    size_t digits = (size_t)(p - first) - (point != NULL);
    if (p != end || digits == 0)
        return 0;
    const char *lead = first;   /* the significant digits start at the first nonzero one */
    while (lead < end && (*lead == '0' || *lead == '.'))
        lead++;
    if ((size_t)(end - lead) - (point != NULL && point > lead) > 19)
        return 0;
    double v;
    if (m < (UINT64_C(1) << 53) && frac <= 22) {
        v = frac > 0 ? (double)m / pow10[frac] : (double)m;
    } else {
#if LDBL_MANT_DIG == 64 && (defined(__x86_64__) || defined(__i386__))
        static const long double pow10l[28] = {
            1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,
            1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L,
            1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};
        if (frac > 27)
            return 0;
        long double q = (long double)m / pow10l[frac];
        uint64_t significand;   /* x87 extended: the 64-bit significand comes first */
        memcpy(&significand, &q, sizeof significand);
        if ((significand & 0x7ff) == 0x400)
            return 0;           /* the 11 bits below a double's are 1000...: halfway */
        v = (double)q;
#else
        return 0;
#endif
    }
    *value = negative ? -v : v;
    return 1;
}

int dg_real_parse(const char *s, size_t len, double *value, dg_error *err)
{
    char shown[SHOW_MAX + 8], buf[64];
    trim(&s, &len);
    if (len > 0 && decimal_fast(s, len, value))
        return 0;
    if (len == 0 || len >= sizeof buf)
        goto bad;
    for (size_t i = 0; i < len; i++)  /* digits, sign, point, exponent: no inf/nan/hex */
        if (!is_digit(s[i]) && !strchr("+-.eE", s[i]))
            goto bad;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *endp;
    errno = 0;
    double v = strtod(buf, &endp);
    if (endp != buf + len)
        goto bad;
    if (errno == ERANGE && fabs(v) > 1.0)
        return dg_error_set(err, DG_ERANGE, "number \"%s\" is too large", show(s, len, shown));
    *value = v;
    return 0;
bad:
    return dg_error_set(err, DG_EPARSE, "\"%s\" is not a number; expected e.g. 3.5, -2 or 1e-3",
                        show(s, len, shown));
}
