/* Reading the JSON body of a write that is no catalog record (points, coupons, consent,
 * erasure): one object of known fields, each checked for its type, and the Idempotency-Key
 * header. Each helper answers the 400 itself and returns false/NULL when the request is bad. */
#include <assert.h>
#include <string.h>

#include "dangol/id.h"
#include "server/server.h"

#define KEY_MAX 200

json_t *dg_request_json_fields(const dg_request *req, dg_response *res,
                               const char *const *fields, unsigned how)
{
    json_error_t jerr;
    size_t flags = JSON_REJECT_DUPLICATES | (how & DG_BODY_REALS ? JSON_DECODE_INT_AS_REAL : 0);
    json_t *body = req->body ? json_loadb(req->body, req->body_len, flags, &jerr)
                 : how & DG_BODY_OPTIONAL ? json_object() : NULL;
    if (!json_is_object(body)) {
        if (body || !req->body)
            dg_reply_error(res, 400, "invalid_json", "the request needs a JSON object of fields "
                           "as its body");
        else
            dg_reply_error(res, 400, "invalid_json", "body is not valid JSON: line %d, column "
                           "%d: %s", jerr.line, jerr.column, jerr.text);
        json_decref(body);
        return NULL;
    }
    const char *name;
    json_t *value;
    json_object_foreach(body, name, value) {
        size_t f = 0;
        while (fields[f] && strcmp(fields[f], name) != 0)
            f++;
        if (fields[f])
            continue;
        char valid[256];
        size_t len = 0;
        valid[0] = '\0';
        for (f = 0; fields[f] && len < sizeof valid; f++)
            len += (size_t)snprintf(valid + len, sizeof valid - len, "%s%s", f ? ", " : "",
                                    fields[f]);
        dg_reply_error(res, 400, "invalid", "unknown field \"%s\"; valid: %s", name, valid);
        json_decref(body);
        return NULL;
    }
    return body;
}

bool dg_json_text_field(json_t *body, const char *name, const char **out, dg_response *res)
{
    json_t *v = json_object_get(body, name);
    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
        dg_reply_error(res, 400, "invalid", "field \"%s\" must be a string", name);
        return false;
    }
    *out = json_string_value(v);
    return true;
}

bool dg_request_idempotency_key(const dg_request *req, dg_response *res, const char **key)
{
    dg_error err;
    dg_error_clear(&err);
    /* a handler reading the key on a route the OpenAPI document does not declare it for */
    assert(!req->route || dg_route_takes_idempotency_key(req->route));
    *key = dg_request_header(req, "Idempotency-Key");
    if (*key && (strlen(*key) > KEY_MAX || dg_id_check("Idempotency-Key", *key, strlen(*key),
                                                       &err) != 0)) {
        dg_reply_error(res, 400, "invalid", "%s", err.message[0] ? err.message
                       : "Idempotency-Key is longer than 200 bytes");
        return false;
    }
    return true;
}
