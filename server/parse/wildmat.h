/*
 * wildmat.h -- NNTP wildmat matching (RFC 3977 §4).
 *
 * Pure functions over NUL-terminated strings. Matching is by UTF-8
 * character, is case-sensitive and never backtracks exponentially.
 */
#ifndef HEARTH_WILDMAT_H
#define HEARTH_WILDMAT_H

int	 wildmat_match(const char *, const char *);
int	 wildmat_list_match(const char *, const char *);
int	 wildmat_valid(const char *);

#endif
