/* `dangol stats`: what the store holds — record counts and date ranges per entity. */
#include <stdio.h>

#include "cli/cli.h"

static int run(dg_cli *cli, int argc, char **argv)
{
    if (argc > 1)
        return dg_cli_usage_error(cli, "unexpected argument \"%s\"", argv[1]);
    dg_store *store;
    int opened = dg_cli_open_store(cli, DG_STORE_READONLY, &store);
    if (opened != DG_EXIT_OK)
        return opened;
    size_t n_entities;
    dg_entity_all(&n_entities);
    dg_entity_stats stats[32];
    dg_error err;
    dg_error_clear(&err);
    char code[4], title[512];
    int digits, rc = dg_store_currency(store, code, &digits, &err);
    if (rc == 0)
        rc = dg_store_stats(store, stats, &err);
    if (rc != 0) {
        dg_store_close(store);
        return dg_cli_fail(cli, &err);
    }
    snprintf(title, sizeof title, "%s (schema %d, currency %s)", cli->db_path,
             dg_store_schema_version(store), code);
    dg_store_close(store);

    dg_table *t = dg_table_new(cli->format == DG_FORMAT_TABLE ? title : NULL);
    int exit_code = DG_EXIT_FAILURE;
    if (!t || dg_table_add_column(t, "entity", DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, "records", DG_CELL_INT, 0) ||
        dg_table_add_column(t, "first", DG_CELL_DATE, 0) ||
        dg_table_add_column(t, "last", DG_CELL_DATE, 0))
        goto cleanup;
    for (size_t i = 0; i < n_entities; i++) {
        if (dg_table_add_row(t) || dg_table_set_text(t, 0, stats[i].entity->name))
            goto cleanup;
        dg_table_set_int(t, 1, stats[i].count);
        if (stats[i].has_range) {
            dg_table_set_int(t, 2, stats[i].first_day);
            dg_table_set_int(t, 3, stats[i].last_day);
        }
    }
    exit_code = dg_cli_print(cli, t);
cleanup:
    if (exit_code == DG_EXIT_FAILURE && !t)
        fprintf(stderr, "dangol stats: out of memory\n");
    dg_table_free(t);
    return exit_code;
}

DG_CLI_COMMAND(stats) = {
    "stats", "count what the store holds, with date ranges",
    "usage: dangol [--db PATH] [--format table|csv|json] stats\n\n"
    "Prints, for every kind of record (customers, orders, feedback, surveys, ...), how many the\n"
    "store holds and the first and last date they cover.\n",
    run,
};
