/* `dangol stats`: what the store holds — record counts and date ranges per entity — and, with
 * --snapshot, the state of its frame snapshot (docs/snapshot.md). */
#include <stdio.h>

#include "cli/cli.h"
#include "dangol/frame.h"
#include "dangol/frame_snapshots.h"

/* What a store that keeps no frame snapshot (dg_frame_snapshots fails DG_EUNSUPPORTED) has
 * instead: a PostgreSQL store, until the snapshot persists there too (docs/postgresql.md), reads
 * the frame from the rows every time. */
#define NO_SNAPSHOT "none (PostgreSQL: rebuilt from rows)"

/* "current 2.7 MB" or "out of date" or "none": the table title's note on the snapshot. */
static void snapshot_note(dg_store *store, char *buf, size_t cap)
{
    dg_frame_snapshot_status status[8];
    int64_t generation;
    bool dirty;
    size_t n = 0, bytes = 0, current = 0;
    dg_error err;
    if (dg_frame_snapshots(store, &generation, &dirty, status, 8, &n, &err) != 0) {
        snprintf(buf, cap, err.code == DG_EUNSUPPORTED ? "snapshot " NO_SNAPSHOT
                                                       : "snapshot unreadable");
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (status[i].current) {
            current++;
            bytes += (size_t)status[i].saved.bytes;
        }
    if (current)
        snprintf(buf, cap, "snapshot current, %.1f MB", (double)bytes / 1e6);
    else
        snprintf(buf, cap, "snapshot %s", n ? "out of date" : "none");
}

/* Prints the table if it was built whole (else says memory ran out), frees it, returns the exit
 * code. */
static int print_table(dg_cli *cli, dg_table *t, bool built)
{
    int exit_code = DG_EXIT_FAILURE;
    if (built)
        exit_code = dg_cli_print(cli, t);
    else
        fprintf(stderr, "dangol stats: out of memory\n");
    dg_table_free(t);
    return exit_code;
}

static int print_entities(dg_cli *cli, dg_store *store)
{
    size_t n_entities;
    dg_entity_all(&n_entities);
    dg_entity_stats stats[32];
    dg_error err;
    dg_error_clear(&err);
    char code[4], title[768], note[128];
    int digits, rc = dg_store_currency(store, code, &digits, &err);
    if (rc == 0)
        rc = dg_store_stats(store, stats, &err);
    if (rc != 0)
        return dg_cli_fail(cli, &err);
    snapshot_note(store, note, sizeof note);
    snprintf(title, sizeof title, "%s (schema %d, currency %s, %s)", cli->db_name,
             dg_store_schema_version(store), code, note);

    dg_table *t = dg_table_new(cli->format == DG_FORMAT_TABLE ? title : NULL);
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
    return print_table(cli, t, true);
cleanup:
    return print_table(cli, t, false);
}

/* One row per saved snapshot: its kind, whether it is current, its size and counts, and the
 * bytes of the delta segments appended to it since. */
static int print_snapshots(dg_cli *cli, dg_store *store)
{
    dg_frame_snapshot_status status[8];
    int64_t generation;
    bool dirty;
    size_t n = 0;
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_frame_snapshots(store, &generation, &dirty, status, 8, &n, &err);
    bool kept = rc != DG_EUNSUPPORTED;
    if (rc != 0 && kept)
        return dg_cli_fail(cli, &err);
    char title[768];
    if (kept)
        snprintf(title, sizeof title, "%s: frame snapshots (store generation %lld%s)",
                 cli->db_name, (long long)generation,
                 dirty ? ", changed since the last snapshot" : "");
    else   /* no rows, and the note says what there is instead */
        snprintf(title, sizeof title, "%s: frame snapshots: " NO_SNAPSHOT, cli->db_name);
    dg_table *t = dg_table_new(cli->format == DG_FORMAT_TABLE ? title : NULL);
    static const char *const names[] = { "snapshot", "state", "generation", "bytes", "chunks",
                                         "customers", "orders", "lines" };
    if (!t || dg_table_add_column(t, names[0], DG_CELL_TEXT, 0) ||
        dg_table_add_column(t, names[1], DG_CELL_TEXT, 0))
        goto cleanup;
    for (size_t c = 2; c < sizeof names / sizeof names[0]; c++)
        if (dg_table_add_column(t, names[c], DG_CELL_INT, 0))
            goto cleanup;
    if (dg_table_add_column(t, "as_of", DG_CELL_DATE, 0) ||
        dg_table_add_column(t, "appended_bytes", DG_CELL_INT, 0))
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        const dg_store_snapshot *s = &status[i].saved;
        if (dg_table_add_row(t) || dg_table_set_text(t, 0, s->variant) ||
            dg_table_set_text(t, 1, status[i].current ? "current" : "out of date"))
            goto cleanup;
        int64_t values[] = { s->generation, s->bytes, s->chunks, s->customers, s->orders,
                             s->lines };
        for (size_t c = 0; c < sizeof values / sizeof values[0]; c++)
            dg_table_set_int(t, 2 + c, values[c]);
        dg_table_set_int(t, 8, s->as_of);
        dg_table_set_int(t, 9, status[i].delta_bytes);   /* docs/snapshot.md, "Appending" */
    }
    if (!kept && dg_table_add_note(t, "frame snapshot: " NO_SNAPSHOT))
        goto cleanup;
    return print_table(cli, t, true);
cleanup:
    return print_table(cli, t, false);
}

static int run(dg_cli *cli, int argc, char **argv)
{
    bool snapshot = false;
    const dg_cli_option options[] = { dg_cli_flag("snapshot", &snapshot) };
    int code = dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), NULL, 0);
    if (code != DG_EXIT_OK)
        return code;
    dg_store *store;
    int opened = dg_cli_open_store(cli, DG_STORE_READONLY, &store);
    if (opened != DG_EXIT_OK)
        return opened;
    int exit_code = snapshot ? print_snapshots(cli, store) : print_entities(cli, store);
    dg_store_close(store);
    return exit_code;
}

DG_CLI_COMMAND(stats) = {
    "stats", "count what the store holds, with date ranges",
    "usage: dangol [--db PATH] [--format table|csv|json] stats [--snapshot]\n\n"
    "Prints, for every kind of record (customers, orders, feedback, surveys, ...), how many the\n"
    "store holds and the first and last date they cover; the title says whether the store's\n"
    "frame snapshot is current (docs/snapshot.md).\n\n"
    "  --snapshot   instead, one row per saved frame snapshot: current or out of date, its\n"
    "               generation, size in bytes and chunks, the customers, orders and lines it\n"
    "               holds and its as-of day\n",
    run,
};
