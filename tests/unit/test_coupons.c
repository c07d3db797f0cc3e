/* Coupons: the code alphabet and its check symbol (every single substitution and every swap of
 * two symbols is caught, over many random codes), the discount arithmetic (fixed, percent rounded
 * down exactly at the int64 edge, the cap), the parsers, and against a store: redemption checks
 * (window, minimum spend, the code's customer, first purchase, single use, per-customer and
 * total limits, voids), a refused write leaving the row counts unchanged, idempotency keys, and
 * concurrent redemptions of one code from forked processes of which exactly one wins. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dangol/coupon.h"
#include "dangol/money.h"
#include "dangol/report.h"
#include "dangol/store.h"
#include "dangol/vocab.h"
#include "support.h"

#define DAY0 20000   /* 2024-10-04 */

static dg_error err;
static dg_store *store;
static char path[64];

static void sql(const char *text)
{
    test_sql(path, text);
}

static int64_t sql_int(const char *text)
{
    return test_sql_int(path, text);
}

/* Rows of every coupon table, to check that a refused write wrote nothing. */
static int64_t all_rows(void)
{
    return sql_int("SELECT (SELECT count(*) FROM coupon_definitions) * 1000000 + "
                   "(SELECT count(*) FROM coupon_codes) * 10000 + "
                   "(SELECT count(*) FROM coupon_redemptions) * 100 + "
                   "(SELECT count(*) FROM coupon_requests)");
}

static void setup(void)
{
    store = test_store_create(path, sizeof path, "coupons");
    /* A has two orders (days DAY0, DAY0 + 10), B one, N none */
    sql("INSERT INTO customers (customer_id) VALUES ('A'), ('B'), ('N');"
        "INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES "
        "('A1', 'A', 20000 * 86400 + 3600, 50000), ('A2', 'A', 20010 * 86400, 8000), "
        "('B1', 'B', 20005 * 86400, 30000);");
    dg_error_clear(&err);
}

static void teardown(void)
{
    dg_store_close(store);
    store = NULL;
    test_remove_store(path);
}

TestSuite(coupons, .init = setup, .fini = teardown);

/* ---- codes ---- */

Test(coupons, alphabet_has_no_lookalikes_and_a_prime_size)
{
    cr_assert_eq(strlen(DG_COUPON_ALPHABET), DG_COUPON_ALPHABET_SIZE);
    for (const char *c = "01OIL"; *c; c++)
        cr_assert_null(strchr(DG_COUPON_ALPHABET, *c), "%c is in the alphabet", *c);
    for (int d = 2; d * d <= DG_COUPON_ALPHABET_SIZE; d++)
        cr_assert_neq(DG_COUPON_ALPHABET_SIZE % d, 0);
}

Test(coupons, generated_codes_parse_and_every_typo_is_caught)
{
    for (int n = 0; n < 200; n++) {
        char code[DG_COUPON_CODE_LEN + 1], back[DG_COUPON_CODE_LEN + 1], typo[32];
        cr_assert_eq(dg_coupon_code_generate(code, &err), 0);
        cr_assert_eq(strlen(code), DG_COUPON_CODE_LEN);
        cr_assert_eq(dg_coupon_code_parse(back, code, &err), 0, "%s: %s", code, err.message);
        cr_assert_str_eq(back, code);
        /* every single substitution */
        for (size_t i = 0; i < DG_COUPON_CODE_LEN; i++)
            for (const char *s = DG_COUPON_ALPHABET; *s; s++) {
                if (*s == code[i])
                    continue;
                strcpy(typo, code);
                typo[i] = *s;
                cr_assert_eq(dg_coupon_code_parse(back, typo, &err), DG_EPARSE,
                             "%s -> %s passed", code, typo);
                cr_assert(strstr(err.message, "mistyped"), "%s", err.message);
            }
        /* every swap of two different symbols, adjacent or not */
        for (size_t i = 0; i < DG_COUPON_CODE_LEN; i++)
            for (size_t j = i + 1; j < DG_COUPON_CODE_LEN; j++) {
                if (code[i] == code[j])
                    continue;
                strcpy(typo, code);
                typo[i] = code[j];
                typo[j] = code[i];
                cr_assert_eq(dg_coupon_code_parse(back, typo, &err), DG_EPARSE,
                             "%s -> %s passed", code, typo);
            }
    }
}

Test(coupons, codes_are_read_as_people_type_them)
{
    char code[DG_COUPON_CODE_LEN + 1], back[DG_COUPON_CODE_LEN + 1], typed[32];
    cr_assert_eq(dg_coupon_code_generate(code, &err), 0);
    snprintf(typed, sizeof typed, " %.4s-%.4s %s", code, code + 4, code + 8);
    for (char *p = typed; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    cr_assert_eq(dg_coupon_code_parse(back, typed, &err), 0, "%s", err.message);
    cr_assert_str_eq(back, code);
    strcpy(typed, code);
    typed[3] = 'O';
    cr_assert_eq(dg_coupon_code_parse(back, typed, &err), DG_EPARSE);
    cr_assert(strstr(err.message, "never used"), "%s", err.message);
    cr_assert_eq(dg_coupon_code_parse(back, "ABC", &err), DG_EPARSE);
    cr_assert_eq(dg_coupon_check_symbol("2", 1), (31 - 2 * 0) % 31);
    /* the rule by hand: "3" has value 1 at weight 2, so the check is 31 - 2 = 29 -> 'Y' */
    cr_assert_eq(dg_coupon_check_symbol("3", 1), 29);
    cr_assert_eq(DG_COUPON_ALPHABET[29], 'Y');
}

/* ---- arithmetic and parsers ---- */

static dg_coupon_definition percent(int64_t bp, int64_t cap)
{
    dg_coupon_definition d;
    dg_coupon_definition_init(&d);
    d.definition_id = "P";
    d.kind = DG_COUPON_PERCENT;
    d.percent_bp = bp;
    d.cap = cap;
    return d;
}

Test(coupons, discount_arithmetic)
{
    dg_coupon_definition d = percent(1250, 0);
    cr_assert_eq(dg_coupon_discount(&d, 28910), 3613);        /* 3613.75 rounds down */
    cr_assert_eq(dg_coupon_discount(&d, 8), 1);               /* 1.0 exactly */
    cr_assert_eq(dg_coupon_discount(&d, 7), 0);               /* 0.875 rounds down to 0 */
    cr_assert_eq(dg_coupon_discount(&d, 0), 0);
    cr_assert_eq(dg_coupon_discount(&d, -100), 0);
    d = percent(10000, 0);
    cr_assert_eq(dg_coupon_discount(&d, DG_MONEY_MAX_MINOR), DG_MONEY_MAX_MINOR);
    cr_assert_eq(dg_coupon_discount(&d, INT64_MAX), INT64_MAX);   /* no overflow */
    d = percent(9999, 0);
    /* floor((2^63 - 1) x 0.9999): 922337203685477 x 9999 + floor(5807 x 9999 / 10^4) */
    cr_assert_eq(dg_coupon_discount(&d, INT64_MAX), INT64_C(922337203685477) * 9999 + 5806);
    d = percent(1000, 500);
    cr_assert_eq(dg_coupon_discount(&d, 4000), 400);
    cr_assert_eq(dg_coupon_discount(&d, 6000), 500);          /* capped */
    dg_coupon_definition f;
    dg_coupon_definition_init(&f);
    f.kind = DG_COUPON_FIXED;
    f.amount = 5000;
    cr_assert_eq(dg_coupon_discount(&f, 30000), 5000);
    cr_assert_eq(dg_coupon_discount(&f, 3000), 3000);        /* never more than the order */
}

Test(coupons, parsers_refuse_bad_values)
{
    int64_t v;
    cr_assert_eq(dg_coupon_percent_parse("12.5", &v, &err), 0);
    cr_assert_eq(v, 1250);
    cr_assert_eq(dg_coupon_percent_parse("100", &v, &err), 0);
    cr_assert_eq(v, 10000);
    cr_assert_eq(dg_coupon_percent_parse("100.01", &v, &err), DG_ERANGE);
    cr_assert_eq(dg_coupon_percent_parse("0", &v, &err), DG_ERANGE);
    cr_assert_eq(dg_coupon_percent_parse("-5", &v, &err), DG_ERANGE);
    cr_assert_eq(dg_coupon_percent_parse("12.345", &v, &err), DG_EPARSE);
    cr_assert_eq(dg_coupon_percent_parse("ten", &v, &err), DG_EPARSE);
    cr_assert_eq(dg_coupon_count_parse("3", "--total-limit", &v, &err), 0);
    cr_assert_eq(v, 3);
    cr_assert_neq(dg_coupon_count_parse("0", "--total-limit", &v, &err), 0);
    cr_assert_neq(dg_coupon_count_parse("1.5", "--total-limit", &v, &err), 0);
    cr_assert_neq(dg_coupon_count_parse("99999999999999999999", "--total-limit", &v, &err), 0);
    cr_assert_eq(dg_coupon_money_parse("1,000", "--amount", 0, false, &v, &err), 0);
    cr_assert_eq(v, 1000);
    cr_assert_eq(dg_coupon_money_parse("12.34", "--amount", 2, false, &v, &err), 0);
    cr_assert_eq(v, 1234);
    cr_assert_neq(dg_coupon_money_parse("0", "--amount", 0, false, &v, &err), 0);
    cr_assert_neq(dg_coupon_money_parse("-5", "--amount", 0, false, &v, &err), 0);
    cr_assert_neq(dg_coupon_money_parse("12.5", "--amount", 0, false, &v, &err), 0);
    cr_assert_neq(dg_coupon_money_parse("99999999999999999999", "--amount", 0, false, &v, &err),
                  0);
    cr_assert_eq(dg_coupon_money_parse("0", "--min-spend", 0, true, &v, &err), 0);
    dg_coupon_kind kind;
    cr_assert_eq(dg_coupon_kind_parse("정률 할인", &kind, &err), 0);
    cr_assert_eq(kind, DG_COUPON_PERCENT);
    dg_coupon_audience audience;
    cr_assert_eq(dg_coupon_audience_parse("첫 구매", &audience, &err), 0);
    cr_assert_eq(audience, DG_COUPON_FIRST_PURCHASE);
    cr_assert_eq(dg_coupon_audience_parse("everyone", &audience, &err), DG_EINVAL);
    for (const char *c = "fixed\0percent\0"; *c; c += strlen(c) + 1)
        cr_assert_not_null(dg_vocab_find("coupon_kind", c));
    const char *states[] = { "active", "issued", "redeemed", "voided", "expired" };
    for (size_t i = 0; i < 5; i++)
        cr_assert_not_null(dg_vocab_find("coupon_state", states[i]));
}

/* ---- against the store ---- */

static void define(const char *id, dg_coupon_definition d)
{
    bool replayed;
    d.definition_id = id;
    cr_assert_eq(dg_coupon_define(&replayed, store, &d, NULL, &err), 0, "%s", err.message);
}

static dg_coupon_definition fixed(int64_t amount)
{
    dg_coupon_definition d;
    dg_coupon_definition_init(&d);
    d.kind = DG_COUPON_FIXED;
    d.amount = amount;
    return d;
}

/* Issues one code of id to customer into code. */
static void issue(const char *id, const char *customer, char *code)
{
    dg_coupon_issued *out;
    size_t n;
    bool replayed;
    const char *list[] = { customer };
    cr_assert_eq(dg_coupon_issue(&out, &n, &replayed, store, id, list, 1, NULL, &err), 0, "%s",
                 err.message);
    cr_assert_eq(n, 1);
    strcpy(code, out[0].code);
    free(out);
}

static int redeem(const char *code, const char *order)
{
    dg_coupon_redemption r;
    dg_error_clear(&err);
    return dg_coupon_redeem(&r, store, code, order, NULL, &err);
}

Test(coupons, redeem_computes_the_discount_and_writes_one_row)
{
    char code[16];
    define("TEN", percent(1000, 0));
    issue("TEN", "A", code);
    dg_coupon_redemption r;
    cr_assert_eq(dg_coupon_redeem(&r, store, code, "A1", NULL, &err), 0, "%s", err.message);
    cr_assert_eq(r.discount, 5000);
    cr_assert_eq(r.order_total, 50000);
    cr_assert_eq(r.redeemed_on, DAY0);
    cr_assert_eq(sql_int("SELECT count(*) FROM coupon_redemptions"), 1);
    cr_assert_eq(sql_int("SELECT discount FROM coupon_redemptions"), 5000);
    /* single use: the second is a conflict and writes nothing */
    int64_t before = all_rows();
    cr_assert_eq(redeem(code, "A2"), DG_ECONFLICT);
    cr_assert(strstr(err.message, "redeemed already"), "%s", err.message);
    cr_assert_eq(all_rows(), before);
}

Test(coupons, every_refusal_names_its_reason_and_writes_nothing)
{
    char code[16], other[16], voided[16];
    dg_coupon_definition d = fixed(1000);
    d.min_spend = 10000;
    d.valid_from = DAY0;
    d.valid_until = DAY0 + 7;
    bool replayed;
    d.definition_id = "OLD";
    define("OLD", d);
    dg_coupon_issued *out;
    size_t n;
    const char *just_a[] = { "A" };
    cr_assert_eq(dg_coupon_issue(&out, &n, &replayed, store, "OLD", just_a, 1, NULL, &err),
                 DG_EINVAL);                            /* expired before today */
    cr_assert(strstr(err.message, "expired"), "%s", err.message);
    d.valid_until = DG_COUPON_NO_DAY;
    define("WIN", d);
    issue("WIN", "A", code);
    issue("WIN", "B", other);
    issue("WIN", "A", voided);
    sql("UPDATE coupon_definitions SET valid_until = 20007 WHERE definition_id = 'WIN'");
    cr_assert_eq(dg_coupon_void(&replayed, store, voided, false, NULL, &err), 0, "%s",
                 err.message);
    int64_t before = all_rows();
    cr_assert_eq(redeem(code, "A2"), DG_EINVAL);        /* DAY0 + 10: expired */
    cr_assert(strstr(err.message, "expired"), "%s", err.message);
    cr_assert_eq(redeem(code, "B1"), DG_EINVAL);        /* B's order */
    cr_assert(strstr(err.message, "issued to \"A\""), "%s", err.message);
    cr_assert_eq(redeem(code, "NOPE"), DG_ENOTFOUND);
    cr_assert_eq(redeem(voided, "A1"), DG_ECONFLICT);
    cr_assert(strstr(err.message, "voided"), "%s", err.message);
    char typo[16];
    strcpy(typo, code);
    typo[0] = typo[0] == '2' ? '3' : '2';
    cr_assert_eq(redeem(typo, "A1"), DG_EPARSE);        /* mistyped, not unknown */
    char unknown[16];
    cr_assert_eq(dg_coupon_code_generate(unknown, &err), 0);
    cr_assert_eq(redeem(unknown, "A1"), DG_ENOTFOUND);  /* well formed, never issued */
    cr_assert(strstr(err.message, "never issued"), "%s", err.message);
    cr_assert_eq(all_rows(), before);
    /* the minimum spend: B1 is 30000 >= 10000 but on DAY0 + 5, inside the window */
    cr_assert_eq(redeem(other, "B1"), 0, "%s", err.message);
    /* bad definitions */
    dg_coupon_definition bad = percent(10001, 0);
    bad.definition_id = "BAD";
    cr_assert_eq(dg_coupon_define(&replayed, store, &bad, NULL, &err), DG_ERANGE);
    bad = fixed(-5);
    bad.definition_id = "BAD";
    cr_assert_eq(dg_coupon_define(&replayed, store, &bad, NULL, &err), DG_ERANGE);
    bad = fixed(5);
    bad.definition_id = "BAD";
    bad.valid_from = DAY0 + 1;
    bad.valid_until = DAY0;
    cr_assert_eq(dg_coupon_define(&replayed, store, &bad, NULL, &err), DG_EINVAL);
    bad = fixed(5);
    bad.definition_id = "WIN";
    cr_assert_eq(dg_coupon_define(&replayed, store, &bad, NULL, &err), DG_EEXIST);
    /* bad issues: all or none */
    sql("UPDATE coupon_definitions SET valid_until = NULL WHERE definition_id = 'WIN'");
    before = all_rows();
    const char *with_unknown[] = { "A", "NOBODY" };
    cr_assert_eq(dg_coupon_issue(&out, &n, &replayed, store, "WIN", with_unknown, 2, NULL, &err),
                 DG_ENOTFOUND);
    const char *twice[] = { "A", "B", "A" };
    cr_assert_eq(dg_coupon_issue(&out, &n, &replayed, store, "WIN", twice, 3, NULL, &err),
                 DG_EINVAL);
    cr_assert_eq(dg_coupon_issue(&out, &n, &replayed, store, "NONE", twice, 1, NULL, &err),
                 DG_ENOTFOUND);
    cr_assert_eq(all_rows(), before);
}

Test(coupons, minimum_spend)
{
    char code[16];
    dg_coupon_definition d = fixed(1000);
    d.min_spend = 8001;
    define("MIN", d);
    issue("MIN", "A", code);
    cr_assert_eq(redeem(code, "A2"), DG_EINVAL);        /* 8000 < 8001 */
    cr_assert(strstr(err.message, "minimum spend"), "%s", err.message);
    cr_assert_eq(redeem(code, "A1"), 0);
}

Test(coupons, first_purchase_only_for_customers_without_orders)
{
    char code[16];
    dg_coupon_definition d = fixed(1000);
    d.audience = DG_COUPON_FIRST_PURCHASE;
    define("FIRST", d);
    dg_coupon_issued *out;
    size_t n;
    bool replayed;
    const char *has_orders[] = { "N", "A" };
    cr_assert_eq(dg_coupon_issue(&out, &n, &replayed, store, "FIRST", has_orders, 2, NULL, &err),
                 DG_EINVAL);
    cr_assert(strstr(err.message, "first-purchase"), "%s", err.message);
    issue("FIRST", "N", code);
    sql("INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES "
        "('N1', 'N', 20020 * 86400, 5000), ('N2', 'N', 20021 * 86400, 5000)");
    cr_assert_eq(redeem(code, "N2"), DG_EINVAL);        /* not the first order */
    cr_assert_eq(redeem(code, "N1"), 0, "%s", err.message);
}

Test(coupons, limits_per_customer_and_in_total)
{
    char a1[16], a2[16], b1[16];
    dg_coupon_definition d = fixed(100);
    d.per_customer_limit = 1;
    d.total_limit = 1;
    define("LIM", d);
    issue("LIM", "A", a1);
    issue("LIM", "A", a2);
    issue("LIM", "B", b1);
    cr_assert_eq(redeem(a1, "A1"), 0);
    cr_assert_eq(redeem(a2, "A2"), DG_ECONFLICT);
    cr_assert(strstr(err.message, "limit per customer"), "%s", err.message);
    cr_assert_eq(redeem(b1, "B1"), DG_ECONFLICT);
    cr_assert(strstr(err.message, "total limit"), "%s", err.message);
    d = fixed(100);
    d.per_customer_limit = 2;
    define("TWO", d);
    issue("TWO", "A", a1);
    issue("TWO", "A", a2);
    cr_assert_eq(redeem(a1, "A2"), 0, "%s", err.message);
    cr_assert_eq(redeem(a2, "A1"), DG_ECONFLICT);       /* A1 carries LIM's: one per order */
    cr_assert(strstr(err.message, "one coupon per order"), "%s", err.message);
}

Test(coupons, void_a_definition_and_idempotency_keys)
{
    char code[16];
    define("V", fixed(100));
    issue("V", "A", code);
    bool replayed;
    dg_coupon_write w = { .actor = "tester", .reason = "recalled", .idempotency_key = "K1" };
    cr_assert_eq(dg_coupon_void(&replayed, store, "V", true, &w, &err), 0, "%s", err.message);
    cr_assert_not(replayed);
    cr_assert_eq(dg_coupon_void(&replayed, store, "V", true, &w, &err), 0, "%s", err.message);
    cr_assert(replayed);
    cr_assert_eq(dg_coupon_void(&replayed, store, "V", true, NULL, &err), DG_ECONFLICT);
    cr_assert_eq(redeem(code, "A1"), DG_ECONFLICT);
    cr_assert(strstr(err.message, "voided"), "%s", err.message);
    /* a redemption retried with its key answers the first result */
    define("K", fixed(100));
    issue("K", "B", code);
    dg_coupon_write k = { .idempotency_key = "R1" };
    dg_coupon_redemption r1, r2;
    cr_assert_eq(dg_coupon_redeem(&r1, store, code, "B1", &k, &err), 0, "%s", err.message);
    cr_assert_eq(dg_coupon_redeem(&r2, store, code, "B1", &k, &err), 0, "%s", err.message);
    cr_assert(r2.replayed);
    cr_assert_eq(r2.redemption_id, r1.redemption_id);
    cr_assert_eq(r2.discount, r1.discount);
    cr_assert_eq(sql_int("SELECT count(*) FROM coupon_redemptions"), 1);
    cr_assert_eq(dg_coupon_redeem(&r2, store, code, "A1", &k, &err), DG_ECONFLICT);
    cr_assert(strstr(err.message, "another request"), "%s", err.message);
}

Test(coupons, the_ledger_is_append_only)
{
    char code[16];
    define("L", fixed(100));
    issue("L", "A", code);
    cr_assert_eq(redeem(code, "A1"), 0);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_neq(sqlite3_exec(db, "UPDATE coupon_redemptions SET discount = 1", NULL, NULL,
                               NULL), SQLITE_OK);
    cr_assert_neq(sqlite3_exec(db, "DELETE FROM coupon_redemptions", NULL, NULL, NULL),
                  SQLITE_OK);
    sqlite3_close(db);
}

/* 12 processes redeem one code on the same order at once: exactly one wins, the others get
 * DG_ECONFLICT, and there is exactly one ledger row. */
Test(coupons, concurrent_redemptions_of_one_code)
{
    char code[16];
    define("RACE", fixed(100));
    issue("RACE", "A", code);
    dg_store_close(store);
    store = NULL;
    enum { N = 12 };
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        cr_assert_neq(pids[i], -1);
        if (pids[i] == 0) {
            dg_store *s;
            dg_error e;
            dg_error_clear(&e);
            if (dg_store_open(&s, path, 0, &e) != 0)
                _exit(3);
            dg_coupon_redemption r;
            int rc = dg_coupon_redeem(&r, s, code, i % 2 ? "A1" : "A2", NULL, &e);
            dg_store_close(s);
            _exit(rc == 0 ? 0 : rc == DG_ECONFLICT ? 1 : 2);
        }
    }
    int won = 0, refused = 0;
    for (int i = 0; i < N; i++) {
        int status;
        cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
        cr_assert(WIFEXITED(status));
        won += WEXITSTATUS(status) == 0;
        refused += WEXITSTATUS(status) == 1;
    }
    cr_assert_eq(won, 1);
    cr_assert_eq(refused, N - 1);
    cr_assert_eq(sql_int("SELECT count(*) FROM coupon_redemptions"), 1);
    cr_assert_eq(dg_store_open(&store, path, 0, &err), 0);
}

Test(coupons, rates_report_with_wilson_interval)
{
    char a[16], b[16];
    dg_coupon_definition d = fixed(100);
    d.campaign_id = "C1";
    define("R", d);
    issue("R", "A", a);
    issue("R", "B", b);
    cr_assert_eq(redeem(a, "A1"), 0);
    dg_report rep = { 0 };
    cr_assert_eq(dg_report_coupon_rates(&rep, store, true, &err), 0, "%s", err.message);
    char *csv = test_render(rep.tables[0], DG_FORMAT_CSV);
    /* 1 of 2: Wilson 95% = (0.0945, 0.9055) by hand (z = 1.96) */
    cr_assert(strstr(csv, "C1,1,2,1,0.5,0.0945") != NULL, "%s", csv);
    cr_assert(strstr(csv, ",0.9054") != NULL, "%s", csv);
    cr_assert(strstr(csv, ",100,50000") != NULL, "%s", csv);
    free(csv);
    dg_report_clear(&rep);
}
