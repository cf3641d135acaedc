/*
 * utf8.h -- strict UTF-8 validation (RFC 3629).
 *
 * Shared by the NNTP article parser, wildmat and IRC. Pure functions:
 * no allocation, no state.
 */
#ifndef HEARTH_UTF8_H
#define HEARTH_UTF8_H

#include <stddef.h>
#include <stdint.h>

int	 utf8_valid(const char *, size_t);
size_t	 utf8_ascii_run(const char *, size_t);
size_t	 utf8_char_len(const char *, size_t);
size_t	 utf8_decode(const char *, size_t, uint32_t *);
/* LEN, or less so that S[0..result) does not end inside a character. */
size_t	 utf8_cut(const char *, size_t);

#endif
