/* The audit trail's chain (include/dangol/audit.h): an entry's hash is SHA-256 of the previous
 * entry's hash (32 zero bytes for the first entry ever) followed by the entry's canonical form:
 * its fields in a fixed order, each text as "LENGTH:BYTES\n" and each number as "DIGITS\n", a
 * missing text as empty and a missing id as 0, so no two different entries share a form. An
 * append reads the tail and inserts its successor in one write transaction; the verifier walks
 * the chain from the prune anchor; the prune job cuts the oldest entries behind an anchor it
 * names in an audit.prune entry, which is itself in the chain. SQL: src/store/audit_sqlite.c. */
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/json_write.h"
#include "dangol/audit.h"
#include "dangol/text.h"
#include "store/audit.h"
#include "store/snapshot.h"

void dg_audit_actor_cli(dg_audit_actor *actor, char name[DG_AUDIT_NAME_MAX])
{
    struct passwd pw, *found = NULL;
    char buf[1024];
    const char *user = getenv("USER");
    if (getpwuid_r(geteuid(), &pw, buf, sizeof buf, &found) == 0 && found && found->pw_name)
        snprintf(name, DG_AUDIT_NAME_MAX, "%s", found->pw_name);
    else if (user && *user)
        snprintf(name, DG_AUDIT_NAME_MAX, "%s", user);
    else
        snprintf(name, DG_AUDIT_NAME_MAX, "uid %ld", (long)geteuid());
    *actor = (dg_audit_actor){ .kind = "cli", .name = name, .role = DG_ROLE_NONE,
                               .origin = "cli" };
}

bool dg_audit_action_bulk(const char *action)
{
    return action && strcmp(action, DG_AUDIT_EXPORT) == 0;
}

/* ---- the canonical form and the hash ------------------------------------------------------ */

/* A number of the form, followed by end (":" or "\n"). */
static void hash_number(crypto_hash_sha256_state *h, int64_t v, char end)
{
    char text[32];
    size_t k = strlen(dg_int_format(v, text));
    text[k++] = end;
    crypto_hash_sha256_update(h, (const unsigned char *)text, (unsigned long long)k);
}

static void hash_text(crypto_hash_sha256_state *h, const char *text)
{
    size_t n = text ? strlen(text) : 0;
    hash_number(h, (int64_t)n, ':');
    if (n)
        crypto_hash_sha256_update(h, (const unsigned char *)text, n);
    crypto_hash_sha256_update(h, (const unsigned char *)"\n", 1);
}

static void hash_int(crypto_hash_sha256_state *h, int64_t v)
{
    hash_number(h, v, '\n');
}

/* SHA-256 of prev and e's canonical form into out. */
static void entry_hash(const unsigned char prev[DG_AUDIT_HASH_BYTES], const dg_audit_entry *e,
                       unsigned char out[DG_AUDIT_HASH_BYTES])
{
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, prev, DG_AUDIT_HASH_BYTES);
    hash_text(&h, "dangol-audit-1");   /* the form's version */
    hash_int(&h, e->entry_id);
    hash_int(&h, e->at);
    hash_text(&h, e->actor_kind);
    hash_int(&h, e->actor_id);
    hash_text(&h, e->actor);
    hash_text(&h, e->role);
    hash_text(&h, e->origin);
    hash_text(&h, e->action);
    hash_text(&h, e->customers);
    hash_text(&h, e->reason);
    hash_text(&h, e->detail);
    crypto_hash_sha256_final(&h, out);
}

static void hex(const unsigned char *bytes, char out[2 * DG_AUDIT_HASH_BYTES + 1])
{
    sodium_bin2hex(out, 2 * DG_AUDIT_HASH_BYTES + 1, bytes, DG_AUDIT_HASH_BYTES);
}

/* ---- appending ---------------------------------------------------------------------------- */

/* The customers as a JSON array's text (malloc'd), NULL for none; *failed on out of memory. */
static char *customers_json(const dg_audit_event *ev, bool *failed)
{
    char *text = ev->n_customers ? dg__json_string_array(ev->customers, ev->n_customers) : NULL;
    *failed = ev->n_customers && !text;
    return text;
}

static int check_event(const dg_audit_actor *actor, const dg_audit_event *ev, dg_error *err)
{
    if (!actor || !actor->kind || !actor->origin)
        return dg_error_set(err, DG_EINVAL, "an audit entry needs an actor and an origin");
    if (!ev->action || !*ev->action)
        return dg_error_set(err, DG_EINVAL, "an audit entry needs an action");
    if (ev->reason && strlen(ev->reason) > DG_AUDIT_REASON_MAX)
        return dg_error_set(err, DG_EINVAL, "the reason is longer than %d bytes",
                            DG_AUDIT_REASON_MAX);
    if (dg_audit_action_bulk(ev->action) && (!ev->reason || !*ev->reason))
        return dg_error_set(err, DG_EINVAL, "%s of personal data needs a reason (why it is "
                            "needed), kept in the audit trail", ev->action);
    return 0;
}

/* Fills row with the entry actor/ev (customers: its JSON text) whose id is id and whose
 * predecessor's hash is prev, and hashes it. */
static void entry_row(dg__audit_row *row, int64_t id, const unsigned char *prev, int64_t at,
                      const dg_audit_actor *actor, const dg_audit_event *ev,
                      const char *customers)
{
    memset(row, 0, sizeof *row);
    memcpy(row->prev_hash, prev, sizeof row->prev_hash);
    dg_audit_entry *e = &row->entry;
    e->entry_id = id;
    e->at = at;
    e->actor_kind = actor->kind;
    e->actor_id = actor->id;
    row->actor_id_set = actor->id != 0;
    e->actor = actor->name ? actor->name : "";
    e->role = actor->role != DG_ROLE_NONE ? dg_role_name(actor->role) : NULL;
    e->origin = actor->origin;
    e->action = ev->action;
    e->customers = customers;
    e->reason = ev->reason && *ev->reason ? ev->reason : NULL;
    e->detail = ev->detail && *ev->detail ? ev->detail : NULL;
    entry_hash(row->prev_hash, e, row->hash);
}

/* Appends the n entries (actors[i] did events[i]) inside the open write transaction: the tail
 * read once, each entry linked to the one before, the rows inserted together. */
static int append_in(dg_store *store, const dg_audit_actor *actors, const dg_audit_event *events,
                     size_t n, int64_t *first_id, dg_error *err)
{
    dg__audit_row *rows = calloc(n, sizeof *rows);
    char **customers = calloc(n, sizeof *customers);
    unsigned char prev[DG_AUDIT_HASH_BYTES] = { 0 };
    bool found = false, failed = false;
    int64_t tail = 0, at = (int64_t)time(NULL);
    int rc = rows && customers ? dg__audit_tail(store, &tail, prev, &found, err)
                               : dg_error_set(err, DG_ENOMEM, "out of memory");
    if (rc == 0 && !found)
        memset(prev, 0, sizeof prev);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        customers[i] = customers_json(&events[i], &failed);
        if (failed) {
            rc = dg_error_set(err, DG_ENOMEM, "out of memory");
            break;
        }
        entry_row(&rows[i], tail + 1 + (int64_t)i, i ? rows[i - 1].hash : prev, at, &actors[i],
                  &events[i], customers[i]);
    }
    if (rc == 0)
        rc = dg__audit_insert_rows(store, rows, n, err);
    if (rc == 0 && first_id)
        *first_id = tail + 1;
    for (size_t i = 0; customers && i < n; i++)
        free(customers[i]);
    free(customers);
    free(rows);
    return rc;
}

int dg_audit_append_all(dg_store *store, const dg_audit_actor *actors,
                        const dg_audit_event *events, size_t n, int64_t *first_id,
                        dg_error *err)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = check_event(&actors[i], &events[i], err);
    if (rc != 0 || n == 0)
        return rc;
    /* inside the caller's write transaction, or in one of our own */
    bool own = !dg__store_in_transaction(store);
    if (own && (rc = dg_store_begin(store, err)) != 0)
        return rc;
    rc = append_in(store, actors, events, n, first_id, err);
    if (own) {
        if (rc == 0)
            rc = dg_store_commit(store, err);
        else
            dg_store_rollback(store);
    }
    return rc;
}

int dg_audit_append(dg_store *store, const dg_audit_actor *actor, const dg_audit_event *event,
                    int64_t *entry_id, dg_error *err)
{
    if (!actor)
        return check_event(actor, event, err);
    return dg_audit_append_all(store, actor, event, 1, entry_id, err);
}

/* ---- verifying ---------------------------------------------------------------------------- */

typedef struct walk {
    dg_audit_verification *out;
    int64_t expect_id;
    unsigned char expect_prev[DG_AUDIT_HASH_BYTES];
    int64_t anchor_id;
    char anchor_hex[2 * DG_AUDIT_HASH_BYTES + 1];
    bool anchor_named;      /* an audit.prune entry names the anchor */
} walk;

__attribute__((format(printf, 3, 4)))
static int broken(walk *w, int64_t id, const char *fmt, ...)
{
    va_list ap;
    w->out->ok = false;
    w->out->bad_id = id;
    va_start(ap, fmt);
    vsnprintf(w->out->problem, sizeof w->out->problem, fmt, ap);
    va_end(ap);
    return 1;   /* stop: the first break is the one reported */
}

static int walk_row(void *ctx, const dg__audit_row *row)
{
    walk *w = ctx;
    const dg_audit_entry *e = &row->entry;
    if (e->entry_id > w->expect_id)
        return e->entry_id == w->expect_id + 1
                   ? broken(w, w->expect_id, "entry %" PRId64 " is missing: it was removed "
                            "(the entries go on at %" PRId64 ")", w->expect_id, e->entry_id)
                   : broken(w, w->expect_id, "entries %" PRId64 " to %" PRId64 " are missing: "
                            "they were removed", w->expect_id, e->entry_id - 1);
    if (e->entry_id < w->expect_id)
        return broken(w, e->entry_id, "entry %" PRId64 " lies inside the pruned range (up to "
                      "%" PRId64 ")", e->entry_id, w->anchor_id);
    if (!row->prev_ok || sodium_memcmp(row->prev_hash, w->expect_prev, DG_AUDIT_HASH_BYTES) != 0)
        return e->entry_id - 1 > w->anchor_id
                   ? broken(w, e->entry_id - 1, "entry %" PRId64 " was changed or replaced: "
                            "entry %" PRId64 "'s link to it does not match", e->entry_id - 1,
                            e->entry_id)
                   : broken(w, e->entry_id, "entry %" PRId64 " does not follow the prune "
                            "anchor (entries up to %" PRId64 " pruned)", e->entry_id,
                            w->anchor_id);
    unsigned char hash[DG_AUDIT_HASH_BYTES];
    entry_hash(row->prev_hash, e, hash);
    if (!row->hash_ok || sodium_memcmp(hash, row->hash, DG_AUDIT_HASH_BYTES) != 0)
        return broken(w, e->entry_id, "entry %" PRId64 " was changed: its content no longer "
                      "matches its hash", e->entry_id);
    if (w->anchor_id && strcmp(e->action, DG_AUDIT_PRUNE) == 0) {
        char named[64];
        snprintf(named, sizeof named, "\"through\":%" PRId64 ",", w->anchor_id);
        if (strstr(e->detail, named) && strstr(e->detail, w->anchor_hex))
            w->anchor_named = true;
    }
    if (w->out->entries++ == 0)
        w->out->first_id = e->entry_id;
    w->out->last_id = e->entry_id;
    memcpy(w->expect_prev, row->hash, DG_AUDIT_HASH_BYTES);
    w->expect_id = e->entry_id + 1;
    return 0;
}

int dg_audit_verify(dg_store *store, dg_audit_verification *out, dg_error *err)
{
    memset(out, 0, sizeof *out);
    out->ok = true;
    walk w = { .out = out };
    int rc = dg_store_read_begin(store, err);
    if (rc != 0)
        return rc;
    int64_t seq = 0;
    rc = dg__audit_anchor(store, &w.anchor_id, w.expect_prev, err);
    hex(w.expect_prev, w.anchor_hex);
    out->anchor_id = w.anchor_id;
    w.expect_id = w.anchor_id + 1;
    if (rc == 0)
        rc = dg__audit_rows(store, walk_row, &w, err);
    if (rc == 1)
        rc = 0;
    if (rc == 0)
        rc = dg__audit_sequence(store, &seq, err);
    dg_store_read_end(store);
    if (rc != 0)
        return rc;
    /* removals at the end leave no broken link, but the sequence remembers the largest id */
    if (out->ok && seq > w.expect_id - 1)
        broken(&w, w.expect_id, seq == w.expect_id ? "entry %" PRId64 " is missing: it was "
               "removed from the end (the largest id given is %" PRId64 ")"
               : "entries from %" PRId64 " to %" PRId64 " are missing: they were removed from "
               "the end", w.expect_id, seq);
    if (out->ok && w.anchor_id && !w.anchor_named)
        broken(&w, w.anchor_id, "the prune anchor (entries up to %" PRId64 ") is named by no "
               "audit.prune entry: entries were removed outside the prune job", w.anchor_id);
    if (out->ok)
        hex(w.expect_prev, out->head);
    return 0;
}

/* ---- pruning ------------------------------------------------------------------------------ */

int dg_audit_prune(dg_store *store, const dg_audit_actor *actor, int keep_days, int64_t now,
                   int64_t *removed, dg_error *err)
{
    *removed = 0;
    if (keep_days < DG_AUDIT_KEEP_DAYS_MIN)
        return dg_error_set(err, DG_ERANGE, "--keep-days %d: the audit trail is kept at least "
                            "%d days (PIPA: one year; two for large holders, the default %d)",
                            keep_days, DG_AUDIT_KEEP_DAYS_MIN, DG_AUDIT_KEEP_DAYS_DEFAULT);
    int rc = dg_store_begin(store, err);
    if (rc != 0)
        return rc;
    unsigned char hash[DG_AUDIT_HASH_BYTES];
    int64_t through = 0, count = 0;
    rc = dg__audit_prunable(store, now - (int64_t)keep_days * 86400, &through, hash, &count, err);
    if (rc == 0 && through > 0)
        rc = dg__audit_cut(store, through, hash, count, now, err);
    if (rc == 0 && through > 0) {
        char hash_hex[2 * DG_AUDIT_HASH_BYTES + 1], detail[256];
        hex(hash, hash_hex);
        snprintf(detail, sizeof detail, "{\"through\":%" PRId64 ",\"hash\":\"%s\",\"entries\":%"
                 PRId64 ",\"keep_days\":%d}", through, hash_hex, count, keep_days);
        dg_audit_event ev = { .action = DG_AUDIT_PRUNE, .detail = detail };
        rc = append_in(store, actor, &ev, 1, NULL, err);
    }
    if (rc != 0) {
        dg_store_rollback(store);
        return rc;
    }
    if ((rc = dg_store_commit(store, err)) == 0)
        *removed = count;
    return rc;
}

int dg_audit_scan(dg_store *store, const dg_audit_filter *filter, dg_audit_entry_fn fn,
                  void *ctx, dg_error *err)
{
    dg_audit_filter none = { 0 };
    return dg__audit_select(store, filter ? filter : &none, fn, ctx, err);
}
