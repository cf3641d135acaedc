/*
 * form.h -- HTML form bodies and cookies (pure: bytes in, struct out).
 *
 * form_parse() reads an application/x-www-form-urlencoded body (the
 * WHATWG URL standard's serializer: pairs split on '&', name and value
 * on the first '=', '+' is a space, %XX a byte).  It is bounded: at most
 * FORM_MAX_FIELDS pairs, a name of at most FORM_MAX_NAME bytes, and the
 * whole body at most FORM_MAX_BODY bytes; a malformed escape, a NUL or
 * a byte sequence that is not UTF-8 makes the body bad.  Values may hold
 * newlines (a textarea): their checking is the caller's.
 *
 * form_cookie() finds one cookie in a Cookie request field (RFC 6265
 * §4.2.1: "name=value; name2=value2"), the value taken byte for byte.
 */
#ifndef HEARTH_FORM_H
#define HEARTH_FORM_H

#include <stddef.h>

#define FORM_MAX_FIELDS		64
#define FORM_MAX_NAME		64
#define FORM_MAX_BODY		65536

struct form_field {
	const char	*name;		/* NUL-terminated, decoded */
	const char	*value;		/* NUL-terminated, decoded */
	size_t		 value_len;
};

struct form {
	struct form_field	 f[FORM_MAX_FIELDS];
	size_t			 n;
	char			*buf;		/* the decoded strings */
};

/*
 * Parse the LEN bytes of BODY into F (form_free() it after a success).
 * 0, or -1 when the body is malformed or past a bound (F is then empty
 * and needs no free).
 */
int		 form_parse(const char *body, size_t len, struct form *f);
/* The value of the first field called NAME (exact), or NULL. */
const char	*form_get(const struct form *, const char *name);
/* How many fields are called NAME. */
size_t		 form_count(const struct form *, const char *name);
void		 form_free(struct form *);
/*
 * The value of cookie NAME in the Cookie field value HEADER, copied
 * into OUT (SIZE bytes with the NUL).  0 when found and it fits; -1
 * when absent, empty, too long, or present twice (ambiguous).
 */
int		 form_cookie(const char *header, const char *name, char *out,
		    size_t size);

#endif
