/* Import and export: header mapping, every kind of bad row with its own message and position,
 * all-or-nothing transactions, quarantine, idempotent re-import, synthesised order ids, CP949,
 * and the export -> import round trip on every entity of the catalog. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dangol/csv.h"
#include "dangol/ingest.h"
#include "dangol/store.h"
#include "support.h"

static char path[80], path2[80];
static dg_store *store;
static dg_error err;

static dg_store *fresh_store(const char *p, const char *currency)
{
    dg_store *s = NULL;
    test_remove_store(p);
    cr_assert_eq(dg_store_open(&s, p, DG_STORE_CREATE, &err), 0, "%s", err.message);
    cr_assert_eq(dg_store_setting_set(s, "currency", currency, &err), 0);
    return s;
}

static void setup(void)
{
    snprintf(path, sizeof path, "/tmp/dangol-test-import-%d.db", (int)getpid());
    snprintf(path2, sizeof path2, "/tmp/dangol-test-import-%d-b.db", (int)getpid());
    store = fresh_store(path, "USD");
}

static void teardown(void)
{
    dg_store_close(store);
    store = NULL;
    test_remove_store(path);
    test_remove_store(path2);
}

TestSuite(import, .init = setup, .fini = teardown);

static int import_text(dg_store *s, const char *entity, const char *csv,
                       const dg_import_options *opt, dg_import_report *report)
{
    return dg_import_mem(s, dg_entity_find(entity), "t.csv", csv, strlen(csv), opt, report, &err);
}

static int64_t count(dg_store *s, const char *entity)
{
    dg_entity_stats stats[32];
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    cr_assert_eq(dg_store_stats(s, stats, &err), 0);
    for (size_t i = 0; i < n; i++)
        if (strcmp(all[i]->name, entity) == 0)
            return stats[i].count;
    return -1;
}

static char *export_text(dg_store *s, const char *entity, dg_export_format f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    cr_assert_eq(dg_export(s, dg_entity_find(entity), f, out, "memory", &err), 0, "%s", err.message);
    fclose(out);
    return buf;
}

static const char *customers_csv =
    "customer_id,name,gender,birth_year,consent_email,acquired_on\n"
    "C-1,\"Kim, Minsu\",F,1980,예,2024-01-05\n"
    "C-2,Lee,M,1990,no,20240106\n";

Test(import, customers_then_orders)
{
    dg_import_report r;
    cr_assert_eq(import_text(store, "customers", customers_csv, NULL, &r), 0, "%s", err.message);
    cr_assert_eq(r.rows_read, 2);
    cr_assert_eq(r.rows_imported, 2);
    dg_import_report_clear(&r);
    cr_assert_eq(import_text(store, "orders", "order_id,customer_id,ordered_at,total\n"
                                              "O1,C-1,2024-02-01T10:00:00+09:00,\"$1,234.50\"\n"
                                              "O2,C-2,2024-02-02,3\n", NULL, &r), 0, "%s",
                 err.message);
    dg_import_report_clear(&r);
    char *out = export_text(store, "orders", DG_EXPORT_CSV);
    cr_assert_str_eq(out, "order_id,customer_id,ordered_at,channel,payment_method,card_used,"
                          "staff_id,site,units,total\n"
                          "O1,C-1,2024-02-01T01:00:00Z,,,,,,,1234.50\n"
                          "O2,C-2,2024-02-02T00:00:00Z,,,,,,,3.00\n");
    free(out);
}

/* Each bad row has its own message, and names its line and column. */
Test(import, every_kind_of_bad_row)
{
    cr_assert_eq(import_text(store, "customers", customers_csv, NULL, NULL), 0);
    struct { const char *row; const char *message; } cases[] = {
        { "O1,C-1,2024-13-01,1", "t.csv:2:3: ordered_at \"2024-13-01\" is not a valid date (month 13)" },
        { "O1,C-1,yesterday,1", "t.csv:2:3: ordered_at \"yesterday\" is not a timestamp; expected" },
        { "O1,C-1,2024-01-01,12.345", "t.csv:2:4: total \"12.345\" has more decimals than the currency's 2" },
        { "O1,C-1,2024-01-01,abc", "t.csv:2:4: total \"abc\" is not an amount of money" },
        { "O1,C-1,2024-01-01,", "t.csv:2:4: total is required but empty" },
        { ",C-1,2024-01-01,1", "t.csv:2:1: order_id is required but empty" },
        { "O1,C-9,2024-01-01,1", "t.csv:2:2: customer_id \"C-9\" is not a known customer; import customers first or use --create-customers" },
        { "O1,C-1,2024-01-01", "t.csv:2:4: the row has 3 fields, the header has 4" },
        { "O1,C-1,2024-01-01,1,extra", "t.csv:2:5: the row has 5 fields, the header has 4" },
        { "O1,C-1,2024-01-01,1\nO1,C-2,2024-01-02,2", "t.csv:3:1: order_id \"O1\" appears twice (first at line 2)" },
        { "O1,C-1,\"2024-01-01,1", "t.csv:2:3: quoted field never closed" },
        { "O1,\xB0\xED,2024-01-01,1", "t.csv:2:2: invalid UTF-8" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char csv[256];
        snprintf(csv, sizeof csv, "order_id,customer_id,ordered_at,total\n%s\n", cases[i].row);
        dg_import_report r;
        int rc = import_text(store, "orders", csv, NULL, &r);
        cr_assert_neq(rc, 0, "case %zu accepted", i);
        cr_assert(strstr(err.message, cases[i].message), "case %zu: %s", i, err.message);
        cr_assert_eq(count(store, "orders"), 0);
        dg_import_report_clear(&r);
    }
    struct { const char *header; const char *row; const char *message; } more[] = {
        { "customer_id,gender", "C-5,Q", "t.csv:2:2: gender \"Q\" is not one of: F, M, X" },
        { "customer_id,birth_year", "C-5,1800", "t.csv:2:2: birth_year 1800 is out of range; expected 1900..2100" },
        { "customer_id,birth_year", "C-5,19.5", "t.csv:2:2: birth_year \"19.5\" is not a whole number" },
        { "customer_id,consent_sms", "C-5,maybe", "t.csv:2:2: consent_sms \"maybe\" is not a yes/no value" },
        { "customer_id,acquired_on", "C-5,2023-02-29", "t.csv:2:2: acquired_on \"2023-02-29\" is not a valid date (day 29" },
        { "customer_id,staff_id", "C-5,S-1", "t.csv:2:2: staff_id \"S-1\" is not a known staff member; import staff first" },
        { "customer_id,nmae", "C-5,x", "t.csv:1:2: unknown column \"nmae\" for customers; valid: customer_id, name," },
        { "name,email", "x,y", "t.csv:1: missing required column \"customer_id\" for customers; the file has: name, email" },
        { "customer_id,name,Name", "C-5,x,y", "t.csv:1:3: column \"name\" appears twice (columns 2 and 3)" },
    };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        char csv[256];
        snprintf(csv, sizeof csv, "%s\n%s\n", more[i].header, more[i].row);
        cr_assert_neq(import_text(store, "customers", csv, NULL, NULL), 0, "case %zu", i);
        cr_assert(strstr(err.message, more[i].message), "case %zu: %s", i, err.message);
        cr_assert_eq(count(store, "customers"), 2);
    }
}

/* A bad row at line N leaves the store exactly as it was, even after N-1 good rows. */
Test(import, bad_row_rolls_back_everything)
{
    cr_assert_eq(import_text(store, "customers", customers_csv, NULL, NULL), 0);
    char *before = export_text(store, "customers", DG_EXPORT_CSV);
    char *csv = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&csv, &len);
    fprintf(f, "customer_id,name\n");
    for (int i = 0; i < 5000; i++)
        fprintf(f, "N-%d,new\n", i);
    fprintf(f, "C-1,changed\n");       /* an update that must not stick either */
    fprintf(f, "N-x,bad,extra\n");     /* line 5003 */
    fclose(f);
    dg_import_report r;
    cr_assert_neq(import_text(store, "customers", csv, NULL, &r), 0);
    cr_assert_eq(err.line, 5003);
    cr_assert_eq(r.rows_rejected, 1);
    cr_assert_eq(r.rows_imported, 0);
    dg_import_report_clear(&r);
    char *after = export_text(store, "customers", DG_EXPORT_CSV);
    cr_assert_str_eq(after, before);
    free(before);
    free(after);
    free(csv);
}

Test(import, errors_are_listed_up_to_the_limit)
{
    char csv[4096] = "customer_id,birth_year\n";
    for (int i = 0; i < 30; i++)
        sprintf(csv + strlen(csv), "X-%d,1\n", i);
    dg_import_options opt = { .delimiter = ',', .max_errors = 5 };
    dg_import_report r;
    cr_assert_neq(import_text(store, "customers", csv, &opt, &r), 0);
    cr_assert_eq(r.n_errors, 5);
    cr_assert_eq(r.rows_rejected, 30);
    cr_assert(strstr(r.errors[4], "t.csv:6:2: birth_year 1 is out of range"), "%s", r.errors[4]);
    dg_import_report_clear(&r);
}

Test(import, skip_invalid_writes_the_quarantine)
{
    char qpath[100];
    snprintf(qpath, sizeof qpath, "/tmp/dangol-test-q-%d.csv", (int)getpid());
    dg_import_options opt = { .delimiter = ',', .skip_invalid = true, .quarantine = qpath };
    dg_import_report r;
    cr_assert_eq(import_text(store, "customers", "customer_id,name,gender\n"
                                                 "C-1,\"a, b\",F\nC-2,x,Q\nC-3,y,M\nC-1,z,F\n",
                             &opt, &r), 0, "%s", err.message);
    cr_assert_eq(r.rows_imported, 2);
    cr_assert_eq(r.rows_rejected, 2);
    cr_assert_str_eq(r.quarantine, qpath);
    dg_import_report_clear(&r);
    cr_assert_eq(count(store, "customers"), 2);
    FILE *f = fopen(qpath, "r");
    char text[1024] = "";
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    cr_assert_str_eq(text, "customer_id,name,gender,reason\n"
                           "C-2,x,Q,\"t.csv:3:3: gender \"\"Q\"\" is not one of: F, M, X\"\n"
                           "C-1,z,F,\"t.csv:5:1: customer_id \"\"C-1\"\" appears twice "
                           "(first at line 2)\"\n");
    /* the quarantine, fixed, imports with its reason column ignored */
    dg_import_options again = { .delimiter = ',', .map = "reason=-" };
    cr_assert_eq(dg_import_file(store, dg_entity_find("customers"), qpath, &again, NULL, &err),
                 DG_EINVAL);   /* C-2 is still wrong in it */
    cr_assert(strstr(err.message, ":2:3: gender \"Q\""), "%s", err.message);
    unlink(qpath);
}

/* A CSV structure error after a bad row stops the import: err holds it (report.stopped), the bad
 * row is still listed, nothing is imported and no quarantine file is left behind. */
Test(import, structural_error_after_a_bad_row_stops_and_removes_the_quarantine)
{
    char qpath[100];
    snprintf(qpath, sizeof qpath, "/tmp/dangol-test-q-%d.csv", (int)getpid());
    dg_import_options opt = { .delimiter = ',', .skip_invalid = true, .quarantine = qpath };
    dg_import_report r;
    cr_assert_neq(import_text(store, "customers", "customer_id,birth_year\nC-1,1800\n"
                                                  "C-2,\"1990\nC-3,1990\n", &opt, &r), 0);
    cr_assert(r.stopped);
    cr_assert(strstr(err.message, "t.csv:3:2: quoted field never closed"), "%s", err.message);
    cr_assert_eq(r.n_errors, 1);
    cr_assert(strstr(r.errors[0], "t.csv:2:2: birth_year 1800"), "%s", r.errors[0]);
    cr_assert_str_eq(r.quarantine, "");
    cr_assert_eq(access(qpath, F_OK), -1, "the quarantine was left behind");
    cr_assert_eq(count(store, "customers"), 0);
    dg_import_report_clear(&r);
    /* bad rows alone do not stop it: err is the first of them */
    opt.skip_invalid = false;
    cr_assert_neq(import_text(store, "customers", "customer_id,birth_year\nC-1,1800\n", &opt, &r),
                  0);
    cr_assert(!r.stopped);
    cr_assert(strstr(err.message, "t.csv:2:2: birth_year 1800"), "%s", err.message);
    dg_import_report_clear(&r);
}

/* A row rejected by the store does not make a later row with its key a duplicate. */
Test(import, rejected_key_is_not_a_duplicate)
{
    char qpath[100];
    snprintf(qpath, sizeof qpath, "/tmp/dangol-test-q2-%d.csv", (int)getpid());
    dg_import_options opt = { .delimiter = ',', .skip_invalid = true, .quarantine = qpath };
    dg_import_report r;
    cr_assert_eq(import_text(store, "customers", "customer_id,name,staff_id\n"
                                                 "C-1,first,S-404\nC-1,second,\n", &opt, &r), 0,
                 "%s", err.message);
    cr_assert_eq(r.rows_imported, 1);
    cr_assert_eq(r.rows_rejected, 1);
    cr_assert(strstr(r.errors[0], "t.csv:2:3: staff_id \"S-404\" is not a known staff member"),
              "%s", r.errors[0]);
    dg_import_report_clear(&r);
    char *out = export_text(store, "customers", DG_EXPORT_CSV);
    cr_assert(strstr(out, "\nC-1,second,"), "%s", out);
    free(out);
    unlink(qpath);
}

Test(import, reimport_is_idempotent)
{
    cr_assert_eq(import_text(store, "customers", customers_csv, NULL, NULL), 0);
    char *first = export_text(store, "customers", DG_EXPORT_CSV);
    cr_assert_eq(import_text(store, "customers", customers_csv, NULL, NULL), 0);
    char *second = export_text(store, "customers", DG_EXPORT_CSV);
    cr_assert_str_eq(first, second);
    cr_assert_eq(count(store, "customers"), 2);
    free(first);
    free(second);
}

/* Re-importing with fewer columns updates only the columns the file has: a phone list keeps the
 * names; a customer new in it gets the phone only. */
Test(import, reimport_updates_only_the_columns_in_the_file)
{
    cr_assert_eq(import_text(store, "customers", "customer_id,name,phone,gender\n"
                                                 "C-1,Kim,010-1,F\nC-2,Lee,010-2,M\n", NULL, NULL),
                 0, "%s", err.message);
    cr_assert_eq(import_text(store, "customers", "customer_id,phone\nC-1,010-9\nC-3,010-3\n",
                             NULL, NULL), 0, "%s", err.message);
    char *out = export_text(store, "customers", DG_EXPORT_CSV);
    cr_assert(strstr(out, "\nC-1,Kim,010-9,,,F,"), "%s", out);
    cr_assert(strstr(out, "\nC-2,Lee,010-2,,,M,"), "%s", out);
    cr_assert(strstr(out, "\nC-3,,010-3,,,,"), "%s", out);
    free(out);
    /* a blank field in a column the file has does clear it */
    cr_assert_eq(import_text(store, "customers", "customer_id,name\nC-1,\n", NULL, NULL), 0);
    out = export_text(store, "customers", DG_EXPORT_CSV);
    cr_assert(strstr(out, "\nC-1,,010-9,,,F,"), "%s", out);
    free(out);
}

Test(import, map_columns_and_no_header)
{
    dg_import_options opt = { .delimiter = ';', .map = "고객번호=customer_id, 이름=name,메모=-" };
    cr_assert_eq(import_text(store, "customers", "고객번호;이름;메모\nK-1;김민수;무시\n", &opt, NULL),
                 0, "%s", err.message);
    dg_import_options bad = { .delimiter = ',', .map = "고객번호=cust" };
    cr_assert_eq(import_text(store, "customers", "고객번호\nK-2\n", &bad, NULL), DG_EINVAL);
    cr_assert(strstr(err.message, "--map: \"cust\" is not a column of customers"), "%s",
              err.message);
    dg_import_options typo = { .delimiter = ',', .map = "고객번효=customer_id" };
    cr_assert_eq(import_text(store, "customers", "고객번호\nK-2\n", &typo, NULL), DG_EINVAL);
    cr_assert(strstr(err.message, "--map names \"고객번효\", which is not a column of the file"),
              "%s", err.message);
    dg_import_options nh = { .delimiter = '|', .no_header = true, .columns = "customer_id,-,name" };
    cr_assert_eq(import_text(store, "customers", "K-3|skip|Park\n", &nh, NULL), 0, "%s",
                 err.message);
    cr_assert_eq(count(store, "customers"), 2);
    dg_import_options nocols = { .delimiter = ',', .no_header = true };
    cr_assert_eq(import_text(store, "customers", "K-4\n", &nocols, NULL), DG_EINVAL);
}

Test(import, cp949_file_with_korean_header)
{
    dg_import_options opt = { .delimiter = ',', .encoding = "cp949",
                              .map = "고객번호=customer_id,이름=name,금액=-" };
    cr_assert_eq(dg_import_file(store, dg_entity_find("customers"), "tests/data/cp949.csv", &opt,
                                NULL, &err), 0, "%s", err.message);
    char *out = export_text(store, "customers", DG_EXPORT_CSV);
    cr_assert(strstr(out, "\nC-1,김민수,"), "%s", out);
    cr_assert(strstr(out, "\nC-2,이영희,"), "%s", out);
    free(out);
}

/* Orders without an order_id get customer/day/occurrence keys: a second import changes nothing. */
Test(import, cdnow_style_log_gets_stable_keys)
{
    const char *log = " 00004 0001 19970101  2   29.33\n"
                      " 00004 0001 19970101  1   10.00\n"
                      " 00018 0002 19970102  1   14.96\n";
    dg_import_options opt = { .delimiter = DG_CSV_WHITESPACE, .no_header = true,
                              .columns = "customer_id,-,ordered_at,units,total",
                              .create_customers = true };
    dg_import_report r;
    cr_assert_eq(import_text(store, "orders", log, &opt, &r), 0, "%s", err.message);
    cr_assert_eq(r.customers_created, 2);
    dg_import_report_clear(&r);
    cr_assert_eq(import_text(store, "orders", log, &opt, &r), 0, "%s", err.message);
    cr_assert_eq(r.customers_created, 0);
    dg_import_report_clear(&r);
    cr_assert_eq(count(store, "orders"), 3);
    char *out = export_text(store, "orders", DG_EXPORT_CSV);
    cr_assert(strstr(out, "\n00004/19970101/1,00004,1997-01-01T00:00:00Z,,,,,,2,29.33\n"
                          "00004/19970101/2,00004,1997-01-01T00:00:00Z,,,,,,1,10.00\n"
                          "00018/19970102/1,00018,"), "%s", out);
    free(out);
    char key[64];
    dg_import_order_key("C", 86400 + 3661, 3, key, sizeof key);
    cr_assert_str_eq(key, "C/19700102T010101/3");
}

/* A sample value of column c for row i (1..3) in its canonical (export) form; "" = unset. */
static const char *sample(const dg_entity *e, size_t c, int i, char *buf, size_t cap)
{
    const dg_column *col = &e->columns[c];
    if (i == 3 && !col->required && c >= e->n_key)
        return "";
    if (col->references) {
        if (strcmp(col->references, "customers") == 0 && strcmp(col->name, "referred_id") == 0)
            snprintf(buf, cap, "customers-%d", i % 3 + 1);
        else
            snprintf(buf, cap, "%s-%d", col->references, i);
        return buf;
    }
    switch (col->type) {
    case DG_TYPE_TEXT:
        if (c < e->n_key)
            snprintf(buf, cap, "%s-%d", e->name, i);
        else
            snprintf(buf, cap, i == 1 ? "a, \"quoted\"\nsecond line 김민수" : " padded %d ", i);
        return buf;
    case DG_TYPE_INT:
        snprintf(buf, cap, "%lld", (long long)(col->min <= col->max   /* inside a narrow range */
                                               ? col->min + (i - 1) % (col->max - col->min + 1)
                                               : i));
        return buf;
    case DG_TYPE_REAL:
        snprintf(buf, cap, "%.17g", 0.1 * i);
        return buf;
    case DG_TYPE_DATE:
        snprintf(buf, cap, "19%02d-0%d-2%d", 60 + i, i, i);
        return buf;
    case DG_TYPE_TIMESTAMP:
        snprintf(buf, cap, "2024-0%d-0%dT1%d:2%d:3%dZ", i, i, i, i, i);
        return buf;
    case DG_TYPE_MONEY:
        if (i == 2 && col->min == 0 && col->max > 0)   /* an amount that cannot be negative */
            snprintf(buf, cap, "12345678901.23");
        else
            snprintf(buf, cap, i == 2 ? "-12345678901.23" : "%d.0%d", i * 1000, i);
        return buf;
    case DG_TYPE_BOOL:
        return i == 1 ? "true" : "false";
    case DG_TYPE_ENUM:
        return col->enum_values[i - 1];
    }
    return "";
}

/* Export -> import is lossless on every entity: canonical text in, the same text out, and the
 * export imported into a second store exports the same again. */
Test(import, round_trip_every_entity)
{
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    dg_store *other = fresh_store(path2, "USD");
    for (size_t k = 0; k < n; k++) {
        const dg_entity *e = all[k];
        char *csv = NULL, buf[128];
        size_t len = 0;
        FILE *f = open_memstream(&csv, &len);
        for (size_t c = 0; c < e->n_columns; c++)
            dg_csv_write_field(f, e->columns[c].name, strlen(e->columns[c].name), c == 0, ',');
        dg_csv_write_end(f);
        for (int i = 1; i <= 3; i++) {
            for (size_t c = 0; c < e->n_columns; c++) {
                const char *v = sample(e, c, i, buf, sizeof buf);
                dg_csv_write_field(f, v, strlen(v), c == 0, ',');
            }
            dg_csv_write_end(f);
        }
        fclose(f);
        dg_import_report r;
        cr_assert_eq(import_text(store, e->name, csv, NULL, &r), 0, "%s: %s", e->name, err.message);
        dg_import_report_clear(&r);
        char *out = export_text(store, e->name, DG_EXPORT_CSV);
        cr_assert_str_eq(out, csv, "%s", e->name);
        cr_assert_eq(import_text(other, e->name, out, NULL, NULL), 0, "%s: %s", e->name,
                     err.message);
        char *again = export_text(other, e->name, DG_EXPORT_CSV);
        cr_assert_str_eq(again, out, "%s", e->name);
        free(again);
        free(out);
        free(csv);
    }
    char *json = export_text(store, "orders", DG_EXPORT_JSON);
    cr_assert(strstr(json, "\"total\": 1000.01"), "%s", json);
    cr_assert(strstr(json, "\"channel\": \"a, \\\"quoted\\\"\\nsecond line 김민수\""), "%s", json);
    free(json);
    dg_store_close(other);
}

static int index_count(const char *db_path, const char *table)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                           "tbl_name = ? AND sql IS NOT NULL", -1, &st, NULL);
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Bulk mode sets the orders indexes aside; commit and rollback both leave them in place. */
Test(import, bulk_mode_restores_indexes)
{
    const dg_entity *orders = dg_entity_find("orders");
    int before = index_count(path, "orders");
    cr_assert_gt(before, 0);
    cr_assert_eq(dg_store_begin(store, &err), 0);
    cr_assert_eq(dg_store_bulk_begin(store, orders, 1000000, &err), 0, "%s", err.message);
    dg_store_rollback(store);
    cr_assert_eq(index_count(path, "orders"), before);
    cr_assert_eq(dg_store_begin(store, &err), 0);
    cr_assert_eq(dg_store_bulk_begin(store, orders, 1000000, &err), 0);
    cr_assert_eq(dg_store_commit(store, &err), 0, "%s", err.message);   /* commit rebuilds */
    cr_assert_eq(index_count(path, "orders"), before);
    /* a big import through the import path: rows and indexes both there */
    char *csv = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&csv, &len);
    fprintf(f, "order_id,customer_id,ordered_at,total\n");
    for (int i = 0; i < 120000; i++)
        fprintf(f, "O%d,C-%d,2024-01-01,%d\n", i, i % 2 + 1, i);
    fclose(f);
    cr_assert_eq(import_text(store, "customers", customers_csv, NULL, NULL), 0);
    cr_assert_eq(import_text(store, "orders", csv, NULL, NULL), 0, "%s", err.message);
    cr_assert_eq(count(store, "orders"), 120000);
    cr_assert_eq(index_count(path, "orders"), before);
    free(csv);
}

/* The customers' index on their acquisition day (schema 0031) is set aside by a bulk load of
 * customers like the orders' (the bulk path takes every non-unique index) and back after it. */
Test(import, bulk_mode_restores_the_customers_index)
{
    const dg_entity *customers = dg_entity_find("customers");
    cr_assert_eq(index_count(path, "customers"), 1);
    cr_assert_eq(dg_store_begin(store, &err), 0);
    cr_assert_eq(dg_store_bulk_begin(store, customers, 1000000, &err), 0, "%s", err.message);
    cr_assert_eq(dg_store_commit(store, &err), 0, "%s", err.message);   /* commit rebuilds */
    cr_assert_eq(index_count(path, "customers"), 1);
}

/* Coded values written by their Korean or English names are stored as their codes (regions,
 * channels, payment methods, staff roles, sites, consultation types, feedback kinds and
 * statuses); values the
 * vocabulary does not know are kept as written; an unknown consultation type is still refused. */
Test(import, korean_names_are_stored_as_codes)
{
    dg_import_report r;
    cr_assert_eq(import_text(store, "staff", "staff_id,role,site\nS1,점장,강남점\n"
                             "S2,Call centre agent,call centre\nS3,barista,Andong\n", NULL, &r),
                 0, "%s", err.message);
    dg_import_report_clear(&r);
    cr_assert_eq(import_text(store, "customers",
                             "customer_id,region,customer_type,acquisition_channel,occupation\n"
                             "C-1,서울,꼼꼼한 고객,지인 추천,주부\n"
                             "C-2,Seoul,Careful,referral,homemaker\n"
                             "C-3,Andong,,,\n", NULL, &r), 0, "%s", err.message);
    dg_import_report_clear(&r);
    cr_assert_eq(import_text(store, "orders",
                             "order_id,customer_id,ordered_at,channel,payment_method,site,total\n"
                             "O1,C-1,2024-02-01,콜센터,신용카드,명동점,10\n"
                             "O2,C-2,2024-02-02,Call centre,credit_card,Seoul Myeongdong,3\n",
                             NULL, &r), 0, "%s",
                 err.message);
    dg_import_report_clear(&r);
    cr_assert_eq(import_text(store, "feedback",
                             "feedback_id,customer_id,received_at,kind,status\n"
                             "F1,C-1,2024-02-03,불만,처리 중\n", NULL, &r), 0, "%s", err.message);
    dg_import_report_clear(&r);
    char *out = export_text(store, "customers", DG_EXPORT_CSV);
    cr_expect(strstr(out, "C-1,,,,,,,,,homemaker,Seoul,referral,,,careful,"), "%s", out);
    cr_expect(strstr(out, "C-2,,,,,,,,,homemaker,Seoul,referral,,,careful,"), "%s", out);
    cr_expect(strstr(out, "C-3,,,,,,,,,,Andong,"), "%s", out);
    cr_expect(!strstr(out, "주부"), "%s", out);
    free(out);
    out = export_text(store, "orders", DG_EXPORT_CSV);
    cr_expect(strstr(out, "O1,C-1,2024-02-01T00:00:00Z,call_centre,credit_card,"), "%s", out);
    cr_expect(strstr(out, "O2,C-2,2024-02-02T00:00:00Z,call_centre,credit_card,"), "%s", out);
    cr_expect(!strstr(out, "명동점") && strstr(out, ",Seoul Myeongdong,"), "%s", out);
    free(out);
    out = export_text(store, "staff", DG_EXPORT_CSV);
    cr_expect(strstr(out, "S1,,store_manager,Seoul Gangnam,"), "%s", out);
    cr_expect(strstr(out, "S2,,call_agent,Call Centre,"), "%s", out);
    cr_expect(strstr(out, "S3,,barista,Andong,"), "%s", out);
    free(out);
    out = export_text(store, "feedback", DG_EXPORT_CSV);
    cr_expect(strstr(out, "complaint") && strstr(out, "in_progress"), "%s", out);
    free(out);
    /* a consultation type is a code a team may add (docs/types.md): a name the vocabulary does
     * not know is kept as written, as a region's is */
    cr_expect_eq(import_text(store, "customers", "customer_id,customer_type\nC-4,까다로운 고객\n",
                             NULL, &r), 0, "%s", err.message);
    dg_import_report_clear(&r);
    out = export_text(store, "customers", DG_EXPORT_CSV);
    cr_expect(strstr(out, "C-4,") && strstr(out, ",까다로운 고객,"), "%s", out);
    free(out);
}
