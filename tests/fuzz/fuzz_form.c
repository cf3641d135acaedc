/*
 * fuzz_form.c -- server/parse/form.c, the form bodies every POST of the
 * web door carries, and the Cookie field every page reads.
 *
 * Input: any bytes, read as a form body, and (up to the first NUL) as
 * a Cookie field value.
 * Checked:
 *  - a body past FORM_MAX_BODY is refused; a parsed body has at most
 *    FORM_MAX_FIELDS fields, each with a non-empty name of at most
 *    FORM_MAX_NAME bytes; names and values hold no NUL (value_len is
 *    the string's length) and are UTF-8;
 *  - form_get() of each name finds the first field of that name, and
 *    form_count() counts them;
 *  - re-encoding the parsed fields and parsing again gives the same
 *    fields (a round trip);
 *  - form_cookie() returns 0 or -1; what it finds is non-empty, fits
 *    its buffer and holds no ';'.
 */
#include <string.h>

#include "form.h"
#include "fuzz.h"
#include "utf8.h"

static size_t
encode(const char *s, size_t n, char *out)
{
	static const char	hex[] = "0123456789ABCDEF";
	size_t			i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char	ch = (unsigned char)s[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		    ch == '.')
			out[o++] = (char)ch;
		else if (ch == ' ')
			out[o++] = '+';
		else {
			out[o++] = '%';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form	 f, g;
	const char	*s = (const char *)data;
	char		*re, *cookie, val[64];
	size_t		 i, j, o = 0, first, count;
	int		 rc;

	rc = form_parse(s, size, &f);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (size > FORM_MAX_BODY)
		FUZZ_CHECK(rc == -1);
	if (rc == 0) {
		FUZZ_CHECK(f.n <= FORM_MAX_FIELDS);
		re = malloc(size * 3 + 16);
		FUZZ_CHECK(re != NULL);
		for (i = 0; i < f.n; i++) {
			size_t	nl = strlen(f.f[i].name);

			FUZZ_CHECK(nl > 0 && nl <= FORM_MAX_NAME);
			FUZZ_CHECK(strlen(f.f[i].value) == f.f[i].value_len);
			FUZZ_CHECK(utf8_valid(f.f[i].name, nl));
			FUZZ_CHECK(utf8_valid(f.f[i].value,
			    f.f[i].value_len));
			for (first = 0; strcmp(f.f[first].name,
			    f.f[i].name) != 0; first++)
				;
			FUZZ_CHECK(form_get(&f, f.f[i].name) ==
			    f.f[first].value);
			for (j = 0, count = 0; j < f.n; j++)
				count += strcmp(f.f[j].name, f.f[i].name) == 0;
			FUZZ_CHECK(form_count(&f, f.f[i].name) == count);
			if (i > 0)
				re[o++] = '&';
			o += encode(f.f[i].name, nl, re + o);
			re[o++] = '=';
			o += encode(f.f[i].value, f.f[i].value_len, re + o);
		}
		/* Percent-encoding may triple a field: only a small body. */
		if (o <= FORM_MAX_BODY) {
			FUZZ_CHECK(form_parse(re, o, &g) == 0);
			FUZZ_CHECK(g.n == f.n);
			for (i = 0; i < f.n; i++) {
				FUZZ_CHECK(strcmp(g.f[i].name, f.f[i].name) ==
				    0);
				FUZZ_CHECK(g.f[i].value_len ==
				    f.f[i].value_len &&
				    memcmp(g.f[i].value, f.f[i].value,
				    f.f[i].value_len) == 0);
			}
			form_free(&g);
		}
		free(re);
		form_free(&f);
	}

	cookie = malloc(size + 1);
	FUZZ_CHECK(cookie != NULL);
	memcpy(cookie, s, size);
	cookie[size] = '\0';
	rc = form_cookie(cookie, "hearth_session", val, sizeof val);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		FUZZ_CHECK(strlen(val) > 0 && strlen(val) < sizeof val);
		FUZZ_CHECK(strchr(val, ';') == NULL);
	}
	free(cookie);
	return 0;
}
