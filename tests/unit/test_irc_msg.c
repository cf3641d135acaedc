/*
 * test_irc_msg.c -- unit tests for irc-msg.c (parser and serializer).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irc-msg.h"
#include "xmalloc.h"

/* Parse a NUL-terminated line. */
static enum irc_parse_err
parse(const char *line, struct irc_msg *m)
{
	return irc_msg_parse(line, strlen(line), m);
}

/* Compare two optional strings. */
static int
str_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Are two parsed messages identical, field by field? */
static int
msg_equal(const struct irc_msg *a, const struct irc_msg *b)
{
	size_t	i;

	if (a->ntags != b->ntags || a->nparams != b->nparams ||
	    a->trailing != b->trailing)
		return 0;
	if (!str_same(a->source, b->source) ||
	    !str_same(a->command, b->command))
		return 0;
	for (i = 0; i < a->ntags; i++) {
		if (!str_same(a->tags[i].key, b->tags[i].key) ||
		    !str_same(a->tags[i].value, b->tags[i].value))
			return 0;
	}
	for (i = 0; i < a->nparams; i++) {
		if (!str_same(a->params[i], b->params[i]))
			return 0;
	}
	return 1;
}

/*
 * Serialize m, parse the result and check both structs match. Also
 * checks that the returned length is that of the written string.
 */
static void
check_round_trip(const struct irc_msg *m)
{
	struct irc_msg	 m2;
	char		*buf;
	size_t		 need, got;

	need = irc_msg_serialize(m, NULL, 0);
	buf = xmalloc(need + 1);
	got = irc_msg_serialize(m, buf, need + 1);
	ck_assert_uint_eq(need, got);
	ck_assert_uint_eq(strlen(buf), need);
	ck_assert_int_eq(irc_msg_parse(buf, need, &m2), IRC_PARSE_OK);
	ck_assert_msg(msg_equal(m, &m2), "round trip differs: %s", buf);
	irc_msg_free(&m2);
	free(buf);
}

/* Build a string of n copies of c. The caller frees it. */
static char *
repeat(char c, size_t n)
{
	char	*s;

	s = xmalloc(n + 1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

START_TEST(test_simple)
{
	struct irc_msg	m;

	ck_assert_int_eq(parse("PING", &m), IRC_PARSE_OK);
	ck_assert_str_eq(m.command, "PING");
	ck_assert_ptr_null(m.source);
	ck_assert_uint_eq(m.ntags, 0);
	ck_assert_uint_eq(m.nparams, 0);
	ck_assert_int_eq(m.trailing, 0);
	irc_msg_free(&m);

	ck_assert_int_eq(parse("privmsg #chan :hello world", &m),
	    IRC_PARSE_OK);
	ck_assert_str_eq(m.command, "privmsg");	/* case kept */
	ck_assert_uint_eq(m.nparams, 2);
	ck_assert_str_eq(m.params[0], "#chan");
	ck_assert_str_eq(m.params[1], "hello world");
	ck_assert_int_eq(m.trailing, 1);
	irc_msg_free(&m);

	ck_assert_int_eq(parse("NICK alice", &m), IRC_PARSE_OK);
	ck_assert_uint_eq(m.nparams, 1);
	ck_assert_str_eq(m.params[0], "alice");
	ck_assert_int_eq(m.trailing, 0);
	irc_msg_free(&m);

	ck_assert_int_eq(parse("001 bob :Welcome", &m), IRC_PARSE_OK);
	ck_assert_str_eq(m.command, "001");
	irc_msg_free(&m);
}
END_TEST

START_TEST(test_source)
{
	struct irc_msg	m;

	ck_assert_int_eq(parse(":nick!user@host.example PRIVMSG #c :hi", &m),
	    IRC_PARSE_OK);
	ck_assert_str_eq(m.source, "nick!user@host.example");
	ck_assert_str_eq(m.command, "PRIVMSG");
	ck_assert_uint_eq(m.nparams, 2);
	irc_msg_free(&m);

	ck_assert_int_eq(parse(":irc.example.org   NOTICE   *   :x", &m),
	    IRC_PARSE_OK);
	ck_assert_str_eq(m.source, "irc.example.org");
	ck_assert_str_eq(m.command, "NOTICE");
	ck_assert_str_eq(m.params[0], "*");
	ck_assert_str_eq(m.params[1], "x");
	irc_msg_free(&m);
}
END_TEST

START_TEST(test_tags_basic)
{
	struct irc_msg	 m;
	const char	*v;
	int		 present;

	ck_assert_int_eq(parse("@id=123;+draft/react=lol;flag;"
	    "example.com/x-y=z :src CMD a", &m), IRC_PARSE_OK);
	ck_assert_uint_eq(m.ntags, 4);
	ck_assert_str_eq(m.tags[0].key, "id");
	ck_assert_str_eq(m.tags[0].value, "123");
	ck_assert_str_eq(m.tags[1].key, "+draft/react");
	ck_assert_str_eq(m.tags[1].value, "lol");
	ck_assert_str_eq(m.tags[2].key, "flag");
	ck_assert_ptr_null(m.tags[2].value);
	ck_assert_str_eq(m.tags[3].key, "example.com/x-y");
	ck_assert_str_eq(m.source, "src");
	ck_assert_str_eq(m.command, "CMD");

	v = irc_msg_tag(&m, "flag", &present);
	ck_assert_int_eq(present, 1);
	ck_assert_str_eq(v, "");
	v = irc_msg_tag(&m, "+draft/react", NULL);
	ck_assert_str_eq(v, "lol");
	v = irc_msg_tag(&m, "missing", &present);
	ck_assert_int_eq(present, 0);
	ck_assert_ptr_null(v);
	v = irc_msg_tag(&m, "ID", &present);	/* keys are case-sensitive */
	ck_assert_ptr_null(v);
	irc_msg_free(&m);
}
END_TEST

START_TEST(test_tags_escapes)
{
	struct irc_msg	m;

	ck_assert_int_eq(parse("@a=b\\\\and\\nk;c=72\\s45;d=gh\\:764;"
	    "e=\\r\\n PRIVMSG #x :y", &m), IRC_PARSE_OK);
	ck_assert_uint_eq(m.ntags, 4);
	ck_assert_str_eq(m.tags[0].value, "b\\and\nk");
	ck_assert_str_eq(m.tags[1].value, "72 45");
	ck_assert_str_eq(m.tags[2].value, "gh;764");
	ck_assert_str_eq(m.tags[3].value, "\r\n");
	check_round_trip(&m);
	irc_msg_free(&m);

	/* Unknown escapes drop the backslash. */
	ck_assert_int_eq(parse("@a=\\b\\x\\0 CMD", &m), IRC_PARSE_OK);
	ck_assert_str_eq(m.tags[0].value, "bx0");
	irc_msg_free(&m);

	/* A lone trailing backslash is dropped. */
	ck_assert_int_eq(parse("@a=abc\\;b=\\ CMD", &m), IRC_PARSE_OK);
	ck_assert_uint_eq(m.ntags, 2);
	ck_assert_str_eq(m.tags[0].value, "abc");
	ck_assert_str_eq(m.tags[1].value, "");
	irc_msg_free(&m);

	/* '=' inside a value is data. */
	ck_assert_int_eq(parse("@a=x=y==z CMD", &m), IRC_PARSE_OK);
	ck_assert_str_eq(m.tags[0].value, "x=y==z");
	irc_msg_free(&m);
}
END_TEST

START_TEST(test_tags_empty_values)
{
	struct irc_msg	 m;
	const char	*v;
	int		 present;

	ck_assert_int_eq(parse("@a=;b;c= CMD", &m), IRC_PARSE_OK);
	ck_assert_uint_eq(m.ntags, 3);
	ck_assert_str_eq(m.tags[0].value, "");
	ck_assert_ptr_null(m.tags[1].value);
	ck_assert_str_eq(m.tags[2].value, "");
	v = irc_msg_tag(&m, "a", &present);
	ck_assert_int_eq(present, 1);
	ck_assert_str_eq(v, "");
	v = irc_msg_tag(&m, "b", &present);
	ck_assert_int_eq(present, 1);
	ck_assert_str_eq(v, "");
	check_round_trip(&m);
	irc_msg_free(&m);

	/* Empty items between ';' are skipped. */
	ck_assert_int_eq(parse("@;a=1;;b=2; CMD", &m), IRC_PARSE_OK);
	ck_assert_uint_eq(m.ntags, 2);
	irc_msg_free(&m);
}
END_TEST

START_TEST(test_tags_duplicate)
{
	struct irc_msg	m;

	ck_assert_int_eq(parse("@a=1;b=x;a=2 CMD", &m), IRC_PARSE_OK);
	ck_assert_uint_eq(m.ntags, 3);
	ck_assert_str_eq(irc_msg_tag(&m, "a", NULL), "2");
	irc_msg_free(&m);
}
END_TEST

START_TEST(test_tags_bad)
{
	static const char *bad[] = {
		"@ CMD",
		"@; CMD",
		"@=v CMD",
		"@+ CMD",
		"@+=x CMD",
		"@vendor/ CMD",
		"@/name CMD",
		"@a/b/c CMD",
		"@a_b CMD",
		"@a.b CMD",		/* '.' only in the vendor part */
		"@a;b!=1 CMD",
		"@caf\xc3\xa9=1 CMD",
	};
	struct irc_msg	m;
	size_t		i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(parse(bad[i], &m) == IRC_PARSE_BAD_TAGS,
		    "accepted: %s", bad[i]);
		ck_assert_ptr_null(m.tags);
		ck_assert_ptr_null(m.command);
	}
}
END_TEST

START_TEST(test_trailing)
{
	struct irc_msg	m;

	ck_assert_int_eq(parse("CMD a :  :b c : ", &m), IRC_PARSE_OK);
	ck_assert_uint_eq(m.nparams, 2);
	ck_assert_str_eq(m.params[1], "  :b c : ");
	ck_assert_int_eq(m.trailing, 1);
	check_round_trip(&m);
	irc_msg_free(&m);

	ck_assert_int_eq(parse("CMD a :", &m), IRC_PARSE_OK);
	ck_assert_uint_eq(m.nparams, 2);
	ck_assert_str_eq(m.params[1], "");
	ck_assert_int_eq(m.trailing, 1);
	check_round_trip(&m);
	irc_msg_free(&m);

	ck_assert_int_eq(parse("CMD ::", &m), IRC_PARSE_OK);
	ck_assert_uint_eq(m.nparams, 1);
	ck_assert_str_eq(m.params[0], ":");
	check_round_trip(&m);
	irc_msg_free(&m);

	/* ':' not at the start of a middle param is data. */
	ck_assert_int_eq(parse("CMD a:b c::d :e", &m), IRC_PARSE_OK);
	ck_assert_uint_eq(m.nparams, 3);
	ck_assert_str_eq(m.params[0], "a:b");
	ck_assert_str_eq(m.params[1], "c::d");
	ck_assert_str_eq(m.params[2], "e");
	irc_msg_free(&m);

	/* Trailing param without spaces still keeps its flag. */
	ck_assert_int_eq(parse("CMD :word", &m), IRC_PARSE_OK);
	ck_assert_int_eq(m.trailing, 1);
	check_round_trip(&m);
	irc_msg_free(&m);
}
END_TEST

START_TEST(test_spaces)
{
	struct irc_msg	m;

	ck_assert_int_eq(parse("CMD   a    b   :c  d", &m), IRC_PARSE_OK);
	ck_assert_uint_eq(m.nparams, 3);
	ck_assert_str_eq(m.params[0], "a");
	ck_assert_str_eq(m.params[1], "b");
	ck_assert_str_eq(m.params[2], "c  d");
	irc_msg_free(&m);

	ck_assert_int_eq(parse("  QUIT   ", &m), IRC_PARSE_OK);
	ck_assert_str_eq(m.command, "QUIT");
	ck_assert_uint_eq(m.nparams, 0);
	irc_msg_free(&m);

	ck_assert_int_eq(parse("@a=b    :s   CMD  x  ", &m), IRC_PARSE_OK);
	ck_assert_str_eq(m.source, "s");
	ck_assert_uint_eq(m.nparams, 1);
	ck_assert_str_eq(m.params[0], "x");
	ck_assert_int_eq(m.trailing, 0);
	irc_msg_free(&m);
}
END_TEST

START_TEST(test_many_params)
{
	struct irc_msg	m;
	char		buf[128];
	size_t		i;

	/* Exactly 15 middle params. */
	ck_assert_int_eq(parse("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", &m),
	    IRC_PARSE_OK);
	ck_assert_uint_eq(m.nparams, 15);
	for (i = 0; i < 15; i++) {
		snprintf(buf, sizeof buf, "%zu", i + 1);
		ck_assert_str_eq(m.params[i], buf);
	}
	ck_assert_int_eq(m.trailing, 0);
	check_round_trip(&m);
	irc_msg_free(&m);

	/* 14 middle and a trailing one. */
	ck_assert_int_eq(parse("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 :a b",
	    &m), IRC_PARSE_OK);
	ck_assert_uint_eq(m.nparams, 15);
	ck_assert_str_eq(m.params[14], "a b");
	ck_assert_int_eq(m.trailing, 1);
	irc_msg_free(&m);

	/* More than 15: the 15th swallows the rest. */
	ck_assert_int_eq(parse("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16  "
	    ":17 18  ", &m), IRC_PARSE_OK);
	ck_assert_uint_eq(m.nparams, 15);
	ck_assert_str_eq(m.params[13], "14");
	ck_assert_str_eq(m.params[14], "15 16  :17 18");
	ck_assert_int_eq(m.trailing, 1);
	check_round_trip(&m);
	irc_msg_free(&m);

	/* The same with a source and tags. */
	ck_assert_int_eq(parse("@t :s CMD a b c d e f g h i j k l m n o p q",
	    &m), IRC_PARSE_OK);
	ck_assert_uint_eq(m.nparams, 15);
	ck_assert_str_eq(m.params[14], "o p q");
	check_round_trip(&m);
	irc_msg_free(&m);
}
END_TEST

START_TEST(test_unicode)
{
	struct irc_msg	m;

	ck_assert_int_eq(parse("@+draft/reply=caf\xc3\xa9 :n\xc3\xaf" "ck!u@h "
	    "PRIVMSG #caf\xc3\xa9 :h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x8e\x89",
	    &m), IRC_PARSE_OK);
	ck_assert_str_eq(m.tags[0].value, "caf\xc3\xa9");
	ck_assert_str_eq(m.source, "n\xc3\xaf" "ck!u@h");
	ck_assert_str_eq(m.params[0], "#caf\xc3\xa9");
	ck_assert_str_eq(m.params[1],
	    "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x8e\x89");
	check_round_trip(&m);
	irc_msg_free(&m);
}
END_TEST

START_TEST(test_bad_utf8)
{
	static const char *bad[] = {
		"PRIVMSG #a :\xff",
		"PRIVMSG #a :\xc0\x80",			/* overlong NUL */
		"PRIVMSG #a :\xc3",			/* truncated */
		"PRIVMSG #a :\xed\xa0\x80",		/* surrogate */
		"PRIVMSG #\xe9t\xe9 :latin-1",
		":\xfe PING",
		"@a=\xff CMD",
		"@a=ok;b=\xc3\x28 CMD",
	};
	struct irc_msg	m;
	size_t		i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(parse(bad[i], &m) == IRC_PARSE_BAD_UTF8,
		    "accepted bad UTF-8 #%zu", i);
		ck_assert_ptr_null(m.command);
		ck_assert_uint_eq(m.ntags, 0);
	}
}
END_TEST

START_TEST(test_errors)
{
	struct irc_msg	m;

	ck_assert_int_eq(parse("", &m), IRC_PARSE_EMPTY);
	ck_assert_int_eq(parse("    ", &m), IRC_PARSE_EMPTY);
	ck_assert_int_eq(parse(":src", &m), IRC_PARSE_NO_COMMAND);
	ck_assert_int_eq(parse(":src    ", &m), IRC_PARSE_NO_COMMAND);
	ck_assert_int_eq(parse(": CMD", &m), IRC_PARSE_NO_COMMAND);
	ck_assert_int_eq(parse(":", &m), IRC_PARSE_NO_COMMAND);
	ck_assert_int_eq(parse("@a=b", &m), IRC_PARSE_NO_COMMAND);
	ck_assert_int_eq(parse("@a=b    ", &m), IRC_PARSE_NO_COMMAND);
	ck_assert_int_eq(parse("@a=b :src", &m), IRC_PARSE_NO_COMMAND);
	ck_assert_ptr_null(m.tags);
	ck_assert_ptr_null(m.source);

	ck_assert_int_eq(irc_msg_parse("PRIVMSG #a :x\0y", 15, &m),
	    IRC_PARSE_NUL);
	ck_assert_int_eq(irc_msg_parse("\0", 1, &m), IRC_PARSE_NUL);
	ck_assert_int_eq(parse("PRIVMSG #a :x\ry", &m), IRC_PARSE_NUL);
	ck_assert_int_eq(parse("PRIVMSG #a :x\ny", &m), IRC_PARSE_NUL);
	ck_assert_int_eq(irc_msg_parse("@a=\0 CMD", 8, &m), IRC_PARSE_NUL);

	/* Errors leave nothing to free, and freeing twice is harmless. */
	irc_msg_free(&m);
	irc_msg_free(NULL);
	ck_assert_str_eq(irc_parse_strerror(IRC_PARSE_BAD_UTF8),
	    "invalid UTF-8");
}
END_TEST

START_TEST(test_line_limit)
{
	struct irc_msg	 m;
	char		*line, *tagged;

	/* "PRIVMSG #a :" is 12 bytes; pad the text to 510 in all. */
	line = repeat('x', IRC_BODY_MAX);
	memcpy(line, "PRIVMSG #a :", 12);
	ck_assert_int_eq(parse(line, &m), IRC_PARSE_OK);
	ck_assert_uint_eq(strlen(m.params[1]), 510 - 12);
	irc_msg_free(&m);
	ck_assert_int_eq(irc_msg_parse(line, IRC_BODY_MAX - 1, &m),
	    IRC_PARSE_OK);
	irc_msg_free(&m);
	free(line);

	/*
	 * Over 15 params, the swallowed rest holds a space and would need a
	 * ':' to serialize: then only 509 bytes fit.
	 */
	line = repeat('x', IRC_BODY_MAX);
	memcpy(line, "C 1 2 3 4 5 6 7 8 9 a b c d e f g", 33);
	ck_assert_int_eq(parse(line, &m), IRC_PARSE_LINE_TOO_LONG);
	ck_assert_int_eq(irc_msg_parse(line, IRC_BODY_MAX - 1, &m),
	    IRC_PARSE_OK);
	ck_assert_uint_eq(m.nparams, 15);
	ck_assert_int_eq(m.trailing, 1);
	check_round_trip(&m);
	irc_msg_free(&m);
	/* Without a space in the rest there is no ':' to add. */
	line[31] = 'x';
	ck_assert_int_eq(parse(line, &m), IRC_PARSE_OK);
	ck_assert_int_eq(m.trailing, 0);
	check_round_trip(&m);
	irc_msg_free(&m);
	free(line);

	line = repeat('x', IRC_BODY_MAX + 1);
	memcpy(line, "PRIVMSG #a :", 12);
	ck_assert_int_eq(parse(line, &m), IRC_PARSE_LINE_TOO_LONG);
	ck_assert_ptr_null(m.command);

	/* Tags do not count against the 510 bytes. */
	xasprintf(&tagged, "@a=b;c %s", line + 1);	/* 510-byte body */
	memcpy(tagged + 7, "PRIVMSG #a :", 12);
	ck_assert_int_eq(parse(tagged, &m), IRC_PARSE_OK);
	irc_msg_free(&m);
	free(tagged);
	xasprintf(&tagged, "@a=b;c %s", line);		/* 511 bytes */
	memcpy(tagged + 7, "PRIVMSG #a :", 12);
	ck_assert_int_eq(parse(tagged, &m), IRC_PARSE_LINE_TOO_LONG);
	ck_assert_uint_eq(m.ntags, 0);
	ck_assert_ptr_null(m.tags);
	free(tagged);
	free(line);
}
END_TEST

START_TEST(test_tags_limit)
{
	struct irc_msg	 m;
	char		*val, *line;

	/* '@' + "a=" + value + ' ' == IRC_TAGS_MAX exactly. */
	val = repeat('v', IRC_TAGS_MAX - 4);
	xasprintf(&line, "@a=%s CMD", val);
	ck_assert_int_eq(parse(line, &m), IRC_PARSE_OK);
	ck_assert_uint_eq(strlen(m.tags[0].value), IRC_TAGS_MAX - 4);
	irc_msg_free(&m);
	/* ...but far too much for a client. */
	ck_assert_int_eq(irc_msg_parse_client(line, strlen(line), &m),
	    IRC_PARSE_TAGS_TOO_LONG);
	free(line);
	free(val);

	val = repeat('v', IRC_TAGS_MAX - 3);
	xasprintf(&line, "@a=%s CMD", val);
	ck_assert_int_eq(parse(line, &m), IRC_PARSE_TAGS_TOO_LONG);
	ck_assert_ptr_null(m.tags);
	/* Still too long without a command: the length is checked first. */
	line[strlen(line) - 4] = '\0';
	ck_assert_int_eq(parse(line, &m), IRC_PARSE_TAGS_TOO_LONG);
	free(line);
	free(val);

	/* Client limit: 4094 bytes of tag data between '@' and ' '. */
	val = repeat('v', IRC_CLIENT_TAGS_MAX - 2);
	xasprintf(&line, "@a=%s CMD", val);
	ck_assert_int_eq(irc_msg_parse_client(line, strlen(line), &m),
	    IRC_PARSE_OK);
	irc_msg_free(&m);
	free(line);
	free(val);
	val = repeat('v', IRC_CLIENT_TAGS_MAX - 1);
	xasprintf(&line, "@a=%s CMD", val);
	ck_assert_int_eq(irc_msg_parse_client(line, strlen(line), &m),
	    IRC_PARSE_TAGS_TOO_LONG);
	ck_assert_int_eq(parse(line, &m), IRC_PARSE_OK);
	irc_msg_free(&m);
	free(line);
	free(val);
}
END_TEST

START_TEST(test_serialize)
{
	struct irc_msg	 m;
	struct irc_tag	 tags[3];
	char		 buf[256];
	size_t		 n;

	memset(&m, 0, sizeof m);
	tags[0].key = (char *)"time";
	tags[0].value = (char *)"2024-01-01T00:00:00.000Z";
	tags[1].key = (char *)"+x";
	tags[1].value = (char *)"a; b\\c\r\n";
	tags[2].key = (char *)"bot";
	tags[2].value = NULL;
	m.tags = tags;
	m.ntags = 3;
	m.source = (char *)"n!u@h";
	m.command = (char *)"PRIVMSG";
	m.params[0] = (char *)"#c";
	m.params[1] = (char *)"hi";
	m.nparams = 2;

	n = irc_msg_serialize(&m, buf, sizeof buf);
	ck_assert_str_eq(buf, "@time=2024-01-01T00:00:00.000Z;"
	    "+x=a\\:\\sb\\\\c\\r\\n;bot :n!u@h PRIVMSG #c hi");
	ck_assert_uint_eq(n, strlen(buf));
	check_round_trip(&m);

	/* The last param gets ':' only when it needs it. */
	m.ntags = 0;
	m.source = NULL;
	m.params[1] = (char *)"";
	irc_msg_serialize(&m, buf, sizeof buf);
	ck_assert_str_eq(buf, "PRIVMSG #c :");
	m.params[1] = (char *)"a b";
	irc_msg_serialize(&m, buf, sizeof buf);
	ck_assert_str_eq(buf, "PRIVMSG #c :a b");
	m.params[1] = (char *)":)";
	irc_msg_serialize(&m, buf, sizeof buf);
	ck_assert_str_eq(buf, "PRIVMSG #c ::)");
	m.params[1] = (char *)"word";
	m.trailing = 1;
	irc_msg_serialize(&m, buf, sizeof buf);
	ck_assert_str_eq(buf, "PRIVMSG #c :word");
	check_round_trip(&m);

	/* No params: trailing is ignored. */
	m.nparams = 0;
	irc_msg_serialize(&m, buf, sizeof buf);
	ck_assert_str_eq(buf, "PRIVMSG");

	/* Tag with an empty value keeps its '='. */
	tags[0].value = (char *)"";
	m.tags = tags;
	m.ntags = 1;
	irc_msg_serialize(&m, buf, sizeof buf);
	ck_assert_str_eq(buf, "@time= PRIVMSG");
}
END_TEST

START_TEST(test_serialize_truncate)
{
	struct irc_msg	m;
	char		buf[8];
	size_t		n;

	ck_assert_int_eq(parse(":server NOTICE * :hello there", &m),
	    IRC_PARSE_OK);
	n = irc_msg_serialize(&m, NULL, 0);
	ck_assert_uint_eq(n, strlen(":server NOTICE * :hello there"));
	memset(buf, 'Z', sizeof buf);
	ck_assert_uint_eq(irc_msg_serialize(&m, buf, sizeof buf), n);
	ck_assert_str_eq(buf, ":server");
	ck_assert_uint_eq(irc_msg_serialize(&m, buf, 1), n);
	ck_assert_str_eq(buf, "");
	irc_msg_free(&m);
}
END_TEST

START_TEST(test_round_trips)
{
	static const char *lines[] = {
		"PING",
		"PING :irc.example.org",
		":a!b@c PRIVMSG #chan :hello  world ",
		"@msgid=abc;time=2024-05-01T12:00:00Z :a!b@c PRIVMSG #c ::-)",
		"@a=\\\\\\:\\s\\r\\n;b;c=;+d/e-f=1 CMD x y :z",
		"CMD a b c d e f g h i j k l m n o",
		"CMD a b c d e f g h i j k l m n o p",
		"CMD a b c d e f g h i j k l m n :o p",
		"CMD a b c d e f g h i j k l m n :",
		"CMD :",
		"CMD ::",
		"CMD :: :",
		"   LEADING   spaces   :and   trailing   ",
		":s 005 nick CHANTYPES=# CASEMAPPING=rfc1459 :are supported",
		("@draft/label=\xe2\x9c\x93 PRIVMSG #\xf0\x9f\x8e\x89 "
		    ":\xf0\x9f\x8e\x89"),
		"@a=b @c=d",
		":src :cmd",
	};
	struct irc_msg	m;
	size_t		i;

	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		ck_assert_msg(parse(lines[i], &m) == IRC_PARSE_OK,
		    "cannot parse: %s", lines[i]);
		check_round_trip(&m);
		irc_msg_free(&m);
	}
}
END_TEST

START_TEST(test_tag_escape)
{
	char	*e, *u;

	e = irc_tag_escape("a;b c\\d\re\nf");
	ck_assert_str_eq(e, "a\\:b\\sc\\\\d\\re\\nf");
	u = irc_tag_unescape(e);
	ck_assert_str_eq(u, "a;b c\\d\re\nf");
	free(e);
	free(u);

	e = irc_tag_escape("");
	ck_assert_str_eq(e, "");
	free(e);
	e = irc_tag_escape(";;;");
	ck_assert_str_eq(e, "\\:\\:\\:");
	free(e);

	u = irc_tag_unescape("\\");
	ck_assert_str_eq(u, "");
	free(u);
	u = irc_tag_unescape("x\\\\");
	ck_assert_str_eq(u, "x\\");
	free(u);
	u = irc_tag_unescape("\\q\\S\\:");
	ck_assert_str_eq(u, "qS;");
	free(u);
}
END_TEST

static Suite *
irc_msg_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("irc_msg");

	tc = tcase_create("parse");
	tcase_add_test(tc, test_simple);
	tcase_add_test(tc, test_source);
	tcase_add_test(tc, test_trailing);
	tcase_add_test(tc, test_spaces);
	tcase_add_test(tc, test_many_params);
	tcase_add_test(tc, test_unicode);
	tcase_add_test(tc, test_bad_utf8);
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("tags");
	tcase_add_test(tc, test_tags_basic);
	tcase_add_test(tc, test_tags_escapes);
	tcase_add_test(tc, test_tags_empty_values);
	tcase_add_test(tc, test_tags_duplicate);
	tcase_add_test(tc, test_tags_bad);
	tcase_add_test(tc, test_tag_escape);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, test_line_limit);
	tcase_add_test(tc, test_tags_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("serialize");
	tcase_add_test(tc, test_serialize);
	tcase_add_test(tc, test_serialize_truncate);
	tcase_add_test(tc, test_round_trips);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(irc_msg_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
