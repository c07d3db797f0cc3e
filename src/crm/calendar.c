/* The business calendar (include/dangol/calendar.h): parsing its "key = value" text and the
 * business-time arithmetic the ticket SLAs count in. Times are UTC seconds; the calendar works
 * in local seconds (UTC + utc_offset_s), day by day: a day's working time is its weekday's
 * ranges unless the day is a holiday. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/config.h"
#include "dangol/calendar.h"
#include "dangol/text.h"

static const char *const weekday_keys[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

/* 1970-01-01 was a Thursday: Monday = 0. */
static int weekday_of(int32_t day)
{
    int w = (int)((day + 3) % 7);
    return w < 0 ? w + 7 : w;
}

bool dg_calendar_is_holiday(const dg_calendar *cal, int32_t day)
{
    size_t lo = 0, hi = cal->n_holidays;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->holidays[mid] == day)
            return true;
        if (cal->holidays[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static const dg_calendar_day *hours_of(const dg_calendar *cal, int32_t day)
{
    static const dg_calendar_day closed = { 0, { 0 }, { 0 } };
    return dg_calendar_is_holiday(cal, day) ? &closed : &cal->week[weekday_of(day)];
}

int32_t dg_calendar_day_seconds(const dg_calendar *cal, int32_t day)
{
    const dg_calendar_day *h = hours_of(cal, day);
    int32_t total = 0;
    for (int r = 0; r < h->n_ranges; r++)
        total += h->to_s[r] - h->from_s[r];
    return total;
}

int dg_calendar_add(int64_t *out, const dg_calendar *cal, int64_t from, int64_t business_seconds,
                    dg_error *err)
{
    if (business_seconds <= 0) {
        *out = from;
        return 0;
    }
    int64_t local = from + cal->utc_offset_s, left = business_seconds;
    int32_t day = dg_day_of(local);
    for (int32_t i = 0; i < DG_CALENDAR_MAX_SPAN_DAYS; i++, day++) {
        const dg_calendar_day *h = hours_of(cal, day);
        int64_t midnight = (int64_t)day * 86400;
        for (int r = 0; r < h->n_ranges; r++) {
            int64_t start = midnight + h->from_s[r], end = midnight + h->to_s[r];
            if (local > start)
                start = local;
            if (start >= end)
                continue;
            if (left <= end - start) {
                *out = start + left - cal->utc_offset_s;
                return 0;
            }
            left -= end - start;
        }
    }
    return dg_error_set(err, DG_ERANGE, "the business calendar has fewer than %lld working "
                        "seconds in the %d days after that time", (long long)business_seconds,
                        DG_CALENDAR_MAX_SPAN_DAYS);
}

int64_t dg_calendar_between(const dg_calendar *cal, int64_t from, int64_t to)
{
    if (to < from)
        return -dg_calendar_between(cal, to, from);
    int64_t a = from + cal->utc_offset_s, b = to + cal->utc_offset_s, total = 0;
    for (int32_t day = dg_day_of(a), last = dg_day_of(b); day <= last; day++) {
        const dg_calendar_day *h = hours_of(cal, day);
        int64_t midnight = (int64_t)day * 86400;
        for (int r = 0; r < h->n_ranges; r++) {
            int64_t start = midnight + h->from_s[r], end = midnight + h->to_s[r];
            if (start < a)
                start = a;
            if (end > b)
                end = b;
            if (end > start)
                total += end - start;
        }
    }
    return total;
}

/* ---- the text ---- */

/* "HH:MM" at s (exactly 5 characters) into seconds after midnight, 00:00..24:00. */
static bool clock_parse(const char *s, int32_t *seconds)
{
    if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] == ':' &&
          s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9'))
        return false;
    int hh = (s[0] - '0') * 10 + (s[1] - '0'), mm = (s[3] - '0') * 10 + (s[4] - '0');
    if (hh > 24 || (hh == 24 && mm != 0))
        return false;
    *seconds = hh * 3600 + mm * 60;
    return true;
}

static int hours_parse(dg_calendar_day *day, const char *key, const char *value, dg_error *err)
{
    memset(day, 0, sizeof *day);
    if (strcmp(value, "closed") == 0)
        return 0;
    const char *p = value;
    for (;;) {
        while (*p == ' ')
            p++;
        int32_t from, to;
        if (strlen(p) < 11 || !clock_parse(p, &from) || (p[5] != '-') || !clock_parse(p + 6, &to))
            return dg_error_set(err, DG_EINVAL, "%s = \"%s\": expected \"closed\" or ranges "
                                "HH:MM-HH:MM joined by ',' (e.g. 09:00-12:00, 13:00-18:00)",
                                key, value);
        if (to <= from)
            return dg_error_set(err, DG_EINVAL, "%s = \"%s\": range %.11s ends before it starts",
                                key, value, p);
        if (day->n_ranges == DG_CALENDAR_MAX_RANGES)
            return dg_error_set(err, DG_EINVAL, "%s = \"%s\": at most %d ranges a day", key,
                                value, DG_CALENDAR_MAX_RANGES);
        if (day->n_ranges > 0 && from < day->to_s[day->n_ranges - 1])
            return dg_error_set(err, DG_EINVAL, "%s = \"%s\": ranges must be in order and not "
                                "overlap", key, value);
        day->from_s[day->n_ranges] = from;
        day->to_s[day->n_ranges] = to;
        day->n_ranges++;
        p += 11;
        while (*p == ' ')
            p++;
        if (!*p)
            return 0;
        if (*p != ',')
            return dg_error_set(err, DG_EINVAL, "%s = \"%s\": unexpected \"%s\" after a range; "
                                "join ranges with ','", key, value, p);
        p++;
    }
}

static int offset_parse(int32_t *offset, const char *value, dg_error *err)
{
    int32_t clock;
    if ((value[0] != '+' && value[0] != '-') || strlen(value) != 6 ||
        !clock_parse(value + 1, &clock) || clock > 14 * 3600)
        return dg_error_set(err, DG_EINVAL, "utc_offset = \"%s\": expected +HH:MM or -HH:MM "
                            "(e.g. +09:00 for Korea)", value);
    *offset = value[0] == '-' ? -clock : clock;
    return 0;
}

static int calendar_kv(void *ctx, const char *key, const char *value, dg_error *err)
{
    dg_calendar *cal = ctx;
    if (strcmp(key, "utc_offset") == 0)
        return offset_parse(&cal->utc_offset_s, value, err);
    for (int w = 0; w < 7; w++)
        if (strcmp(key, weekday_keys[w]) == 0)
            return hours_parse(&cal->week[w], key, value, err);
    if (strncmp(key, "holiday.", 8) == 0) {
        int32_t day;
        dg_error local;
        dg_error_clear(&local);
        if (strlen(key + 8) != 10 || dg_date_parse(key + 8, 10, &day, &local) != 0)
            return dg_error_set(err, DG_EINVAL, "%s: expected holiday.YYYY-MM-DD = NAME%s%s",
                                key, local.message[0] ? ": " : "", local.message);
        if (!*value)
            return dg_error_set(err, DG_EINVAL, "%s: the holiday needs a name", key);
        if (cal->n_holidays == DG_CALENDAR_MAX_HOLIDAYS)
            return dg_error_set(err, DG_ERANGE, "more than %d holidays",
                                DG_CALENDAR_MAX_HOLIDAYS);
        size_t at = cal->n_holidays;
        while (at > 0 && cal->holidays[at - 1] > day)
            at--;
        if (at > 0 && cal->holidays[at - 1] == day)
            return dg_error_set(err, DG_EINVAL, "%s is listed twice", key);
        memmove(cal->holidays + at + 1, cal->holidays + at,
                (cal->n_holidays - at) * sizeof cal->holidays[0]);
        cal->holidays[at] = day;
        cal->n_holidays++;
        return 0;
    }
    return dg_error_set(err, DG_EINVAL, "unknown key \"%s\"; valid: utc_offset, mon, tue, wed, "
                        "thu, fri, sat, sun, holiday.YYYY-MM-DD", key);
}

int dg_calendar_parse(dg_calendar *cal, const char *text, const char *name, dg_error *err)
{
    memset(cal, 0, sizeof *cal);
    int rc = dg__kv_parse(text, name, calendar_kv, cal, err);
    if (rc != 0)
        return rc;
    for (int w = 0; w < 7; w++)
        if (cal->week[w].n_ranges > 0)
            return 0;
    return dg_error_set(err, DG_EINVAL, "%s: no weekday has working hours (write e.g. "
                        "mon = 09:00-18:00)", name);
}
