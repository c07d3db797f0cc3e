/* The entity catalog: every kind of record dangol keeps (customers, orders, feedback, ...), its
 * columns, their types and ranges, and its natural key. It is data, shared by import (validation),
 * export (column order), the store backends (upsert by natural key) and the HTTP API, so a column
 * is described once. Values travel between layers as dg_value arrays in catalog column order. */
#ifndef DANGOL_ENTITY_H
#define DANGOL_ENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

/* The widest answer scale of a staff satisfaction survey (0-10); docs/staff.md. */
#define DG_STAFF_SURVEY_SCALE_LIMIT 10

typedef enum {
    DG_TYPE_TEXT,       /* UTF-8 text */
    DG_TYPE_INT,        /* int64, within [min, max] */
    DG_TYPE_REAL,       /* double, within [min, max] */
    DG_TYPE_DATE,       /* days since 1970-01-01 (int32 range) */
    DG_TYPE_TIMESTAMP,  /* UTC seconds since 1970-01-01 */
    DG_TYPE_MONEY,      /* int64 in the store currency's minor unit */
    DG_TYPE_BOOL,       /* 0 or 1 */
    DG_TYPE_ENUM,       /* one of enum_values, kept as text */
} dg_type;

/* Which personal-data rule masks a column for a role that may not see it (dangol/mask.h). */
typedef enum {
    DG_PERSONAL_NONE = 0,   /* not personal */
    DG_PERSONAL_NAME,       /* a person's name: 홍*동 */
    DG_PERSONAL_PHONE,      /* a phone number: 010-****-5678 */
    DG_PERSONAL_EMAIL,      /* an e-mail address: ab***@example.com */
    DG_PERSONAL_TEXT,       /* free text a customer wrote, which may name anyone: *** */
} dg_personal;

typedef struct dg_column {
    const char *name;              /* column name in CSV, JSON and the store */
    dg_type type;
    bool required;                 /* empty is an error */
    int64_t min, max;              /* DG_TYPE_INT/REAL bounds (inclusive); min > max means none;
                                    * DG_TYPE_MONEY: min 0, max > 0 means not negative */
    const char *const *enum_values;/* NULL-terminated, for DG_TYPE_ENUM */
    const char *references;        /* entity whose natural key this text column names, or NULL */
    dg_personal personal;          /* personal data, masked for roles that may not see it */
} dg_column;

struct dg_value;

/* A rule between the columns of one row (e.g. a score inside the scale the row gives): 0, or
 * nonzero with *column the catalog index of the offending column and the reason in why. */
typedef int (*dg_row_check_fn)(const struct dg_value *row, size_t *column, char *why,
                               size_t cap);

typedef struct dg_entity {
    const char *name;              /* "customers", "orders", ... (also the table name) */
    const char *label;             /* human label, e.g. "customer" */
    const dg_column *columns;
    size_t n_columns;
    size_t n_key;                  /* the first n_key columns form the natural key */
    dg_row_check_fn check_row;     /* NULL: the columns are checked one by one only */
} dg_entity;

typedef struct dg_value {
    bool is_null;
    union {
        int64_t i;                 /* INT, DATE, TIMESTAMP, MONEY, BOOL */
        double r;                  /* REAL */
        const char *s;             /* TEXT, ENUM (borrowed: lives as long as the row buffer) */
    } u;
} dg_value;

/* Every entity, in dependency order (an entity only references earlier ones). */
const dg_entity *const *dg_entity_all(size_t *n_entities);

/* The entity called name, or NULL. */
const dg_entity *dg_entity_find(const char *name);

/* Index of the column called name in e, or -1. */
int dg_entity_column(const dg_entity *e, const char *name);

/* Parses one field's text (s[len], NUL-terminated: TEXT values point into it) as a value of col:
 * its type's text.h parser, then its range or choices (ENUM matches case-insensitively and yields
 * the catalog's spelling; a choice or a coded TEXT value written by its English or Korean name in
 * dangol/vocab.h yields its code, a static string). Blank text is a null value (the caller decides whether that is allowed).
 * minor_digits: of the store currency, for MONEY. The message names the column, not a position.
 * Shared by CSV import and the HTTP API so both accept exactly the same values. */
int dg_value_parse(const dg_column *col, const char *s, size_t len, int minor_digits,
                   dg_value *value, dg_error *err);

/* Name of a type, for messages ("date", "money", ...). */
const char *dg_type_name(dg_type type);

DG_API_END

#endif
