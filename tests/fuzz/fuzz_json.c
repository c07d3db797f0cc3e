/* libFuzzer target for JSON request bodies as the API reads a record: jansson's parse (duplicate
 * keys refused), then each member through dg_value_parse against the catalog column it names,
 * strings as they are and numbers as the text a CSV would hold, for customers, orders and
 * feedback. Nothing may crash or leak, and a value that parses must be of its column's range.
 * Every number member's text, as dg_json_number_text finds it in the body (money is read from
 * it), must be the number jansson read. Run by `make fuzz` (a few seconds, fixed seed). */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/entity.h"
#include "server/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_member(const dg_entity *e, const char *key, json_t *value)
{
    int c = dg_entity_column(e, key);
    if (c < 0)
        return;
    const dg_column *col = &e->columns[c];
    char text[64];
    const char *s = text;
    size_t len;
    if (json_is_string(value)) {
        s = json_string_value(value);
        len = json_string_length(value);
    } else if (json_is_integer(value)) {
        len = (size_t)snprintf(text, sizeof text, "%lld", (long long)json_integer_value(value));
    } else if (json_is_real(value)) {
        len = (size_t)snprintf(text, sizeof text, "%.17g", json_real_value(value));
    } else {
        return;
    }
    dg_value v;
    dg_error err;
    for (int digits = 0; digits <= 3; digits++)
        if (dg_value_parse(col, s, len, digits, &v, &err) == 0 && !v.is_null &&
            col->type == DG_TYPE_INT && col->min <= col->max &&
            (v.u.i < col->min || v.u.i > col->max))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const entities[] = { "customers", "orders", "feedback" };
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(body)) {
        json_decref(body);
        return 0;
    }
    for (size_t i = 0; i < sizeof entities / sizeof entities[0]; i++) {
        const dg_entity *e = dg_entity_find(entities[i]);
        const char *key;
        json_t *value;
        if (!e)
            abort();
        json_object_foreach(body, key, value)
            check_member(e, key, value);
    }
    const char *key;
    json_t *value;
    json_object_foreach(body, key, value) {
        const char *num;
        size_t len;
        bool found = dg_json_number_text((const char *)data, size, key, &num, &len);
        if (found != json_is_number(value))
            abort();
        json_t *again = found ? json_loadb(num, len, JSON_DECODE_ANY, NULL) : NULL;
        if (found && !json_equal(again, value))
            abort();
        json_decref(again);
    }
    json_decref(body);
    return 0;
}
