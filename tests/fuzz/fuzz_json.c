/* libFuzzer target for JSON request bodies as the API reads a record: jansson's parse (duplicate
 * keys refused), then each member through dg_value_parse against the catalog column it names,
 * strings as they are and numbers as the text a CSV would hold, for customers, orders and
 * feedback. Nothing may crash or leak, and a value that parses must be of its column's range.
 * Every number member's text, as dg_json_number_text finds it in the body (money is read from
 * it), must be the number jansson read. Money printed into a response (dg_json_money, then
 * dg_json_money_unmark on the dump) must come out as its exact decimal text, a bare number, and
 * leave every other member of the body as jansson dumps it. Run by `make fuzz` (a few seconds,
 * fixed seed). */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/entity.h"
#include "dangol/money.h"
#include "dangol/text.h"
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

/* The body dumped, unmarked: unchanged (a client's text never holds the marker); with a money
 * member added: that member is its exact text, as a number, and the rest is unchanged. */
static void check_money_output(json_t *body, const uint8_t *data, size_t size)
{
    char *plain = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    if (!plain)
        return;
    char *copy = strdup(plain);
    if (!copy || dg_json_money_unmark(copy) != strlen(plain) || strcmp(copy, plain) != 0)
        abort();
    free(copy);
    uint64_t bits = 0;
    memcpy(&bits, data, size < sizeof bits ? size : sizeof bits);
    int64_t minor = (int64_t)(bits % (2 * (uint64_t)DG_MONEY_MAX_MINOR + 1)) - DG_MONEY_MAX_MINOR;
    int digits = (int)(size % 4);
    json_t *with = json_deep_copy(body);
    if (!with || json_object_set_new(with, "\x01money", dg_json_money(minor, digits)) != 0)
        abort();
    char *out = json_dumps(with, JSON_COMPACT | JSON_SORT_KEYS);
    if (!out)
        abort();
    size_t len = dg_json_money_unmark(out);
    if (len != strlen(out))
        abort();
    json_t *back = json_loadb(out, len, JSON_REJECT_DUPLICATES, NULL);
    const char *num;
    size_t num_len;
    char want[48];
    dg_money_format(minor, digits, want, sizeof want);
    if (!back || !json_is_number(json_object_get(back, "\x01money")) ||
        !dg_json_number_text(out, len, "\x01money", &num, &num_len) ||
        num_len != strlen(want) || memcmp(num, want, num_len) != 0)
        abort();
    json_object_del(back, "\x01money");
    char *rest = json_dumps(back, JSON_COMPACT | JSON_SORT_KEYS);
    if (!rest || strcmp(rest, plain) != 0)
        abort();
    free(rest);
    json_decref(back);
    free(out);
    json_decref(with);
    free(plain);
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
    check_money_output(body, data, size);
    json_decref(body);
    return 0;
}
