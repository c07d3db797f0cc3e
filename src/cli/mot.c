/* `dangol mot`: moments of truth — the touchpoint cycle, the cycle score by the multiplication
 * rule beside the mean, the weakest moments, each visit's score, the drivers of NPS and
 * repurchase, and recording a visit's ratings. The reports come from the report layer
 * (dg_report_mot_store), the write from the library (dg_mot_visit_record), as the API has them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"
#include "dangol/mot.h"

#define MAX_RATINGS DG_MOT_MAX_MOMENTS

typedef struct mot_args {
    const char *cycle_path, *top_text, *visit, *customer, *staff, *nps_text, *key;
    int32_t as_of, date;
    dg_mot_rating_in ratings[MAX_RATINGS];
    char rating_text[MAX_RATINGS][128];
    size_t n_ratings;
} mot_args;

/* --rating MOMENT=SCORE, each time it appears (ctx: the mot_args). */
static int parse_rating(const dg_cli *cli, const char *text, void *ctx)
{
    mot_args *a = ctx;
    if (a->n_ratings == MAX_RATINGS)
        return dg_cli_usage_error(cli, "more than %d --rating options", MAX_RATINGS);
    char *buf = a->rating_text[a->n_ratings];
    snprintf(buf, sizeof a->rating_text[0], "%s", text);
    char *eq = strrchr(buf, '='), *end;
    long score = eq ? strtol(eq + 1, &end, 10) : 0;
    if (!eq || eq == buf || !eq[1] || *end || score < 0 || score > DG_MOT_SCALE_LIMIT)
        return dg_cli_usage_error(cli, "--rating \"%s\": expected MOMENT=SCORE with a whole "
                                  "score 0-%d (e.g. waiting=4 or 대기=4)", text,
                                  DG_MOT_SCALE_LIMIT);
    *eq = '\0';
    a->ratings[a->n_ratings++] = (dg_mot_rating_in){ buf, (int32_t)score };
    return DG_EXIT_OK;
}

static int parse_args(dg_cli *cli, int argc, char **argv, mot_args *a)
{
    memset(a, 0, sizeof *a);
    a->as_of = DG_DAY_NONE;
    a->date = DG_MOT_TODAY;
    const dg_cli_option options[] = {
        dg_cli_text("cycle", &a->cycle_path),
        dg_cli_day("as-of", &a->as_of, NULL),
        dg_cli_text("top", &a->top_text),
        dg_cli_text("visit", &a->visit),
        dg_cli_text("customer", &a->customer),
        dg_cli_text("staff", &a->staff),
        dg_cli_day("date", &a->date, NULL),
        dg_cli_text("nps", &a->nps_text),
        dg_cli_call("rating", parse_rating, a),
        dg_cli_text("idempotency-key", &a->key),
    };
    return dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), NULL, 0);
}

static int whole(dg_cli *cli, const char *option, const char *text, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || *end || v < lo || v > hi)
        return dg_cli_usage_error(cli, "%s \"%s\": expected a whole number %ld-%ld", option, text,
                                  lo, hi);
    *out = v;
    return DG_EXIT_OK;
}

static int record(dg_cli *cli, const mot_args *a, const dg_mot_cycle *cycle)
{
    if (!a->visit || !a->customer)
        return dg_cli_usage_error(cli, "record needs --visit ID and --customer ID");
    if (a->n_ratings == 0)
        return dg_cli_usage_error(cli, "record needs at least one --rating MOMENT=SCORE");
    long nps = -1;
    int code = a->nps_text ? whole(cli, "--nps", a->nps_text, 0, 10, &nps) : DG_EXIT_OK;
    if (code != DG_EXIT_OK)
        return code;
    dg_mot_visit_request r = { .visit_id = a->visit, .customer_id = a->customer,
                               .staff_id = a->staff, .visited_on = a->date, .nps = (int)nps,
                               .ratings = a->ratings, .n_ratings = a->n_ratings,
                               .idempotency_key = a->key };
    dg_store *store;
    if ((code = dg_cli_open_store(cli, 0, &store)) != DG_EXIT_OK)
        return code;
    dg_error err;
    dg_error_clear(&err);
    dg_mot_visit_result res;
    int rc = dg_mot_visit_record(&res, store, cycle, &r, &err);
    dg_store_close(store);
    if (rc == DG_EINVAL)
        return dg_cli_usage_error(cli, "%s", err.message);
    if (rc != 0)
        return dg_cli_fail(cli, &err);
    dg_table *t = dg_table_new("MOT visit recorded");
    dg_table_add_column(t, "visit_id", DG_CELL_TEXT, 0);
    dg_table_add_column(t, "ratings", DG_CELL_INT, 0);
    dg_table_add_column(t, "replayed", DG_CELL_TEXT, 0);
    dg_table_add_row(t);
    dg_table_set_text(t, 0, res.visit_id);
    dg_table_set_int(t, 1, (int64_t)res.n_ratings);
    dg_table_set_text(t, 2, res.replayed ? "yes" : "no");
    if (res.replayed)
        dg_table_add_note(t, "this idempotency key was used before: nothing was written");
    return dg_cli_print_free(cli, t);
}

static int run(dg_cli *cli, int argc, char **argv)
{
    const char *valid = "cycle, score, weakest, visits, drivers, record";
    if (argc < 2)
        return dg_cli_usage_error(cli, "missing subcommand; valid: %s", valid);
    bool writing = strcmp(argv[1], "record") == 0;
    dg_mot_view view = DG_MOT_VIEW_CYCLE;
    dg_error err;
    dg_error_clear(&err);
    if (!writing && dg_mot_view_parse(&view, argv[1], &err) != 0)
        return dg_cli_usage_error(cli, "unknown subcommand \"%s\"; valid: %s", argv[1], valid);
    mot_args a;
    dg_cli_getopt_reset();
    int code = parse_args(cli, argc - 1, argv + 1, &a);
    if (code != DG_EXIT_OK)
        return code;
    long top = view == DG_MOT_VIEW_VISITS ? 20 : 0;
    if (a.top_text && (code = whole(cli, "--top", a.top_text, 0, 1000000000, &top)) != 0)
        return code;
    dg_mot_cycle cycle;
    dg_mot_cycle_default(&cycle);
    if (a.cycle_path && dg_mot_cycle_load(&cycle, a.cycle_path, &err) != 0)
        return dg_cli_fail(cli, &err);
    if (writing)
        return record(cli, &a, &cycle);
    dg_store *store;
    if ((code = dg_cli_open_store(cli, DG_STORE_READONLY, &store)) != DG_EXIT_OK)
        return code;
    dg_report rep = { 0 };
    int rc = dg_report_mot_store(&rep, store, &cycle, view, a.as_of, (size_t)top, &err);
    code = dg_cli_report_print(cli, rc, &rep, &err);
    dg_report_clear(&rep);
    dg_store_close(store);
    return code;
}

DG_CLI_COMMAND(mot) = {
    "mot", "moments of truth: the touchpoint cycle, its score by the multiplication rule, "
    "the weakest moments, the drivers of NPS and repurchase",
    "usage: dangol [--db PATH] [--format table|csv|json] mot SUBCOMMAND [OPTIONS]\n\n"
    "  cycle      the moments in order, each with its element (hardware, software, humanware),\n"
    "             scale, ratings, mean score (0-1), share rated at the bottom, share weakest\n"
    "  score      the cycle score by the multiplication rule (product of the moments' scores:\n"
    "             one moment at the bottom makes it 0) beside the additive mean, with their\n"
    "             rank correlation with NPS; NPS of the zero cycles; the three elements\n"
    "  weakest    the moments from the lowest mean score up\n"
    "  visits     each visit's product, mean and weakest moment, the worst first [--top N,\n"
    "             default 20, 0 = all]\n"
    "  drivers    each moment's Spearman correlation with NPS and with repurchase (back within\n"
    "             the cycle's repurchase_days), 95% intervals, the strongest link to NPS first\n"
    "  record --visit ID --customer ID --rating MOMENT=SCORE ... [--date DATE] [--nps 0-10]\n"
    "         [--staff ID] [--idempotency-key KEY]\n"
    "             record a visit and its ratings in one transaction (MOMENT: code, English or\n"
    "             Korean name, e.g. waiting=2 or 대기=2)\n\n"
    "Options:\n"
    "  --cycle FILE   the touchpoint cycle (config/mot.conf; default: the built-in clinic)\n"
    "  --as-of DATE   visits up to this day (default: the last visit)\n\n"
    "Visits and ratings are imported with `dangol import mot_visits FILE` and `dangol import\n"
    "mot_ratings FILE`. A bad option or rating exits 2; an unknown customer exits 3; a visit\n"
    "recorded twice or a reused key exits 1 and writes nothing. See docs/mot.md.\n",
    run,
};
