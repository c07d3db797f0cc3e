/* A PostgreSQL store spread over worker nodes (docs/postgresql.md "Cluster"): customers and the
 * per-customer tables the frame reads, hash-partitioned by customer_id into more partitions than
 * nodes, each partition a postgres_fdw foreign table on the coordinator (the store of --db).
 * PostgreSQL's own partitioning and postgres_fdw do the rest: nothing above the store knows. */
#ifndef DANGOL_CLUSTER_H
#define DANGOL_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/store.h"

/* One partition: the table it belongs to, its name (also its table's name on its node), its
 * remainder of the hash, the node holding it and its rows. */
typedef struct dg_cluster_partition {
    char table[64];
    char name[80];
    int remainder, modulus;
    char node[64];
    char address[160];   /* host:port/database of the node */
    int64_t rows;
} dg_cluster_partition;

/* Adds each worker (a libpq connection string, as the coordinator's server reaches it) as a
 * node, then moves customers and the per-customer tables into per_worker partitions per node
 * (partition k on node k mod n), in one transaction of the coordinator. DG_EUNSUPPORTED for a
 * SQLite store, DG_EEXIST when the store is a cluster already. */
int dg_cluster_init(dg_store *s, const char *const *workers, size_t n_workers, int per_worker,
                    dg_error *err);

/* Adds one worker node (no partition yet); its name ("node4") into node (cap bytes). */
int dg_cluster_add_node(dg_store *s, const char *worker, char *node, size_t cap, dg_error *err);

/* Moves partition number `remainder` of every distributed table to node, in one transaction
 * (writers wait for it), then drops the old copies on the node it left. */
int dg_cluster_move(dg_store *s, int remainder, const char *node, dg_error *err);

/* Every partition, by table then remainder (*out: caller frees). DG_ENOTFOUND: not a cluster. */
int dg_cluster_partitions(dg_store *s, dg_cluster_partition **out, size_t *n, dg_error *err);

#endif
