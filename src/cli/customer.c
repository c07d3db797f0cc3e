/* `dangol customer`: show ID (the customer card, the consultation guidance in the user's
 * language), set-type ID TYPE (staff set the consultation type, audited), erase ID (erasure on
 * request), export-subject ID (subject access: everything held on the customer as JSON) and
 * retain (the retention job). The writes are the library's (dangol/customer.h, erasure.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/analysis.h"
#include "dangol/audit.h"
#include "dangol/consent.h"
#include "dangol/consult.h"
#include "dangol/customer.h"
#include "dangol/erasure.h"
#include "dangol/report.h"
#include "dangol/text.h"

typedef struct customer_args {
    const char *reason, *actor, *output, *config, *days_text, *lang_text, *types_path, *expect;
    int32_t as_of;
    bool dry_run, segment, programme;
    const char *id, *type;
} customer_args;

/* The types file of --types, or the built-in one. */
static int load_types(dg_cli *cli, const customer_args *a, dg_consult_types **types)
{
    dg_error err;
    dg_error_clear(&err);
    int rc = a->types_path ? dg_consult_types_load(types, a->types_path, &err)
                           : dg_consult_types_default(types, &err);
    return rc == 0 ? DG_EXIT_OK : dg_cli_fail(cli, &err);
}

/* --lang, else the environment's LANG (Korean for ko_*, English otherwise). */
static int card_lang(dg_cli *cli, const customer_args *a, const char **lang)
{
    dg_error err;
    dg_error_clear(&err);
    if (a->lang_text) {
        if (dg_consult_lang_parse(a->lang_text, lang, &err) != 0)
            return dg_cli_usage_error(cli, "--lang: %s", err.message);
        return DG_EXIT_OK;
    }
    const char *env = getenv("LANG");
    *lang = env && strncmp(env, "ko", 2) == 0 ? "ko" : "en";
    return DG_EXIT_OK;
}

static int show(dg_cli *cli, const customer_args *a)
{
    if (!a->id)
        return dg_cli_usage_error(cli, "show takes one customer id");
    dg_report_card_options opt = { .run_segments = a->segment };
    dg_consult_types *types = NULL;
    int code = card_lang(cli, a, &opt.lang);
    if (code == DG_EXIT_OK)
        code = load_types(cli, a, &types);
    if (code != DG_EXIT_OK)
        return code;
    opt.types = types;
    dg_error err;
    dg_error_clear(&err);
    dg_store *store;
    int opened = dg_cli_open_store(cli, DG_STORE_READONLY, &store);
    if (opened != DG_EXIT_OK) {
        dg_consult_types_free(types);
        return opened;
    }
    dg_card card = { 0 };
    dg_frame *frame = NULL;
    int rc = 0;
    /* an empty store has no as-of day and nothing to analyse: the card stays basic */
    if (dg_store_last_day(store, &(int32_t){0}, NULL) == 0)
        rc = dg_report_frame(&frame, store, DG_DAY_NONE, true, &err);
    if (rc == 0)
        rc = dg_report_card(&card, store, frame, a->id, &opt, &err);
    if (rc == 0 && a->programme)
        rc = dg_report_card_programme(&card, store, a->id, true, &err);
    dg_frame_free(frame);
    dg_store_close(store);
    dg_consult_types_free(types);
    if (rc != 0) {
        dg_card_clear(&card);
        return dg_cli_fail(cli, &err);
    }
    rc = dg_tables_write(card.sections, card.n_sections, stdout, cli->format);
    dg_card_clear(&card);
    return rc == 0 && fflush(stdout) == 0 ? DG_EXIT_OK : DG_EXIT_FAILURE;
}

static int parse_args(dg_cli *cli, int argc, char **argv, bool two_args, customer_args *a)
{
    memset(a, 0, sizeof *a);
    a->as_of = DG_CONSENT_TODAY;
    const dg_cli_option options[] = {
        dg_cli_text("reason", &a->reason),
        dg_cli_text("actor", &a->actor),
        dg_cli_text("output", &a->output),
        dg_cli_text("config", &a->config),
        dg_cli_text("inactive-days", &a->days_text),
        dg_cli_day("as-of", &a->as_of, NULL),
        dg_cli_flag("dry-run", &a->dry_run),
        dg_cli_flag("segment", &a->segment),
        dg_cli_flag("programme", &a->programme),
        dg_cli_text("lang", &a->lang_text),
        dg_cli_text("types", &a->types_path),
        dg_cli_text("expect", &a->expect),
    };
    const char *positional[2] = { NULL, NULL };
    int code = dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), positional,
                              two_args ? 2 : 1);
    a->id = positional[0];
    a->type = positional[1];
    return code;
}

/* `customer set-type ID TYPE|none [--expect TYPE|none] [--types FILE] [--actor WHO]` */
static int set_type(dg_cli *cli, const customer_args *a)
{
    if (!a->id || !a->type)
        return dg_cli_usage_error(cli, "set-type takes a customer id and a type (or none)");
    dg_consult_types *types = NULL;
    int code = load_types(cli, a, &types);
    if (code != DG_EXIT_OK)
        return code;
    dg_store *store;
    if ((code = dg_cli_open_store(cli, 0, &store)) != DG_EXIT_OK) {
        dg_consult_types_free(types);
        return code;
    }
    char name[DG_AUDIT_NAME_MAX], previous[32];
    dg_audit_actor audit;
    dg_audit_actor_cli(&audit, name);
    if (a->actor)
        audit.name = a->actor;
    dg_customer_type_request r = {
        .customer_id = a->id, .type = strcmp(a->type, "none") == 0 ? NULL : a->type,
        .check_expected = a->expect != NULL,
        .expected_type = a->expect && strcmp(a->expect, "none") != 0 ? a->expect : NULL,
        .types = types, .audit = &audit };
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_customer_set_type(store, &r, previous, &err);
    dg_store_close(store);
    if (rc != 0) {
        dg_consult_types_free(types);
        return dg_cli_fail(cli, &err);
    }
    static const char *const columns[] = { "customer_id", "customer_type", "previous", "name",
                                           "guidance" };
    dg_table *t = dg_table_new("Consultation type set");
    for (size_t c = 0; t && c < 5; c++)
        dg_table_add_column(t, columns[c], DG_CELL_TEXT, 0);
    const dg_consult_type *type = r.type ? dg_consult_types_find(types, r.type) : NULL;
    const char *lang = NULL;
    card_lang(cli, a, &lang);
    char buf_name[2 * DG_CONSULT_NAME_MAX + 8], buf_text[2 * DG_CONSULT_GUIDANCE_MAX + 8];
    if (t && dg_table_add_row(t) == 0) {
        dg_table_set_text(t, 0, a->id);
        dg_table_set_text(t, 1, r.type ? r.type : "");
        dg_table_set_text(t, 2, previous);
        if (type) {
            dg_table_set_text(t, 3, dg_consult_type_name(type, lang, buf_name, sizeof buf_name));
            dg_table_set_text(t, 4, dg_consult_type_guidance(type, lang, buf_text,
                                                             sizeof buf_text));
        }
    }
    dg_consult_types_free(types);
    rc = t ? dg_table_write(t, stdout, cli->format) : DG_ENOMEM;
    dg_table_free(t);
    return rc == 0 && fflush(stdout) == 0 ? DG_EXIT_OK : DG_EXIT_FAILURE;
}

static int erase(dg_cli *cli, const customer_args *a)
{
    if (!a->id)
        return dg_cli_usage_error(cli, "erase takes one customer id");
    if (!a->reason || !*a->reason)
        return dg_cli_usage_error(cli, "--reason TEXT is required (the request, its date or "
                                  "reference)");
    dg_store *store;
    int code = dg_cli_open_store(cli, 0, &store);
    if (code != DG_EXIT_OK)
        return code;
    dg_error err;
    dg_error_clear(&err);
    dg_erasure_result res;
    int rc = dg_customer_erase(&res, store, a->id, DG_ERASURE_REQUEST, a->reason, a->actor, &err);
    if (rc != 0) {
        dg_store_close(store);
        return dg_cli_fail(cli, &err);
    }
    code = res.erased ? dg_cli_audit(cli, store, DG_AUDIT_CUSTOMER_ERASE, &a->id, 1, a->reason,
                                     NULL) : DG_EXIT_OK;
    dg_store_close(store);
    if (code != DG_EXIT_OK)
        return code;
    const char *const columns[] = { "customer_id", "erased", "erased_at", "texts", res.purge };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_INT,
                                          DG_CELL_TEXT };
    dg_table *t = dg_cli_table("Erasure", columns, types, 5);
    char when[32];
    if (t) {
        dg_table_add_row(t);
        dg_table_set_text(t, 0, a->id);
        dg_table_set_text(t, 1, res.erased ? "yes" : "no");
        dg_table_set_text(t, 2, dg_timestamp_format(res.erased_at, when));
        dg_table_set_int(t, 3, res.texts);
        dg_table_set_text(t, 4, res.purged ? "yes" : "no");
        if (!res.erased)
            dg_table_add_note(t, "the customer was erased before: nothing was written");
        if (!res.purged && strcmp(res.purge, "vacuumed") == 0)
            dg_table_add_note(t, "the store's user does not own its tables, so VACUUM (FULL) "
                                 "skipped them: their files keep the old row versions until the "
                                 "owner runs it (docs/security.md)");
        else if (!res.purged)
            dg_table_add_note(t, "another connection was reading: the write-ahead log keeps the "
                                 "old pages until the next checkpoint (run the erasure again to "
                                 "retry it)");
    }
    return dg_cli_print_free(cli, t);
}

static int export_subject(dg_cli *cli, const customer_args *a)
{
    if (!a->id)
        return dg_cli_usage_error(cli, "export-subject takes one customer id");
    int code = a->output ? dg_cli_check_output(cli, "--output", a->output, NULL, 0) : DG_EXIT_OK;
    if (code != DG_EXIT_OK)
        return code;
    dg_store *store;
    /* personal data leaves only with its audit entry written: the store must be writable */
    if ((code = dg_cli_open_store(cli, 0, &store)) != DG_EXIT_OK)
        return code;
    dg_error err;
    dg_error_clear(&err);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);   /* the file is written only when all is read */
    int rc = mem ? dg_customer_export_subject(store, a->id, mem, "the document", &err)
                 : dg_error_set(&err, DG_ENOMEM, "out of memory");
    if (mem)
        fclose(mem);
    if (rc == 0 && (code = dg_cli_audit(cli, store, DG_AUDIT_SUBJECT_ACCESS, &a->id, 1, NULL,
                                        NULL)) != DG_EXIT_OK) {
        free(buf);
        dg_store_close(store);
        return code;
    }
    dg_store_close(store);
    FILE *out = rc == 0 && a->output ? fopen(a->output, "w") : stdout;
    if (rc == 0 && !out)
        rc = dg_error_set(&err, DG_EIO, "cannot write %s: %s", a->output, strerror(errno));
    if (rc == 0 && (fwrite(buf, 1, len, out) != len || fflush(out) != 0))
        rc = dg_error_set(&err, DG_EIO, "cannot write %s", a->output ? a->output
                          : "standard output");
    if (out && out != stdout && fclose(out) != 0 && rc == 0)
        rc = dg_error_set(&err, DG_EIO, "cannot write %s", a->output);
    free(buf);
    return rc != 0 ? dg_cli_fail(cli, &err) : DG_EXIT_OK;
}

typedef struct retain_ctx {
    dg_table *t;
    char **ids;                 /* the customers listed, for the run's audit entry */
    size_t n, cap;
    bool pending;               /* the last listed is being erased (the job calls this first) */
} retain_ctx;

static int retained(void *ctx, const char *customer_id, int32_t last_active)
{
    retain_ctx *r = ctx;
    r->pending = false;         /* called again: the one before was erased */
    dg_table_add_row(r->t);
    dg_table_set_text(r->t, 0, customer_id);
    dg_table_set_int(r->t, 1, last_active);
    if (dg_table_failed(r->t))
        return DG_ENOMEM;
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        char **grown = realloc(r->ids, cap * sizeof *grown);
        if (!grown)
            return DG_ENOMEM;
        r->ids = grown;
        r->cap = cap;
    }
    if (!(r->ids[r->n] = strdup(customer_id)))
        return DG_ENOMEM;
    r->n++;
    r->pending = true;
    return 0;
}

/* The run's one audit entry: customer.erase naming every customer erased. */
static int retain_audit(dg_cli *cli, dg_store *store, const retain_ctx *r, size_t n, int days,
                        int32_t as_of)
{
    char reason[96], day[16];
    snprintf(reason, sizeof reason, "retention: no activity for more than %d days", days);
    return dg_cli_audit(cli, store, DG_AUDIT_CUSTOMER_ERASE, (const char *const *)r->ids, n,
                        reason, json_pack("{s:s, s:i, s:s, s:I}", "job", "retention",
                                          "inactive_days", days, "as_of",
                                          dg_date_format(as_of, day), "erased",
                                          (json_int_t)n));
}

static int retain(dg_cli *cli, const customer_args *a)
{
    if (a->id)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", a->id);
    dg_error err;
    dg_error_clear(&err);
    dg_privacy_config config;
    dg_privacy_config_default(&config);
    if (a->config && dg_privacy_config_load(&config, a->config, &err) != 0)
        return dg_cli_fail(cli, &err);
    if (a->days_text) {
        char *end;
        errno = 0;
        long days = strtol(a->days_text, &end, 10);
        if (errno || end == a->days_text || *end || days < 1 || days > 36600)
            return dg_cli_usage_error(cli, "--inactive-days \"%s\": expected a whole number "
                                      "of days from 1 to 36600", a->days_text);
        config.retention_inactive_days = (int)days;
    }
    dg_store *store;
    int code = dg_cli_open_store(cli, a->dry_run ? DG_STORE_READONLY : 0, &store);
    if (code != DG_EXIT_OK)
        return code;
    char title[128];
    snprintf(title, sizeof title, "%s inactive for more than %d days", a->dry_run
             ? "Customers the retention job would erase" : "Customers erased",
             config.retention_inactive_days);
    static const char *const columns[] = { "customer_id", "last_active" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_DATE };
    retain_ctx r = { .t = dg_cli_table(title, columns, types, 2) };
    int64_t erased = 0, undated = 0;
    int32_t as_of = a->as_of == DG_CONSENT_TODAY ? dg_consent_today() : a->as_of;
    int rc = r.t ? dg_customer_retain(&erased, &undated, store, as_of,
                                      config.retention_inactive_days, a->dry_run, a->actor,
                                      retained, &r, &err)
                 : dg_error_set(&err, DG_ENOMEM, "out of memory");
    /* the erasures committed one by one (those before a failure too); then the run's entry */
    if (rc == DG_ENOMEM && !err.code)
        dg_error_set(&err, DG_ENOMEM, "out of memory");
    size_t done = r.n - (rc != 0 && r.pending ? 1 : 0);   /* a failed erasure erased nothing */
    code = DG_EXIT_OK;
    if (!a->dry_run && done > 0)
        code = retain_audit(cli, store, &r, done, config.retention_inactive_days, as_of);
    dg_store_close(store);
    for (size_t i = 0; i < r.n; i++)
        free(r.ids[i]);
    free(r.ids);
    if (rc != 0 || code != DG_EXIT_OK) {
        dg_table_free(r.t);
        return rc != 0 ? dg_cli_fail(cli, &err) : code;
    }
    if (undated > 0) {
        char note[160];
        snprintf(note, sizeof note, "%lld customers have no dated activity (no acquisition day, "
                 "order, answer or event) and were left alone", (long long)undated);
        dg_table_add_note(r.t, note);
    }
    return dg_cli_print_free(cli, r.t);
}

static int run(dg_cli *cli, int argc, char **argv)
{
    const char *valid = "show, set-type, erase, export-subject, retain";
    if (argc < 2)
        return dg_cli_usage_error(cli, "missing subcommand; valid: %s", valid);
    bool is_show = strcmp(argv[1], "show") == 0;
    bool is_set_type = strcmp(argv[1], "set-type") == 0;
    bool is_erase = strcmp(argv[1], "erase") == 0;
    bool is_export = strcmp(argv[1], "export-subject") == 0;
    if (!is_show && !is_set_type && !is_erase && !is_export && strcmp(argv[1], "retain") != 0)
        return dg_cli_usage_error(cli, "unknown subcommand \"%s\"; valid: %s", argv[1], valid);
    customer_args a;
    dg_cli_getopt_reset();
    int code = parse_args(cli, argc - 1, argv + 1, is_set_type, &a);
    if (code != DG_EXIT_OK)
        return code;
    if (is_show)
        return show(cli, &a);
    if (is_set_type)
        return set_type(cli, &a);
    return is_erase ? erase(cli, &a) : is_export ? export_subject(cli, &a) : retain(cli, &a);
}

DG_CLI_COMMAND(customer) = {
    "customer", "a customer's card and consultation type; erasure, subject access, retention",
    "usage: dangol [--db PATH] [--format table|csv|json] customer SUBCOMMAND\n\n"
    "  show ID [--lang en|ko|both] [--types FILE] [--segment] [--programme]\n"
    "              the customer card: profile, consultation guidance for the customer's type\n"
    "              (the name and guidance of config/consult_types.conf or --types FILE, in\n"
    "              --lang; default: Korean when LANG is ko_*, else English), order summary,\n"
    "              the latest orders and feedback, where the customer stands (RFM scores and\n"
    "              segment, ladder stage, loyalty index), what they are worth (P(alive),\n"
    "              expected purchases and CLV over the next 52 weeks from BG/NBD + Gamma-Gamma\n"
    "              fitted on the whole store) and the churn risk of the latest churn model;\n"
    "              --segment also runs `dangol segment` for the k-means segment (seconds on a\n"
    "              large store; without it the line says so); --programme adds the loyalty\n"
    "              programme: tier and tier history, points balance today, coupons and\n"
    "              campaigns (as `dangol tier show`, `dangol points balance`)\n"
    "  set-type ID TYPE|none [--expect TYPE|none] [--types FILE] [--actor WHO]\n"
    "              staff set (or clear) the customer's consultation type, one the types file\n"
    "              lists; audited (customer.update). --expect: refuse, exit 1, unless the type\n"
    "              is still the one read before (another write changed it meanwhile)\n"
    "  erase ID --reason TEXT [--actor WHO]\n"
    "              erasure on request: name, phone, e-mail, birth year and the free texts about\n"
    "              the customer are destroyed (zeroed in the file, the write-ahead log truncated;\n"
    "              on PostgreSQL the tables rewritten by VACUUM (FULL)); the id, orders and every\n"
    "              aggregate stay. Cannot be undone\n"
    "  export-subject ID [--output FILE]\n"
    "              subject access: one JSON document of everything held on the customer\n"
    "  retain [--inactive-days N] [--config FILE] [--as-of DATE] [--dry-run]\n"
    "              erase every customer with no activity for more than N days before DATE\n"
    "              (default: retention_inactive_days of config/privacy.conf, built in 1095;\n"
    "              today); --dry-run lists them and erases nothing\n\n"
    "Exits 3 if there is no such customer, 2 for a bad option, 1 when the store refuses the\n"
    "write. docs/security.md describes what erasure keeps and destroys.\n",
    run,
};
