/* Generates the import benchmark's input: N_ORDERS order rows (CSV with a header) spread over
 * N_CUSTOMERS customers, in time order as a shop's log would be, and the customers CSV.
 * Deterministic (a fixed xorshift seed), so every run imports the same bytes.
 * usage: gen_orders N_ORDERS N_CUSTOMERS orders.csv customers.csv */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state = 0x2545F4914F6CDD1Dull;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: gen_orders N_ORDERS N_CUSTOMERS orders.csv customers.csv\n");
        return 2;
    }
    long n_orders = atol(argv[1]), n_customers = atol(argv[2]);
    FILE *o = fopen(argv[3], "w"), *c = fopen(argv[4], "w");
    if (!o || !c || n_customers < 1)
        return 1;
    static const char *const channels[] = { "web", "app", "store", "call_centre", "home_shopping" };
    static const char *const payments[] = { "card", "cash", "transfer", "points" };
    fprintf(c, "customer_id,name,region\n");
    for (long i = 0; i < n_customers; i++)
        fprintf(c, "C%07ld,Customer %ld,R%02d\n", i, i, (int)(next() % 17));
    fprintf(o, "order_id,customer_id,ordered_at,channel,payment_method,card_used,staff_id,site,units,"
                  "total\n");
    const int64_t start = 1672531200;   /* 2023-01-01T00:00:00Z */
    const int64_t span = 2 * 365 * 86400;
    for (long i = 0; i < n_orders; i++) {
        int64_t t = start + (int64_t)((double)i / (double)n_orders * (double)span);
        int64_t days = t / 86400, rest = t % 86400;
        /* civil date from days (Hinnant) */
        int64_t z = days + 719468, era = z / 146097;
        unsigned doe = (unsigned)(z - era * 146097);
        unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
        unsigned d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
        int64_t y = (int64_t)yoe + era * 400 + (m <= 2);
        uint64_t r = next();
        unsigned pay = (unsigned)(r >> 8) % 4;
        fprintf(o, "O%09ld,C%07ld,%04" PRId64 "-%02u-%02uT%02d:%02d:%02dZ,%s,%s,%s,,S%02u,%u,%u\n", i,
                (long)(r % (uint64_t)n_customers), y, m, d, (int)(rest / 3600),
                (int)(rest / 60 % 60), (int)(rest % 60), channels[(r >> 20) % 5], payments[pay],
                pay == 0 ? "true" : "false", (unsigned)(r >> 52) % 40, (unsigned)(r >> 32) % 5 + 1,
                ((unsigned)(r >> 40) % 2000 + 1) * 100);
    }
    return fclose(o) || fclose(c);
}
