/* `dangol export ENTITY`: writes every record as CSV (default) or JSON to stdout or --output.
 * The file is written beside its final name and renamed at the end, so a failed export never
 * leaves half a file under that name; --output may not be the store (src/cli/outputs.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "dangol/audit.h"
#include "dangol/ingest.h"

/* Where the export goes. A regular file is written beside its final name and renamed over it at
 * the end (through symlinks: the link keeps pointing at the new file); anything else (a device,
 * a pipe) is written in place, since renaming over it would replace the device node. */
typedef struct target {
    FILE *out;
    const char *name;         /* for messages: the --output path, or "standard output" */
    char final[PATH_MAX];     /* the file renamed over, "" when written in place */
    char tmp[PATH_MAX + 32];
} target;

static int open_target(target *t, const char *output, dg_error *err)
{
    struct stat st;
    t->name = output;
    bool in_place = stat(output, &st) == 0 && !S_ISREG(st.st_mode);
    if (in_place) {
        if (!(t->out = fopen(output, "w")))
            return dg_error_set(err, DG_EIO, "cannot write %s: %s", output, strerror(errno));
        return 0;
    }
    if (!realpath(output, t->final))
        snprintf(t->final, sizeof t->final, "%s", output);   /* a new file */
    snprintf(t->tmp, sizeof t->tmp, "%s.tmp%ld", t->final, (long)getpid());
    int fd = open(t->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 || !(t->out = fdopen(fd, "w"))) {
        int saved = errno;
        if (fd >= 0) {
            close(fd);
            unlink(t->tmp);
        }
        return dg_error_set(err, DG_EIO, "cannot write %s: %s", output, strerror(saved));
    }
    return 0;
}

/* Closes the output and, when everything went well, moves it to its final name; otherwise the
 * temporary file is removed and the final name keeps what it had. */
static int finish_target(target *t, bool ok, dg_error *err)
{
    int rc = 0;
    if (fclose(t->out) != 0 && ok)
        rc = dg_error_set(err, DG_EIO, "cannot write %s: %s", t->name, strerror(errno));
    t->out = NULL;
    if (!t->final[0])
        return rc;
    if (rc == 0 && ok && rename(t->tmp, t->final) != 0)
        rc = dg_error_set(err, DG_EIO, "cannot write %s: %s", t->name, strerror(errno));
    if (rc != 0 || !ok)
        unlink(t->tmp);
    return rc;
}

/* The customers whose records an export of e holds (its customer_id column), each once. */
typedef struct customers {
    int column;
    char **ids;
    size_t n, cap;
    int64_t records;
} customers;

static int collect_customer(void *ctx, const dg_value *row)
{
    customers *c = ctx;
    c->records++;
    const dg_value *v = &row[c->column];
    if (v->is_null || (c->n && strcmp(c->ids[c->n - 1], v->u.s) == 0))
        return 0;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 1024;
        char **grown = realloc(c->ids, cap * sizeof *grown);
        if (!grown)
            return DG_ENOMEM;
        c->ids = grown;
        c->cap = cap;
    }
    return (c->ids[c->n++] = strdup(v->u.s)) ? 0 : DG_ENOMEM;
}

static int compare_ids(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An export of personal data is one audit entry, written before the file: the customers it
 * holds, the reason and what was written where. */
static int audit_export(dg_cli *cli, dg_store *store, const dg_entity *e, const char *reason,
                        const char *output, dg_export_format format)
{
    customers c = { .column = dg_entity_column(e, "customer_id") };
    dg_error err;
    dg_error_clear(&err);
    int rc = c.column < 0 ? 0 : dg_store_scan(store, e, NULL, collect_customer, &c, &err);
    if (rc == DG_ENOMEM)
        dg_error_set(&err, rc, "out of memory");
    if (rc != 0) {
        for (size_t i = 0; i < c.n; i++)
            free(c.ids[i]);
        free(c.ids);
        return dg_cli_fail(cli, &err);
    }
    size_t unique = 0;
    if (c.n)
        qsort(c.ids, c.n, sizeof *c.ids, compare_ids);
    for (size_t i = 0; i < c.n; i++) {
        if (unique && strcmp(c.ids[unique - 1], c.ids[i]) == 0)
            free(c.ids[i]);
        else
            c.ids[unique++] = c.ids[i];
    }
    int code = dg_cli_audit(cli, store, DG_AUDIT_EXPORT, (const char *const *)c.ids, unique,
                            reason, json_pack("{s:s,s:s,s:I,s:s}", "entity", e->name, "format",
                                              format == DG_EXPORT_JSON ? "json" : "csv",
                                              "records", (json_int_t)c.records, "output",
                                              output ? output : "standard output"));
    for (size_t i = 0; i < unique; i++)
        free(c.ids[i]);
    free(c.ids);
    return code;
}

static bool holds_personal_data(const dg_entity *e)
{
    for (size_t c = 0; c < e->n_columns; c++)
        if (e->columns[c].personal != DG_PERSONAL_NONE)
            return true;
    return false;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    const char *output = NULL, *reason = NULL;
    const dg_cli_option options[] = { dg_cli_short('o', dg_cli_text("output", &output)),
                                      dg_cli_text("reason", &reason) };
    int first;
    int code = dg_cli_options_rest(cli, argc, argv, options, DG_CLI_N(options), &first);
    if (code != DG_EXIT_OK)
        return code;
    if (argc - first != 1)
        return dg_cli_usage_error(cli, "needs one entity");
    const dg_entity *e = dg_entity_find(argv[first]);
    if (!e) {
        size_t n;
        const dg_entity *const *all = dg_entity_all(&n);
        fprintf(stderr, "%s export: unknown entity \"%s\"; valid:", cli->program, argv[first]);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "%s %s", i ? "," : "", all[i]->name);
        fputc('\n', stderr);
        return DG_EXIT_USAGE;
    }
    bool personal = holds_personal_data(e);
    if (personal && (!reason || !*reason))
        return dg_cli_usage_error(cli, "%s hold personal data: an export needs --reason WHY "
                                  "(kept in the audit trail with who exported which customers)",
                                  e->name);
    if (reason && strlen(reason) > DG_AUDIT_REASON_MAX)
        return dg_cli_usage_error(cli, "--reason is longer than %d bytes", DG_AUDIT_REASON_MAX);
    int checked = output ? dg_cli_check_output(cli, "--output", output, NULL, 0) : DG_EXIT_OK;
    if (checked != DG_EXIT_OK)
        return checked;
    dg_export_format format = cli->format == DG_FORMAT_JSON ? DG_EXPORT_JSON : DG_EXPORT_CSV;
    dg_store *store;
    /* personal data leaves only with its audit entry written: the store must be writable */
    int opened = dg_cli_open_store(cli, personal ? 0 : DG_STORE_READONLY, &store);
    if (opened != DG_EXIT_OK)
        return opened;
    if (personal && (opened = audit_export(cli, store, e, reason, output, format)) != DG_EXIT_OK) {
        dg_store_close(store);
        return opened;
    }
    dg_error err;
    dg_error_clear(&err);
    target t = { .out = stdout, .name = "standard output" };
    int rc = output ? open_target(&t, output, &err) : 0;
    if (rc == 0)
        rc = dg_export(store, e, format, t.out, t.name, &err);
    dg_store_close(store);
    if (output && t.out && finish_target(&t, rc == 0, &err) != 0 && rc == 0)
        rc = err.code;
    return rc == 0 ? DG_EXIT_OK : dg_cli_fail(cli, &err);
}

DG_CLI_COMMAND(export) = {
    "export", "write customers, orders, ... as CSV or JSON",
    "usage: dangol [--db PATH] export ENTITY [--format csv|json] [--output FILE]\n"
    "                                [--reason WHY]\n\n"
    "Writes every record of ENTITY with a header row of dangol's column names: dates as\n"
    "YYYY-MM-DD, timestamps as YYYY-MM-DDTHH:MM:SSZ, money with the currency's decimals,\n"
    "booleans as true/false, empty when unset. `dangol import ENTITY FILE` reads it back\n"
    "unchanged. JSON is an array of objects (money as a number in the currency's unit).\n\n"
    "Entities holding personal data (customers, feedback) need --reason WHY: the export is\n"
    "written to the audit trail first (who, which customers, why; `dangol audit list`), so\n"
    "the store must be writable. Without a reason it is refused (exit 2).\n",
    run,
};
