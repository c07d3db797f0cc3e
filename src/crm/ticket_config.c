/* The tickets' vocabulary and SLA targets as data (include/dangol/ticket.h): the codes of kinds,
 * channels, states, priorities and event actions (parsed from their code or their English or
 * Korean name through the vocabulary), the SLA file (config/sla.conf, "key = value" lines with
 * file:line:column errors) and the built-in calendar and SLA texts, which are the shipped config
 * files word for word (tests/unit/test_calendar.c checks that they stay so). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analytics/config.h"
#include "dangol/text.h"
#include "dangol/ticket.h"
#include "dangol/vocab.h"

static const char *const kind_codes[] = { "complaint", "inquiry", "suggestion", "compliment",
                                          NULL };
static const char *const channel_codes[] = { "call_centre", "web", "app", "store", "email",
                                             NULL };
static const char *const state_codes[] = { "open", "assigned", "in_progress", "resolved",
                                           "closed", NULL };
static const char *const priority_codes[] = { "low", "normal", "high", "urgent", NULL };
static const char *const action_codes[] = { "open", "assign", "start", "resolve", "close",
                                            "reopen", "comment", "escalate", NULL };

typedef struct domain_info {
    const char *vocab;          /* vocabulary domain */
    const char *what;           /* for messages */
    const char *const *codes;
} domain_info;

static const domain_info domains[] = {
    { "ticket_kind", "ticket kind", kind_codes },
    { "channel", "channel", channel_codes },
    { "ticket_state", "ticket state", state_codes },
    { "ticket_priority", "priority", priority_codes },
    { "ticket_action", "ticket action", action_codes },
};

const char *dg_ticket_code(dg_ticket_domain domain, int value)
{
    if ((size_t)domain >= sizeof domains / sizeof domains[0] || value < 0)
        return "?";
    const char *const *codes = domains[domain].codes;
    for (int i = 0; codes[i]; i++)
        if (i == value)
            return codes[i];
    return "?";
}

int dg_ticket_code_parse(int *value, dg_ticket_domain domain, const char *text, dg_error *err)
{
    if ((size_t)domain >= sizeof domains / sizeof domains[0])
        return dg_error_set(err, DG_EINVAL, "unknown code domain");
    const domain_info *d = &domains[domain];
    const char *code = text ? dg_vocab_code(d->vocab, text, strlen(text)) : NULL;
    if (!code && text)
        code = text;
    for (int i = 0; code && d->codes[i]; i++)
        if (strcmp(d->codes[i], code) == 0) {
            *value = i;
            return 0;
        }
    char valid[160] = "";
    for (int i = 0; d->codes[i]; i++)
        snprintf(valid + strlen(valid), sizeof valid - strlen(valid), "%s%s", i ? ", " : "",
                 d->codes[i]);
    return dg_error_set(err, DG_EINVAL, "unknown %s \"%s\"; valid: %s", d->what,
                        text ? text : "", valid);
}

int64_t dg_ticket_now(void)
{
    return (int64_t)time(NULL);
}

int dg_ticket_time_parse(int64_t *out, const char *text, dg_error *err)
{
    size_t len = strlen(text);
    int32_t day;
    if ((len == 10 || len == 8) && !strpbrk(text, "T :")) {
        int rc = dg_date_parse(text, len, &day, err);
        if (rc == 0)
            *out = (int64_t)day * 86400 + 86399;
        return rc;
    }
    return dg_timestamp_parse(text, len, out, err);
}

int dg_ticket_hours_parse(int64_t *seconds, const char *text, dg_error *err)
{
    char *end;
    double hours = strtod(text, &end);
    if (end == text || *end || !(hours > 0 && hours <= 10000))
        return dg_error_set(err, DG_EINVAL, "\"%s\": expected business hours, more than 0 and "
                            "at most 10000", text);
    *seconds = llround(hours * 3600.0);
    return 0;
}

/* ---- the SLA file ---- */

typedef struct sla_ctx {
    dg_ticket_sla *sla;
    /* a kind's own target, written in this text: not overwritten by a priority's */
    bool own_first[DG_TICKET_N_KINDS][DG_TICKET_N_PRIORITIES];
    bool own_resolution[DG_TICKET_N_KINDS][DG_TICKET_N_PRIORITIES];
} sla_ctx;

static int hours_value(const char *key, const char *value, int64_t *seconds, dg_error *err)
{
    double hours;
    int rc = dg__kv_real(key, value, 0.0, 10000.0, &hours, err);
    if (rc == 0)
        *seconds = (int64_t)llround(hours * 3600.0);
    return rc;
}

static int sla_kv(void *ctx, const char *key, const char *value, dg_error *err)
{
    sla_ctx *c = ctx;
    dg_ticket_sla *sla = c->sla;
    if (strcmp(key, "recovery_first_response") == 0)
        return hours_value(key, value, &sla->recovery_first_response_s, err);
    if (strcmp(key, "at_risk_hours") == 0)
        return hours_value(key, value, &sla->at_risk_s, err);
    if (strcmp(key, "recovery_priority") == 0) {
        int p;
        int rc = dg_ticket_code_parse(&p, DG_TICKET_DOMAIN_PRIORITY, value, err);
        if (rc == 0)
            sla->recovery_priority = (dg_ticket_priority)p;
        return rc;
    }
    bool first = strncmp(key, "first_response.", 15) == 0;
    bool resolution = strncmp(key, "resolution.", 11) == 0;
    if (!first && !resolution)
        return dg_error_set(err, DG_EINVAL, "unknown key \"%s\"; valid: first_response.PRIORITY, "
                            "resolution.PRIORITY, first_response.KIND.PRIORITY, "
                            "resolution.KIND.PRIORITY, recovery_first_response, "
                            "recovery_priority, at_risk_hours", key);
    const char *rest = key + (first ? 15 : 11), *dot = strchr(rest, '.');
    int kind = -1, priority;
    char kind_text[32];
    if (dot) {
        snprintf(kind_text, sizeof kind_text, "%.*s", (int)(dot - rest), rest);
        int rc = dg_ticket_code_parse(&kind, DG_TICKET_DOMAIN_KIND, kind_text, err);
        if (rc != 0)
            return rc;
        rest = dot + 1;
    }
    int rc = dg_ticket_code_parse(&priority, DG_TICKET_DOMAIN_PRIORITY, rest, err);
    int64_t seconds = 0;
    if (rc == 0)
        rc = hours_value(key, value, &seconds, err);
    if (rc != 0)
        return rc;
    int64_t (*target)[DG_TICKET_N_PRIORITIES] = first ? sla->first_response_s
                                                      : sla->resolution_s;
    bool (*own)[DG_TICKET_N_PRIORITIES] = first ? c->own_first : c->own_resolution;
    for (int k = 0; k < DG_TICKET_N_KINDS; k++) {
        if (kind >= 0 && k != kind)
            continue;
        if (kind < 0 && own[k][priority])
            continue;
        target[k][priority] = seconds;
        if (kind >= 0)
            own[k][priority] = true;
    }
    return 0;
}

int dg_ticket_sla_parse(dg_ticket_sla *sla, const char *text, const char *name, dg_error *err)
{
    sla_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.sla = sla;
    dg_ticket_sla copy = *sla;
    int rc = dg__kv_parse(text, name, sla_kv, &ctx, err);
    if (rc != 0)
        *sla = copy;
    return rc;
}

/* ---- built-in texts ---- */

/* config/sla.conf as shipped. */
static const char builtin_sla[] =
    "first_response.urgent = 1\n"
    "first_response.high = 2\n"
    "first_response.normal = 8\n"
    "first_response.low = 16\n"
    "resolution.urgent = 8\n"
    "resolution.high = 18\n"
    "resolution.normal = 45\n"
    "resolution.low = 90\n"
    "first_response.complaint.normal = 4\n"
    "resolution.compliment.low = 180\n"
    "resolution.compliment.normal = 90\n"
    "resolution.suggestion.normal = 90\n"
    "recovery_first_response = 9\n"
    "recovery_priority = high\n"
    "at_risk_hours = 4\n";

int dg_ticket_sla_default(dg_ticket_sla *sla, dg_error *err)
{
    memset(sla, 0, sizeof *sla);
    return dg_ticket_sla_parse(sla, builtin_sla, "built-in SLA", err);
}

/* config/calendar.conf as shipped (its comments and the holidays' English names left out),
 * one line a string: ISO C caps the length of one string literal. */
static const char *const builtin_calendar[] = {
    "utc_offset = +09:00", "mon = 09:00-18:00", "tue = 09:00-18:00", "wed = 09:00-18:00",
    "thu = 09:00-18:00", "fri = 09:00-18:00", "sat = closed", "sun = closed",
    "holiday.2025-01-01 = 신정", "holiday.2025-01-27 = 임시공휴일", "holiday.2025-01-28 = 설날 연휴",
    "holiday.2025-01-29 = 설날", "holiday.2025-01-30 = 설날 연휴", "holiday.2025-03-01 = 3·1절",
    "holiday.2025-03-03 = 대체공휴일", "holiday.2025-05-01 = 근로자의 날", "holiday.2025-05-05 = 어린이날",
    "holiday.2025-05-06 = 대체공휴일", "holiday.2025-06-03 = 대통령선거", "holiday.2025-06-06 = 현충일",
    "holiday.2025-08-15 = 광복절", "holiday.2025-10-03 = 개천절", "holiday.2025-10-05 = 추석 연휴",
    "holiday.2025-10-06 = 추석", "holiday.2025-10-07 = 추석 연휴", "holiday.2025-10-08 = 대체공휴일",
    "holiday.2025-10-09 = 한글날", "holiday.2025-12-25 = 성탄절", "holiday.2026-01-01 = 신정",
    "holiday.2026-02-16 = 설날 연휴", "holiday.2026-02-17 = 설날", "holiday.2026-02-18 = 설날 연휴",
    "holiday.2026-03-01 = 3·1절", "holiday.2026-03-02 = 대체공휴일", "holiday.2026-05-01 = 노동절",
    "holiday.2026-05-05 = 어린이날", "holiday.2026-05-24 = 부처님오신날", "holiday.2026-05-25 = 대체공휴일",
    "holiday.2026-06-03 = 지방선거", "holiday.2026-06-06 = 현충일", "holiday.2026-07-17 = 제헌절",
    "holiday.2026-08-15 = 광복절", "holiday.2026-08-17 = 대체공휴일", "holiday.2026-09-24 = 추석 연휴",
    "holiday.2026-09-25 = 추석", "holiday.2026-09-26 = 추석 연휴", "holiday.2026-10-03 = 개천절",
    "holiday.2026-10-05 = 대체공휴일", "holiday.2026-10-09 = 한글날", "holiday.2026-12-25 = 성탄절",
    "holiday.2027-01-01 = 신정", "holiday.2027-02-06 = 설날 연휴", "holiday.2027-02-07 = 설날",
    "holiday.2027-02-08 = 설날 연휴", "holiday.2027-02-09 = 대체공휴일", "holiday.2027-03-01 = 3·1절",
    "holiday.2027-05-01 = 노동절", "holiday.2027-05-05 = 어린이날", "holiday.2027-05-13 = 부처님오신날",
    "holiday.2027-06-06 = 현충일", "holiday.2027-07-17 = 제헌절", "holiday.2027-07-19 = 대체공휴일",
    "holiday.2027-08-15 = 광복절", "holiday.2027-08-16 = 대체공휴일", "holiday.2027-09-14 = 추석 연휴",
    "holiday.2027-09-15 = 추석", "holiday.2027-09-16 = 추석 연휴", "holiday.2027-10-03 = 개천절",
    "holiday.2027-10-04 = 대체공휴일", "holiday.2027-10-09 = 한글날", "holiday.2027-10-11 = 대체공휴일",
    "holiday.2027-12-25 = 성탄절", "holiday.2027-12-27 = 대체공휴일",
    NULL,
};

int dg_calendar_default(dg_calendar *cal, dg_error *err)
{
    size_t len = 1;
    for (size_t i = 0; builtin_calendar[i]; i++)
        len += strlen(builtin_calendar[i]) + 1;
    char *text = malloc(len), *p = text;
    if (!text)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    for (size_t i = 0; builtin_calendar[i]; i++) {
        size_t n = strlen(builtin_calendar[i]);
        memcpy(p, builtin_calendar[i], n);
        p[n] = '\n';
        p += n + 1;
    }
    *p = '\0';
    int rc = dg_calendar_parse(cal, text, "built-in calendar", err);
    free(text);
    return rc;
}
