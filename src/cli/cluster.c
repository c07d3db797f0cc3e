/* `dangol cluster`: spreads a PostgreSQL store (the coordinator, --db) over worker nodes, lists
 * where its partitions are, adds a node and moves a partition to it (docs/postgresql.md
 * "Cluster"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "dangol/cluster.h"

static int show(dg_cli *cli)
{
    dg_store *store = NULL;
    dg_cluster_partition *parts = NULL;
    size_t n = 0;
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_cli_open_store(cli, DG_STORE_READONLY, &store);
    if (rc != DG_EXIT_OK)
        return rc;
    if (dg_cluster_partitions(store, &parts, &n, &err) != 0)
        rc = dg_cli_fail(cli, &err);
    dg_store_close(store);
    if (rc != DG_EXIT_OK)
        return rc;
    static const char *const columns[] = { "table", "partition", "remainder", "node", "address",
                                           "rows" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_INT, DG_CELL_TEXT,
                                          DG_CELL_TEXT, DG_CELL_INT };
    dg_table *t = dg_cli_table("partitions", columns, types, DG_CLI_N(columns));
    for (size_t i = 0; t && i < n && dg_table_add_row(t) == 0; i++) {
        dg_table_set_text(t, 0, parts[i].table);
        dg_table_set_text(t, 1, parts[i].name);
        dg_table_set_int(t, 2, parts[i].remainder);
        dg_table_set_text(t, 3, parts[i].node);
        dg_table_set_text(t, 4, parts[i].address);
        dg_table_set_int(t, 5, parts[i].rows);
    }
    free(parts);
    return dg_cli_print_free(cli, t);
}

static int init(dg_cli *cli, int argc, char **argv)
{
    dg_cli_list workers = { 0 };
    double per_worker = 4;
    const dg_cli_option options[] = {
        dg_cli_list_of("worker", &workers),
        dg_cli_whole("partitions-per-worker", &per_worker, 1, 64),
    };
    int rc = dg_cli_options(cli, argc, argv, options, DG_CLI_N(options), NULL, 0);
    if (rc == DG_EXIT_OK && workers.n == 0)
        rc = dg_cli_usage_error(cli, "cluster init needs --worker CONNINFO, once per worker");
    dg_store *store = NULL;
    if (rc == DG_EXIT_OK)
        rc = dg_cli_open_store(cli, 0, &store);
    dg_error err;
    dg_error_clear(&err);
    if (rc == DG_EXIT_OK &&
        dg_cluster_init(store, workers.items, workers.n, (int)per_worker, &err) != 0)
        rc = dg_cli_fail(cli, &err);
    dg_store_close(store);
    free(workers.items);
    return rc == DG_EXIT_OK ? show(cli) : rc;
}

static int add_node(dg_cli *cli, const char *worker)
{
    dg_store *store = NULL;
    char node[64];
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_cli_open_store(cli, 0, &store);
    if (rc == DG_EXIT_OK && dg_cluster_add_node(store, worker, node, sizeof node, &err) != 0)
        rc = dg_cli_fail(cli, &err);
    dg_store_close(store);
    if (rc == DG_EXIT_OK)
        printf("%s\n", node);
    return rc;
}

static int move(dg_cli *cli, const char *partition, const char *node)
{
    char *end;
    long remainder = strtol(partition, &end, 10);
    if (*end || end == partition || remainder < 0 || remainder > 4096)
        return dg_cli_usage_error(cli, "cluster move: the partition is a number (its remainder, "
                                  "`dangol cluster show`), not \"%s\"", partition);
    dg_store *store = NULL;
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_cli_open_store(cli, 0, &store);
    if (rc == DG_EXIT_OK && dg_cluster_move(store, (int)remainder, node, &err) != 0)
        rc = dg_cli_fail(cli, &err);
    dg_store_close(store);
    return rc == DG_EXIT_OK ? show(cli) : rc;
}

static int run(dg_cli *cli, int argc, char **argv)
{
    static const char *const names[] = { "init", "show", "add-node", "move" };
    switch (dg_cli_subcommand(cli, argc, argv, names, DG_CLI_N(names))) {
    case 0:
        return init(cli, argc - 1, argv + 1);
    case 1:
        return argc == 2 ? show(cli) : dg_cli_usage_error(cli, "cluster show takes no arguments");
    case 2:
        return argc == 3 ? add_node(cli, argv[2])
                         : dg_cli_usage_error(cli, "cluster add-node takes one connection string");
    case 3:
        return argc == 4 ? move(cli, argv[2], argv[3])
                         : dg_cli_usage_error(cli, "cluster move takes a partition and a node");
    default:
        return DG_EXIT_USAGE;
    }
}

DG_CLI_COMMAND(cluster) = {
    "cluster", "spread a PostgreSQL store over worker nodes and move its partitions",
    "usage: dangol --db COORDINATOR cluster init --worker CONNINFO [--worker CONNINFO ...]\n"
    "                                            [--partitions-per-worker N]\n"
    "       dangol --db COORDINATOR [--format table|csv|json] cluster show\n"
    "       dangol --db COORDINATOR cluster add-node CONNINFO\n"
    "       dangol --db COORDINATOR cluster move PARTITION NODE\n\n"
    "A PostgreSQL store (the coordinator) keeps customers and 16 per-customer tables on worker\n"
    "nodes, hash-partitioned by customer_id, each partition a postgres_fdw foreign table: the\n"
    "frame's (orders, feedback, surveys, interactions, partner_activities), the MOT visits,\n"
    "the tiers and their history, consent, campaign members, the points ledger (movements,\n"
    "lots, allocations), tickets and their events, and order returns. Every other table\n"
    "stays on the coordinator (docs/postgresql.md \"Cluster\").\n\n"
    "  init             moves the store's rows into N partitions per worker (partition k on\n"
    "                   worker k mod the number of workers), in one transaction; each --worker\n"
    "                   is a libpq connection string to an empty database, as the coordinator's\n"
    "                   server reaches it; its user and password go into a user mapping\n"
    "  --partitions-per-worker N  partitions per worker (1-64, default 4): more than the nodes,\n"
    "                   so a node can be added by moving partitions\n"
    "  show             each partition: its table, remainder, node, the node's address, rows\n"
    "  add-node         adds a worker (an empty database) as the next node; prints its name\n"
    "  move             moves partition PARTITION (its remainder) of every table to NODE, in\n"
    "                   one transaction (writers wait for it), then drops the old copies\n",
    run,
};
