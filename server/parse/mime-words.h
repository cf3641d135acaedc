/*
 * mime-words.h -- RFC 2047 encoded words: decoded for display, made for
 * the headers the server writes.
 */
#ifndef HEARTH_MIME_WORDS_H
#define HEARTH_MIME_WORDS_H

/* A decoded copy of a header value (xmalloc'd). */
char	*mime_words_decode(const char *);
/*
 * A header value for UTF-8 text S (xmalloc'd): S itself when it is
 * printable ASCII, else "=?UTF-8?B?...?=" words of at most 75 bytes,
 * separated by spaces, never splitting a character.  Control
 * characters become spaces either way.
 */
char	*mime_words_encode(const char *);

#endif
