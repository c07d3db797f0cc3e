/* Masking of personal fields (docs/security.md): what a role that may not see a customer's name,
 * phone or e-mail is shown instead. Which columns are personal, and by which rule, is the entity
 * catalog's (dg_column.personal in dangol/entity.h). */
#ifndef DANGOL_MASK_H
#define DANGOL_MASK_H

#include <stdbool.h>

#include "dangol/auth.h"
#include "dangol/entity.h"
#include "dangol/export.h"

DG_API_BEGIN

/* Whether role sees personal fields masked: the analyst only (admin and manager see all data, an
 * agent the records of their own customers; DG_ROLE_NONE is a store without users). */
bool dg_mask_applies(dg_role role);

/* The masked text of s (UTF-8) under rule, malloc'd (caller frees), NULL when out of memory.
 * DG_PERSONAL_NAME: per word (split at spaces), the first and last character kept, those between
 *   starred: 홍길동 -> 홍*동, 남궁민수 -> 남**수, 2 characters keep the first (홍길 -> 홍*), one
 *   is starred (김 -> *); John Smith -> J**n S***h.
 * DG_PERSONAL_PHONE: only digits are starred, separators stay. Three or more digit groups: every
 *   group but the first and last (010-1234-5678 -> 010-****-5678, 02-123-4567 -> 02-***-4567);
 *   else with 9 or more digits all but the first 3 and last 4 (01012345678 -> 010****5678), and
 *   with fewer all but the last half (1234567 -> ****567).
 * DG_PERSONAL_EMAIL: the local part keeps its first 2 characters (1 if it has 2, none if 1) and
 *   ends in "***" whatever its length; the domain stays: abcdef@example.com -> ab***@example.com.
 *   Without an '@' the whole text is treated as a local part.
 * DG_PERSONAL_TEXT: "***" (free text is withheld whole).
 * DG_PERSONAL_NONE: a copy of s. Empty text stays empty. */
char *dg_mask_text(dg_personal rule, const char *s);

DG_API_END

#endif
