/* Masking of personal fields (include/dangol/mask.h): a name per word, a phone's digits, an
 * e-mail's local part. Works on UTF-8 characters, never splitting one. */
#include <stdlib.h>
#include <string.h>

#include "dangol/mask.h"
#include "dangol/utf8.h"

bool dg_mask_applies(dg_role role)
{
    return role == DG_ROLE_ANALYST;
}

/* Bytes of the character at s (an invalid byte counts as one character). */
static size_t char_len(const char *s)
{
    size_t n = dg_utf8_seq((const unsigned char *)s, strlen(s));
    return n ? n : 1;
}

/* Characters of s[0..len). */
static size_t count_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i += char_len(s + i))
        n++;
    return n;
}

/* Appends the word s[0..len) to out: first and last character kept, the others starred. */
static char *mask_word(char *out, const char *s, size_t len)
{
    size_t n = count_chars(s, len), k = 0;
    for (size_t i = 0; i < len; k++) {
        size_t c = char_len(s + i);
        bool keep = n >= 2 && (k == 0 || (k == n - 1 && n >= 3));
        if (keep) {
            memcpy(out, s + i, c);
            out += c;
        } else {
            *out++ = '*';
        }
        i += c;
    }
    return out;
}

static void mask_name(const char *s, char *out)
{
    while (*s) {
        size_t word = strcspn(s, " ");
        out = mask_word(out, s, word);
        s += word;
        while (*s == ' ')
            *out++ = *s++;
    }
    *out = '\0';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static void mask_phone(const char *s, char *out)
{
    size_t digits = 0, groups = 0;
    for (size_t i = 0; s[i]; i++) {
        digits += is_digit(s[i]);
        groups += is_digit(s[i]) && (i == 0 || !is_digit(s[i - 1]));
    }
    size_t d = 0, g = 0;
    for (size_t i = 0; s[i]; i++) {
        char c = s[i];
        if (is_digit(c)) {
            g += i == 0 || !is_digit(s[i - 1]);
            bool keep = groups >= 3 ? g == 1 || g == groups
                      : digits >= 9 ? d < 3 || d >= digits - 4
                      : d >= digits - digits / 2;
            c = keep ? c : '*';
            d++;
        }
        *out++ = c;
    }
    *out = '\0';
}

static void mask_email(const char *s, char *out)
{
    const char *at = strrchr(s, '@');
    size_t local = at ? (size_t)(at - s) : strlen(s);
    size_t n = count_chars(s, local), keep = n >= 3 ? 2 : n == 2 ? 1 : 0;
    for (size_t i = 0; keep > 0; keep--) {
        size_t c = char_len(s + i);
        memcpy(out, s + i, c);
        out += c;
        i += c;
    }
    if (local > 0) {
        memcpy(out, "***", 3);
        out += 3;
    }
    strcpy(out, at ? at : "");
}

char *dg_mask_text(dg_personal rule, const char *s)
{
    char *out = malloc(strlen(s) + 4);   /* a rule never grows the text by more than "***" */
    if (!out)
        return NULL;
    switch (rule) {
    case DG_PERSONAL_NAME:  mask_name(s, out); break;
    case DG_PERSONAL_PHONE: mask_phone(s, out); break;
    case DG_PERSONAL_EMAIL: mask_email(s, out); break;
    case DG_PERSONAL_TEXT:  strcpy(out, *s ? "***" : ""); break;
    case DG_PERSONAL_NONE:
    default:                strcpy(out, s); break;
    }
    return out;
}
