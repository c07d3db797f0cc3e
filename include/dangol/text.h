/* Text-to-value parsers shared by import, the CLI and the HTTP API: dates, timestamps, money,
 * booleans, numbers, and their formatting back to text. Each parser takes a (pointer, length)
 * field, returns 0 or DG_EPARSE/DG_ERANGE, and writes a reason into err that says what would be
 * accepted (the caller prefixes the file position). */
#ifndef DANGOL_TEXT_H
#define DANGOL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

/* Every date and timestamp dangol reads is written between these years (1900-01-01 .. 2100-12-31,
 * the date as written, before a timestamp's zone offset): import, --as-of and the API's as_of all
 * parse through dg_date_parse / dg_timestamp_parse, so one check bounds them all, and no report
 * spans more than two centuries. Birth years use the same range. */
#define DG_DATE_MIN_YEAR 1900
#define DG_DATE_MAX_YEAR 2100

/* The parsers below read s[0..len) (no NUL needed; surrounding spaces and tabs ignored) into the out
 * value, touched only on success. Each returns 0, DG_EPARSE for text of the wrong form or
 * DG_ERANGE for a value out of range, with err saying which and what is accepted. They allocate
 * nothing.
 *
 * YYYY-MM-DD or YYYYMMDD -> days since 1970-01-01. A timestamp (below) gives the date written in
 * it, the local date, not the UTC one: 2024-03-01T01:00+09:00 is 2024-03-01. */
int dg_date_parse(const char *s, size_t len, int32_t *days, dg_error *err);
/* A date, or YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM] (space also accepted for T) -> UTC seconds. */
int dg_timestamp_parse(const char *s, size_t len, int64_t *seconds, dg_error *err);
/* "1234", "1,234", "12.5", "-3.00", "₩1,000", "$12.34" -> minor units with minor_digits decimals.
 * More decimals than the currency has is an error, not a rounding; so is an amount beyond
 * +-DG_MONEY_MAX_MINOR minor units (dangol/money.h). */
int dg_money_parse(const char *s, size_t len, int minor_digits, int64_t *minor, dg_error *err);
/* 1/0, true/false, yes/no, y/n, t/f, 예/아니오 (case-insensitive) -> true or false; DG_EPARSE
 * for anything else. */
int dg_bool_parse(const char *s, size_t len, bool *value, dg_error *err);
/* Digits with an optional sign -> int64; DG_ERANGE beyond it. */
int dg_int_parse(const char *s, size_t len, int64_t *value, dg_error *err);
/* A decimal number, optionally with an exponent (no inf, nan or hex); DG_ERANGE on overflow. */
int dg_real_parse(const char *s, size_t len, double *value, dg_error *err);

/* Civil date -> days since 1970-01-01 (proleptic Gregorian). The date is not checked. */
int32_t dg_days_from_civil(int year, int month, int day);
/* Days since 1970-01-01 -> the civil date, into the caller's year, month (1-12), day (1-31). */
void dg_civil_from_days(int32_t days, int *year, int *month, int *day);

/* The day (days since 1970-01-01) of a UTC timestamp in seconds: floor division, so the second
 * before the epoch is day -1. Every timestamp-to-day conversion goes through this one. */
static inline int32_t dg_day_of(int64_t ts)
{
    return (int32_t)((ts >= 0 ? ts : ts - 86399) / 86400);
}

/* Formatting into the caller's buf (always NUL-terminated, cut to cap); each returns buf and
 * cannot fail. */
char *dg_date_format(int32_t days, char buf[16]);                 /* YYYY-MM-DD */
char *dg_timestamp_format(int64_t seconds, char buf[32]);         /* YYYY-MM-DDTHH:MM:SSZ */
char *dg_money_format(int64_t minor, int minor_digits, char *buf, size_t cap);      /* -1234.56 */
char *dg_money_format_human(int64_t minor, int minor_digits, char *buf, size_t cap); /* -1,234.56 */
char *dg_int_format(int64_t v, char buf[24]);                     /* -1234, as printf's %lld */

DG_API_END

#endif
