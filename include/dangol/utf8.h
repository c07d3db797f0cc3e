/* UTF-8 checks shared by the CSV reader, the id rule and the HTTP server: every text dangol
 * stores or answers is valid UTF-8, checked where it enters. */
#ifndef DANGOL_UTF8_H
#define DANGOL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/export.h"

DG_API_BEGIN

/* Length of the valid UTF-8 sequence at s (n >= 1 bytes available), or 0 when it is not one
 * (a stray continuation byte, an overlong form, a surrogate, a truncated sequence). */
size_t dg_utf8_seq(const unsigned char *s, size_t n);

/* Offset of the first byte of s[0..n) that does not start a valid sequence, or n if none. */
size_t dg_utf8_invalid_at(const char *s, size_t n);

/* The code point of the valid sequence of len bytes at s (len from dg_utf8_seq). */
uint32_t dg_utf8_decode(const unsigned char *s, size_t len);

/* Replaces every byte of the NUL-terminated s that is not part of a valid sequence with '?', so
 * that text cut to a buffer (or holding a client's bytes) can go into JSON. */
void dg_utf8_repair(char *s);

DG_API_END

#endif
