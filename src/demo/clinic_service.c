/* The demo clinic's service desk (dg_demo_clinic_service, include/dangol/demo.h): after the
 * visits are in the store, the voice of the customer and the follow-up are written through the
 * services themselves (dangol/ticket.h, dangol/followup.h), one transaction each, as staff would.
 * VOC tickets: a visit whose lowest-rated moment scored 1-2 brings a complaint about that moment
 * with probability 0.35 (so complaints gather on the clinic's weak moment, DG_DEMO_CLINIC_WEAK_
 * MOMENT, which fails most often), else an inquiry (0.05), a compliment after an NPS of 9-10
 * (0.06) or a suggestion (0.01), by call centre, web, app, front desk or e-mail, with a Korean
 * subject and the moment's Korean name as category (as the clinic's staff write it), within two
 * days of the visit. Every detractor's survey
 * answer then gets its recovery ticket (dg_ticket_recover). Each ticket is worked from a stream
 * of its own: 7% never touched (breached once due), most answered within hours, some late, 8%
 * reopened, routed again and resolved again, resolved ones closed three days on; breached tickets are
 * escalated at the end. Follow-up: the built-in rules scheduled monthly over the last quarter,
 * and the calls due recorded (reached, no answer, declined), the last two days' left open. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/calendar.h"
#include "dangol/demo.h"
#include "dangol/followup.h"
#include "dangol/mot.h"
#include "dangol/rng.h"
#include "dangol/store.h"
#include "dangol/ticket.h"
#include "store/followups.h"
#include "store/tickets.h"

#define HOUR 3600
#define ACTOR "demo"

typedef struct topic {
    const char *moment, *subject;
} topic;

/* Two complaints per moment of the built-in cycle (config/mot.conf). */
static const topic complaints[] = {
    { "booking_call", "예약 전화가 계속 연결이 안 돼요" },
    { "booking_call", "예약 전화 응대가 불친절했어요" },
    { "parking", "주차 공간이 없어서 한참 돌았어요" },
    { "parking", "주차 정산이 너무 복잡해요" },
    { "reception", "접수할 때 안내가 부족했어요" },
    { "reception", "접수 데스크 직원이 불친절했어요" },
    { "waiting", "예약했는데 대기 시간이 너무 길어요" },
    { "waiting", "한 시간 넘게 기다렸습니다" },
    { "consultation", "상담이 너무 짧고 설명이 부족해요" },
    { "consultation", "상담 내용과 시술이 달랐어요" },
    { "treatment", "시술 후 붉은 기가 오래가요" },
    { "treatment", "시술 결과가 기대에 못 미쳐요" },
    { "payment", "결제 금액이 안내와 달라요" },
    { "payment", "카드 결제 오류가 났어요" },
    { "follow_up_call", "사후 관리 전화가 오지 않았어요" },
    { "follow_up_call", "해피콜 시간이 너무 늦었어요" },
};
static const topic inquiries[] = {
    { "booking_call", "예약 변경이 가능한가요" },
    { "treatment", "시술 후 세안은 언제부터 되나요" },
    { "parking", "주차 지원 시간이 궁금해요" },
    { "treatment", "다음 시술 간격이 궁금합니다" },
    { "payment", "현금영수증 발급을 요청합니다" },
};
static const topic compliments[] = {
    { "consultation", "상담 실장님이 정말 친절했어요" },
    { "treatment", "시술 결과가 아주 만족스러워요" },
    { "reception", "접수 직원분이 세심하게 챙겨주셨어요" },
};
static const topic suggestions[] = {
    { "waiting", "대기실에 음료를 두면 좋겠어요" },
    { "booking_call", "메신저 예약도 받아주세요" },
    { "parking", "주차 안내 표지판을 늘려주세요" },
};
static const char *const assignees[] = { "김지은", "박서연", "이민호", "최유나" };
/* call centre, web, app, front desk, e-mail (dg_ticket_channel order) */
static const double channel_weights[DG_TICKET_N_CHANNELS] = { 0.40, 0.20, 0.20, 0.12, 0.08 };

typedef struct visit_row {
    char customer_id[16];
    int32_t day;
    int nps;                 /* -1: not answered */
    int low_moment;          /* the lowest-rated moment's index, -1 if none rated */
    double low_x;            /* its normalised score */
    int low_score;
} visit_row;

typedef struct desk {
    const dg_demo_options *opt;
    dg_store *store;
    dg_calendar cal;
    dg_ticket_sla sla;
    dg_mot_cycle cycle;
    visit_row *visits;
    int64_t n_visits;
    int64_t end;             /* the last second of the as-of day (UTC) */
    dg_error *err;
} desk;

/* "KV000000123" -> 122; -1 for an id the clinic did not write. */
static int64_t visit_index(const char *id, int64_t n)
{
    char *end = NULL;
    long long k = id && id[0] == 'K' && id[1] == 'V' ? strtoll(id + 2, &end, 10) : 0;
    return k >= 1 && k <= n && *end == '\0' ? k - 1 : -1;
}

static int take_visit(void *ctx, const dg_value *row)
{
    desk *d = ctx;
    int64_t k = visit_index(row[0].u.s, d->n_visits);
    if (k < 0)
        return 0;
    visit_row *v = &d->visits[k];
    snprintf(v->customer_id, sizeof v->customer_id, "%s", row[1].u.s);
    v->day = (int32_t)row[2].u.i;
    v->nps = row[3].is_null ? -1 : (int)row[3].u.i;
    v->low_moment = -1;
    return 0;
}

static int take_rating(void *ctx, const dg_value *row)
{
    desk *d = ctx;
    int64_t k = visit_index(row[0].u.s, d->n_visits);
    int m = dg_mot_moment_find(&d->cycle, row[1].u.s);
    if (k < 0 || m < 0)
        return 0;
    const dg_mot_moment *mo = &d->cycle.moments[m];
    double x = (double)(row[2].u.i - mo->scale_min) / (double)(mo->scale_max - mo->scale_min);
    visit_row *v = &d->visits[k];
    /* ties go to the earlier moment of the cycle, as the MOT analysis breaks them */
    if (v->low_moment < 0 || x < v->low_x ||
        (x == v->low_x && m < v->low_moment)) {
        v->low_moment = m;
        v->low_x = x;
        v->low_score = (int)row[2].u.i;
    }
    return 0;
}

static const topic *pick(dg_rng *rng, const topic *topics, size_t n, const char *moment)
{
    size_t matches[4], n_match = 0;
    for (size_t i = 0; i < n && n_match < 4; i++)
        if (!moment || strcmp(topics[i].moment, moment) == 0)
            matches[n_match++] = i;
    return n_match ? &topics[matches[dg_rng_below(rng, n_match)]] : &topics[dg_rng_below(rng, n)];
}

/* The VOC contact a visit brings, if any (a stream of its own per visit). */
static int visit_ticket(desk *d, int64_t k, int64_t *opened)
{
    const visit_row *v = &d->visits[k];
    dg_rng rng;
    dg_rng_seed_stream(&rng, d->opt->seed, 7000000 + (uint64_t)k);
    bool low = v->low_moment >= 0 && v->low_score <= 2;
    double complain = dg_rng_uniform(&rng), other = dg_rng_uniform(&rng);
    dg_ticket_kind kind;
    dg_ticket_priority priority = DG_TICKET_LOW;
    const topic *t;
    if (low && complain < 0.35) {
        const dg_mot_moment *mo = &d->cycle.moments[v->low_moment];
        kind = DG_TICKET_COMPLAINT;
        t = pick(&rng, complaints, sizeof complaints / sizeof complaints[0], mo->code);
        priority = v->low_score == mo->scale_min ? DG_TICKET_HIGH : DG_TICKET_NORMAL;
    } else if (other < 0.05) {
        kind = DG_TICKET_INQUIRY;
        priority = DG_TICKET_NORMAL;
        t = pick(&rng, inquiries, sizeof inquiries / sizeof inquiries[0], NULL);
    } else if (other < 0.11 && v->nps >= 9) {
        kind = DG_TICKET_COMPLIMENT;
        t = pick(&rng, compliments, sizeof compliments / sizeof compliments[0], NULL);
    } else if (other >= 0.99) {
        kind = DG_TICKET_SUGGESTION;
        t = pick(&rng, suggestions, sizeof suggestions / sizeof suggestions[0], NULL);
    } else {
        return 0;
    }
    /* within two days of the visit, in opening hours (10:00-17:00 in Korea, UTC+9) */
    int64_t at = ((int64_t)v->day + (int64_t)dg_rng_below(&rng, 3)) * 86400 + HOUR +
                 (int64_t)dg_rng_below(&rng, 7 * HOUR);
    if (at > d->end)
        return 0;
    char order_id[48];
    snprintf(order_id, sizeof order_id, "KO%09lld", (long long)k + 1);
    int m = dg_mot_moment_find(&d->cycle, t->moment);
    dg_ticket_open_request req = {
        .customer_id = v->customer_id, .kind = kind,
        .channel = (int)dg_rng_choose(&rng, channel_weights, DG_TICKET_N_CHANNELS),
        .priority = priority, .category = m >= 0 ? d->cycle.moments[m].name_ko : t->moment,
        .subject = t->subject,
        .order_id = order_id, .actor = ACTOR, .at = at,
    };
    dg_ticket_result res;
    int rc = dg_ticket_open(&res, d->store, &d->cal, &d->sla, &req, d->err);
    *opened += rc == 0;
    return rc;
}

/* One action of a ticket's handling at `at`, unless that is after the as-of day (then it stays
 * as it is: *stop). */
static int act(desk *d, int64_t id, dg_ticket_action action, int64_t at, const char *assignee,
               const char *note, bool *stop)
{
    if (*stop || at > d->end) {
        *stop = true;
        return 0;
    }
    dg_ticket_update up = { .ticket_id = id, .action = action, .assignee = assignee,
                            .note = note, .actor = ACTOR, .at = at };
    dg_ticket_result res;
    return dg_ticket_apply(&res, d->store, &up, d->err);
}

/* Works one ticket from a stream of its own: assign, start (the first response), resolve, maybe
 * reopen and resolve again, close. */
static int work(desk *d, int64_t id, int64_t opened_at)
{
    dg_rng rng;
    dg_rng_seed_stream(&rng, d->opt->seed, 8000000 + (uint64_t)id);
    if (dg_rng_uniform(&rng) < 0.07)
        return 0;
    double u = dg_rng_uniform(&rng);
    double respond_h = u < 0.7 ? 0.5 + 5.5 * dg_rng_uniform(&rng)
                     : u < 0.9 ? 8 + 22 * dg_rng_uniform(&rng) : 30 + 50 * dg_rng_uniform(&rng);
    double resolve_h = dg_rng_uniform(&rng) < 0.75 ? 2 + 22 * dg_rng_uniform(&rng)
                                                   : 30 + 170 * dg_rng_uniform(&rng);
    const char *who = assignees[dg_rng_below(&rng, sizeof assignees / sizeof assignees[0])];
    bool reopen = dg_rng_uniform(&rng) < 0.08, stop = false;
    int64_t t = opened_at + (int64_t)(respond_h * HOUR / 3);
    int rc = act(d, id, DG_TICKET_ACT_ASSIGN, t, who, NULL, &stop);
    t = opened_at + (int64_t)(respond_h * HOUR);
    if (rc == 0)
        rc = act(d, id, DG_TICKET_ACT_START, t, NULL, NULL, &stop);
    t += (int64_t)(resolve_h * HOUR);
    if (rc == 0)
        rc = act(d, id, DG_TICKET_ACT_RESOLVE, t, NULL, "고객에게 안내하고 조치했습니다", &stop);
    if (reopen) {
        t += (int64_t)(24 + dg_rng_below(&rng, 72)) * HOUR;
        if (rc == 0)
            rc = act(d, id, DG_TICKET_ACT_REOPEN, t, NULL, "같은 문제로 다시 연락하셨습니다",
                     &stop);
        t += HOUR;   /* a reopened ticket is open again: routed, then worked */
        if (rc == 0)
            rc = act(d, id, DG_TICKET_ACT_ASSIGN, t, who, NULL, &stop);
        t += HOUR;
        if (rc == 0)
            rc = act(d, id, DG_TICKET_ACT_START, t, NULL, NULL, &stop);
        t += 24 * HOUR;
        if (rc == 0)
            rc = act(d, id, DG_TICKET_ACT_RESOLVE, t, NULL, "원장님 재상담 후 해결했습니다",
                     &stop);
    }
    t += 72 * HOUR;
    if (rc == 0)
        rc = act(d, id, DG_TICKET_ACT_CLOSE, t, NULL, NULL, &stop);
    return rc;
}

typedef struct opened_list {
    int64_t *ids, *at;
    size_t n, cap;
} opened_list;

static int take_ticket(void *ctx, const dg__ticket_row *row)
{
    opened_list *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 1024;
        int64_t *ids = realloc(l->ids, cap * sizeof *ids);
        if (ids)
            l->ids = ids;
        int64_t *at = ids ? realloc(l->at, cap * sizeof *at) : NULL;
        if (!at)
            return DG_ENOMEM;
        l->at = at;
        l->cap = cap;
    }
    l->ids[l->n] = row->ticket_id;
    l->at[l->n++] = row->opened_at;
    return 0;
}

static int take_task(void *ctx, const dg__followup_task *task)
{
    dg__ticket_row row = { .ticket_id = task->task_id, .opened_at = (int64_t)task->due_on * 86400 };
    return take_ticket(ctx, &row);
}

/* The built-in follow-up rules run monthly over the last quarter; the tasks due before the
 * last two days get their outcome. */
static int follow_up(desk *d, dg_demo_service_counts *counts)
{
    dg_followup_rules rules;
    int rc = dg_followup_rules_default(&rules, d->err);
    for (int month = 3; rc == 0 && month >= 0; month--) {
        int64_t created;
        rc = dg_followup_schedule(&created, d->store, &rules, d->opt->as_of_day - 30 * month,
                                  NULL, d->err);
        counts->followup_tasks += rc == 0 ? created : 0;
    }
    opened_list l = { 0 };   /* the tasks, each with its due day's start */
    if (rc == 0)
        rc = dg__followup_scan(d->store, "open", NULL, NULL, d->opt->as_of_day - 2, take_task,
                               &l, d->err);
    if (rc == DG_ENOMEM)
        dg_error_set(d->err, rc, "out of memory");
    static const dg_followup_outcome outcomes[] = { DG_FOLLOWUP_REACHED, DG_FOLLOWUP_NO_ANSWER,
                                                    DG_FOLLOWUP_DECLINED };
    static const double weights[] = { 0.65, 0.28, 0.07 };
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        dg_rng rng;
        dg_rng_seed_stream(&rng, d->opt->seed, 9000000 + (uint64_t)l.ids[i]);
        dg_followup_done_request req = {
            .task_id = l.ids[i], .outcome = outcomes[dg_rng_choose(&rng, weights, 3)],
            .actor = ACTOR, .at = l.at[i] + HOUR + (int64_t)dg_rng_below(&rng, 7 * HOUR),
        };
        dg_followup_result res;
        rc = dg_followup_done(&res, d->store, &req, d->err);
        counts->followups_done += rc == 0;
    }
    free(l.ids);
    free(l.at);
    return rc;
}

int dg_demo_clinic_service(dg_demo_service_counts *counts, dg_store *store,
                           const dg_demo_options *opt, dg_error *err)
{
    memset(counts, 0, sizeof *counts);
    desk d = { .opt = opt, .store = store, .err = err,
               .end = (int64_t)opt->as_of_day * 86400 + 86399 };
    dg_mot_cycle_default(&d.cycle);
    const dg_entity *visit_e = dg_entity_find("mot_visits"), *rating_e = dg_entity_find("mot_ratings");
    int rc = dg_calendar_default(&d.cal, err);
    if (rc == 0)
        rc = dg_ticket_sla_default(&d.sla, err);
    if (rc == 0)
        rc = dg_store_count(store, visit_e, NULL, &d.n_visits, err);
    if (rc == 0 && !(d.visits = calloc((size_t)d.n_visits + 1, sizeof *d.visits)))
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    if (rc == 0)
        rc = dg_store_scan(store, visit_e, NULL, take_visit, &d, err);
    if (rc == 0)
        rc = dg_store_scan(store, rating_e, NULL, take_rating, &d, err);
    for (int64_t k = 0; rc == 0 && k < d.n_visits; k++)
        rc = visit_ticket(&d, k, &counts->tickets);
    if (rc == 0)
        rc = dg_ticket_recover(&counts->recovery_tickets, store, &d.cal, &d.sla, d.end, ACTOR,
                               NULL, err);
    opened_list l = { 0 };
    if (rc == 0 && (rc = dg__ticket_scan(store, NULL, NULL, false, NULL, take_ticket, &l,
                                         err)) == DG_ENOMEM)
        dg_error_set(err, rc, "out of memory");
    for (size_t i = 0; rc == 0 && i < l.n; i++)
        rc = work(&d, l.ids[i], l.at[i]);
    if (rc == 0)
        rc = dg_ticket_escalate(&counts->escalated, store, d.end, ACTOR, NULL, err);
    if (rc == 0)
        rc = follow_up(&d, counts);
    free(l.ids);
    free(l.at);
    free(d.visits);
    return rc;
}
