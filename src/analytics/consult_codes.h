/* Private to the analytics: the codes of the customer_type vocabulary (the seeds' consultation
 * types), which the type-suggestion rules may name, and the form of a code a team adds in the
 * types file (consult_rules.c). */
#ifndef DANGOL_ANALYTICS_CONSULT_CODES_H
#define DANGOL_ANALYTICS_CONSULT_CODES_H

#include <stdbool.h>
#include <stddef.h>

/* One of the seeds' codes (what the suggestion rules may name). */
bool dg__consult_type_code_valid(const char *code);
/* A code a team may add in the types file: 1 to DG_CONSULT_CODE_MAX lowercase letters, digits or
 * _, starting with a letter. */
#define DG_CONSULT_CODE_MAX 31
bool dg__consult_type_code_wellformed(const char *code);
/* The codes as "a, b, c" into buf. */
void dg__consult_type_codes(char *buf, size_t cap);

#endif
