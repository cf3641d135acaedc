/*
 * http-request.h -- the HTTP/1.x request head parser (pure; fuzzed).
 *
 * Bytes in, a request head out (RFC 9112): the request line, the header
 * fields and the framing of the body.  Hard caps on the request line,
 * each field line, the number of fields and the whole head; everything
 * that could make two parsers disagree on where a request ends is
 * refused (obs-fold, a bare CR, whitespace before a field's colon,
 * duplicate or malformed Content-Length, any Transfer-Encoding).
 */
#ifndef HEARTH_HTTP_REQUEST_H
#define HEARTH_HTTP_REQUEST_H

#include <stddef.h>

#define HTTP_REQ_MAX_LINE	8192	/* request line; longer target: 414 */
#define HTTP_REQ_MAX_FIELD	8192	/* one field line; longer: 431 */
#define HTTP_REQ_MAX_FIELDS	64	/* more fields: 431 */
#define HTTP_REQ_MAX_HEAD	16384	/* the whole head; more: 431 */

#define HTTP_REQ_MORE		0	/* the head is not complete yet */
#define HTTP_REQ_DONE		1	/* a complete, valid head */
/* Anything else is the HTTP status code to answer (then close). */

enum http_method {
	HTTP_M_GET,
	HTTP_M_HEAD,
	HTTP_M_POST,
	HTTP_M_PUT,
	HTTP_M_DELETE,
	HTTP_M_CONNECT,
	HTTP_M_OPTIONS,
	HTTP_M_TRACE,
	HTTP_M_PATCH,
	HTTP_M_OTHER		/* a valid token we do not know: 501 */
};

struct http_field {
	const char	*name;		/* NUL-terminated in the buffer */
	const char	*value;		/* without surrounding whitespace */
};

struct http_request {
	enum http_method	 method;
	const char		*target;	/* NUL-terminated */
	size_t			 target_len;
	int			 minor;		/* HTTP/1.MINOR: 0 or 1 */
	struct http_field	 fields[HTTP_REQ_MAX_FIELDS];
	size_t			 nfields;
	size_t			 head_len;	/* bytes up to the body */
	size_t			 content_length; /* 0 without a body */
	int			 keep_alive;	/* persistent after this? */
	const char		*host;		/* the Host value, or NULL */
};

/*
 * Parse the head at the start of BUF (LEN bytes).  HTTP_REQ_MORE when
 * more bytes are needed (BUF untouched); HTTP_REQ_DONE when the head is
 * complete and valid: R is filled, pointing into BUF, whose line ends
 * and colons are overwritten with NULs.  Otherwise an HTTP status for
 * the error: 400, 413 (Content-Length past MAX_BODY), 414, 431, 501
 * (Transfer-Encoding) or 505.
 */
int	 http_request_parse(char *buf, size_t len, size_t max_body,
	    struct http_request *r);
/* The value of the first field called NAME (any case), or NULL. */
const char *http_request_field(const struct http_request *,
	    const char *name);
/* Does the comma-separated list VALUE hold TOKEN (any case)? */
int	 http_list_has(const char *value, const char *token);
const char *http_method_name(enum http_method);

#endif
