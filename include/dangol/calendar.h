/* The business calendar: working hours per weekday (one or more HH:MM-HH:MM ranges, local time
 * at a fixed UTC offset; Korea keeps no daylight saving) and dated holidays, kept as data
 * (config/calendar.conf, parsed with file:line:column errors). Service-level targets count
 * business seconds on it: dg_calendar_add moves a UTC timestamp forward by N business seconds,
 * dg_calendar_between counts the business seconds between two timestamps. A timestamp outside
 * working hours starts the clock at the next opening; adding exactly what is left of a range ends
 * at its closing time, not at the next opening. Both walk day by day (holidays by binary
 * search), so a span of D days costs O(D log H). */
#ifndef DANGOL_CALENDAR_H
#define DANGOL_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

#define DG_CALENDAR_MAX_RANGES 4       /* working-hour ranges of one weekday */
#define DG_CALENDAR_MAX_HOLIDAYS 1024
/* dg_calendar_add gives up (DG_ERANGE) after this many days without enough working time. */
#define DG_CALENDAR_MAX_SPAN_DAYS 3660

typedef struct dg_calendar_day {
    int n_ranges;
    int32_t from_s[DG_CALENDAR_MAX_RANGES];   /* seconds after local midnight, ascending, */
    int32_t to_s[DG_CALENDAR_MAX_RANGES];     /* not overlapping; to_s <= 86400 */
} dg_calendar_day;

typedef struct dg_calendar {
    int32_t utc_offset_s;                      /* local time = UTC + this */
    dg_calendar_day week[7];                   /* 0 = Monday ... 6 = Sunday */
    int32_t holidays[DG_CALENDAR_MAX_HOLIDAYS];/* local days, ascending, distinct */
    size_t n_holidays;
} dg_calendar;

/* The built-in calendar: the text of config/calendar.conf as shipped (compiled in). */
int dg_calendar_default(dg_calendar *cal, dg_error *err);
/* Parses calendar text (name: the file name for messages, which carry name:line:column):
 *   utc_offset = +09:00
 *   mon = 09:00-18:00            (also tue..sun; "closed"; ranges joined by ',')
 *   holiday.2025-01-01 = New Year's Day
 * Weekdays not written are closed. DG_EPARSE/DG_EINVAL for a bad line; DG_EINVAL when no
 * weekday has working hours. */
int dg_calendar_parse(dg_calendar *cal, const char *text, const char *name, dg_error *err);

/* Is the local day (days since 1970-01-01) a holiday? */
bool dg_calendar_is_holiday(const dg_calendar *cal, int32_t local_day);
/* Working seconds of a local day (0 on holidays and closed weekdays). */
int32_t dg_calendar_day_seconds(const dg_calendar *cal, int32_t local_day);

/* *out = the UTC timestamp business_seconds (>= 0) of working time after from. DG_ERANGE when
 * the calendar has not enough working time within DG_CALENDAR_MAX_SPAN_DAYS days. */
int dg_calendar_add(int64_t *out, const dg_calendar *cal, int64_t from, int64_t business_seconds,
                    dg_error *err);
/* Business seconds from `from` to `to`; negative when to < from. */
int64_t dg_calendar_between(const dg_calendar *cal, int64_t from, int64_t to);

DG_API_END

#endif
