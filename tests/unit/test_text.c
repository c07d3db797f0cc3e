/* Text parsers: dates, timestamps, money, booleans, integers and reals, with their messages. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/money.h"
#include "dangol/text.h"

static int date(const char *s, int32_t *d, dg_error *e)
{
    return dg_date_parse(s, strlen(s), d, e);
}

static int money(const char *s, int digits, int64_t *m, dg_error *e)
{
    return dg_money_parse(s, strlen(s), digits, m, e);
}

static int ts(const char *s, int64_t *t, dg_error *e)
{
    return dg_timestamp_parse(s, strlen(s), t, e);
}

Test(text, dates_in_both_forms)
{
    int32_t d;
    dg_error e;
    cr_assert_eq(date("1970-01-01", &d, &e), 0);
    cr_assert_eq(d, 0);
    cr_assert_eq(date("19970101", &d, &e), 0);
    cr_assert_eq(d, 9862);
    cr_assert_eq(date(" 2024-02-29 ", &d, &e), 0);
    cr_assert_eq(d, dg_days_from_civil(2024, 2, 29));
    cr_assert_eq(date("1969-12-31", &d, &e), 0);
    cr_assert_eq(d, -1);
}

/* DESIGN.md's timestamp forms in a date column: the date as written (local), not the UTC one. */
Test(text, dates_from_timestamps_take_the_written_date)
{
    int32_t d;
    dg_error e;
    cr_assert_eq(date("2024-03-01T10:20:30Z", &d, &e), 0, "%s", e.message);
    cr_assert_eq(d, dg_days_from_civil(2024, 3, 1));
    cr_assert_eq(date("2024-03-01T01:00:00+09:00", &d, &e), 0, "%s", e.message);
    cr_assert_eq(d, dg_days_from_civil(2024, 3, 1));   /* 2024-02-29 in UTC */
    cr_assert_eq(date("2024-03-01T23:30:00-05:00", &d, &e), 0, "%s", e.message);
    cr_assert_eq(d, dg_days_from_civil(2024, 3, 1));   /* 2024-03-02 in UTC */
    cr_assert_eq(date("2024-03-01T10:20:30", &d, &e), 0, "%s", e.message);
    cr_assert_eq(date("2024-03-01T25:00:00Z", &d, &e), DG_ERANGE);
    cr_assert(strstr(e.message, "date \"2024-03-01T25:00:00Z\" has an invalid time"), "%s",
              e.message);
    cr_assert_eq(date("2024-03-01Tnoon", &d, &e), DG_EPARSE);
    cr_assert_eq(date("2024-13-01T10:00:00Z", &d, &e), DG_ERANGE);
    cr_assert(strstr(e.message, "(month 13)"), "%s", e.message);
}

Test(text, bad_dates_say_why_and_what_is_accepted)
{
    int32_t d;
    dg_error e;
    cr_assert_eq(date("2024-13-01", &d, &e), DG_ERANGE);
    cr_assert_str_eq(e.message, "date \"2024-13-01\" is not a valid date (month 13); "
                                "expected YYYY-MM-DD, YYYYMMDD or YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]");
    cr_assert_eq(date("2023-02-29", &d, &e), DG_ERANGE);
    cr_assert(strstr(e.message, "day 29; 2023-02 has 28 days"), "%s", e.message);
    cr_assert_eq(date("2024/01/05", &d, &e), DG_EPARSE);
    cr_assert(strstr(e.message, "is not a date; expected YYYY-MM-DD"), "%s", e.message);
    cr_assert_eq(date("", &d, &e), DG_EPARSE);
    cr_assert_eq(date("0000-01-01", &d, &e), DG_ERANGE);
    cr_assert_eq(date("2024-1-05", &d, &e), DG_EPARSE);
    cr_assert_eq(date("20240100", &d, &e), DG_ERANGE);
}

Test(text, timestamps_with_zones)
{
    int64_t t;
    dg_error e;
    cr_assert_eq(ts("1970-01-01T00:00:00Z", &t, &e), 0);
    cr_assert_eq(t, 0);
    cr_assert_eq(ts("1970-01-02", &t, &e), 0);
    cr_assert_eq(t, 86400);
    cr_assert_eq(ts("19700102", &t, &e), 0);
    cr_assert_eq(t, 86400);
    cr_assert_eq(ts("2024-03-05T10:20", &t, &e), 0);
    cr_assert_eq(t, (int64_t)dg_days_from_civil(2024, 3, 5) * 86400 + 10 * 3600 + 20 * 60);
    cr_assert_eq(ts("2024-03-05 19:20:30+09:00", &t, &e), 0);
    cr_assert_eq(t, (int64_t)dg_days_from_civil(2024, 3, 5) * 86400 + 10 * 3600 + 20 * 60 + 30);
    cr_assert_eq(ts("2024-03-05T05:20:30-0500", &t, &e), 0);
    cr_assert_eq(t, (int64_t)dg_days_from_civil(2024, 3, 5) * 86400 + 10 * 3600 + 20 * 60 + 30);
    cr_assert_eq(ts("2024-03-05T10:20:30.250Z", &t, &e), 0);
    cr_assert_eq(t % 60, 30);
    cr_assert_eq(ts("2024-03-05T24:00", &t, &e), DG_ERANGE);
    cr_assert_eq(ts("2024-03-05T10:2", &t, &e), DG_EPARSE);
    cr_assert(strstr(e.message, "expected YYYY-MM-DD, YYYYMMDD or YYYY-MM-DDTHH:MM"), "%s", e.message);
    cr_assert_eq(ts("2024-03-05T10:20Zjunk", &t, &e), DG_EPARSE);
}

/* One range for every date and timestamp (1900-01-01 .. 2100-12-31, as written), so import,
 * --as-of and the API's as_of cannot make a report span millennia or label months before year 1. */
Test(text, dates_outside_1900_to_2100_are_refused)
{
    int32_t d;
    int64_t t;
    dg_error e;
    cr_assert_eq(date("1900-01-01", &d, &e), 0, "%s", e.message);
    cr_assert_eq(d, dg_days_from_civil(1900, 1, 1));
    cr_assert_eq(date("2100-12-31", &d, &e), 0, "%s", e.message);
    cr_assert_eq(d, dg_days_from_civil(2100, 12, 31));
    cr_assert_eq(ts("2100-12-31T23:59:59Z", &t, &e), 0, "%s", e.message);
    cr_assert_eq(date("1899-12-31", &d, &e), DG_ERANGE);
    cr_assert_str_eq(e.message, "date \"1899-12-31\" is out of range (year 1899); dates must be "
                     "between 1900-01-01 and 2100-12-31");
    cr_assert_eq(date("2101-01-01", &d, &e), DG_ERANGE);
    cr_assert_eq(date("9999-12-31", &d, &e), DG_ERANGE);
    cr_assert_eq(date("0000-11-01", &d, &e), DG_ERANGE);
    cr_assert_eq(date("28001231", &d, &e), DG_ERANGE);
    cr_assert_eq(ts("0001-01-01T00:00:00+18:00", &t, &e), DG_ERANGE);
    cr_assert(strstr(e.message, "timestamp \"0001-01-01T00:00:00+18:00\" is out of range"), "%s",
              e.message);
    cr_assert_eq(ts("2800-12-31T00:00Z", &t, &e), DG_ERANGE);
}

Test(text, timestamp_format_round_trips)
{
    char buf[32];
    int64_t t;
    dg_error e;
    int64_t samples[] = { 0, 1, 86399, -1, 1700000000, -2208988800LL, 4133980799LL };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        dg_timestamp_format(samples[i], buf);
        cr_assert_eq(ts(buf, &t, &e), 0, "%s", buf);
        cr_assert_eq(t, samples[i], "%s", buf);
    }
}

Test(text, money_forms)
{
    int64_t m;
    dg_error e;
    cr_assert_eq(money("1234", 0, &m, &e), 0);
    cr_assert_eq(m, 1234);
    cr_assert_eq(money("1,234,567", 0, &m, &e), 0);
    cr_assert_eq(m, 1234567);
    cr_assert_eq(money("12.5", 2, &m, &e), 0);
    cr_assert_eq(m, 1250);
    cr_assert_eq(money("-3.00", 2, &m, &e), 0);
    cr_assert_eq(m, -300);
    cr_assert_eq(money("\xE2\x82\xA9" "1,000", 0, &m, &e), 0);
    cr_assert_eq(m, 1000);
    cr_assert_eq(money("$12.34", 2, &m, &e), 0);
    cr_assert_eq(m, 1234);
    cr_assert_eq(money("-$12.34", 2, &m, &e), 0);
    cr_assert_eq(m, -1234);
    cr_assert_eq(money("15,000\xEC\x9B\x90", 0, &m, &e), 0);
    cr_assert_eq(m, 15000);
    cr_assert_eq(money("(1,234.50)", 2, &m, &e), 0);
    cr_assert_eq(m, -123450);
    cr_assert_eq(money("1000.00", 0, &m, &e), 0);   /* trailing zero decimals lose nothing */
    cr_assert_eq(m, 1000);
    cr_assert_eq(money(".5", 2, &m, &e), 0);
    cr_assert_eq(m, 50);
    cr_assert_eq(money("29.33", 2, &m, &e), 0);
    cr_assert_eq(m, 2933);
    cr_assert_eq(money("99,999,999,999,999.99", 2, &m, &e), 0);   /* the largest amount */
    cr_assert_eq(m, DG_MONEY_MAX_MINOR);
    cr_assert_eq(money("-9999999999999999", 0, &m, &e), 0);
    cr_assert_eq(m, -DG_MONEY_MAX_MINOR);
}

Test(text, bad_money_is_never_rounded)
{
    int64_t m;
    dg_error e;
    cr_assert_eq(money("12.345", 2, &m, &e), DG_ERANGE);
    cr_assert(strstr(e.message, "more decimals than the currency's 2"), "%s", e.message);
    cr_assert_eq(money("1000.5", 0, &m, &e), DG_ERANGE);
    cr_assert_eq(money("1,23", 0, &m, &e), DG_EPARSE);
    cr_assert(strstr(e.message, "misplaced thousands separator"), "%s", e.message);
    cr_assert_eq(money("1234,567", 0, &m, &e), DG_EPARSE);
    cr_assert_eq(money("12a", 0, &m, &e), DG_EPARSE);
    cr_assert(strstr(e.message, "expected an amount like"), "%s", e.message);
    cr_assert_eq(money("", 0, &m, &e), DG_EPARSE);
    cr_assert_eq(money("-", 0, &m, &e), DG_EPARSE);
    cr_assert_eq(money("$", 2, &m, &e), DG_EPARSE);
    cr_assert_eq(money("99999999999999999999", 0, &m, &e), DG_ERANGE);
    cr_assert_eq(money("92233720368547758.08", 2, &m, &e), DG_ERANGE);
    /* past DG_MONEY_MAX_MINOR (but inside int64): refused, so that sums have room */
    cr_assert_eq(money("100000000000000.00", 2, &m, &e), DG_ERANGE);
    cr_assert(strstr(e.message, "limited to +-99,999,999,999,999.99"), "%s", e.message);
    cr_assert_eq(money("-10000000000000000", 0, &m, &e), DG_ERANGE);
    cr_assert_eq(money("92233720368547758.07", 2, &m, &e), DG_ERANGE);
}

Test(text, money_sums_are_checked)
{
    int64_t sum = INT64_MAX - 1;
    cr_assert_eq(dg_money_add(&sum, 1), 0);
    cr_assert_eq(sum, INT64_MAX);
    cr_assert_eq(dg_money_add(&sum, 1), DG_ERANGE);
    cr_assert_eq(sum, INT64_MAX, "an overflowing add leaves the sum as it was");
    sum = INT64_MIN;
    cr_assert_eq(dg_money_add(&sum, -1), DG_ERANGE);
    cr_assert_eq(dg_money_add(&sum, DG_MONEY_MAX_MINOR), 0);
}

/* Accounting parentheses are the sign: a second sign inside or outside them is refused, never
 * read as "(-5)" = +5. */
Test(text, accounting_parentheses_take_no_other_sign)
{
    int64_t m;
    dg_error e;
    cr_assert_eq(money("(5)", 0, &m, &e), 0, "%s", e.message);
    cr_assert_eq(m, -5);
    cr_assert_eq(money("($5.00)", 2, &m, &e), 0, "%s", e.message);
    cr_assert_eq(m, -500);
    cr_assert_eq(money("(-5)", 0, &m, &e), DG_EPARSE);
    cr_assert_str_eq(e.message, "amount \"(-5)\" has a sign inside accounting parentheses; "
                     "write (5.00) or -5.00, not both");
    cr_assert_eq(money("(+5)", 0, &m, &e), DG_EPARSE);
    cr_assert_eq(money("($-5)", 0, &m, &e), DG_EPARSE);
    cr_assert(strstr(e.message, "sign inside accounting parentheses"), "%s", e.message);
    cr_assert_eq(money("($ -5)", 0, &m, &e), DG_EPARSE);
    cr_assert_eq(money("-(5)", 0, &m, &e), DG_EPARSE);
    cr_assert(strstr(e.message, "sign outside accounting parentheses"), "%s", e.message);
    cr_assert_eq(money("+(5)", 0, &m, &e), DG_EPARSE);
    cr_assert_eq(money("-($5)", 0, &m, &e), DG_EPARSE);
}

Test(text, int_format_is_printfs)
{
    const int64_t samples[] = { 0, 7, -7, 10, -10, 1234567890123LL, INT64_MAX, INT64_MIN };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        char buf[24], want[32];
        snprintf(want, sizeof want, "%" PRId64, samples[i]);
        cr_expect_str_eq(dg_int_format(samples[i], buf), want);
    }
}

Test(text, money_format_round_trips)
{
    char buf[48];
    int64_t m;
    dg_error e;
    int64_t samples[] = { 0, 1, -1, 99, 100, -12345, DG_MONEY_MAX_MINOR, -DG_MONEY_MAX_MINOR };
    for (int digits = 0; digits <= 3; digits++)
        for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
            dg_money_format(samples[i], digits, buf, sizeof buf);
            cr_assert_eq(money(buf, digits, &m, &e), 0, "%s: %s", buf, e.message);
            cr_assert_eq(m, samples[i], "%s", buf);
            dg_money_format_human(samples[i], digits, buf, sizeof buf);
            cr_assert_eq(money(buf, digits, &m, &e), 0, "%s: %s", buf, e.message);
            cr_assert_eq(m, samples[i], "%s", buf);
        }
}

Test(text, booleans_including_korean)
{
    bool v;
    dg_error e;
    const char *yes[] = { "1", "true", "TRUE", "Yes", "y", "T", "예", "네" };
    const char *no[] = { "0", "false", "No", "N", "f", "아니오", "아니요" };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        cr_assert_eq(dg_bool_parse(yes[i], strlen(yes[i]), &v, &e), 0, "%s", yes[i]);
        cr_assert(v);
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        cr_assert_eq(dg_bool_parse(no[i], strlen(no[i]), &v, &e), 0, "%s", no[i]);
        cr_assert(!v);
    }
    cr_assert_eq(dg_bool_parse("maybe", 5, &v, &e), DG_EPARSE);
    cr_assert(strstr(e.message, "예/아니오"), "%s", e.message);
}

Test(text, integers_and_reals)
{
    int64_t i;
    double r;
    dg_error e;
    cr_assert_eq(dg_int_parse(" -42 ", 5, &i, &e), 0);
    cr_assert_eq(i, -42);
    cr_assert_eq(dg_int_parse("9223372036854775807", 19, &i, &e), 0);
    cr_assert_eq(i, INT64_MAX);
    cr_assert_eq(dg_int_parse("-9223372036854775808", 20, &i, &e), 0);
    cr_assert_eq(i, INT64_MIN);
    cr_assert_eq(dg_int_parse("9223372036854775808", 19, &i, &e), DG_ERANGE);
    cr_assert_eq(dg_int_parse("4.5", 3, &i, &e), DG_EPARSE);
    cr_assert(strstr(e.message, "not a whole number"), "%s", e.message);
    cr_assert_eq(dg_int_parse("", 0, &i, &e), DG_EPARSE);
    cr_assert_eq(dg_real_parse("3.25", 4, &r, &e), 0);
    cr_assert_float_eq(r, 3.25, 1e-12);
    cr_assert_eq(dg_real_parse("1e-3", 4, &r, &e), 0);
    cr_assert_eq(dg_real_parse("nan", 3, &r, &e), DG_EPARSE);
    cr_assert_eq(dg_real_parse("1e999", 5, &r, &e), DG_ERANGE);
}

/* dg_real_parse reads plain decimals without strtod (Clinger's fast path); every value must be
 * the very double strtod gives: random decimals of 1 to 19 digits with the point anywhere, signs,
 * leading zeros, "5." and ".5", the boundary 2^53, and the %.17g texts a summary CSV holds. */
Test(text, real_parse_agrees_with_strtod_to_the_bit)
{
    static const char *const fixed[] = {"0", "-0", "+0.0", ".5", "5.", "-.25", "007.50",
                                        "9007199254740991", "9007199254740992",
                                        "9007199254740993", "0.1", "0.30000000000000004",
                                        "32.428571428571431", "1234567890123456789",
                                        "0.0000000000000000000001", "123456.7890123456789"};
    char buf[64];
    uint64_t state = 12345;
    for (size_t k = 0; k < 200000 + sizeof fixed / sizeof fixed[0]; k++) {
        const char *text = buf;
        if (k < sizeof fixed / sizeof fixed[0]) {
            text = fixed[k];
        } else {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            uint64_t u = state >> 11;
            int digits = 1 + (int)(u % 19), point = (int)((u >> 5) % (uint64_t)(digits + 2));
            size_t n = 0;
            if ((u >> 10) & 1)
                buf[n++] = '-';
            for (int d = 0; d < digits; d++) {
                if (d == point)
                    buf[n++] = '.';
                state = state * 6364136223846793005ULL + 1442695040888963407ULL;
                buf[n++] = (char)('0' + (state >> 33) % 10);
            }
            if (point == digits)
                buf[n++] = '.';
            buf[n] = '\0';
        }
        double got, want = strtod(text, NULL);
        dg_error e;
        cr_assert_eq(dg_real_parse(text, strlen(text), &got, &e), 0, "%s: %s", text, e.message);
        cr_assert(memcmp(&got, &want, sizeof got) == 0, "\"%s\": %.17g, strtod %.17g", text, got,
                  want);
    }
}

/* The 17-19 digit texts past 2^53 take the long-double path: %.17g of random doubles (what a
 * summary CSV holds), and 17 to 19 digits of the points halfway between two neighbouring doubles
 * (where rounding twice could go wrong), all equal to strtod's to the bit. */
Test(text, real_parse_long_decimals_agree_with_strtod_to_the_bit)
{
    char buf[64];
    uint64_t state = 777;
    for (int k = 0; k < 300000; k++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        double scale = ldexp(1.0, (int)((state >> 40) % 80) - 30);
        double d = (double)(state >> 11) * 0x1.0p-53 * scale;
        if (k % 2 == 0) {
            snprintf(buf, sizeof buf, "%.17g", d);
        } else {
            long double mid = ((long double)d + (long double)nextafter(d, INFINITY)) / 2;
            snprintf(buf, sizeof buf, "%.*Lf", 17 + k % 3 - (int)floorl(log10l(mid)) - 1, mid);
        }
        if (strchr(buf, 'e'))
            continue;
        double got, want = strtod(buf, NULL);
        dg_error e;
        cr_assert_eq(dg_real_parse(buf, strlen(buf), &got, &e), 0, "%s: %s", buf, e.message);
        cr_assert(memcmp(&got, &want, sizeof got) == 0, "\"%s\": %.17g, strtod %.17g", buf, got,
                  want);
    }
}

Test(text, long_values_are_cut_in_messages)
{
    char big[300];
    memset(big, '9', sizeof big);
    big[5] = 'x';
    int64_t m;
    dg_error e;
    cr_assert_eq(dg_money_parse(big, sizeof big, 0, &m, &e), DG_EPARSE);
    cr_assert(strstr(e.message, "...\""), "%s", e.message);
    cr_assert_lt(strlen(e.message), 200);
}
