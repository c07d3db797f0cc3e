/* Private to the analytics: the codes of the customer_type vocabulary (the customers entity's
 * column), which the type-suggestion rules and the types file may name (consult_rules.c). */
#ifndef DANGOL_ANALYTICS_CONSULT_CODES_H
#define DANGOL_ANALYTICS_CONSULT_CODES_H

#include <stdbool.h>
#include <stddef.h>

bool dg__consult_type_code_valid(const char *code);
/* The codes as "a, b, c" into buf. */
void dg__consult_type_codes(char *buf, size_t cap);

#endif
