/* `dangol voc`: VOC analytics over tickets — volume, response times and SLA attainment
 * (stats), the most frequent terms per category (terms), full-text search (search) and the
 * repurchase rate after a complaint by how it was handled (recovery). The tables come from the
 * report layer (dangol/report_voc.h), as the API shows them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"
#include "dangol/report_voc.h"
#include "dangol/ticket.h"

typedef struct voc_args {
    const char *calendar_path, *from_text, *as_of_text, *category, *top_text, *window_text;
    const char *limit_text;
    char *query;   /* malloc'd */
    bool bigrams;
} voc_args;

static int parse_args(dg_cli *cli, int argc, char **argv, voc_args *a)
{
    memset(a, 0, sizeof *a);
    const dg_cli_option options[] = {
        dg_cli_text("calendar", &a->calendar_path),
        dg_cli_text("from", &a->from_text),
        dg_cli_text("as-of", &a->as_of_text),
        dg_cli_text("category", &a->category),
        dg_cli_text("top", &a->top_text),
        dg_cli_text("window", &a->window_text),
        dg_cli_text("limit", &a->limit_text),
        dg_cli_flag("bigrams", &a->bigrams),
    };
    int first;
    int code = dg_cli_options_rest(cli, argc, argv, options, DG_CLI_N(options), &first);
    if (code != DG_EXIT_OK)
        return code;
    /* search takes the rest of the line as its query */
    size_t len = 0;
    for (int i = first; i < argc; i++)
        len += strlen(argv[i]) + 1;
    if (len) {
        char *q = malloc(len), *p = q;
        if (!q)
            return dg_cli_usage_error(cli, "out of memory");
        for (int i = first; i < argc; i++)
            p += sprintf(p, "%s%s", i > first ? " " : "", argv[i]);
        a->query = q;
    }
    return DG_EXIT_OK;
}

static int parse_time(dg_cli *cli, const char *option, const char *text, int64_t *out,
                      int64_t fallback)
{
    *out = fallback;
    dg_error err;
    dg_error_clear(&err);
    if (text && dg_ticket_time_parse(out, text, &err) != 0)
        return dg_cli_usage_error(cli, "%s \"%s\": %s", option, text, err.message);
    return DG_EXIT_OK;
}

static int parse_int(dg_cli *cli, const char *option, const char *text, int lo, int hi,
                     int *out)
{
    char *end;
    long v = text ? strtol(text, &end, 10) : 0;
    if (!text)
        return DG_EXIT_OK;
    if (end == text || *end || v < lo || v > hi)
        return dg_cli_usage_error(cli, "%s \"%s\": expected a whole number from %d to %d",
                                  option, text, lo, hi);
    *out = (int)v;
    return DG_EXIT_OK;
}

typedef enum { VOC_STATS, VOC_TERMS, VOC_SEARCH, VOC_RECOVERY } voc_op;

static int report(dg_cli *cli, voc_op op, const voc_args *a)
{
    int64_t from, as_of;
    int top = 10, window = 90, limit = 50;
    int code = parse_time(cli, "--from", a->from_text, &from, 0);
    if (code == DG_EXIT_OK)
        code = parse_time(cli, "--as-of", a->as_of_text, &as_of, dg_ticket_now());
    if (code == DG_EXIT_OK)
        code = parse_int(cli, "--top", a->top_text, 1, 1000, &top);
    if (code == DG_EXIT_OK)
        code = parse_int(cli, "--window", a->window_text, 1, 3650, &window);
    if (code == DG_EXIT_OK)
        code = parse_int(cli, "--limit", a->limit_text, 1, 10000, &limit);
    if (code != DG_EXIT_OK)
        return code;
    if (op == VOC_SEARCH && !a->query)
        return dg_cli_usage_error(cli, "search needs a query: dangol voc search WORDS");
    if (op != VOC_SEARCH && a->query)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", a->query);
    dg_error err;
    dg_error_clear(&err);
    dg_calendar cal;
    int rc = a->calendar_path ? dg_calendar_load(&cal, a->calendar_path, &err)
                              : dg_calendar_default(&cal, &err);
    if (rc != 0)
        return dg_cli_fail(cli, &err);
    dg_store *store;
    if ((code = dg_cli_open_store(cli, DG_STORE_READONLY, &store)) != DG_EXIT_OK)
        return code;
    dg_report rep = { 0 };
    switch (op) {
    case VOC_STATS: rc = dg_report_voc_stats(&rep, store, &cal, from, as_of, &err); break;
    case VOC_TERMS:
        rc = dg_report_voc_terms(&rep, store, a->category, top, a->bigrams, as_of, &err);
        break;
    case VOC_SEARCH: rc = dg_report_voc_search(&rep, store, a->query, limit, &err); break;
    default: rc = dg_report_voc_recovery(&rep, store, as_of, window, &err); break;
    }
    code = rc == DG_EINVAL ? dg_cli_usage_error(cli, "%s", err.message)
                           : dg_cli_report_print(cli, rc, &rep, &err);
    dg_report_clear(&rep);
    dg_store_close(store);
    return code;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    static const char *const subcommands[] = { "stats", "terms", "search", "recovery" };
    int sub = dg_cli_subcommand(cli, argc, argv, subcommands, DG_CLI_N(subcommands));
    if (sub < 0)
        return DG_EXIT_USAGE;
    voc_args a = { 0 };
    dg_cli_getopt_reset();
    int code = parse_args(cli, argc - 1, argv + 1, &a);
    if (code == DG_EXIT_OK)
        code = report(cli, (voc_op)sub, &a);
    free(a.query);
    return code;
}

DG_CLI_COMMAND(voc) = {
    "voc", "VOC analytics over tickets: volume, response times, terms, search, recovery",
    "usage: dangol [--db PATH] [--format table|csv|json] voc SUBCOMMAND [OPTIONS]\n\n"
    "  stats [--from TIME] [--as-of TIME] [--calendar FILE]\n"
    "                   tickets opened in the period: volume by kind, channel, category and\n"
    "                   ISO week; first-response and resolution time in business hours\n"
    "                   (median, p90); SLA attainment; reopen rate; repeat complainants\n"
    "  terms [--category TEXT] [--top N] [--bigrams] [--as-of TIME]\n"
    "                   the most frequent terms of ticket subjects per category (Korean\n"
    "                   particles stripped; --bigrams adds syllable pairs), default top 10\n"
    "  search WORDS [--limit N]\n"
    "                   full-text search of ticket subjects, categories and event comments;\n"
    "                   every word must match one text, as a prefix (배송 finds 배송이),\n"
    "                   best first (default 50 rows)\n"
    "  recovery [--window DAYS] [--as-of TIME]\n"
    "                   repurchase within DAYS (default 90) of complainants resolved within\n"
    "                   SLA, resolved late, unresolved, and of customers without a complaint,\n"
    "                   with 95% Wilson intervals\n\n"
    "TIME: YYYY-MM-DDTHH:MM[:SS][Z|+09:00], or YYYY-MM-DD for the end of that day (UTC);\n"
    "--as-of defaults to now. A bad option exits 2. See docs/tickets.md (VOC analytics).\n",
    run,
};
