/*
 * fuzz_irc_msg.c -- server/parse/irc-msg.c: parse, serialize, parse again.
 *
 * The input is one line as conn.c would hand it over (CR/LF stripped;
 * the parser must refuse any it still finds). Both entry points run
 * (irc_msg_parse, irc_msg_parse_client). For every accepted line:
 * structural invariants hold (a command, at most 15 params, no space in
 * the source, command or a middle param, tag keys non-empty); the
 * serialized line parses back to an identical struct and serializes to
 * the same bytes; serializing into a short buffer truncates like
 * snprintf; and irc_tag_unescape(irc_tag_escape(s)) == s.
 */
#include <string.h>

#include "fuzz.h"
#include "irc-msg.h"
#include "utf8.h"

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
check_equal(const struct irc_msg *a, const struct irc_msg *b)
{
	size_t	i;

	FUZZ_CHECK(a->ntags == b->ntags);
	for (i = 0; i < a->ntags; i++) {
		FUZZ_CHECK(str_eq(a->tags[i].key, b->tags[i].key));
		FUZZ_CHECK(str_eq(a->tags[i].value, b->tags[i].value));
	}
	FUZZ_CHECK(str_eq(a->source, b->source));
	FUZZ_CHECK(str_eq(a->command, b->command));
	FUZZ_CHECK(a->nparams == b->nparams);
	for (i = 0; i < a->nparams; i++)
		FUZZ_CHECK(str_eq(a->params[i], b->params[i]));
	FUZZ_CHECK(a->trailing == b->trailing);
}

static void
check_struct(const struct irc_msg *m)
{
	size_t	i;

	FUZZ_CHECK(m->command != NULL && m->command[0] != '\0');
	FUZZ_CHECK(strchr(m->command, ' ') == NULL);
	FUZZ_CHECK(m->source == NULL ||
	    (m->source[0] != '\0' && strchr(m->source, ' ') == NULL));
	FUZZ_CHECK(m->nparams <= IRC_MAX_PARAMS);
	for (i = 0; i < m->nparams; i++) {
		FUZZ_CHECK(m->params[i] != NULL);
		if (i + 1 < m->nparams) {
			FUZZ_CHECK(m->params[i][0] != '\0');
			FUZZ_CHECK(m->params[i][0] != ':');
			FUZZ_CHECK(strchr(m->params[i], ' ') == NULL);
		}
		FUZZ_CHECK(utf8_valid(m->params[i], strlen(m->params[i])));
	}
	for (i = 0; i < m->ntags; i++) {
		FUZZ_CHECK(m->tags[i].key != NULL &&
		    m->tags[i].key[0] != '\0');
		FUZZ_CHECK(strpbrk(m->tags[i].key, "=; ") == NULL);
		if (m->tags[i].value != NULL)
			FUZZ_CHECK(utf8_valid(m->tags[i].value,
			    strlen(m->tags[i].value)));
		/* Lookup finds the last tag with this key. */
		FUZZ_CHECK(irc_msg_tag(m, m->tags[i].key, NULL) != NULL);
	}
}

static void
round_trip(const struct irc_msg *m,
    enum irc_parse_err (*parse)(const char *, size_t, struct irc_msg *))
{
	struct irc_msg	 m2;
	char		*line, *line2, small[8];
	size_t		 len, len2;

	check_struct(m);
	len = irc_msg_serialize(m, NULL, 0);
	if ((line = malloc(len + 1)) == NULL)
		abort();
	FUZZ_CHECK(irc_msg_serialize(m, line, len + 1) == len);
	FUZZ_CHECK(strlen(line) == len);

	FUZZ_CHECK(irc_msg_serialize(m, small, sizeof small) == len);
	FUZZ_CHECK(strlen(small) == (len < sizeof small ? len :
	    sizeof small - 1));
	FUZZ_CHECK(strncmp(small, line, strlen(small)) == 0);

	FUZZ_CHECK(parse(line, len, &m2) == IRC_PARSE_OK);
	check_equal(m, &m2);
	if ((line2 = malloc(len + 1)) == NULL)
		abort();
	len2 = irc_msg_serialize(&m2, line2, len + 1);
	FUZZ_CHECK(len2 == len && memcmp(line, line2, len) == 0);
	irc_msg_free(&m2);
	free(line2);
	free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct irc_msg		 m;
	enum irc_parse_err	 e, ec;
	const char		*s = (const char *)data;
	char			*str, *esc, *unesc;

	e = irc_msg_parse(s, size, &m);
	FUZZ_CHECK(irc_parse_strerror(e) != NULL);
	if (e == IRC_PARSE_OK) {
		FUZZ_CHECK(memchr(s, '\0', size) == NULL);
		FUZZ_CHECK(memchr(s, '\n', size) == NULL);
		round_trip(&m, irc_msg_parse);
		irc_msg_free(&m);
	} else
		FUZZ_CHECK(m.command == NULL && m.ntags == 0 &&
		    m.nparams == 0 && m.source == NULL);

	ec = irc_msg_parse_client(s, size, &m);
	if (ec == IRC_PARSE_OK) {
		/* The client limit is the stricter one. */
		FUZZ_CHECK(e == IRC_PARSE_OK);
		round_trip(&m, irc_msg_parse_client);
		irc_msg_free(&m);
	}

	/* Tag value escaping is lossless for any string. */
	if ((str = malloc(size + 1)) == NULL)
		abort();
	memcpy(str, data, size);
	str[size] = '\0';
	esc = irc_tag_escape(str);
	FUZZ_CHECK(strpbrk(esc, "; \r\n") == NULL);
	unesc = irc_tag_unescape(esc);
	FUZZ_CHECK(strcmp(unesc, str) == 0);
	free(unesc);
	free(esc);
	unesc = irc_tag_unescape(str);
	FUZZ_CHECK(strlen(unesc) <= strlen(str));
	free(unesc);
	free(str);
	return 0;
}
