/* Consultation types (customers.customer_type: careful, impatient, ... with guidance on the
 * card): the types as data (names and guidance in English and Korean), a type suggested from
 * behaviour by rules kept as data, and the analytics by type.
 *
 * Types file (config/consult_types.conf is the default): "TYPE.KEY = VALUE" lines with the
 * keys name_en, name_ko, guidance_en, guidance_ko, all four required for every type listed.
 * TYPE is a code of the customer_type vocabulary; the file lists the types staff may set.
 *
 * Rules file (config/customer_types.conf is the default): one rule a line,
 *     TYPE = MEASURE OP NUMBER [and MEASURE OP NUMBER ...]      # comment
 * OP is one of >= <= > < == !=. The rules are tried in order; the first whose conditions all
 * hold suggests its TYPE (a code of the customer_type vocabulary); no rule, no suggestion.
 * Measures, per customer as of the frame's day: orders, questions, questions_before_first_order
 * (questions received before the first order; all of them without orders), complaints,
 * opinions, compliments, feedback (every kind), interactions, low_ratings (interactions rated
 * 1-2), surveys, days_to_first_order (first order day - first seen day; a customer without
 * orders fails every condition on it). Errors name file:line:column.
 *
 * By type (customers.customer_type; "(none)" for customers without one), with 95% intervals:
 *   conversion   buyers (>= 1 order) / customers: prospect -> buyer, Wilson interval
 *   CSAT         share of 4-5 among the customers' latest CSAT answers, Wilson interval
 *   spend        mean revenue per buyer, mean +- 1.96 s / sqrt(n) (n >= 2)
 *   complaints   share of customers with at least one complaint, Wilson interval */
#ifndef DANGOL_CONSULT_H
#define DANGOL_CONSULT_H

#include <stdbool.h>
#include <stddef.h>

#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/frame.h"
#include "dangol/table.h"

DG_API_BEGIN

#define DG_CONSULT_MAX_TYPES 32
#define DG_CONSULT_NAME_MAX 96          /* bytes of a name, with the NUL */
#define DG_CONSULT_GUIDANCE_MAX 512     /* bytes of a guidance text, with the NUL */

typedef struct dg_consult_type {
    char code[32];                /* a customer_type code */
    char name_en[DG_CONSULT_NAME_MAX], name_ko[DG_CONSULT_NAME_MAX];
    char guidance_en[DG_CONSULT_GUIDANCE_MAX], guidance_ko[DG_CONSULT_GUIDANCE_MAX];
    long line;                    /* of its first key in the file */
} dg_consult_type;

typedef struct dg_consult_types {
    size_t n_types;
    dg_consult_type types[DG_CONSULT_MAX_TYPES];   /* in the file's order */
} dg_consult_types;

/* Parses a types file's text (name: the file name for messages); errors name file:line:column.
 * Caller frees with dg_consult_types_free. */
int dg_consult_types_parse(dg_consult_types **out, const char *text, const char *name,
                           dg_error *err);
/* The built-in types (the text of dg_consult_types_default_text). */
int dg_consult_types_default(dg_consult_types **out, dg_error *err);
const char *dg_consult_types_default_text(void);   /* identical to config/consult_types.conf */
void dg_consult_types_free(dg_consult_types *types);   /* NULL is a no-op */
/* The type of code, or NULL if the file does not list it. */
const dg_consult_type *dg_consult_types_find(const dg_consult_types *types, const char *code);
/* The type's name and guidance in lang ("en" or "ko"; NULL: both, as "English (한국어)"). */
const char *dg_consult_type_name(const dg_consult_type *type, const char *lang, char *buf,
                                 size_t cap);
/* The type's guidance in lang, as dg_consult_type_name: a static string or buf (cap bytes,
 * always terminated) when both languages are joined. */
const char *dg_consult_type_guidance(const dg_consult_type *type, const char *lang, char *buf,
                                     size_t cap);
/* "en", "ko" or NULL (both) from a language text ("ko", "ko_KR.UTF-8", "en", "both"); DG_EINVAL
 * for anything else. */
int dg_consult_lang_parse(const char *text, const char **lang, dg_error *err);

typedef enum dg_consult_measure {
    DG_CONSULT_ORDERS, DG_CONSULT_QUESTIONS, DG_CONSULT_QUESTIONS_BEFORE_FIRST_ORDER,
    DG_CONSULT_COMPLAINTS, DG_CONSULT_OPINIONS, DG_CONSULT_COMPLIMENTS, DG_CONSULT_FEEDBACK,
    DG_CONSULT_INTERACTIONS, DG_CONSULT_LOW_RATINGS, DG_CONSULT_SURVEYS,
    DG_CONSULT_DAYS_TO_FIRST_ORDER,
    DG_CONSULT_N_MEASURES
} dg_consult_measure;

/* The measure's name as rules files write it (a static string; "?" for a value that is none). */
const char *dg_consult_measure_name(dg_consult_measure m);

#define DG_CONSULT_MAX_CONDITIONS 8

typedef struct dg_consult_condition {
    dg_consult_measure measure;
    char op[3];                   /* ">=", "<=", ">", "<", "==", "!=" */
    double value;
} dg_consult_condition;

typedef struct dg_consult_rule {
    char type[32];                /* a customer_type code */
    size_t n_conditions;
    dg_consult_condition conditions[DG_CONSULT_MAX_CONDITIONS];
    long line;                    /* in the rules file */
    char text[160];               /* the rule as written, for the card */
} dg_consult_rule;

typedef struct dg_consult_rules {
    size_t n_rules;
    dg_consult_rule *rules;
} dg_consult_rules;

/* Parses rules text; name is the file name for messages. Caller frees with
 * dg_consult_rules_free. */
int dg_consult_rules_parse(dg_consult_rules **out, const char *text, const char *name,
                           dg_error *err);
/* The built-in rules (the text of dg_consult_rules_default_text). */
int dg_consult_rules_default(dg_consult_rules **out, dg_error *err);
const char *dg_consult_rules_default_text(void);   /* identical to config/customer_types.conf */
void dg_consult_rules_free(dg_consult_rules *rules);   /* NULL is a no-op */

/* The measures of customer c (index in frame); has[m] false when measure m is undefined. */
void dg_consult_measures(const dg_frame *frame, size_t c, double value[DG_CONSULT_N_MEASURES],
                         bool has[DG_CONSULT_N_MEASURES]);
/* The first rule that fits customer c, or NULL. */
const dg_consult_rule *dg_consult_suggest(const dg_consult_rules *rules, const dg_frame *frame,
                                          size_t c);

/* Conversion, CSAT, spend and complaint rate per customer type, with their intervals, and a
 * last row "(all)". Caller frees the table. */
int dg_consult_type_table(dg_table **out, const dg_frame *frame, dg_error *err);
/* Per rule: the customers it suggests a type for, among those with no type and among all,
 * and, among the customers whose type staff set, how often the suggestion agrees. */
int dg_consult_suggestion_table(dg_table **out, const dg_frame *frame,
                                const dg_consult_rules *rules, dg_error *err);

DG_API_END

#endif
