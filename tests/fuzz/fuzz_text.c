/* libFuzzer target for the text parsers: dates, timestamps, money (0-3 minor digits), booleans,
 * integers and reals. Nothing may crash, whatever parses must format and parse back to the
 * same value, and a real must be the very double strtod reads. Run by `make fuzz` (a few
 * seconds, fixed seed). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    dg_error err;
    char buf[64];
    int32_t days, days2;
    if (dg_date_parse(s, size, &days, &err) == 0) {
        dg_date_format(days, buf);
        if (dg_date_parse(buf, strlen(buf), &days2, &err) != 0 || days2 != days)
            abort();
    }
    int64_t t, t2;
    if (dg_timestamp_parse(s, size, &t, &err) == 0) {
        dg_timestamp_format(t, buf);
        if (strcmp(buf, "?") != 0 &&
            (dg_timestamp_parse(buf, strlen(buf), &t2, &err) != 0 || t2 != t))
            abort();
    }
    for (int digits = 0; digits <= 3; digits++) {
        int64_t m, m2;
        if (dg_money_parse(s, size, digits, &m, &err) != 0)
            continue;
        dg_money_format(m, digits, buf, sizeof buf);
        if (dg_money_parse(buf, strlen(buf), digits, &m2, &err) != 0 || m2 != m)
            abort();
        dg_money_format_human(m, digits, buf, sizeof buf);
        if (dg_money_parse(buf, strlen(buf), digits, &m2, &err) != 0 || m2 != m)
            abort();
    }
    bool b;
    dg_bool_parse(s, size, &b, &err);
    int64_t i;
    dg_int_parse(s, size, &i, &err);
    double r;
    if (dg_real_parse(s, size, &r, &err) == 0 && size < sizeof buf) {
        /* whatever path it took, the value is strtod's to the bit */
        memcpy(buf, s, size);
        buf[size] = '\0';
        double want = strtod(buf, NULL);
        if (memcmp(&r, &want, sizeof r) != 0 && !(r == 0 && want == 0))
            abort();
    }
    return 0;
}
