/* The id rule (see dangol/id.h). Only the first and the last code point can be whitespace that
 * matters, so an id is decoded at its two ends and scanned once for control characters. */
#include <stdint.h>
#include <string.h>

#include "dangol/id.h"
#include "dangol/utf8.h"

#define SHOW_MAX 60

bool dg_id_column(const dg_entity *e, size_t c)
{
    const dg_column *col = &e->columns[c];
    return col->type == DG_TYPE_TEXT && (c < e->n_key || col->references);
}

/* Unicode White_Space, plus the zero-width space and the byte-order mark, invisible alike. */
static bool is_space(uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

static bool is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/* The id as a message shows it: at most SHOW_MAX bytes, control and invalid bytes as '?'. */
static const char *show(const char *s, size_t len, char buf[SHOW_MAX + 4])
{
    size_t n = len > SHOW_MAX ? SHOW_MAX : len;
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7F ? '?' : s[i];
    strcpy(buf + n, len > n ? "..." : "");
    dg_utf8_repair(buf);   /* a sequence cut at SHOW_MAX */
    return buf;
}

int dg_id_check(const char *name, const char *s, size_t len, dg_error *err)
{
    char shown[SHOW_MAX + 4];
    const unsigned char *u = (const unsigned char *)s;
    size_t bad = dg_utf8_invalid_at(s, len);
    if (bad < len)
        return dg_error_set(err, DG_EINVAL, "%s is not valid UTF-8 (byte 0x%02X at byte %zu)",
                            name, u[bad], bad + 1);
    uint32_t first = 0, last = 0;
    for (size_t k = 0; k < len;) {
        size_t n = dg_utf8_seq(u + k, len - k);
        uint32_t cp = dg_utf8_decode(u + k, n);
        if (is_control(cp))
            return dg_error_set(err, DG_EINVAL, "%s \"%s\" contains a control character "
                                "(U+%04X at byte %zu); ids may not", name, show(s, len, shown),
                                (unsigned)cp, k + 1);
        if (k == 0)
            first = cp;
        last = cp;
        k += n;
    }
    if (len > 0 && (is_space(first) || is_space(last)))
        return dg_error_set(err, DG_EINVAL, "%s \"%s\" has %s whitespace (U+%04X); ids are "
                            "matched exactly, so remove it", name, show(s, len, shown),
                            is_space(first) ? "leading" : "trailing",
                            (unsigned)(is_space(first) ? first : last));
    return 0;
}
