/* Money in JSON, exactly, both ways. jansson keeps a number only as a double or an int64, and a
 * double cannot hold 12345678901234.57. In: money fields are read from the body's own text by
 * dg_money_parse, exactly as CSV import reads them (jansson has parsed the body already, so this
 * scanner only finds its way through valid JSON). Out: an amount is a marked string, its decimal
 * text after a NUL byte, which jansson dumps as "\u0000TEXT" and dg_json_money_unmark turns into
 * the bare number TEXT. */
#include <string.h>

#include "dangol/text.h"

#include "server/server.h"

static size_t skip_blanks(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    return i;
}

/* s[i] is the opening quote; returns the index after the closing one. */
static size_t skip_string(const char *s, size_t i, size_t n)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return n;
}

static size_t skip_value(const char *s, size_t i, size_t n)
{
    if (i < n && s[i] == '"')
        return skip_string(s, i, n);
    if (i < n && (s[i] == '{' || s[i] == '[')) {
        for (int depth = 0; i < n;) {
            if (s[i] == '"') {
                i = skip_string(s, i, n);
                continue;
            }
            depth += s[i] == '{' || s[i] == '[' ? 1 : s[i] == '}' || s[i] == ']' ? -1 : 0;
            if (++i, depth == 0)
                return i;
        }
        return n;
    }
    while (i < n && !memchr(",}] \t\r\n", s[i], 7))   /* a number, true, false or null */
        i++;
    return i;
}

/* Whether the JSON string token s[0..len) (quotes included) is key, escapes decoded by jansson. */
static bool key_is(const char *s, size_t len, const char *key)
{
    if (!memchr(s, '\\', len))
        return len >= 2 && len - 2 == strlen(key) && memcmp(s + 1, key, len - 2) == 0;
    json_t *decoded = json_loadb(s, len, JSON_DECODE_ANY, NULL);
    bool same = json_is_string(decoded) && strlen(key) == json_string_length(decoded) &&
                memcmp(json_string_value(decoded), key, json_string_length(decoded)) == 0;
    json_decref(decoded);
    return same;
}

bool dg_json_number_text(const char *body, size_t len, const char *key, const char **num,
                         size_t *num_len)
{
    size_t i = skip_blanks(body, 0, len);
    if (i >= len || body[i] != '{')
        return false;
    for (i = skip_blanks(body, i + 1, len); i < len && body[i] == '"';) {
        size_t key_start = i;
        i = skip_string(body, i, len);
        size_t key_len = i - key_start;
        i = skip_blanks(body, i, len);
        if (i >= len || body[i] != ':')
            return false;
        size_t value = skip_blanks(body, i + 1, len);
        i = skip_value(body, value, len);
        if (key_is(body + key_start, key_len, key)) {
            if (value >= len || !(body[value] == '-' || (body[value] >= '0' && body[value] <= '9')))
                return false;
            *num = body + value;
            *num_len = i - value;
            return true;
        }
        i = skip_blanks(body, i, len);
        if (i >= len || body[i] != ',')
            return false;
        i = skip_blanks(body, i + 1, len);
    }
    return false;
}

json_t *dg_json_money(int64_t minor, int minor_digits)
{
    char text[48];
    text[0] = '\0';
    dg_money_format(minor, minor_digits, text + 1, sizeof text - 1);
    return json_stringn(text, 1 + strlen(text + 1));
}

size_t dg_json_money_unmark(char *text)
{
    static const char mark[] = "\"\\u0000";   /* the opening quote and the escaped NUL */
    const size_t mark_len = sizeof mark - 1;
    char *out = text, *in = text, *hit;
    while ((hit = strstr(in, mark)) != NULL) {
        size_t keep = (size_t)(hit - in);
        memmove(out, in, keep);
        out += keep;
        in = hit + mark_len;
        char *close = strchr(in, '"');   /* the amount's text holds no quote */
        if (!close)
            break;
        size_t digits = (size_t)(close - in);
        memmove(out, in, digits);
        out += digits;
        in = close + 1;
    }
    size_t rest = strlen(in);
    memmove(out, in, rest + 1);
    return (size_t)(out - text) + rest;
}
