/* Helpers every command shares: opening the store, reporting errors with the right exit code,
 * printing result tables in the chosen format. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "cli/cli.h"

int dg_cli_exit_code(int status)
{
    switch (status) {
    case DG_OK:        return DG_EXIT_OK;
    case DG_EINVAL:
    case DG_EPARSE:
    case DG_ERANGE:
    case DG_EEXIST:
    case DG_ECONFLICT:   /* too few points, an order earned twice: nothing was written */
    case DG_ECONVERGE:   /* the data cannot be fitted: the message says where the fit stopped */
    case DG_EABORTED:  return DG_EXIT_DATA;
    case DG_ENOTFOUND: return DG_EXIT_NOTFOUND;
    default:           return DG_EXIT_FAILURE;
    }
}

int dg_cli_fail(const dg_cli *cli, const dg_error *err)
{
    fprintf(stderr, "%s %s: %s\n", cli->program, cli->command ? cli->command : "",
            err->message[0] ? err->message : dg_strerror(err->code));
    return dg_cli_exit_code(err->code);
}

int dg_cli_usage_error(const dg_cli *cli, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s %s: ", cli->program, cli->command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see `%s %s --help`)\n", cli->program, cli->command);
    return DG_EXIT_USAGE;
}

int dg_cli_open_store(dg_cli *cli, unsigned flags, dg_store **out)
{
    dg_error err;
    dg_error_clear(&err);
    if (dg_store_open(out, cli->db_path, flags, &err) != 0)
        return dg_cli_fail(cli, &err);
    return DG_EXIT_OK;
}

int dg_cli_print(const dg_cli *cli, const dg_table *table)
{
    if (dg_table_failed(table) != 0) {
        fprintf(stderr, "%s %s: out of memory building the output\n", cli->program, cli->command);
        return DG_EXIT_FAILURE;
    }
    int rc = dg_table_write(table, stdout, cli->format);
    if (fflush(stdout) != 0 || rc != 0) {
        fprintf(stderr, "%s %s: cannot write the output\n", cli->program, cli->command);
        return DG_EXIT_FAILURE;
    }
    dg_cli_print_notes(cli, table);
    return DG_EXIT_OK;
}

void dg_cli_print_notes(const dg_cli *cli, const dg_table *table)
{
    for (size_t i = 0; i < dg_table_notes(table) && !cli->quiet; i++)
        fprintf(stderr, "%s %s: note: %s\n", cli->program, cli->command, dg_table_note(table, i));
}

void dg_cli_getopt_reset(void)
{
    optind = 0;   /* glibc: 0 also reinitialises getopt's internal state */
    opterr = 0;   /* commands report unknown options themselves, with the usage hint */
}

void dg_cli_format_time(int64_t seconds, char buf[32])
{
    struct tm tm;
    time_t t = (time_t)seconds;
    buf[0] = '\0';
    if (seconds && gmtime_r(&t, &tm))
        strftime(buf, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

dg_table *dg_cli_table(const char *title, const char *const *columns, const dg_cell_type *types,
                       size_t n_columns)
{
    dg_table *t = dg_table_new(title);
    for (size_t c = 0; t && c < n_columns; c++)
        if (dg_table_add_column(t, columns[c], types ? types[c] : DG_CELL_TEXT, 0) != 0) {
            dg_table_free(t);
            return NULL;
        }
    return t;
}

int dg_cli_print_free(const dg_cli *cli, dg_table *t)
{
    if (!t || dg_table_failed(t)) {
        dg_table_free(t);
        dg_error err;
        dg_error_set(&err, DG_ENOMEM, "out of memory");
        return dg_cli_fail(cli, &err);
    }
    int rc = dg_cli_print(cli, t);
    dg_table_free(t);
    return rc;
}
