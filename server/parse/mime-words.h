/*
 * mime-words.h -- charsets: RFC 2047 encoded words decoded for display
 * and made for the headers the server writes; text in a declared
 * charset (KOI8-R, windows-1251, ISO-8859-5, ...) converted to UTF-8
 * with the C library's iconv.  The one decoder: every display path
 * (feeds, pages, hearthmod, Helper, hearth.queue) goes through it.
 */
#ifndef HEARTH_MIME_WORDS_H
#define HEARTH_MIME_WORDS_H

#include <stddef.h>

/*
 * A header value decoded for display (xmalloc'd, valid UTF-8): encoded
 * words in any charset iconv knows become UTF-8, adjacent words of one
 * charset are joined before conversion (so a character split between
 * two words by a careless writer survives); malformed words and
 * unknown charsets stay as written; bytes that are not UTF-8 become
 * U+FFFD.
 */
char	*mime_words_decode(const char *);

/*
 * A header value for UTF-8 text S (xmalloc'd): S itself when it is
 * printable ASCII, else "=?UTF-8?B?...?=" words of at most 75 bytes,
 * separated by spaces, never splitting a character.  Control
 * characters become spaces either way.
 */
char	*mime_words_encode(const char *);

/*
 * The header field "NAME: VALUE\r\n" for UTF-8 text VALUE (xmalloc'd):
 * VALUE as mime_words_encode() makes it, the words folded one to a
 * line so that no line passes 76 characters (RFC 2047 section 2).
 */
char	*mime_header(const char *name, const char *value);

/*
 * LEN bytes of text in CHARSET converted to UTF-8 (xmalloc'd,
 * NUL-terminated, length in *OUTLEN when not NULL).  UTF-8, US-ASCII
 * or a NULL charset: the bytes are taken as UTF-8.  Bytes the charset
 * does not define become U+FFFD.  NULL when iconv does not know
 * CHARSET (or its name is not a plain charset name).
 */
char	*mime_to_utf8(const char *charset, const char *in, size_t len,
	    size_t *outlen);

/* The charset parameter of a Content-Type value (xmalloc'd), or NULL. */
char	*mime_content_charset(const char *ctype);

/*
 * An article body for display as UTF-8 (xmalloc'd, NUL-terminated,
 * length in *OUTLEN): its Content-Transfer-Encoding (quoted-printable,
 * base64) undone and its charset (from CTYPE, the Content-Type value
 * or NULL) converted.  A body in a charset iconv does not know is
 * shown with its bytes that are not UTF-8 as U+FFFD.
 */
char	*mime_body_utf8(const char *ctype, const char *cte,
	    const char *body, size_t len, size_t *outlen);

#endif
