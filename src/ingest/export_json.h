/* Private to the library: one catalog record as a JSON object, in the text forms the export
 * writes (src/ingest/export.c), for the other JSON documents of records (subject access,
 * src/crm/subject.c). */
#ifndef DANGOL_INGEST_EXPORT_JSON_H
#define DANGOL_INGEST_EXPORT_JSON_H

#include <stdio.h>

#include "dangol/entity.h"

/* Writes row (e's columns in catalog order) as {"column": value, ...}: dates YYYY-MM-DD,
 * timestamps YYYY-MM-DDTHH:MM:SSZ, money with the currency's minor_digits, null when unset. */
void dg__export_json_record(FILE *out, const dg_entity *e, const dg_value *row,
                            int minor_digits);

#endif
