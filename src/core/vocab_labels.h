/* The dashboard's labels (the vocabulary's "ui", "field", "card_section" and "card_item"
 * domains), kept apart from the value table of vocab.c. */
#ifndef DANGOL_CORE_VOCAB_LABELS_H
#define DANGOL_CORE_VOCAB_LABELS_H

#include "dangol/vocab.h"

/* The label entries; *n receives their count. Static, never freed. */
const dg_vocab_entry *dg__vocab_labels(size_t *n);

#endif
