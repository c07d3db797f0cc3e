/* The vocabulary: every value code dangol stores or reports (regions, channels, payment methods,
 * relationship stages, RFM segments, profile values, feedback kinds, staff roles, order sites,
 * ...) and every label the dashboard shows, each with its English and Korean name. One table,
 * read by the HTTP API (GET /api/vocabulary, which the dashboard labels everything from), by
 * import (a Korean or English name is stored as its code) and by the cube (filters and
 * dimensions may be written in Korean: region=서울, 지역=서울, site=강남점). Entries are constant;
 * nothing here allocates. */
#ifndef DANGOL_VOCAB_H
#define DANGOL_VOCAB_H

#include <stddef.h>

#include "dangol/export.h"

DG_API_BEGIN

typedef struct dg_vocab_entry {
    const char *domain; /* "region", "channel", "segment", ..., "ui" for dashboard labels */
    const char *code;   /* the value as stored and reported ("Seoul", "call_centre") */
    const char *en;     /* English name */
    const char *ko;     /* Korean name */
} dg_vocab_entry;

/* The i-th entry (values, then the dashboard's labels), or NULL past the last one. Static,
 * never freed: for (i = 0; (e = dg_vocab_at(i)); i++) walks the whole vocabulary. */
const dg_vocab_entry *dg_vocab_at(size_t i);

/* The entry of CODE in DOMAIN, or NULL when the domain has no such code. Borrowed, static. */
const dg_vocab_entry *dg_vocab_find(const char *domain, const char *code);

/* The code of a value written as its code, its English name or its Korean name (ASCII compared
 * without case), or NULL when DOMAIN knows no such value. Static, never freed. */
const char *dg_vocab_code(const char *domain, const char *text, size_t len);

/* The code among CODES (NULL-terminated: an ENUM column's values) that TEXT names by its English
 * or Korean name in any domain ("불만" -> "complaint"), or NULL. Borrowed from CODES. */
const char *dg_vocab_code_among(const char *const *codes, const char *text, size_t len);

/* The vocabulary domain of a column of ENTITY ("customers", ...; NULL for a cube dimension or a
 * report's column): "region" -> "region", "acquisition_channel" -> "acquisition",
 * ("interactions", "kind") -> "touchpoint_kind"; NULL when its values are free (names, ids,
 * brands). */
const char *dg_vocab_domain_of(const char *entity, const char *column);

/* The i-th (column, domain) pair dg_vocab_domain_of knows: returns the column ("region", or
 * "interactions.kind" for one entity's column) and sets *domain, or returns NULL past the last
 * pair. Static, never freed. */
const char *dg_vocab_column_at(size_t i, const char **domain);

DG_API_END

#endif
