/* The frame's dictionaries (see dict.h): code 0 is the empty string, every other distinct value
 * gets the next code, found again through the string map. */
#include <stdlib.h>
#include <string.h>

#include "frame/dict.h"

int dg__dict_init(dg_dict *d)
{
    memset(d, 0, sizeof *d);
    if (!(d->values = malloc(sizeof *d->values)) || !(d->values[0] = strdup("")) ||
        !(d->map = dg__strmap_new())) {
        if (d->values)
            free(d->values[0]);
        free(d->values);
        d->values = NULL;
        return DG_ENOMEM;
    }
    d->n = 1;
    return 0;
}

void dg__dict_free(dg_dict *d)
{
    if (!d->values)
        return;
    for (size_t i = 0; i < d->n; i++)
        free(d->values[i]);
    free(d->values);
    dg__strmap_free(d->map);
    memset(d, 0, sizeof *d);
}

int dg__dict_intern(dg_dict *d, const char *value, uint32_t *code)
{
    if (!value || !*value) {
        *code = 0;
        return 0;
    }
    int64_t found = dg__strmap_get(d->map, value);
    if (found >= 0) {
        *code = (uint32_t)found;
        return 0;
    }
    if ((d->n & (d->n - 1)) == 0) {   /* grow at powers of two */
        char **grown = realloc(d->values, 2 * d->n * sizeof *grown);
        if (!grown)
            return DG_ENOMEM;
        d->values = grown;
    }
    char *copy = strdup(value);
    if (!copy || dg__strmap_put(d->map, copy, (uint32_t)d->n) != 0) {
        free(copy);
        return DG_ENOMEM;
    }
    d->values[d->n] = copy;
    *code = (uint32_t)d->n++;
    return 0;
}

int64_t dg_dict_find(const dg_dict *d, const char *value)
{
    if (!value || !*value)
        return 0;
    return d->map ? dg__strmap_get(d->map, value) : -1;
}

const char *dg_dict_value(const dg_dict *d, uint32_t code)
{
    return code < d->n ? d->values[code] : "";
}
