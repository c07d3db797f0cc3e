/* Private to the library: building a frame's dictionaries (dg_dict, dangol/frame.h), the codes
 * of a column's distinct strings, on the string map of core/strmap.h. */
#ifndef DANGOL_FRAME_DICT_H
#define DANGOL_FRAME_DICT_H

#include <stdint.h>

#include "core/strmap.h"
#include "dangol/frame.h"

/* A dictionary holding only code 0 (""). 0 or DG_ENOMEM. */
int dg__dict_init(dg_dict *d);
void dg__dict_free(dg_dict *d);
/* Code of value, adding it if new; NULL and "" are code 0. 0 or DG_ENOMEM. */
int dg__dict_intern(dg_dict *d, const char *value, uint32_t *code);

#endif
