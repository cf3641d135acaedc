/*
 * mime-words.h -- RFC 2047 encoded words, decoded for display.
 */
#ifndef HEARTH_MIME_WORDS_H
#define HEARTH_MIME_WORDS_H

/* A decoded copy of a header value (xmalloc'd). */
char	*mime_words_decode(const char *);

#endif
