/* Consultation-type routes (docs/types.md): the types staff may set, with their names and
 * guidance (GET /api/consult-types), and a staff member setting a customer's type (POST
 * /api/customers/{customer_id}/type with {type, expected_type}). The write, its compare-and-set
 * on the type the caller read and its audit entry are one transaction in the library
 * (dg_customer_set_type); a type changed meanwhile answers 409. The types are the server's
 * (dangol serve --consult-types FILE) or the built-in ones. */
#include <string.h>

#include "dangol/audit.h"
#include "dangol/consult.h"
#include "dangol/customer.h"
#include "server/server.h"

/* The server's types, or builtin (loaded here; the caller frees it). NULL with a 500 answered. */
static const dg_consult_types *types_of(const dg_request *req, dg_response *res,
                                        dg_consult_types **builtin)
{
    *builtin = NULL;
    if (req->options->consult_types)
        return req->options->consult_types;
    dg_error err;
    dg_error_clear(&err);
    if (dg_consult_types_default(builtin, &err) != 0) {
        dg_reply_failure(res, &err);
        return NULL;
    }
    return *builtin;
}

void dg_api_consult_types(dg_request *req, dg_response *res)
{
    dg_consult_types *builtin;
    const dg_consult_types *types = types_of(req, res, &builtin);
    if (!types)
        return;
    json_t *list = json_array();
    for (size_t i = 0; list && i < types->n_types; i++) {
        const dg_consult_type *t = &types->types[i];
        json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:s}", "code", t->code,
                                              "name_en", t->name_en, "name_ko", t->name_ko,
                                              "guidance_en", t->guidance_en, "guidance_ko",
                                              t->guidance_ko));
    }
    dg_consult_types_free(builtin);
    if (!list) {
        dg_reply_error(res, 500, "internal", "out of memory");
        return;
    }
    dg_reply_json(res, 200, json_pack("{s:o}", "types", list));
}

void dg_api_customer_type(dg_request *req, dg_response *res)
{
    static const char *const fields[] = { "type", "expected_type", NULL };
    json_t *body = dg_request_json_fields(req, res, fields, 0);
    if (!body)
        return;
    dg_customer_type_request r = { .customer_id = req->params[0] };
    bool ok = dg_json_text_field(body, "type", &r.type, res) &&
              dg_json_text_field(body, "expected_type", &r.expected_type, res);
    if (ok && !json_object_get(body, "type")) {
        dg_reply_error(res, 400, "invalid", "field \"type\" is required (a type code, or null "
                       "to clear the type)");
        ok = false;
    }
    r.check_expected = json_object_get(body, "expected_type") != NULL;
    dg_consult_types *builtin = NULL;
    if (ok && !(r.types = types_of(req, res, &builtin)))
        ok = false;
    char address[DG_ADDRESS_TEXT_MAX], previous[32];
    dg_audit_actor audit;
    dg_request_audit_actor(req, &audit, address);
    r.audit = &audit;   /* the type and its audit entry commit together */
    dg_error err;
    dg_error_clear(&err);
    int rc = ok ? dg_customer_set_type(req->store, &r, previous, &err) : 0;
    if (ok && rc != 0) {
        dg_reply_failure(res, &err);
    } else if (ok) {
        const dg_consult_type *t = r.type && *r.type ? dg_consult_types_find(r.types, r.type)
                                                     : NULL;
        json_t *out = json_pack("{s:s,s:o,s:o}", "customer_id", r.customer_id, "customer_type",
                                t ? json_string(t->code) : json_null(), "previous",
                                *previous ? json_string(previous) : json_null());
        if (out && t)
            json_object_update_new(out, json_pack("{s:s,s:s,s:s,s:s}", "name_en", t->name_en,
                                                  "name_ko", t->name_ko, "guidance_en",
                                                  t->guidance_en, "guidance_ko",
                                                  t->guidance_ko));
        if (out)
            dg_reply_json(res, 200, out);
        else
            dg_reply_error(res, 500, "internal", "out of memory");
    }
    dg_consult_types_free(builtin);
    json_decref(body);
}

json_t *dg_api_consult_schema(const char *name)
{
    if (strcmp(name, DG_CUSTOMER_TYPE_SCHEMA) != 0)
        return NULL;
    return json_pack("{s:s,s:b,s:[s],s:{s:{s:[s,s],s:s},s:{s:[s,s],s:s}}}", "type", "object",
                     "additionalProperties", 0, "required", "type", "properties", "type",
                     "type", "string", "null", "description", "a type code of GET "
                     "/api/consult-types, or null to clear the type", "expected_type", "type",
                     "string", "null", "description", "the type you read (null: none); when "
                     "given, 409 if the customer's type changed since");
}
