/* Record routes: customers (list/search, get, create, replace, patch) and each customer's orders
 * and feedback (list, create). A JSON body is read against the entity catalog exactly as an
 * imported CSV row is: every value goes through dg_value_parse, as import's fields do (a JSON
 * number or boolean is first written as the text a CSV would hold), then the required rule;
 * unknown fields are refused, not dropped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/audit.h"
#include "dangol/report.h"
#include "dangol/id.h"
#include "dangol/mask.h"
#include "dangol/text.h"
#include "server/server.h"
#include "store/snapshot_delta.h"

#define MAX_COLUMNS 32

/* ---- rows to JSON ------------------------------------------------------------------------- */

/* Whether the asker sees personal fields masked (a store without users masks nothing). A
 * --read-only server cannot write the audit trail, so it shows them to nobody. */
static bool mask_for(const dg_request *req)
{
    return (req->user && dg_mask_applies(req->user->role)) || req->options->read_only;
}

/* Drops an answer made before its audit entry failed, and answers the failure instead. */
static void audit_failed(dg_response *res, const dg_error *err)
{
    free(res->location);
    res->location = NULL;
    dg_reply_failure(res, err);
}

/* Appends the read of the customers of items (their customer_id fields, each once) under
 * action; false with the failure answered. Nothing is appended for an empty page. */
static bool audit_items(dg_request *req, dg_response *res, const char *action, json_t *items,
                        const char *reason)
{
    size_t n = json_array_size(items), k = 0;
    if (n == 0)
        return true;
    const char **ids = malloc(n * sizeof *ids);
    dg_error err;
    dg_error_clear(&err);
    if (!ids) {
        dg_error_set(&err, DG_ENOMEM, "out of memory");
        audit_failed(res, &err);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const char *id = json_string_value(json_object_get(json_array_get(items, i),
                                                           "customer_id"));
        bool seen = !id;
        for (size_t j = 0; !seen && j < k; j++)
            seen = strcmp(ids[j], id) == 0;
        if (!seen)
            ids[k++] = id;
    }
    char detail[160];
    snprintf(detail, sizeof detail, "{\"route\":\"%s %s\",\"records\":%zu}", req->route->method,
             req->route->path, n);
    int rc = k ? dg_request_audit(req, action, ids, k, reason, detail, &err) : 0;
    free(ids);
    if (rc != 0)
        audit_failed(res, &err);
    return rc == 0;
}

/* ---- JSON to rows ------------------------------------------------------------------------- */

/* One field, validated as the CSV import validates it. Text values are borrowed from v; a money
 * number is read from its text in body (when the body holds the field), never through a double. */
static int parse_field(const dg_column *col, json_t *v, const dg_request *req, int minor_digits,
                       dg_value *out, dg_error *err)
{
    char text[64];
    const char *s = NULL;
    size_t len = 0;
    *out = (dg_value){ .is_null = true };
    if (json_is_null(v))
        goto empty;
    if (json_is_string(v)) {
        s = json_string_value(v);
        len = json_string_length(v);
        if (memchr(s, '\0', len))
            return dg_error_set(err, DG_EINVAL, "field \"%s\" contains a NUL character",
                                col->name);
        if (len == 0)
            goto empty;
    } else if (col->type == DG_TYPE_TEXT || col->type == DG_TYPE_ENUM) {
        return dg_error_set(err, DG_EINVAL, "field \"%s\" must be a string", col->name);
    } else if (col->type == DG_TYPE_MONEY && json_is_number(v) && req->body &&
               dg_json_number_text(req->body, req->body_len, col->name, &s, &len)) {
        /* s and len point into the body */
    } else if (json_is_integer(v)) {
        len = (size_t)snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
        s = text;
    } else if (json_is_real(v)) {
        len = (size_t)snprintf(text, sizeof text, "%.15g", json_real_value(v));
        s = text;
    } else if (json_is_boolean(v) && col->type == DG_TYPE_BOOL) {
        len = (size_t)snprintf(text, sizeof text, "%d", json_is_true(v) ? 1 : 0);
        s = text;
    } else {
        return dg_error_set(err, DG_EINVAL, "field \"%s\" must be a %s (as a JSON %s)",
                            col->name, dg_type_name(col->type),
                            col->type == DG_TYPE_BOOL ? "boolean" : "number or string");
    }

    int rc = dg_value_parse(col, s, len, minor_digits, out, err);
    if (rc != 0 || !out->is_null)
        return rc;
empty:
    if (col->required)
        return dg_error_set(err, DG_EINVAL, "%s is required but empty", col->name);
    return 0;
}

/* Reads obj as a record of e into row (strings borrowed from obj). */
static int row_from_json(const dg_entity *e, json_t *obj, const dg_request *req,
                         int minor_digits, dg_value *row, dg_error *err)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value) {
        if (dg_entity_column(e, key) < 0) {
            char valid[1024] = "";
            for (size_t c = 0; c < e->n_columns; c++)
                snprintf(valid + strlen(valid), sizeof valid - strlen(valid), "%s%s",
                         c ? ", " : "", e->columns[c].name);
            return dg_error_set(err, DG_EINVAL, "unknown field \"%s\" for %s; valid: %s", key,
                                e->name, valid);
        }
    }
    for (size_t c = 0; c < e->n_columns; c++) {
        json_t *v = json_object_get(obj, e->columns[c].name);
        int rc = parse_field(&e->columns[c], v ? v : json_null(), req, minor_digits, &row[c],
                             err);
        if (rc == 0 && !row[c].is_null && dg_id_column(e, c))
            rc = dg_id_check(e->columns[c].name, row[c].u.s, strlen(row[c].u.s), err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Parses the request body as a JSON object; on failure answers 400 and returns NULL. */
static json_t *body_object(dg_request *req, dg_response *res)
{
    json_error_t jerr;
    if (!req->body) {
        dg_reply_error(res, 400, "invalid_json", "the request needs a JSON object as its body");
        return NULL;
    }
    json_t *obj = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!obj) {
        dg_reply_error(res, 400, "invalid_json", "body is not valid JSON: line %d, column %d: %s",
                       jerr.line, jerr.column, jerr.text);
        return NULL;
    }
    if (!json_is_object(obj)) {
        json_decref(obj);
        dg_reply_error(res, 400, "invalid_json", "the body must be a JSON object of fields");
        return NULL;
    }
    return obj;
}

/* ---- reading ------------------------------------------------------------------------------ */

typedef struct collect {
    const dg_entity *entity;
    int minor_digits;
    bool mask;
    json_t *items;
} collect;

static int collect_row(void *ctx, const dg_value *row)
{
    collect *c = ctx;
    json_t *obj = dg_record_to_json(c->entity, row, c->minor_digits, c->mask);
    if (!obj || json_array_append_new(c->items, obj) != 0)
        return DG_ENOMEM;
    return 0;
}

/* The record of e with this key as JSON into *out (NULL if there is none). */
static int fetch(dg_request *req, const dg_entity *e, const char *key, json_t **out,
                 dg_error *err)
{
    collect c = { e, req->minor_digits, mask_for(req), json_array() };
    dg_scan_filter filter = { .key = key, .limit = 1 };
    *out = NULL;
    if (!c.items)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    int rc = dg_store_scan(req->store, e, &filter, collect_row, &c, err);
    if (rc == DG_ENOMEM)
        dg_error_set(err, rc, "out of memory");
    if (rc == 0 && json_array_size(c.items) == 1)
        *out = json_incref(json_array_get(c.items, 0));
    json_decref(c.items);
    return rc;
}

/* A page of e's records; with audit_action, the customers it shows are one audit entry (its
 * reason: reason), appended before the answer is sent. */
static void reply_page(dg_request *req, dg_response *res, const dg_entity *e,
                       dg_scan_filter *filter, const char *audit_action, const char *reason)
{
    dg_page page;
    if (!dg_request_page(req, res, &page))
        return;
    collect c = { e, req->minor_digits, mask_for(req), json_array() };
    dg_error err;
    dg_error_clear(&err);
    filter->offset = page.offset;
    filter->limit = page.limit + 1;   /* one more tells whether a next page exists */
    int rc = c.items ? dg_store_scan(req->store, e, filter, collect_row, &c, &err) : DG_ENOMEM;
    if (rc != 0) {
        json_decref(c.items);
        if (rc == DG_ENOMEM)
            dg_error_set(&err, rc, "out of memory");
        dg_reply_failure(res, &err);
        return;
    }
    bool more = json_array_size(c.items) > page.limit;
    if (more)
        json_array_remove(c.items, page.limit);
    if (audit_action && !audit_items(req, res, audit_action, c.items, reason)) {
        json_decref(c.items);
        return;
    }
    json_t *reply = json_pack("{s:o,s:I,s:I,s:o}", "items", c.items, "offset",
                              (json_int_t)page.offset, "limit", (json_int_t)page.limit,
                              "next_offset",
                              more ? json_integer((json_int_t)(page.offset + page.limit))
                                   : json_null());
    /* a search's or a customer's records are counted (a pager shows "of N"); a whole table's
     * count is /api/stats's, not paid again on every page */
    int64_t total = 0;
    if (filter->search || filter->customer_id) {
        if (dg_store_count(req->store, e, filter, &total, &err) != 0) {
            json_decref(reply);
            dg_reply_failure(res, &err);
            return;
        }
        json_object_set_new(reply, "total", json_integer((json_int_t)total));
    }
    dg_reply_json(res, 200, reply);
}

/* Answers 404 unless the customer of the path exists; true if it does. */
static bool customer_exists(dg_request *req, dg_response *res)
{
    json_t *found = NULL;
    dg_error err;
    dg_error_clear(&err);
    if (fetch(req, dg_entity_find("customers"), req->params[0], &found, &err) != 0) {
        dg_reply_failure(res, &err);
        return false;
    }
    if (!found) {
        dg_reply_error(res, 404, "not_found", "no customer \"%s\"", req->params[0]);
        return false;
    }
    json_decref(found);
    return true;
}

/* ---- writing ------------------------------------------------------------------------------ */

/* Validates obj as a record of e and writes it, as a new record (409 if its key exists: the
 * insert decides, so of simultaneous creates of one key exactly one wins) or over the existing
 * one; answers with the stored record. */
static void store_record(dg_request *req, dg_response *res, const dg_entity *e, json_t *obj,
                         bool insert, json_t **stored_out)
{
    dg_value row[MAX_COLUMNS];
    dg_error err;
    dg_error_clear(&err);
    int rc = row_from_json(e, obj, req, req->minor_digits, row, &err);
    if (rc == 0)
        rc = dg__store_write_record(req->store, e, row, insert, &err);   /* keeps the snapshot */
    if (rc == DG_EEXIST) {
        dg_reply_error(res, 409, "conflict", "%s \"%s\" exists already%s", e->label, row[0].u.s,
                       strcmp(e->name, "customers") == 0 ? "; change it with PUT or PATCH" : "");
        return;
    }
    if (rc != 0) {
        if (rc == DG_ENOTFOUND)   /* a reference (staff_id, ...) to nothing: the input is wrong */
            err.code = DG_EINVAL;
        dg_reply_failure(res, &err);
        return;
    }
    json_t *stored = NULL;
    if (fetch(req, e, row[0].u.s, &stored, &err) != 0 || !stored) {
        dg_reply_error(res, 500, "internal", "the %s was written but cannot be read back",
                       e->label);
        return;
    }
    *stored_out = json_incref(stored);
    dg_reply_json(res, insert ? 201 : 200, stored);
}

/* The write's audit entry (inside its transaction): the customer, before (NULL: new) and after
 * the stored record; false with the failure answered. */
static bool audit_write(dg_request *req, dg_response *res, const dg_entity *e,
                        const char *action, const char *customer_id, json_t *before,
                        json_t *after)
{
    dg_error err;
    dg_error_clear(&err);
    char *detail = dg_audit_change_json(req, e, before, after);
    int rc = detail ? dg_request_audit(req, action, &customer_id, 1, NULL, detail, &err)
                    : dg_error_set(&err, DG_ENOMEM, "out of memory");
    free(detail);
    if (rc != 0)
        audit_failed(res, &err);
    return rc == 0;
}

static const char *create_action(const dg_entity *e)
{
    return strcmp(e->name, "customers") == 0 ? DG_AUDIT_CUSTOMER_CREATE
         : strcmp(e->name, "orders") == 0 ? DG_AUDIT_ORDER_CREATE : DG_AUDIT_FEEDBACK_CREATE;
}

/* The key field of obj: set from the path if absent, 400 if it names another record. */
static bool key_from_path(dg_response *res, json_t *obj, const char *field, const char *path_key)
{
    json_t *given = json_object_get(obj, field);
    if (given && !json_is_null(given) &&
        (!json_is_string(given) || strcmp(json_string_value(given), path_key) != 0)) {
        dg_reply_error(res, 400, "invalid", "field \"%s\" in the body differs from the %s in "
                       "the URL (\"%s\")", field, field, path_key);
        return false;
    }
    if (json_object_set_new(obj, field, json_string(path_key)) != 0) {
        dg_reply_error(res, 500, "internal", "out of memory");
        return false;
    }
    return true;
}

/* Creates a record of e from the body; 409 if its key exists. path_customer, when set, is the
 * customer of the URL that owns the new record. */
static void create(dg_request *req, dg_response *res, const dg_entity *e,
                   const char *path_customer)
{
    json_t *obj = body_object(req, res);
    if (!obj)
        return;
    if (path_customer && !key_from_path(res, obj, "customer_id", path_customer))
        goto cleanup;
    json_t *key = json_object_get(obj, e->columns[0].name);
    if (!json_is_string(key) || json_string_length(key) == 0) {
        dg_reply_error(res, 400, "invalid", "field \"%s\" is required (a string)",
                       e->columns[0].name);
        goto cleanup;
    }
    /* the record and its audit entry in one transaction */
    dg_error err;
    dg_error_clear(&err);
    json_t *stored = NULL;
    if (dg_store_begin(req->store, &err) != 0) {
        dg_reply_failure(res, &err);
        goto cleanup;
    }
    store_record(req, res, e, obj, true, &stored);
    if (res->status == 201)   /* a failed entry replaces the answer with its failure */
        audit_write(req, res, e, create_action(e),
                    path_customer ? path_customer : json_string_value(key), NULL, stored);
    if (res->status != 201)
        dg_store_rollback(req->store);
    else if (dg_store_commit(req->store, &err) != 0)
        audit_failed(res, &err);
    json_decref(stored);
    if (res->status == 201) {
        const char *customer[] = { "customers", json_string_value(key) };
        const char *owned[] = { "customers", path_customer, e->name };
        if (path_customer)
            dg_reply_location(res, owned, 3);
        else
            dg_reply_location(res, customer, 2);
    }
cleanup:
    json_decref(obj);
}

/* Writes the customer of the URL from the body (PUT: replaced; PATCH: merged into the stored
 * record). Inside one write transaction, so a merge reads the record no other write can change
 * before it is written back: simultaneous patches of different fields all land. */
static void change_customer(dg_request *req, dg_response *res, bool merge)
{
    const dg_entity *e = dg_entity_find("customers");
    json_t *obj = body_object(req, res), *existing = NULL, *before = NULL;
    dg_error err;
    dg_error_clear(&err);
    if (!obj)
        return;
    if (!key_from_path(res, obj, "customer_id", req->params[0]))
        goto cleanup;
    if (dg_store_begin(req->store, &err) != 0) {   /* waits for another writer, then 503 */
        dg_reply_failure(res, &err);
        goto cleanup;
    }
    if (fetch(req, e, req->params[0], &existing, &err) != 0) {
        dg_reply_failure(res, &err);
    } else if (!existing) {
        dg_reply_error(res, 404, "not_found", "no customer \"%s\"; create it with POST "
                       "/api/customers", req->params[0]);
    } else if (!(before = json_deep_copy(existing)) ||   /* the audit's "before" */
               (merge && json_object_update(existing, obj) != 0)) {
        dg_reply_error(res, 500, "internal", "out of memory");
    } else {
        json_t *stored = NULL;
        store_record(req, res, e, merge ? existing : obj, false, &stored);
        if (res->status == 200)
            audit_write(req, res, e, DG_AUDIT_CUSTOMER_UPDATE, req->params[0], before, stored);
        json_decref(stored);
    }
    if (res->status != 200)
        dg_store_rollback(req->store);
    else if (dg_store_commit(req->store, &err) != 0)
        dg_reply_failure(res, &err);
cleanup:
    json_decref(before);
    json_decref(existing);
    json_decref(obj);
}

/* ---- handlers ----------------------------------------------------------------------------- */

void dg_api_customers_list(dg_request *req, dg_response *res)
{
    /* a role that sees personal fields masked finds by the customer id only */
    dg_scan_filter filter = { .search = dg_request_query(req, "q"),
                              .search_no_personal = mask_for(req) };
    if (filter.search && !*filter.search)
        filter.search = NULL;
    if (filter.search && strlen(filter.search) > 200) {
        dg_reply_error(res, 400, "invalid", "the search text is longer than 200 bytes");
        return;
    }
    /* a page of unmasked personal fields is a bulk disclosure: logged, and with users, only
     * with a reason */
    const char *reason = dg_request_query(req, "reason");
    bool personal = !mask_for(req);
    if (reason && (!*reason || strlen(reason) > DG_AUDIT_REASON_MAX)) {
        dg_reply_error(res, 400, "invalid", "reason: give why the list is needed, 1 to %d bytes",
                       DG_AUDIT_REASON_MAX);
        return;
    }
    if (personal && req->user && !reason) {
        dg_reply_error(res, 400, "reason_required", "a list of customers with their personal "
                       "fields needs a reason: add ?reason=WHY (kept in the audit trail)");
        return;
    }
    reply_page(req, res, dg_entity_find("customers"), &filter,
               personal ? DG_AUDIT_CUSTOMER_LIST : NULL, reason);
}

void dg_api_customers_create(dg_request *req, dg_response *res)
{
    create(req, res, dg_entity_find("customers"), NULL);
}

/* The look-up of one record, written straight as text (record_json.c). */
typedef struct one_text {
    const dg_entity *entity;
    int minor_digits;
    bool mask, found;
    dg_json_text text;
} one_text;

static int write_row(void *ctx, const dg_value *row)
{
    one_text *o = ctx;
    o->found = true;
    dg_record_write_json(&o->text, o->entity, row, o->minor_digits, o->mask);
    return o->text.failed ? DG_ENOMEM : 0;
}

void dg_api_customer_get(dg_request *req, dg_response *res)
{
    one_text one = { dg_entity_find("customers"), req->minor_digits, mask_for(req), false,
                     { 0 } };
    dg_scan_filter filter = { .key = req->params[0], .limit = 1 };
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_store_scan(req->store, one.entity, &filter, write_row, &one, &err);
    if (rc == DG_ENOMEM)
        dg_error_set(&err, rc, "out of memory");
    if (rc != 0)
        dg_reply_failure(res, &err);
    else if (!one.found)
        dg_reply_error(res, 404, "not_found", "no customer \"%s\"", req->params[0]);
    else if (!one.mask && dg_request_audit(req, DG_AUDIT_CUSTOMER_VIEW, &req->params[0], 1,
                                           NULL, NULL, &err) != 0)
        dg_reply_failure(res, &err);
    else {
        dg_reply_json_text(res, one.text.data, one.text.len, 0);
        one.text.data = NULL;
    }
    free(one.text.data);
}

/* The card's analytic sections run under the snapshot's CLV lock with its cached fit. */
typedef struct card_job {
    dg_snapshot *snapshot;
    dg_store *store;
    bool mask;
    const dg_consult_types *types;
    const char *lang;
    const char *customer_id;
    dg_card *card;
} card_job;

static int card_with_fit(void *ctx, const dg_frame *frame, const dg_clv_report *fit,
                         dg_error *err)
{
    card_job *job = ctx;
    dg_error seg_err;   /* no segmentation (too few customers): the card says why */
    dg_error_clear(&seg_err);
    dg_report_card_options opt = { .fit = fit, .mask_personal = job->mask,
                                   .segments = dg_snapshot_segments(job->snapshot, &seg_err),
                                   .segment_error = &seg_err, .types = job->types,
                                   .lang = job->lang };
    return dg_report_card(job->card, job->store, frame, job->customer_id, &opt, err);
}

void dg_api_customer_card(dg_request *req, dg_response *res)
{
    dg_card card = { 0 };
    dg_error err;
    dg_error_clear(&err);
    int rc;
    const char *lang = NULL, *lang_text = dg_request_query(req, "lang");
    if (lang_text && dg_consult_lang_parse(lang_text, &lang, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "lang: %s", err.message);
        return;
    }
    const dg_consult_types *types = req->options->consult_types;
    /* as `dangol customer show`: on a store with activity, the analytics sections (stage,
     * loyalty, lifetime value) from the frame of the whole store, with the snapshot's fit */
    int32_t last_day;
    if (dg_store_last_day(req->store, &last_day, NULL) == 0) {
        dg_snapshot *snap = dg_snapshot_get(req, res);
        if (!snap)
            return;
        dg_clv_options clv;
        dg_report_card_clv_options(&clv);
        card_job job = { snap, req->store, mask_for(req), types, lang, req->params[0], &card };
        rc = dg_snapshot_clv(snap, &clv, card_with_fit, &job, &err);
        if (rc != 0 && rc != DG_ENOMEM && card.n_sections == 0) {
            /* the fit failed (too few customers) before the card was built: the card says so
             * in its lifetime-value section (a missing customer fails again, as it should) */
            dg_error fit_err = err;
            dg_report_card_options opt = { .fit_error = &fit_err, .run_segments = true,
                                            .mask_personal = mask_for(req), .types = types,
                                            .lang = lang };
            dg_error_clear(&err);
            rc = dg_report_card(&card, req->store, dg_snapshot_frame(snap), req->params[0], &opt,
                                &err);
        }
        dg_snapshot_release(req, snap);
    } else {
        dg_report_card_options opt = { .mask_personal = mask_for(req), .types = types,
                                        .lang = lang };
        rc = dg_report_card(&card, req->store, NULL, req->params[0], &opt, &err);
    }
    if (rc == 0 && !mask_for(req))
        rc = dg_request_audit(req, DG_AUDIT_CUSTOMER_VIEW, &req->params[0], 1, NULL, NULL, &err);
    if (rc != 0) {
        dg_reply_failure(res, &err);
        dg_card_clear(&card);
        return;
    }
    dg_reply_tables(res, card.sections, card.n_sections);
    dg_card_clear(&card);
}

void dg_api_customer_put(dg_request *req, dg_response *res)
{
    change_customer(req, res, false);
}

void dg_api_customer_patch(dg_request *req, dg_response *res)
{
    change_customer(req, res, true);
}

static void list_owned(dg_request *req, dg_response *res, const char *entity)
{
    if (!customer_exists(req, res))
        return;
    dg_scan_filter filter = { .customer_id = req->params[0], .newest_first = true };
    const dg_entity *e = dg_entity_find(entity);
    bool personal = false;   /* feedback's text is personal: its page is a read of the customer */
    for (size_t c = 0; c < e->n_columns; c++)
        personal |= e->columns[c].personal != DG_PERSONAL_NONE;
    reply_page(req, res, e, &filter, personal && !mask_for(req) ? DG_AUDIT_CUSTOMER_VIEW : NULL,
               NULL);
}

void dg_api_orders_list(dg_request *req, dg_response *res)
{
    list_owned(req, res, "orders");
}

void dg_api_orders_create(dg_request *req, dg_response *res)
{
    if (customer_exists(req, res))
        create(req, res, dg_entity_find("orders"), req->params[0]);
}

void dg_api_feedback_list(dg_request *req, dg_response *res)
{
    list_owned(req, res, "feedback");
}

void dg_api_feedback_create(dg_request *req, dg_response *res)
{
    if (customer_exists(req, res))
        create(req, res, dg_entity_find("feedback"), req->params[0]);
}
