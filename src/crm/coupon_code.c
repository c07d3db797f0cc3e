/* Coupons without the store (include/dangol/coupon.h): the codes (alphabet, check symbol,
 * generation from libsodium, parsing what a person typed), the vocabulary of kinds and
 * audiences, the parsers of percents, counts and amounts shared by the CLI and the API, the
 * check of a definition and the discount arithmetic. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "dangol/coupon.h"
#include "dangol/id.h"
#include "dangol/money.h"
#include "dangol/text.h"
#include "dangol/vocab.h"

static const char *const kind_codes[] = { "fixed", "percent", NULL };
static const char *const audience_codes[] = { "any", "first_purchase", NULL };

const char *dg_coupon_kind_code(dg_coupon_kind kind)
{
    return kind == DG_COUPON_PERCENT ? "percent" : "fixed";
}

const char *dg_coupon_audience_code(dg_coupon_audience audience)
{
    return audience == DG_COUPON_FIRST_PURCHASE ? "first_purchase" : "any";
}

/* The index in codes of text, given as its code or its English or Korean name in domain. */
static int vocab_parse(const char *domain, const char *what, const char *const *codes,
                       const char *text, int *out, dg_error *err)
{
    const char *code = text ? dg_vocab_code(domain, text, strlen(text)) : NULL;
    for (int i = 0; code && codes[i]; i++)
        if (strcmp(codes[i], code) == 0) {
            *out = i;
            return 0;
        }
    return dg_error_set(err, DG_EINVAL, "unknown %s \"%s\"; valid: %s, %s", what,
                        text ? text : "", codes[0], codes[1]);
}

int dg_coupon_kind_parse(const char *text, dg_coupon_kind *kind, dg_error *err)
{
    int i;
    int rc = vocab_parse("coupon_kind", "coupon kind", kind_codes, text, &i, err);
    if (rc == 0)
        *kind = (dg_coupon_kind)i;
    return rc;
}

int dg_coupon_audience_parse(const char *text, dg_coupon_audience *audience, dg_error *err)
{
    int i;
    int rc = vocab_parse("coupon_audience", "coupon audience", audience_codes, text, &i, err);
    if (rc == 0)
        *audience = (dg_coupon_audience)i;
    return rc;
}

/* ---- codes ---- */

static int symbol_value(char c)
{
    const char *p = c ? strchr(DG_COUPON_ALPHABET, c) : NULL;
    return p ? (int)(p - DG_COUPON_ALPHABET) : -1;
}

int dg_coupon_check_symbol(const char *body, size_t n)
{
    int sum = 0;
    if (n + 1 >= DG_COUPON_ALPHABET_SIZE)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int v = symbol_value(body[i]);
        if (v < 0)
            return -1;
        sum = (sum + (int)(i + 2) * v) % DG_COUPON_ALPHABET_SIZE;
    }
    return (DG_COUPON_ALPHABET_SIZE - sum) % DG_COUPON_ALPHABET_SIZE;
}

int dg_coupon_code_generate(char out[DG_COUPON_CODE_LEN + 1], dg_error *err)
{
    if (sodium_init() < 0)
        return dg_error_set(err, DG_EIO, "libsodium could not be initialised");
    for (size_t i = 0; i < DG_COUPON_CODE_BODY; i++)
        out[i] = DG_COUPON_ALPHABET[randombytes_uniform(DG_COUPON_ALPHABET_SIZE)];
    out[DG_COUPON_CODE_BODY] = DG_COUPON_ALPHABET[dg_coupon_check_symbol(out,
                                                                         DG_COUPON_CODE_BODY)];
    out[DG_COUPON_CODE_LEN] = '\0';
    return 0;
}

int dg_coupon_code_parse(char out[DG_COUPON_CODE_LEN + 1], const char *text, dg_error *err)
{
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = text ? text : ""; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ' || c == '-')
            continue;
        c = (unsigned char)toupper(c);
        if (symbol_value((char)c) < 0) {
            if (c == '0' || c == 'O' || c == '1' || c == 'I' || c == 'L')
                return dg_error_set(err, DG_EPARSE, "coupon code \"%.40s\" is mistyped: '%c' is "
                                    "never used in codes (they have no 0, O, 1, I or L)", text,
                                    *p);
            return dg_error_set(err, DG_EPARSE, "coupon code \"%.40s\" is mistyped: a code has "
                                "only the symbols %s", text, DG_COUPON_ALPHABET);
        }
        if (n == DG_COUPON_CODE_LEN) {
            n++;
            break;
        }
        out[n++] = (char)c;
    }
    if (n != DG_COUPON_CODE_LEN)
        return dg_error_set(err, DG_EPARSE, "coupon code \"%.40s\" is mistyped: a code has %d "
                            "symbols", text ? text : "", DG_COUPON_CODE_LEN);
    out[n] = '\0';
    if (dg_coupon_check_symbol(out, DG_COUPON_CODE_BODY) !=
        symbol_value(out[DG_COUPON_CODE_BODY])) {
        out[0] = '\0';
        return dg_error_set(err, DG_EPARSE, "coupon code \"%.40s\" is mistyped: its check "
                            "symbol does not match (a wrong or swapped symbol)", text);
    }
    return 0;
}

/* ---- parsers ---- */

int dg_coupon_percent_parse(const char *text, int64_t *bp, dg_error *err)
{
    dg_error perr;
    dg_error_clear(&perr);
    size_t len = text ? strlen(text) : 0;
    if (len && text[len - 1] == '%')
        len--;
    for (size_t i = 0; i < len; i++)   /* a plain number: no currency, no thousands */
        if (!isdigit((unsigned char)text[i]) && text[i] != '.' && text[i] != '-')
            return dg_error_set(err, DG_EPARSE, "percent \"%s\" is not a number like 10 or 12.5",
                                text);
    if (dg_money_parse(text ? text : "", len, 2, bp, &perr) != 0)
        return dg_error_set(err, DG_EPARSE, "percent \"%s\": a number like 10 or 12.5, at most 2 decimals", text);
    if (*bp <= 0 || *bp > 10000)
        return dg_error_set(err, DG_ERANGE, "percent \"%s\": expected more than 0 and at most "
                            "100", text);
    return 0;
}

int dg_coupon_count_parse(const char *text, const char *what, int64_t *count, dg_error *err)
{
    int64_t v = 0;
    size_t len = text ? strlen(text) : 0;
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)text[i]) && !(i == 0 && text[i] == '-'))
            return dg_error_set(err, DG_EPARSE, "%s \"%s\" is not a whole number", what, text);
    if (len == 0 || dg_int_parse(text, len, &v, err) != 0 || v < 1 || v > DG_COUPON_MAX_COUNT)
        return dg_error_set(err, DG_ERANGE, "%s \"%s\": expected a whole number from 1 to %lld",
                            what, text ? text : "", DG_COUPON_MAX_COUNT);
    *count = v;
    return 0;
}

int dg_coupon_money_parse(const char *text, const char *what, int minor_digits, bool allow_zero,
                          int64_t *minor, dg_error *err)
{
    dg_error perr;
    dg_error_clear(&perr);
    if (dg_money_parse(text ? text : "", text ? strlen(text) : 0, minor_digits, minor, &perr))
        return dg_error_set(err, perr.code, "%s: %s", what, perr.message);
    if (*minor < 0 || (*minor == 0 && !allow_zero))
        return dg_error_set(err, DG_ERANGE, "%s \"%s\": expected an amount %s 0", what, text,
                            allow_zero ? "of at least" : "above");
    return 0;
}

/* ---- definitions ---- */

void dg_coupon_definition_init(dg_coupon_definition *d)
{
    memset(d, 0, sizeof *d);
    d->valid_from = d->valid_until = DG_COUPON_NO_DAY;
}

int dg_coupon_definition_check(const dg_coupon_definition *d, dg_error *err)
{
    const char *id = d->definition_id;
    if (!id || !*id)
        return dg_error_set(err, DG_EINVAL, "a coupon definition needs an id");
    if (strlen(id) >= DG_COUPON_ID_MAX || dg_id_check("definition_id", id, strlen(id), err))
        return err->code ? err->code : dg_error_set(err, DG_EINVAL, "definition id too long");
    if (d->campaign_id && (strlen(d->campaign_id) >= DG_COUPON_ID_MAX ||
                           dg_id_check("campaign_id", d->campaign_id, strlen(d->campaign_id),
                                       err)))
        return err->code ? err->code : dg_error_set(err, DG_EINVAL, "campaign id too long");
    if (d->kind == DG_COUPON_FIXED) {
        if (d->amount <= 0 || d->amount > DG_MONEY_MAX_MINOR)
            return dg_error_set(err, DG_ERANGE, "a fixed coupon needs an amount above 0 and at "
                                "most " DG_MONEY_MAX_TEXT " minor units");
        if (d->percent_bp || d->cap)
            return dg_error_set(err, DG_EINVAL, "a fixed coupon takes an amount, not a percent "
                                "or a cap");
    } else if (d->kind == DG_COUPON_PERCENT) {
        if (d->percent_bp <= 0 || d->percent_bp > 10000)
            return dg_error_set(err, DG_ERANGE, "a percent coupon needs a percent above 0 and "
                                "at most 100");
        if (d->amount)
            return dg_error_set(err, DG_EINVAL, "a percent coupon takes a percent, not an "
                                "amount");
        if (d->cap < 0 || d->cap > DG_MONEY_MAX_MINOR)
            return dg_error_set(err, DG_ERANGE, "the cap must be above 0");
    } else {
        return dg_error_set(err, DG_EINVAL, "unknown coupon kind");
    }
    if (d->min_spend < 0 || d->min_spend > DG_MONEY_MAX_MINOR)
        return dg_error_set(err, DG_ERANGE, "the minimum spend must be 0 or more");
    if (d->per_customer_limit < 0 || d->per_customer_limit > DG_COUPON_MAX_COUNT ||
        d->total_limit < 0 || d->total_limit > DG_COUPON_MAX_COUNT)
        return dg_error_set(err, DG_ERANGE, "limits are whole numbers from 1 to %lld",
                            DG_COUPON_MAX_COUNT);
    if (d->valid_from != DG_COUPON_NO_DAY && d->valid_until != DG_COUPON_NO_DAY &&
        d->valid_from > d->valid_until) {
        char a[16], b[16];
        return dg_error_set(err, DG_EINVAL, "the validity window ends (%s) before it starts "
                            "(%s)", dg_date_format(d->valid_until, b),
                            dg_date_format(d->valid_from, a));
    }
    if (d->audience != DG_COUPON_ANY && d->audience != DG_COUPON_FIRST_PURCHASE)
        return dg_error_set(err, DG_EINVAL, "unknown coupon audience");
    return 0;
}

int64_t dg_coupon_discount(const dg_coupon_definition *d, int64_t total)
{
    if (total <= 0)
        return 0;
    if (d->kind == DG_COUPON_FIXED)
        return d->amount < total ? d->amount : total;
    /* floor(total x bp / 10^4) without overflow: total = 10^4 q + r, so it is
     * q x bp + floor(r x bp / 10^4), both products far inside int64 (bp <= 10^4) */
    int64_t q = total / 10000, r = total % 10000;
    int64_t discount = q * d->percent_bp + r * d->percent_bp / 10000;
    if (d->cap > 0 && discount > d->cap)
        discount = d->cap;
    return discount;
}
