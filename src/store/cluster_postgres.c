/* The scale-out of a PostgreSQL store (docs/postgresql.md "Cluster"), with PostgreSQL's own
 * hash partitioning and postgres_fdw, no distribution layer of ours: `cluster init` makes each
 * worker a foreign server of the coordinator (the store of --db) and turns customers and the
 * per-customer tables (distributed[]) into tables partitioned by customer_id, each partition a
 * foreign table whose rows live on one node; `cluster add-node` and `cluster move` add a node by
 * moving a partition; a node that does not answer is named in the error of the command that
 * needed it. Every layout change is one transaction of the coordinator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/cluster.h"
#include "store/postgres.h"

/* The tables spread over the nodes: customers, the entities of the frame whose rows carry
 * customer_id, and the services' per-customer tables whose every unique key holds customer_id,
 * is drawn from a sequence of the coordinator or names a row of one customer (an order, a
 * movement, a piece of feedback): tiers, consent events, campaign members, MOT visits, the
 * points ledger, tickets and their events, and order returns. Partition k of each is on the same node, so a
 * customer's rows are together and their joins and per-customer aggregates run on that node.
 * The others stay on the coordinator, each for the reason docs/postgresql.md "What stays on
 * the coordinator" gives. */
static const char *const distributed[] = { "customers", "orders", "feedback", "surveys",
                                           "interactions", "partner_activities", "mot_visits",
                                           "tier_state", "tier_history", "consent_events",
                                           "campaign_members", "points_movements", "points_lots",
                                           "points_allocations", "tickets", "ticket_events",
                                           "order_returns" };
#define N_DISTRIBUTED (sizeof distributed / sizeof distributed[0])
#define SQL_MAX 4096

static int need_pg(dg_store *s, dg_pg **pg, dg_error *err)
{
    *pg = dg__store_pg(s);
    return *pg ? 0 : dg_error_set(err, DG_EUNSUPPORTED, "a cluster is made of PostgreSQL "
                                  "stores: give the coordinator's connection string as --db "
                                  "(docs/postgresql.md \"Cluster\")");
}

static int run(dg_pg *pg, const char *sql, const char *what, dg_error *err)
{
    return dg__pg_exec(pg, sql, 0, NULL, NULL, what, err);
}

static void no_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* ---- a node's own connection (its tables are made and dropped through it) ---- */

/* sql (with the one parameter param, or none) on a node's connection; *out the rows. */
static int node_run(PGconn *conn, const char *node, const char *sql, const char *param,
                    PGresult **out, dg_error *err)
{
    PGresult *res = PQexecParams(conn, sql, param ? 1 : 0, NULL, &param, NULL, NULL, 0);
    ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
        if (out)
            *out = res;
        else
            PQclear(res);
        return 0;
    }
    char msg[DG_ERROR_MSG_MAX];
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    snprintf(msg, sizeof msg, "%s", primary ? primary : PQerrorMessage(conn));
    msg[strcspn(msg, "\n")] = '\0';
    PQclear(res);
    return dg_error_set(err, DG_ESTORE, "cluster node %s: %s", node, msg);
}

/* The libpq connection string of a node, from its foreign server and the current user's
 * mapping (the coordinator keeps them; nothing else does). */
static const char node_conninfo_sql[] =
    "SELECT string_agg(format('%s=''%s''', kv.k, replace(replace(kv.v, '\\', '\\\\'), '''', "
    "'\\''')), ' ') FROM pg_foreign_server s JOIN pg_user_mappings u ON u.srvid = s.oid AND "
    "u.usename = current_user, unnest(s.srvoptions || u.umoptions) o, LATERAL (SELECT "
    "split_part(o, '=', 1) AS k, substr(o, strpos(o, '=') + 1) AS v) kv WHERE s.srvname = $1 "
    "AND kv.k IN ('host', 'hostaddr', 'port', 'dbname', 'user', 'password')";

static int node_connect(dg_pg *pg, const char *node, PGconn **out, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, node_conninfo_sql, 1, &node, &res, "reading a node's address", err);
    if (rc != 0)
        return rc;
    if (PQgetisnull(res, 0, 0)) {
        PQclear(res);
        return dg_error_set(err, DG_ENOTFOUND, "%s: no cluster node %s (`dangol cluster show` "
                            "lists them)", pg->name, node);
    }
    PGconn *conn = PQconnectdb(PQgetvalue(res, 0, 0));
    PQclear(res);
    if (PQstatus(conn) != CONNECTION_OK) {
        char msg[DG_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", conn ? PQerrorMessage(conn) : "out of memory");
        msg[strcspn(msg, "\n")] = '\0';
        PQfinish(conn);
        return dg_error_set(err, DG_ESTORE, "cluster node %s: cannot connect: %s", node, msg);
    }
    PQsetNoticeProcessor(conn, no_notices, NULL);
    *out = conn;
    return 0;
}

/* Appends "key 'value'" of the options of conninfo named in keys to buf, comma-separated. */
static void add_options(dg_pg *pg, const PQconninfoOption *opts, const char *const *keys,
                        char *buf, size_t cap)
{
    for (const PQconninfoOption *o = opts; o->keyword; o++) {
        bool wanted = false;
        for (size_t k = 0; keys[k]; k++)
            wanted = wanted || strcmp(o->keyword, keys[k]) == 0;
        char *literal = wanted && o->val ? PQescapeLiteral(pg->conn, o->val, strlen(o->val)) : NULL;
        if (literal)
            snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s %s", *buf ? ", " : "",
                     o->keyword, literal);
        PQfreemem(literal);
    }
}

/* Makes the worker a foreign server "nodeN" (N one more than the last) with the current user's
 * mapping, and checks the coordinator's server reaches it. */
static int add_node(dg_pg *pg, const char *worker, char *node, size_t cap, dg_error *err)
{
    static const char *const server_keys[] = { "host", "hostaddr", "port", "dbname", NULL };
    static const char *const user_keys[] = { "user", "password", NULL };
    char *errmsg = NULL;
    PQconninfoOption *opts = PQconninfoParse(worker, &errmsg);
    if (!opts) {
        int rc = dg_error_set(err, DG_EINVAL, "worker \"%s\" is not a connection string: %s",
                              worker, errmsg ? errmsg : "out of memory");
        PQfreemem(errmsg);
        return rc;
    }
    int64_t number = 0;
    int rc = dg__pg_scalar(pg, "SELECT coalesce(max(substr(srvname, 5)::int), 0) + 1 FROM "
                           "pg_foreign_server WHERE srvname ~ '^node[0-9]+$'", 0, NULL, &number,
                           "naming a node", err);
    snprintf(node, cap, "node%lld", (long long)number);
    /* fetch_size: rows per round trip; batch_size: rows per INSERT; async_capable: the
     * partitions of one query are scanned on their nodes at once (Async Append);
     * fdw_tuple_cost: PostgreSQL 16's default, 0.2 (15's 0.01 makes a row from a node look
     * nearly free, so the planner often sorts and aggregates a partition's rows on the
     * coordinator instead of pushing the GROUP BY into its scan); use_remote_estimate: the
     * node's own estimate of a pushed-down join or GROUP BY (the coordinator's statistics of
     * a foreign table are only as fresh as its last ANALYZE) */
    char server[SQL_MAX], user[1024] = "", sql[SQL_MAX + 256];
    snprintf(server, sizeof server, "async_capable 'true', fetch_size '10000', "
             "batch_size '1000', fdw_tuple_cost '0.2', use_remote_estimate 'true'");
    add_options(pg, opts, server_keys, server, sizeof server);
    add_options(pg, opts, user_keys, user, sizeof user);
    PQconninfoFree(opts);
    snprintf(sql, sizeof sql, "CREATE SERVER %s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (%s); "
             "CREATE USER MAPPING FOR CURRENT_USER SERVER %s%s%s%s", node, server, node,
             *user ? " OPTIONS (" : "", user, *user ? ")" : "");
    if (rc == 0)
        rc = run(pg, sql, "adding a node", err);
    return rc;
}

/* ---- the tables on the nodes ---- */

/* A table's columns and primary key as CREATE TABLE takes them, read on conn (the coordinator's
 * table, or a partition's table on its node). */
static const char table_ddl_sql[] =
    "SELECT string_agg(format('%I %s%s', attname, format_type(atttypid, atttypmod), CASE WHEN "
    "attnotnull THEN ' NOT NULL' ELSE '' END), ', ' ORDER BY attnum) || coalesce(', ' || (SELECT "
    "pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass AND contype = "
    "'p'), '') FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT "
    "attisdropped";

/* A table's columns' own statistics targets as ALTER TABLE takes them ("" for none): schema 26
 * gives the columns an erasure empties a target of 0, so that ANALYZE keeps none of their values
 * (docs/security.md); every copy of the table, on a node or the coordinator, keeps them. */
static const char statistics_sql[] =
    "SELECT coalesce(string_agg(format('ALTER COLUMN %I SET STATISTICS %s', attname, "
    "attstattarget), ', ' ORDER BY attnum), '') FROM pg_attribute WHERE attrelid = "
    "$1::regclass AND attnum > 0 AND NOT attisdropped AND attstattarget >= 0";

/* A table's unique indexes but its primary key, one a line, each as CREATE INDEX takes it after
 * "ON table" ("USING btree (source_id) WHERE ..."). Each names rows of one customer (an order's
 * earn, a movement's reversal, a feedback's ticket), so a partition's index refuses every
 * second row the table's would. */
static const char unique_sql[] =
    "SELECT coalesce(string_agg(regexp_replace(pg_get_indexdef(indexrelid), '^CREATE UNIQUE "
    "INDEX \\S+ ON \\S+ ', ''), E'\\n' ORDER BY indexrelid), '') FROM pg_index WHERE "
    "indrelid = $1::regclass AND indisunique AND NOT indisprimary";

/* The definition of a table read on conn, as create_on_node makes it again. */
typedef struct table_def {
    char ddl[SQL_MAX];
    char statistics[SQL_MAX];
    char unique[SQL_MAX];
} table_def;

/* *out (cap bytes) the one text value of sql with the parameter table, run on conn. */
static int node_text(PGconn *conn, const char *who, const char *sql, const char *table,
                     char *out, size_t cap, dg_error *err)
{
    PGresult *res = NULL;
    int rc = node_run(conn, who, sql, table, &res, err);
    if (rc == 0)
        snprintf(out, cap, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return rc;
}

static int table_ddl(PGconn *conn, const char *who, const char *table, table_def *def,
                     dg_error *err)
{
    int rc = node_text(conn, who, table_ddl_sql, table, def->ddl, sizeof def->ddl, err);
    if (rc == 0)
        rc = node_text(conn, who, statistics_sql, table, def->statistics,
                       sizeof def->statistics, err);
    if (rc == 0)
        rc = node_text(conn, who, unique_sql, table, def->unique, sizeof def->unique, err);
    return rc;
}

/* The unique indexes of def on the partition's table part. */
static int unique_on_node(PGconn *conn, const char *node, const char *part, const table_def *def,
                          dg_error *err)
{
    char sql[SQL_MAX + 256];
    int rc = 0;
    for (const char *index = def->unique; *index && rc == 0;) {
        size_t len = strcspn(index, "\n");
        snprintf(sql, sizeof sql, "CREATE UNIQUE INDEX ON %s %.*s", part, (int)len, index);
        rc = node_run(conn, node, sql, NULL, NULL, err);
        index += len + (index[len] == '\n');
    }
    return rc;
}

/* The partition's table on its node, with the statistics targets and unique indexes of def,
 * indexed by customer for a customer's look-ups. */
static int create_on_node(PGconn *conn, const char *node, const char *table, const char *part,
                          const table_def *def, dg_error *err)
{
    char sql[SQL_MAX + 256];
    snprintf(sql, sizeof sql, "CREATE TABLE %s (%s)", part, def->ddl);
    int rc = node_run(conn, node, sql, NULL, NULL, err);
    snprintf(sql, sizeof sql, "ALTER TABLE %s %s", part, def->statistics);
    if (rc == 0 && *def->statistics)
        rc = node_run(conn, node, sql, NULL, NULL, err);
    snprintf(sql, sizeof sql, "CREATE INDEX ON %s (customer_id)", part);
    if (rc == 0 && strcmp(table, "customers") != 0)
        rc = node_run(conn, node, sql, NULL, NULL, err);
    return rc == 0 ? unique_on_node(conn, node, part, def, err) : rc;
}

static void drop_on_node(PGconn *conn, const char *part)
{
    char sql[128];
    dg_error ignored;
    snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s", part);
    if (conn)
        node_run(conn, "", sql, NULL, NULL, &ignored);
}

/* The foreign table of partition k of table on node, attached to the partitioned table. */
static int attach(dg_pg *pg, const char *table, int modulus, int k, const char *node,
                  dg_error *err)
{
    char sql[512];
    snprintf(sql, sizeof sql, "CREATE FOREIGN TABLE %s_p%d PARTITION OF %s FOR VALUES WITH "
             "(MODULUS %d, REMAINDER %d) SERVER %s OPTIONS (table_name '%s_p%d')", table, k,
             table, modulus, k, node, table, k);
    return run(pg, sql, "placing a partition", err);
}

/* A result's one text value, run on the coordinator (NULL gives ""). */
static int text_of(dg_pg *pg, const char *sql, const char *param, char *buf, size_t cap,
                   const char *what, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, sql, 1, &param, &res, what, err);
    if (rc == 0)
        snprintf(buf, cap, "%s", PQntuples(res) ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    return rc;
}

/* The statements dropping the references to table $1 and its own set-based ones: the foreign
 * keys referring to it, the triggers that check a reference to it (schema/pg/0028: the
 * referenced table is their second argument) and its own reference triggers, of either side.
 * PostgreSQL collects no transition tables from foreign partitions, so a distributed table
 * could not keep them; a reference from a table that stays to one that does not (staff's
 * DELETE checks the distributed orders) is kept. */
static const char references_sql[] =
    "SELECT string_agg(statement, '; ') FROM (SELECT format('ALTER TABLE %s DROP CONSTRAINT "
    "%I', conrelid::regclass, conname) AS statement FROM pg_constraint WHERE contype = 'f' AND "
    "confrelid = $1::regclass UNION ALL SELECT format('DROP TRIGGER %I ON %s', tgname, "
    "tgrelid::regclass) FROM pg_trigger WHERE (tgrelid = $1::regclass AND tgfoid IN "
    "(to_regproc('dg_reference_check'), to_regproc('dg_referenced_check'))) OR (tgfoid = "
    "to_regproc('dg_reference_check') AND split_part(encode(tgargs, 'escape'), '\\000', 2) = "
    "$1::text)) d";

/* The statistics targets (statistics_sql's) given to the coordinator's table: a partitioned
 * table passes them to each of its partitions, foreign tables whose ANALYZE samples the nodes'
 * rows into the coordinator's statistics. */
static int set_statistics(dg_pg *pg, const char *table, const char *statistics, dg_error *err)
{
    char sql[SQL_MAX + 128];
    snprintf(sql, sizeof sql, "ALTER TABLE %s %s", table, statistics);
    return *statistics ? run(pg, sql, "setting the statistics targets", err) : 0;
}

/* The partitioned table's identity column (a new sequence of the coordinator, where the
 * default of every INSERT through it is drawn, so ids stay unique over the nodes) goes on
 * after the largest id copied, as the table's own did. */
static const char identity_sql[] =
    "SELECT format('SELECT setval(%L, max(%I)) FROM %I HAVING max(%I) IS NOT NULL', "
    "pg_get_serial_sequence($1::text, attname), attname, $1::text, attname) FROM "
    "pg_attribute WHERE attrelid = $1::text::regclass AND attidentity <> ''";

static int identity_continues(dg_pg *pg, const char *table, dg_error *err)
{
    char sql[512];
    int rc = text_of(pg, identity_sql, table, sql, sizeof sql, "reading the identity", err);
    return rc == 0 && *sql ? run(pg, sql, "continuing the identity", err) : rc;
}

/* The views reading table $1 (coupon_redemptions_kept reads order_returns, ticket_event_texts
 * ticket_events): dropped before the table is renamed away and made again, from the text read
 * here, over the partitioned table. */
#define VIEWS_OF "FROM pg_class v WHERE v.relkind = 'v' AND v.oid IN (SELECT r.ev_class FROM " \
    "pg_depend d JOIN pg_rewrite r ON r.oid = d.objid WHERE d.classid = " \
    "'pg_rewrite'::regclass AND d.refobjid = $1::regclass)"
static const char views_drop_sql[] =
    "SELECT string_agg(format('DROP VIEW %s', v.oid::regclass), '; ') " VIEWS_OF;
static const char views_create_sql[] =
    "SELECT string_agg(format('CREATE VIEW %s AS %s', v.oid::regclass, pg_get_viewdef(v.oid)), "
    "' ') " VIEWS_OF;

/* Turns table into modulus partitions, partition k on node k mod n, inside the coordinator's
 * transaction. The references to it and its own reference triggers are dropped (a partitioned
 * table of foreign tables has no unique key to refer to and collects no transition tables: the
 * importer and the services check them themselves); its other triggers and the views reading it
 * are made again on the partitioned table; its rows are copied to the nodes. */
static int distribute(dg_pg *pg, PGconn **conns, char (*nodes)[16], size_t n, int modulus,
                      const char *table, dg_error *err)
{
    table_def def;
    char drops[4 * SQL_MAX], triggers[SQL_MAX], views[SQL_MAX], sql[512], part[80];
    int rc = table_ddl(pg->conn, pg->name, table, &def, err);
    for (int k = 0; k < modulus && rc == 0; k++) {
        snprintf(part, sizeof part, "%s_p%d", table, k);
        rc = create_on_node(conns[k % n], nodes[k % n], table, part, &def, err);
    }
    if (rc == 0)
        rc = text_of(pg, references_sql, table, drops, sizeof drops, "reading the references",
                     err);
    if (rc == 0 && *drops)
        rc = run(pg, drops, "dropping the references", err);
    if (rc == 0)
        rc = text_of(pg, "SELECT string_agg(pg_get_triggerdef(oid), '; ') FROM pg_trigger "
                     "WHERE tgrelid = $1::regclass AND NOT tgisinternal", table, triggers,
                     sizeof triggers, "reading the triggers", err);
    if (rc == 0)
        rc = text_of(pg, views_create_sql, table, views, sizeof views, "reading the views", err);
    if (rc == 0)
        rc = text_of(pg, views_drop_sql, table, sql, sizeof sql, "reading the views", err);
    if (rc == 0 && *views)
        rc = run(pg, sql, "dropping the views", err);
    snprintf(sql, sizeof sql, "ALTER TABLE %s RENAME TO %s_local; CREATE TABLE %s (LIKE "
             "%s_local INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY) PARTITION "
             "BY HASH (customer_id)", table, table, table, table);
    if (rc == 0)
        rc = run(pg, sql, "partitioning a table", err);
    if (rc == 0 && *views)
        rc = run(pg, views, "making the views again", err);
    for (int k = 0; k < modulus && rc == 0; k++)
        rc = attach(pg, table, modulus, k, nodes[k % n], err);
    if (rc == 0)
        rc = set_statistics(pg, table, def.statistics, err);
    if (rc == 0 && *triggers)
        rc = run(pg, triggers, "making the triggers again", err);
    snprintf(sql, sizeof sql, "INSERT INTO %s SELECT * FROM %s_local; DROP TABLE %s_local",
             table, table, table);
    if (rc == 0)
        rc = run(pg, sql, "copying the rows to the nodes", err);
    return rc == 0 ? identity_continues(pg, table, err) : rc;
}

/* The planner settings that run the per-customer work on the nodes (partitionwise joins and
 * aggregates: a GROUP BY customer_id, or a join on it, per partition, pushed into each
 * partition's foreign scan; Async Append is on by default), for every session of the
 * coordinator's database. */
static const char planner_settings[] =
    "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET enable_partitionwise_aggregate = on', "
    "current_database()); EXECUTE format('ALTER DATABASE %I SET enable_partitionwise_join = on', "
    "current_database()); END $$";

/* Appends the distributed tables' names to buf, separated by sep. */
static void table_names(char *buf, size_t cap, const char *sep)
{
    for (size_t t = 0; t < N_DISTRIBUTED; t++)
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", t ? sep : "", distributed[t]);
}

static int analyze(dg_pg *pg, dg_error *err)
{
    char sql[1024] = "ANALYZE ";
    table_names(sql, sizeof sql, ", ");
    return run(pg, sql, "analysing the partitions", err);
}

static int is_cluster(dg_pg *pg, bool *yes, dg_error *err)
{
    return dg__pg_flag(pg, "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid "
                       "= 'customers'::regclass)", yes, "reading the layout", err);
}

/* No table in the worker's database: its partitions' names are free. */
static int check_empty(PGconn *conn, const char *node, dg_error *err)
{
    PGresult *res = NULL;
    int rc = node_run(conn, node, "SELECT count(*) FROM pg_tables WHERE schemaname = "
                      "current_schema()", NULL, &res, err);
    if (rc == 0 && atol(PQgetvalue(res, 0, 0)) > 0)
        rc = dg_error_set(err, DG_EINVAL, "cluster node %s: its database has tables; give each "
                          "worker an empty database", node);
    PQclear(res);
    return rc;
}

#define MAX_NODES 64

int dg_cluster_init(dg_store *s, const char *const *workers, size_t n, int per_worker,
                    dg_error *err)
{
    dg_pg *pg;
    int rc = need_pg(s, &pg, err);
    if (rc != 0)
        return rc;
    if (n == 0 || n > MAX_NODES || per_worker < 1 || per_worker > 64)
        return dg_error_set(err, DG_EINVAL, "a cluster has 1 to %d workers of 1 to 64 "
                            "partitions each", MAX_NODES);
    bool clustered = false;
    if ((rc = is_cluster(pg, &clustered, err)) != 0)
        return rc;
    if (clustered)
        return dg_error_set(err, DG_EEXIST, "%s: the store is a cluster already (`dangol cluster "
                            "show`); add a node with `dangol cluster add-node`", pg->name);
    PGconn *conns[MAX_NODES] = { 0 };
    char nodes[MAX_NODES][16];
    int modulus = (int)n * per_worker;
    bool created = false;
    rc = run(pg, "BEGIN; CREATE EXTENSION IF NOT EXISTS postgres_fdw; SET LOCAL "
             "session_replication_role = replica", "starting the layout", err);
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = add_node(pg, workers[i], nodes[i], sizeof nodes[i], err);
        if (rc == 0)
            rc = node_connect(pg, nodes[i], &conns[i], err);
        if (rc == 0)
            rc = check_empty(conns[i], nodes[i], err);
    }
    for (size_t t = 0; t < N_DISTRIBUTED && rc == 0; t++) {
        created = true;
        rc = distribute(pg, conns, nodes, n, modulus, distributed[t], err);
    }
    if (rc == 0)
        rc = run(pg, planner_settings, "setting the planner", err);
    if (rc == 0)
        rc = run(pg, "COMMIT", "committing the layout", err);
    if (rc != 0) {
        PQclear(PQexec(pg->conn, "ROLLBACK"));
        for (size_t t = 0; t < N_DISTRIBUTED && created; t++)
            for (int k = 0; k < modulus; k++) {
                char part[80];
                snprintf(part, sizeof part, "%s_p%d", distributed[t], k);
                drop_on_node(conns[k % n], part);
            }
    }
    for (size_t i = 0; i < n; i++)
        PQfinish(conns[i]);
    return rc == 0 ? analyze(pg, err) : rc;
}

int dg_cluster_add_node(dg_store *s, const char *worker, char *node, size_t cap, dg_error *err)
{
    dg_pg *pg;
    bool clustered = false;
    int rc = need_pg(s, &pg, err);
    if (rc == 0)
        rc = is_cluster(pg, &clustered, err);
    if (rc == 0 && !clustered)
        rc = dg_error_set(err, DG_ENOTFOUND, "%s: not a cluster; make one with `dangol cluster "
                          "init`", pg->name);
    PGconn *conn = NULL;
    if (rc == 0)
        rc = run(pg, "BEGIN", "adding a node", err);
    if (rc == 0)
        rc = add_node(pg, worker, node, cap, err);
    if (rc == 0)
        rc = node_connect(pg, node, &conn, err);
    if (rc == 0)
        rc = check_empty(conn, node, err);
    PQfinish(conn);
    if (rc == 0)
        return run(pg, "COMMIT", "adding a node", err);
    if (PQtransactionStatus(pg->conn) != PQTRANS_IDLE)
        PQclear(PQexec(pg->conn, "ROLLBACK"));
    return rc;
}

/* ---- where the partitions are ---- */

static const char partitions_sql[] =
    "SELECT p.relname, c.relname, pg_get_expr(c.relpartbound, c.oid), s.srvname, "
    "concat_ws(':', (SELECT substr(o, 6) FROM unnest(s.srvoptions) o WHERE o LIKE 'host=%'), "
    "(SELECT substr(o, 6) FROM unnest(s.srvoptions) o WHERE o LIKE 'port=%')) || '/' || "
    "coalesce((SELECT substr(o, 8) FROM unnest(s.srvoptions) o WHERE o LIKE 'dbname=%'), '') "
    "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = "
    "i.inhparent JOIN pg_foreign_table f ON f.ftrelid = c.oid JOIN pg_foreign_server s ON "
    "s.oid = f.ftserver WHERE p.relname = ANY (string_to_array($1, ',')) ORDER BY p.relname "
    "COLLATE \"C\", c.relname COLLATE \"C\"";

static int rows_of(dg_pg *pg, dg_cluster_partition *p, dg_error *err)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", p->name);
    return dg__pg_scalar(pg, sql, 0, NULL, &p->rows, "counting a partition's rows", err);
}

int dg_cluster_partitions(dg_store *s, dg_cluster_partition **out, size_t *n, dg_error *err)
{
    dg_pg *pg;
    PGresult *res = NULL;
    *out = NULL;
    *n = 0;
    char tables[1024] = "";
    table_names(tables, sizeof tables, ",");
    const char *param = tables;
    int rc = need_pg(s, &pg, err);
    if (rc == 0)
        rc = dg__pg_rows(pg, partitions_sql, 1, &param, sizeof **out, (void **)out, &res,
                         "reading the partitions", err);
    if (rc != 0)
        return rc;
    int rows = PQntuples(res);
    for (int r = 0; r < rows; r++) {
        dg_cluster_partition *p = &(*out)[r];
        snprintf(p->table, sizeof p->table, "%s", PQgetvalue(res, r, 0));
        snprintf(p->name, sizeof p->name, "%s", PQgetvalue(res, r, 1));
        sscanf(PQgetvalue(res, r, 2), "FOR VALUES WITH (modulus %d, remainder %d)", &p->modulus,
               &p->remainder);
        snprintf(p->node, sizeof p->node, "%s", PQgetvalue(res, r, 3));
        snprintf(p->address, sizeof p->address, "%s", PQgetvalue(res, r, 4));
    }
    PQclear(res);
    /* by table, then remainder (the names sort p10 before p2) */
    for (int r = 1; r < rows; r++)
        for (int q = r; q > 0; q--) {
            dg_cluster_partition *a = &(*out)[q - 1], *b = &(*out)[q], tmp;
            if (strcmp(a->table, b->table) < 0 ||
                (strcmp(a->table, b->table) == 0 && a->remainder < b->remainder))
                break;
            tmp = *a, *a = *b, *b = tmp;
        }
    for (int r = 0; r < rows && rc == 0; r++)
        rc = rows_of(pg, &(*out)[r], err);
    if (rc == 0 && rows == 0)
        rc = dg_error_set(err, DG_ENOTFOUND, "%s: not a cluster; make one with `dangol cluster "
                          "init`", pg->name);
    if (rc != 0) {
        free(*out);
        *out = NULL;
        return rc;
    }
    *n = (size_t)rows;
    return 0;
}

/* ---- moving a partition ---- */

/* Re-places partition p on node inside the coordinator's transaction: detached, its foreign
 * table renamed, a new one on node attached with its bound and its table's statistics targets,
 * the rows copied across. */
static int replace(dg_pg *pg, const dg_cluster_partition *p, const char *node, dg_error *err)
{
    char sql[512], statistics[SQL_MAX];
    snprintf(sql, sizeof sql, "ALTER TABLE %s DETACH PARTITION %s; ALTER FOREIGN TABLE %s "
             "RENAME TO %s_moving", p->table, p->name, p->name, p->name);
    int rc = run(pg, sql, "detaching a partition", err);
    if (rc == 0)
        rc = attach(pg, p->table, p->modulus, p->remainder, node, err);
    if (rc == 0)
        rc = text_of(pg, statistics_sql, p->table, statistics, sizeof statistics,
                     "reading the statistics targets", err);
    if (rc == 0)
        rc = set_statistics(pg, p->name, statistics, err);
    snprintf(sql, sizeof sql, "INSERT INTO %s SELECT * FROM %s_moving; DROP FOREIGN TABLE "
             "%s_moving", p->name, p->name, p->name);
    return rc == 0 ? run(pg, sql, "copying a partition's rows", err) : rc;
}

int dg_cluster_move(dg_store *s, int remainder, const char *node, dg_error *err)
{
    dg_cluster_partition *parts = NULL, *moving[N_DISTRIBUTED];
    size_t n = 0, n_moving = 0;
    int rc = dg_cluster_partitions(s, &parts, &n, err);
    if (rc != 0)
        return rc;
    dg_pg *pg = dg__store_pg(s);
    for (size_t i = 0; i < n && n_moving < N_DISTRIBUTED; i++)
        if (parts[i].remainder == remainder && strcmp(parts[i].node, node) != 0)
            moving[n_moving++] = &parts[i];
    if (n_moving == 0)
        rc = remainder < 0 || remainder >= parts[0].modulus
                 ? dg_error_set(err, DG_ENOTFOUND, "%s: no partition %d: they are 0 to %d",
                                pg->name, remainder, parts[0].modulus - 1)
                 : dg_error_set(err, DG_EINVAL, "%s: partition %d is on %s already", pg->name,
                                remainder, node);
    PGconn *to = NULL, *from[N_DISTRIBUTED] = { 0 };
    table_def def;
    if (rc == 0)
        rc = node_connect(pg, node, &to, err);
    for (size_t i = 0; i < n_moving && rc == 0; i++) {
        rc = node_connect(pg, moving[i]->node, &from[i], err);
        if (rc == 0)
            rc = table_ddl(from[i], moving[i]->node, moving[i]->name, &def, err);
        if (rc == 0)
            rc = create_on_node(to, node, moving[i]->table, moving[i]->name, &def, err);
    }
    if (rc == 0)
        rc = run(pg, "BEGIN; SET LOCAL session_replication_role = replica", "moving a "
                 "partition", err);
    for (size_t i = 0; i < n_moving && rc == 0; i++)
        rc = replace(pg, moving[i], node, err);
    if (rc == 0)
        rc = run(pg, "COMMIT", "moving a partition", err);
    for (size_t i = 0; i < n_moving; i++) {   /* the copies left behind: the old, or the new */
        if (rc != 0 && to)
            drop_on_node(to, moving[i]->name);
        else if (rc == 0)
            drop_on_node(from[i], moving[i]->name);
        PQfinish(from[i]);
    }
    if (rc != 0 && PQtransactionStatus(pg->conn) != PQTRANS_IDLE)
        PQclear(PQexec(pg->conn, "ROLLBACK"));
    PQfinish(to);
    free(parts);
    return rc == 0 ? analyze(pg, err) : rc;
}

bool dg__pg_distributed(const dg_pg *pg, const dg_entity *e)
{
    for (size_t t = 0; t < N_DISTRIBUTED && pg->n_nodes; t++)
        if (strcmp(e->name, distributed[t]) == 0)
            return true;
    return false;
}

/* ---- naming the node that does not answer ---- */

int dg__pg_cluster_load(dg_pg *pg, dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, "SELECT srvname, coalesce((SELECT substr(o, 6) FROM "
                         "unnest(srvoptions) o WHERE o LIKE 'host=%'), 'localhost'), "
                         "coalesce((SELECT substr(o, 6) FROM unnest(srvoptions) o WHERE o LIKE "
                         "'port=%'), '5432') FROM pg_foreign_server WHERE srvname ~ "
                         "'^node[0-9]+$'", 0, NULL, &res, "reading the cluster's nodes", err);
    if (rc != 0)
        return rc;
    pg->n_nodes = 0;
    for (int r = 0; r < PQntuples(res) && pg->n_nodes < DG_PG_MAX_NODES; r++) {
        dg__pg_node *node = &pg->nodes[pg->n_nodes++];
        snprintf(node->name, sizeof node->name, "%s", PQgetvalue(res, r, 0));
        snprintf(node->host, sizeof node->host, "%s", PQgetvalue(res, r, 1));
        snprintf(node->port, sizeof node->port, "%s", PQgetvalue(res, r, 2));
    }
    PQclear(res);
    return 0;
}

bool dg__pg_cluster_down(const dg_pg *pg, char *buf, size_t cap)
{
    *buf = '\0';
    for (size_t i = 0; i < pg->n_nodes; i++) {
        const dg__pg_node *node = &pg->nodes[i];
        char conninfo[256];
        snprintf(conninfo, sizeof conninfo, "host='%s' port='%s' connect_timeout=5", node->host,
                 node->port);
        /* down: nothing answers, or the server is shutting down or recovering (a worker
         * stopped at once ends its backends, and so this command's scan, before its postmaster
         * stops listening: a ping in between is rejected, not unanswered) */
        PGPing ping = PQping(conninfo);
        if (ping != PQPING_NO_RESPONSE && ping != PQPING_REJECT)
            continue;
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s (%s:%s)", *buf ? ", " : "",
                 node->name, node->host, node->port);
    }
    return *buf != '\0';
}
