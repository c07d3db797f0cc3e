/* The business calendar: business-hour arithmetic worked out by hand across day boundaries,
 * weekends, holidays, lunch breaks and the UTC offset; add and between agree with each other
 * and with a minute-by-minute count; the Korean holidays of the shipped file; parse errors at
 * file:line:column; the built-in calendar and SLA are the shipped config files. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/calendar.h"
#include "dangol/report.h"
#include "dangol/text.h"
#include "dangol/ticket.h"
#include "support.h"

#define H 3600

static dg_error err;

/* KST wall time -> UTC seconds. */
static int64_t kst(int y, int mo, int d, int h, int mi)
{
    return (int64_t)dg_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 - 9 * 3600;
}

static dg_calendar plain(void)
{
    dg_calendar cal;
    cr_assert_eq(dg_calendar_parse(&cal, "utc_offset = +09:00\nmon = 09:00-18:00\n"
                                   "tue = 09:00-18:00\nwed = 09:00-18:00\nthu = 09:00-18:00\n"
                                   "fri = 09:00-18:00\nholiday.2026-03-02 = substitute\n",
                                   "plain", &err), 0, "%s", err.message);
    return cal;
}

static int64_t add(const dg_calendar *cal, int64_t from, int64_t seconds)
{
    int64_t out = 0;
    cr_assert_eq(dg_calendar_add(&out, cal, from, seconds, &err), 0, "%s", err.message);
    return out;
}

Test(calendar, add_within_one_day)
{
    dg_calendar cal = plain();
    /* Wed 2026-03-04 10:00 + 3 h = 13:00 */
    cr_assert_eq(add(&cal, kst(2026, 3, 4, 10, 0), 3 * H), kst(2026, 3, 4, 13, 0));
    cr_assert_eq(add(&cal, kst(2026, 3, 4, 10, 0), 0), kst(2026, 3, 4, 10, 0));
}

Test(calendar, add_ending_at_closing_stays_that_day)
{
    dg_calendar cal = plain();
    cr_assert_eq(add(&cal, kst(2026, 3, 4, 10, 0), 8 * H), kst(2026, 3, 4, 18, 0));
    cr_assert_eq(add(&cal, kst(2026, 3, 4, 10, 0), 8 * H + 1), kst(2026, 3, 5, 9, 0) + 1);
}

Test(calendar, before_opening_starts_at_opening)
{
    dg_calendar cal = plain();
    cr_assert_eq(add(&cal, kst(2026, 3, 4, 6, 30), 1 * H), kst(2026, 3, 4, 10, 0));
    cr_assert_eq(add(&cal, kst(2026, 3, 4, 20, 0), 1 * H), kst(2026, 3, 5, 10, 0));
}

Test(calendar, over_a_weekend_and_a_holiday)
{
    dg_calendar cal = plain();
    /* Fri 2026-02-27 17:00 + 2 h: 1 h Friday, Sat, Sun, Mon 03-02 a holiday, Tue 10:00 */
    cr_assert_eq(add(&cal, kst(2026, 2, 27, 17, 0), 2 * H), kst(2026, 3, 3, 10, 0));
    /* from inside the weekend */
    cr_assert_eq(add(&cal, kst(2026, 2, 28, 12, 0), 30 * 60), kst(2026, 3, 3, 9, 30));
    cr_assert_eq(dg_calendar_between(&cal, kst(2026, 2, 27, 17, 0), kst(2026, 3, 3, 10, 0)),
                 2 * H);
}

Test(calendar, lunch_break_ranges)
{
    dg_calendar cal;
    cr_assert_eq(dg_calendar_parse(&cal, "mon = 09:00-12:00, 13:00-18:00\n", "lunch", &err), 0,
                 "%s", err.message);
    /* utc_offset 0 here: Mon 2026-03-02 11:00 UTC + 2 h = 14:00 (the lunch hour skipped) */
    int64_t mon11 = (int64_t)dg_days_from_civil(2026, 3, 2) * 86400 + 11 * H;
    cr_assert_eq(add(&cal, mon11, 2 * H), mon11 + 3 * H);
    cr_assert_eq(dg_calendar_day_seconds(&cal, dg_days_from_civil(2026, 3, 2)), 8 * H);
    /* next Monday: a week later */
    cr_assert_eq(add(&cal, mon11, 8 * H), mon11 + 7 * 86400);   /* 6 h Monday, 2 h the next */
}

Test(calendar, between_is_signed_and_clipped)
{
    dg_calendar cal = plain();
    int64_t a = kst(2026, 3, 4, 7, 0), b = kst(2026, 3, 5, 10, 0);
    cr_assert_eq(dg_calendar_between(&cal, a, b), 9 * H + 1 * H);
    cr_assert_eq(dg_calendar_between(&cal, b, a), -(10 * H));
    cr_assert_eq(dg_calendar_between(&cal, a, a), 0);
    cr_assert_eq(dg_calendar_between(&cal, kst(2026, 3, 7, 9, 0), kst(2026, 3, 8, 18, 0)), 0);
}

/* minute by minute: is the minute starting at t working time? */
static bool working_minute(const dg_calendar *cal, int64_t t)
{
    int64_t local = t + cal->utc_offset_s;
    int32_t day = (int32_t)(local / 86400);
    if (dg_calendar_is_holiday(cal, day))
        return false;
    const dg_calendar_day *d = &cal->week[((day + 3) % 7 + 7) % 7];
    int32_t s = (int32_t)(local - (int64_t)day * 86400);
    for (int r = 0; r < d->n_ranges; r++)
        if (s >= d->from_s[r] && s < d->to_s[r])
            return true;
    return false;
}

Test(calendar, add_and_between_agree_with_a_minute_count)
{
    dg_calendar cal;
    cr_assert_eq(dg_calendar_default(&cal, &err), 0, "%s", err.message);
    /* every 37 minutes over Seollal 2026 (Feb 12 .. Feb 24), add 1..30 h and count back */
    for (int64_t from = kst(2026, 2, 12, 0, 0); from < kst(2026, 2, 24, 0, 0); from += 37 * 60) {
        for (int hours = 1; hours <= 30; hours += 7) {
            int64_t due = add(&cal, from, hours * H);
            cr_assert_eq(dg_calendar_between(&cal, from, due), hours * H);
            int64_t minutes = 0;
            for (int64_t t = from - from % 60; t < due; t += 60)
                minutes += working_minute(&cal, t);
            cr_assert(minutes >= hours * 60 - 1 && minutes <= hours * 60 + 1,
                      "%lld minutes counted for %d h", (long long)minutes, hours);
        }
    }
}

Test(calendar, shipped_korean_holidays)
{
    dg_calendar cal;
    char *text = test_file_text("config/calendar.conf");
    cr_assert_eq(dg_calendar_parse(&cal, text, "config/calendar.conf", &err), 0, "%s",
                 err.message);
    free(text);
    static const int days[][3] = {
        { 2025, 1, 29 }, { 2025, 3, 3 }, { 2025, 5, 6 }, { 2025, 10, 6 }, { 2025, 10, 8 },
        { 2026, 2, 17 }, { 2026, 3, 2 }, { 2026, 5, 25 }, { 2026, 8, 17 }, { 2026, 9, 25 },
        { 2026, 10, 5 }, { 2027, 2, 9 }, { 2027, 5, 13 }, { 2027, 9, 15 }, { 2027, 10, 11 },
        { 2027, 12, 27 } };
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++)
        cr_assert(dg_calendar_is_holiday(&cal, dg_days_from_civil(days[i][0], days[i][1],
                                                                  days[i][2])),
                  "%d-%02d-%02d", days[i][0], days[i][1], days[i][2]);
    cr_assert_not(dg_calendar_is_holiday(&cal, dg_days_from_civil(2026, 2, 19)));
    /* Chuseok 2025: Fri 10-03 17:00 + 2 h -> Fri 10-10 10:00 (a week of holidays and a weekend) */
    cr_assert_eq(add(&cal, kst(2025, 10, 2, 17, 0), 2 * H), kst(2025, 10, 10, 10, 0));
}

Test(calendar, builtin_is_the_shipped_file)
{
    dg_calendar shipped, builtin;
    char *text = test_file_text("config/calendar.conf");
    cr_assert_eq(dg_calendar_parse(&shipped, text, "config/calendar.conf", &err), 0);
    free(text);
    cr_assert_eq(dg_calendar_default(&builtin, &err), 0, "%s", err.message);
    cr_assert_eq(memcmp(&shipped, &builtin, sizeof shipped), 0,
                 "config/calendar.conf and the built-in calendar differ");
    dg_ticket_sla a, b;
    cr_assert_eq(dg_ticket_sla_default(&a, &err), 0, "%s", err.message);
    memset(&b, 0, sizeof b);
    text = test_file_text("config/sla.conf");
    cr_assert_eq(dg_ticket_sla_parse(&b, text, "config/sla.conf", &err), 0, "%s", err.message);
    free(text);
    cr_assert_eq(memcmp(&a, &b, sizeof a), 0, "config/sla.conf and the built-in SLA differ");
    cr_assert_eq(a.first_response_s[DG_TICKET_COMPLAINT][DG_TICKET_NORMAL], 4 * H);
    cr_assert_eq(a.first_response_s[DG_TICKET_INQUIRY][DG_TICKET_NORMAL], 8 * H);
    cr_assert_eq(a.resolution_s[DG_TICKET_COMPLIMENT][DG_TICKET_LOW], 180 * H);
}

static void refused(const char *text, const char *message)
{
    dg_calendar cal;
    dg_error_clear(&err);
    cr_assert_neq(dg_calendar_parse(&cal, text, "cal.conf", &err), 0, "accepted: %s", text);
    cr_assert(strstr(err.message, message), "\"%s\" not in \"%s\"", message, err.message);
}

Test(calendar, bad_text_is_refused_at_file_line_column)
{
    refused("mon = 09:00-18:00\ntue = 9-18\n", "cal.conf:2:7:");
    refused("mon = 18:00-09:00\n", "ends before it starts");
    refused("mon = 09:00-13:00, 12:00-18:00\n", "not overlap");
    refused("mon = 09:00-25:00\n", "expected \"closed\" or ranges");
    refused("mon = 09:00-18:00\nholiday.2026-02-30 = x\n", "cal.conf:2:");
    refused("mon = 09:00-18:00\nholiday.2026-03-01 = a\nholiday.2026-03-01 = b\n", "twice");
    refused("mon = 09:00-18:00\nutc_offset = 9\n", "expected +HH:MM");
    refused("monday = 09:00-18:00\n", "unknown key \"monday\"");
    refused("sat = closed\n", "no weekday has working hours");
    dg_ticket_sla sla;
    cr_assert_eq(dg_ticket_sla_default(&sla, &err), 0);
    dg_error_clear(&err);
    cr_assert_neq(dg_ticket_sla_parse(&sla, "resolution.high = 4\nfirst_response.hgh = 2\n",
                                      "sla.conf", &err), 0);
    cr_assert(strstr(err.message, "sla.conf:2:") && strstr(err.message, "unknown priority"),
              "%s", err.message);
    cr_assert_eq(sla.resolution_s[DG_TICKET_INQUIRY][DG_TICKET_HIGH], 18 * H,
                 "a refused file changes nothing");
}

Test(calendar, times_as_the_cli_takes_them)
{
    int64_t t;
    cr_assert_eq(dg_ticket_time_parse(&t, "2026-03-04", &err), 0);
    cr_assert_eq(t, (int64_t)dg_days_from_civil(2026, 3, 4) * 86400 + 86399);
    cr_assert_eq(dg_ticket_time_parse(&t, "2026-03-04T10:00:00+09:00", &err), 0);
    cr_assert_eq(t, kst(2026, 3, 4, 10, 0));
    cr_assert_neq(dg_ticket_time_parse(&t, "2026-13-04", &err), 0);
}
