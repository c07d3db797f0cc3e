/* Ids: the one rule for the text that names a record, wherever it arrives (a CSV field, a JSON
 * body, a URL path). Ids are matched byte for byte, so text that merely looks alike must not
 * become a second record: an id is valid UTF-8 with no control character anywhere and no
 * whitespace (ASCII or Unicode, zero-width included) at either end. Such ids are refused with a
 * message saying why, never trimmed: " C1" is not silently C1, nor a customer of its own. */
#ifndef DANGOL_ID_H
#define DANGOL_ID_H

#include <stdbool.h>
#include <stddef.h>

#include "dangol/entity.h"
#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

/* Is column c of e an id: a text column of the natural key, or a reference to another record? */
bool dg_id_column(const dg_entity *e, size_t c);

/* 0 if s[0..len) is a valid id; otherwise DG_EINVAL with a message naming `name` (the column,
 * e.g. "customer_id"), the id and the reason. */
int dg_id_check(const char *name, const char *s, size_t len, dg_error *err);

DG_API_END

#endif
