/* UTF-8 validation (see dangol/utf8.h): the well-formed byte sequences of RFC 3629 table 3-7,
 * checked a sequence at a time; nothing here allocates. */
#include <string.h>

#include "dangol/utf8.h"

size_t dg_utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char b = s[0];
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (b >= 0xE0 && b <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if ((b == 0xE0 && s[1] < 0xA0) || (b == 0xED && s[1] > 0x9F))
            return 0;   /* overlong, surrogate */
        return 3;
    }
    if (b >= 0xF0 && b <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if ((b == 0xF0 && s[1] < 0x90) || (b == 0xF4 && s[1] > 0x8F))
            return 0;
        return 4;
    }
    return 0;
}

size_t dg_utf8_invalid_at(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t k = 0; k < n;) {
        size_t len = dg_utf8_seq(u + k, n - k);
        if (len == 0)
            return k;
        k += len;
    }
    return n;
}

uint32_t dg_utf8_decode(const unsigned char *s, size_t len)
{
    static const unsigned char lead_mask[5] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
    uint32_t cp = s[0] & lead_mask[len];
    for (size_t i = 1; i < len; i++)
        cp = (cp << 6) | (s[i] & 0x3F);
    return cp;
}

void dg_utf8_repair(char *s)
{
    size_t n = strlen(s);
    for (size_t k = 0; k < n;) {
        size_t len = dg_utf8_seq((unsigned char *)s + k, n - k);
        if (len == 0) {
            s[k] = '?';
            len = 1;
        }
        k += len;
    }
}
