/* Campaign audiences through the cube's where language (dg_cube_customer_filter), on 4
 * hand-made customers: a term on a customer dimension keeps exactly the customers worked out
 * below (=, !=, several values, a range, Korean names), terms are ANDed, and a term on an order
 * dimension is refused naming it and listing the customer dimensions. */
#include <criterion/criterion.h>
#include <string.h>

#include "dangol/cube.h"
#include "dangol/text.h"

/* customers: 0 Seoul 20-29, 1 Busan 30-39, 2 Seoul 40-49, 3 Busan 20-29; one order each */
static uint32_t order_customer[] = { 0, 1, 2, 3 };
static int32_t order_day[4];
static int64_t order_revenue[] = { 10, 20, 30, 40 };
static uint32_t order_channel[] = { 0, 1, 0, 1 };
static uint32_t customer_region[] = { 1, 0, 1, 0 };
static uint32_t customer_age[] = { 0, 1, 2, 0 };

static dg_cube *cube_of_four(void)
{
    for (int i = 0; i < 4; i++)
        order_day[i] = dg_days_from_civil(2024, 3, 1 + i);
    dg_cube_facts f = { .n_customers = 4, .n_orders = 4, .order_customer = order_customer,
                        .order_day = order_day, .order_revenue_minor = order_revenue };
    dg_cube *cube = NULL;
    dg_error err;
    cr_assert_eq(dg_cube_new(&cube, &f, &err), 0, "%s", err.message);
    static const char *const channels[] = { "web", "store" };
    static const char *const regions[] = { "Busan", "Seoul" };
    static const char *const ages[] = { "20-29", "30-39", "40-49" };
    cr_assert_eq(dg_cube_add_dim(cube, "channel", NULL, DG_CUBE_KEY_ORDER, order_channel, 2,
                                 channels, &err), 0);
    cr_assert_eq(dg_cube_add_dim(cube, "region", NULL, DG_CUBE_KEY_CUSTOMER, customer_region, 2,
                                 regions, &err), 0);
    cr_assert_eq(dg_cube_add_dim(cube, "age", NULL, DG_CUBE_KEY_CUSTOMER, customer_age, 3, ages,
                                 &err), 0);
    return cube;
}

/* The kept customers as a string of digits ("02" = customers 0 and 2), or the error code. */
static void audience(const dg_cube *cube, const char *where, char *out, dg_error *err)
{
    dg_cube_query q;
    dg_cube_query_init(&q);
    uint8_t keep[4];
    int rc = dg_cube_query_set(&q, cube, "where", where, err);
    if (rc == 0)
        rc = dg_cube_customer_filter(keep, cube, &q, err);
    dg_cube_query_clear(&q);
    if (rc != 0) {
        strcpy(out, "error");
        return;
    }
    size_t n = 0;
    for (int c = 0; c < 4; c++)
        if (keep[c])
            out[n++] = (char)('0' + c);
    out[n] = '\0';
}

Test(cube_customers, filters_keep_the_worked_out_customers)
{
    dg_cube *cube = cube_of_four();
    char got[8];
    dg_error err;
    static const struct { const char *where, *want; } cases[] = {
        { "", "0123" },
        { "region=Seoul", "02" },
        { "region!=Seoul", "13" },
        { "age=20-29,40-49", "023" },
        { "age=30-39..40-49", "12" },
        { "age=..30-39", "013" },
        { "region=Busan;age=20-29", "3" },
        { "지역=서울", "02" },
        { "region=Seoul;region!=Seoul", "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        audience(cube, cases[i].where, got, &err);
        cr_expect_str_eq(got, cases[i].want, "%s: %s", cases[i].where, err.message);
    }
    const uint32_t *codes = dg_cube_customer_codes(cube, (size_t)dg_cube_dim_find(cube, "region"));
    cr_assert(codes && codes[2] == 1);
    cr_assert_null(dg_cube_customer_codes(cube, (size_t)dg_cube_dim_find(cube, "channel")));
    dg_cube_free(cube);
}

Test(cube_customers, an_order_dimension_is_refused_by_name)
{
    dg_cube *cube = cube_of_four();
    char got[8];
    dg_error err;
    audience(cube, "channel=web", got, &err);
    cr_assert_str_eq(got, "error");
    cr_assert_eq(err.code, DG_EINVAL);
    cr_assert(strstr(err.message, "\"channel\"") && strstr(err.message, "filter on: region, age"),
              "%s", err.message);
    audience(cube, "colour=red", got, &err);
    cr_assert(strstr(err.message, "unknown dimension \"colour\""), "%s", err.message);
    dg_cube_free(cube);
}
