/*
 * test_article.c -- unit tests for server/article.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "article.h"

/* A minimal article that passes article_validate_post. */
#define FROM	"From: Alice <alice@example.com>\r\n"
#define NGS	"Newsgroups: misc.test\r\n"
#define SUBJ	"Subject: hello\r\n"
#define HDRS	FROM NGS SUBJ
#define BODY	"\r\nHello, world.\r\n"

static char	err[256];

/*
 * Parse the NUL-terminated string s into *a. Returns article_parse's
 * result; the reason, if any, is left in err.
 */
static int
parse(const char *s, struct article *a)
{
	err[0] = '\0';
	return article_parse(s, strlen(s), a, err, sizeof err);
}

/*
 * Parse then validate s as a POST. Returns 0 if both succeed, -1 if
 * either fails (reason in err).
 */
static int
post(const char *s)
{
	struct article	a;
	int		rc;

	if (parse(s, &a) != 0)
		return -1;
	rc = article_validate_post(&a, err, sizeof err);
	article_free(&a);
	return rc;
}

/*
 * Validate a post made of the minimal headers with header line h (which
 * must end in CRLF) added and the standard body.
 */
static int
post_with(const char *h)
{
	char	buf[4096];

	snprintf(buf, sizeof buf, "%s%s%s", HDRS, h, BODY);
	return post(buf);
}

/*
 * Validate a post whose From header has value v.
 */
static int
post_from(const char *v)
{
	char	buf[4096];

	snprintf(buf, sizeof buf, "From: %s\r\n" NGS SUBJ BODY, v);
	return post(buf);
}

/*
 * Validate a post whose Newsgroups header has value v.
 */
static int
post_groups(const char *v)
{
	char	buf[4096];

	snprintf(buf, sizeof buf, FROM "Newsgroups: %s\r\n" SUBJ BODY, v);
	return post(buf);
}

START_TEST(test_parse_basic)
{
	const char	*s = "From: a@b.c\r\nSubject: Hi there\r\n"
			    "Newsgroups: misc.test\r\n\r\nline 1\r\nline 2\r\n";
	struct article	 a;

	ck_assert_int_eq(parse(s, &a), 0);
	ck_assert_uint_eq(a.nhdrs, 3);
	ck_assert_str_eq(a.hdrs[0].name, "From");
	ck_assert_str_eq(a.hdrs[0].value, "a@b.c");
	ck_assert_str_eq(a.hdrs[1].name, "Subject");
	ck_assert_str_eq(a.hdrs[1].value, "Hi there");
	ck_assert_uint_eq(a.header_len, strlen(s) - 16);
	ck_assert_ptr_eq(a.body, s + a.header_len);
	ck_assert_uint_eq(a.body_len, 16);
	ck_assert_int_eq(memcmp(a.body, "line 1\r\n", 8), 0);
	ck_assert_uint_eq(a.lines, 2);
	article_free(&a);
	ck_assert_ptr_null(a.hdrs);
	ck_assert_uint_eq(a.nhdrs, 0);
	article_free(&a);	/* twice is harmless */
}
END_TEST

START_TEST(test_parse_lf_only)
{
	const char	*s = "From: a@b.c\nSubject: x\n\nbody\nmore\n";
	struct article	 a;

	ck_assert_int_eq(parse(s, &a), 0);
	ck_assert_uint_eq(a.nhdrs, 2);
	ck_assert_str_eq(a.hdrs[1].value, "x");
	ck_assert_str_eq(a.body, "body\nmore\n");	/* untouched input */
	ck_assert_uint_eq(a.header_len, 24);
	ck_assert_uint_eq(a.lines, 2);
	article_free(&a);

	/* Mixed line endings are fine too. */
	ck_assert_int_eq(parse("A: 1\r\nB: 2\n\r\nx", &a), 0);
	ck_assert_uint_eq(a.nhdrs, 2);
	ck_assert_str_eq(a.hdrs[1].value, "2");
	ck_assert_str_eq(a.body, "x");
	article_free(&a);
}
END_TEST

START_TEST(test_parse_folding)
{
	struct article	a;

	ck_assert_int_eq(parse("Subject: a long\r\n subject\r\n\tline\r\n"
	    "X: y\r\n\r\n", &a), 0);
	ck_assert_uint_eq(a.nhdrs, 2);
	ck_assert_str_eq(a.hdrs[0].value, "a long subject\tline");
	ck_assert_str_eq(a.hdrs[1].value, "y");
	article_free(&a);

	/* Nothing on the first line: leading WSP of the fold goes too. */
	ck_assert_int_eq(parse("Subject:\r\n   folded\r\n\r\n", &a), 0);
	ck_assert_str_eq(a.hdrs[0].value, "folded");
	article_free(&a);

	/* LF-only folding. */
	ck_assert_int_eq(parse("References: <a@b>\n <c@d>\n\n", &a), 0);
	ck_assert_str_eq(a.hdrs[0].value, "<a@b> <c@d>");
	article_free(&a);

	/* The last header folded at the very end of a header-only input. */
	ck_assert_int_eq(parse("A: x\r\n y", &a), 0);
	ck_assert_str_eq(a.hdrs[0].value, "x y");
	article_free(&a);
}
END_TEST

/*
 * One header folded over 20,000 lines: all of it is kept, in order.
 */
START_TEST(test_parse_many_folds)
{
	struct article	 a;
	char		*buf, *p;
	size_t		 i, n = 20000;

	buf = malloc(4 * n + 16);
	ck_assert_ptr_nonnull(buf);
	p = buf;
	memcpy(p, "X: s", 4);
	p += 4;
	for (i = 0; i < n; i++) {
		memcpy(p, "\r\n y", 4);
		p[3] = (char)('a' + i % 26);
		p += 4;
	}
	memcpy(p, "\r\n\r\n", 5);
	ck_assert_int_eq(parse(buf, &a), 0);
	ck_assert_uint_eq(a.nhdrs, 1);
	ck_assert_uint_eq(strlen(a.hdrs[0].value), 1 + 2 * n);
	ck_assert_int_eq(strncmp(a.hdrs[0].value, "s a b c", 7), 0);
	article_free(&a);
	free(buf);
}
END_TEST

START_TEST(test_parse_whitespace)
{
	struct article	a;

	ck_assert_int_eq(parse("Subject:x\r\nA:  \t two\r\nB:\r\n"
	    "C: trailing  \r\n\r\n", &a), 0);
	ck_assert_str_eq(a.hdrs[0].value, "x");
	ck_assert_str_eq(a.hdrs[1].value, "two");
	ck_assert_str_eq(a.hdrs[2].value, "");
	ck_assert_str_eq(a.hdrs[3].value, "trailing  ");
	article_free(&a);

	/* Colons after the first belong to the value. */
	ck_assert_int_eq(parse("X-Url: http://example.com:80/\r\n\r\n", &a),
	    0);
	ck_assert_str_eq(a.hdrs[0].name, "X-Url");
	ck_assert_str_eq(a.hdrs[0].value, "http://example.com:80/");
	article_free(&a);
}
END_TEST

START_TEST(test_parse_body_shapes)
{
	struct article	a;

	/* No empty line at all: headers only. */
	ck_assert_int_eq(parse("A: 1\r\nB: 2\r\n", &a), 0);
	ck_assert_uint_eq(a.nhdrs, 2);
	ck_assert_uint_eq(a.body_len, 0);
	ck_assert_uint_eq(a.lines, 0);
	ck_assert_uint_eq(a.header_len, 12);
	article_free(&a);

	/* Empty body after the separator. */
	ck_assert_int_eq(parse("A: 1\r\n\r\n", &a), 0);
	ck_assert_uint_eq(a.body_len, 0);
	ck_assert_uint_eq(a.lines, 0);
	ck_assert_uint_eq(a.header_len, 8);
	article_free(&a);

	/* Last body line without terminator still counts. */
	ck_assert_int_eq(parse("A: 1\r\n\r\none\r\ntwo", &a), 0);
	ck_assert_uint_eq(a.lines, 2);
	article_free(&a);

	/* Blank body lines count; a header-looking body line is body. */
	ck_assert_int_eq(parse("A: 1\r\n\r\n\r\n\r\nB: 2\r\n", &a), 0);
	ck_assert_uint_eq(a.nhdrs, 1);
	ck_assert_uint_eq(a.lines, 3);
	article_free(&a);

	/* Empty input: no headers, no body. */
	ck_assert_int_eq(article_parse("", 0, &a, err, sizeof err), 0);
	ck_assert_uint_eq(a.nhdrs, 0);
	article_free(&a);

	/* Body may hold any bytes except NUL; the parser doesn't care. */
	ck_assert_int_eq(parse("A: 1\r\n\r\n\xff\xfe\r\n", &a), 0);
	ck_assert_uint_eq(a.body_len, 4);
	article_free(&a);
}
END_TEST

START_TEST(test_parse_errors)
{
	struct article	a;

	ck_assert_int_eq(parse("Subject hello\r\n\r\n", &a), -1);
	ck_assert_str_eq(err, "Header line without colon");
	ck_assert_ptr_null(a.hdrs);

	ck_assert_int_eq(parse(": value\r\n\r\n", &a), -1);
	ck_assert_str_eq(err, "Empty header name");

	ck_assert_int_eq(parse(" folded: first\r\n\r\n", &a), -1);
	ck_assert_str_eq(err, "Continuation line without preceding header");

	ck_assert_int_eq(parse("Sub ject: x\r\n\r\n", &a), -1);
	ck_assert_str_eq(err, "Invalid character in header name");

	ck_assert_int_eq(parse("Subject : x\r\n\r\n", &a), -1);
	ck_assert_str_eq(err, "Invalid character in header name");

	ck_assert_int_eq(parse("Subj\xc3\xa9: x\r\n\r\n", &a), -1);
	ck_assert_str_eq(err, "Invalid character in header name");

	ck_assert_int_eq(parse("A: 1\r\nSubject: caf\xe9\r\n\r\n", &a), -1);
	ck_assert_str_eq(err, "Header contains invalid UTF-8: Subject");

	/* Invalid UTF-8 split across a fold is caught after unfolding. */
	ck_assert_int_eq(parse("Subject: \xc3\r\n \xa9\r\n\r\n", &a), -1);
	ck_assert_str_eq(err, "Header contains invalid UTF-8: Subject");

	ck_assert_int_eq(parse("Subject: overlong \xc0\xaf\r\n\r\n", &a), -1);
	ck_assert_int_eq(parse("Subject: surrogate \xed\xa0\x80\r\n\r\n", &a),
	    -1);

	/* Errors after some headers were collected free them (ASan). */
	ck_assert_int_eq(parse("A: 1\r\nB: 2\r\nbroken\r\n\r\n", &a), -1);
	ck_assert_uint_eq(a.nhdrs, 0);

	/* A NULL or zero-size err buffer is allowed. */
	ck_assert_int_eq(article_parse("x\r\n", 3, &a, NULL, 0), -1);
}
END_TEST

START_TEST(test_parse_nul)
{
	struct article	a;
	const char	hdr[] = "Subject: a\0b\r\n\r\nbody\r\n";
	const char	body[] = "Subject: ab\r\n\r\nbo\0dy\r\n";

	ck_assert_int_eq(article_parse(hdr, sizeof hdr - 1, &a, err,
	    sizeof err), -1);
	ck_assert_str_eq(err, "Article contains NUL byte");
	ck_assert_int_eq(article_parse(body, sizeof body - 1, &a, err,
	    sizeof err), -1);
	ck_assert_str_eq(err, "Article contains NUL byte");
}
END_TEST

START_TEST(test_parse_line_limit)
{
	struct article	 a;
	char		*buf;
	size_t		 n;

	/* "X: " + 995 bytes = 998: the limit, accepted. */
	buf = malloc(2000);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, "X: ", 3);
	memset(buf + 3, 'v', 995);
	memcpy(buf + 998, "\r\n\r\n", 5);
	ck_assert_int_eq(parse(buf, &a), 0);
	ck_assert_uint_eq(strlen(a.hdrs[0].value), 995);
	article_free(&a);

	/* One more byte is too long, with CRLF or LF. */
	memset(buf + 3, 'v', 996);
	memcpy(buf + 999, "\r\n\r\n", 5);
	ck_assert_int_eq(parse(buf, &a), -1);
	ck_assert_str_eq(err, "Header line too long (over 998 bytes)");
	memcpy(buf + 999, "\n\n", 3);
	ck_assert_int_eq(parse(buf, &a), -1);

	/* The limit is per physical line: folding makes long values OK. */
	n = 0;
	memcpy(buf, "X: ", 3);
	n = 3;
	memset(buf + n, 'v', 900);
	n += 900;
	memcpy(buf + n, "\r\n ", 3);
	n += 3;
	memset(buf + n, 'w', 900);
	n += 900;
	memcpy(buf + n, "\r\n\r\n", 5);
	ck_assert_int_eq(parse(buf, &a), 0);
	ck_assert_uint_eq(strlen(a.hdrs[0].value), 1801);
	article_free(&a);

	/* Long body lines are not the parser's business. */
	memcpy(buf, "X: y\r\n\r\n", 8);
	memset(buf + 8, 'b', 1500);
	buf[1508] = '\0';
	ck_assert_int_eq(parse(buf, &a), 0);
	ck_assert_uint_eq(a.lines, 1);
	article_free(&a);
	free(buf);
}
END_TEST

START_TEST(test_parse_header_limit)
{
	struct article	 a;
	char		*buf, *p;
	int		 i;

	buf = malloc(600 * 16 + 16);
	ck_assert_ptr_nonnull(buf);
	p = buf;
	for (i = 0; i < 500; i++)
		p += sprintf(p, "X-H%d: %d\r\n", i, i);
	strcpy(p, "\r\nbody\r\n");
	ck_assert_int_eq(parse(buf, &a), 0);
	ck_assert_uint_eq(a.nhdrs, 500);
	ck_assert_str_eq(a.hdrs[499].name, "X-H499");
	ck_assert_str_eq(a.hdrs[499].value, "499");
	article_free(&a);

	p += sprintf(p, "X-H500: 500\r\n");
	strcpy(p, "\r\nbody\r\n");
	ck_assert_int_eq(parse(buf, &a), -1);
	ck_assert_str_eq(err, "Too many headers (over 500)");
	free(buf);
}
END_TEST

START_TEST(test_header_get)
{
	struct article	a;

	ck_assert_int_eq(parse("Subject: one\r\nX-Dup: a\r\nx-dup: b\r\n"
	    "X-DUP: c\r\n\r\n", &a), 0);
	ck_assert_str_eq(article_header_get(&a, "subject"), "one");
	ck_assert_str_eq(article_header_get(&a, "SUBJECT"), "one");
	ck_assert_str_eq(article_header_get(&a, "x-dup"), "a");
	ck_assert_ptr_null(article_header_get(&a, "From"));
	ck_assert_ptr_null(article_header_get(&a, "Subj"));
	ck_assert_ptr_null(article_header_get(&a, "Subjects"));
	ck_assert_int_eq(article_header_count(&a, "X-Dup"), 3);
	ck_assert_int_eq(article_header_count(&a, "subject"), 1);
	ck_assert_int_eq(article_header_count(&a, "From"), 0);
	article_free(&a);
}
END_TEST

START_TEST(test_post_valid)
{
	ck_assert_int_eq(post(HDRS BODY), 0);
	ck_assert_int_eq(post(HDRS "Message-ID: <abc.123@example.com>\r\n"
	    "Date: Mon, 01 Jan 2024 00:00:00 +0000\r\n"
	    "References: <x@y> <z@w>\r\nOrganization: Hearth\r\n"
	    "X-Extra: 1\r\nX-Extra: 2\r\n" BODY), 0);
	/* LF-only, no body. */
	ck_assert_int_eq(post("From: a@b.c\nNewsgroups: misc.test\n"
	    "Subject: x\n"), 0);
	/* UTF-8 and RFC 2047 in headers; TAB allowed. */
	ck_assert_int_eq(post_with("X-Note: caf\xc3\xa9 \xe2\x82\xac\r\n"), 0);
	ck_assert_int_eq(post_with("X-Note: =?ISO-8859-1?Q?caf=E9?=\r\n"), 0);
	ck_assert_int_eq(post_with("X-Note: a\tb\r\n"), 0);
	/* Message-ID with trailing whitespace. */
	ck_assert_int_eq(post_with("Message-ID: <a@b.c>  \r\n"), 0);
	/* Headers are case-insensitive. */
	ck_assert_int_eq(post("FROM: a@b.c\r\nnewsgroups: misc.test\r\n"
	    "subject: x\r\n\r\n"), 0);
}
END_TEST

START_TEST(test_post_required)
{
	ck_assert_int_eq(post(FROM NGS BODY), -1);
	ck_assert_str_eq(err, "Missing required header: Subject");
	ck_assert_int_eq(post(FROM SUBJ BODY), -1);
	ck_assert_str_eq(err, "Missing required header: Newsgroups");
	ck_assert_int_eq(post(NGS SUBJ BODY), -1);
	ck_assert_str_eq(err, "Missing required header: From");
	ck_assert_int_eq(post(FROM NGS "Subject:   \r\n" BODY), -1);
	ck_assert_str_eq(err, "Empty header: Subject");
	ck_assert_int_eq(post(FROM "Newsgroups:\r\n" SUBJ BODY), -1);
	ck_assert_str_eq(err, "Empty header: Newsgroups");
}
END_TEST

START_TEST(test_post_duplicates)
{
	static const char	*once[] = { "Subject: again",
				    "From: b@c.d", "Newsgroups: misc.test",
				    "Message-ID: <a@b.c>",
				    "Date: 1 Jan 2024 00:00 GMT",
				    "References: <a@b.c>",
				    "Supersedes: <a@b.c>",
				    NULL };
	char			 buf[512];
	size_t			 i;

	for (i = 0; once[i] != NULL; i++) {
		/* Two copies of each (the three required ones get a third). */
		snprintf(buf, sizeof buf, "%s\r\n%s\r\n", once[i], once[i]);
		ck_assert_int_eq(post_with(buf), -1);
		ck_assert_msg(strncmp(err, "Duplicate header: ", 18) == 0,
		    "%s: %s", once[i], err);
	}
	ck_assert_int_eq(post(HDRS "subject: twice\r\n" BODY), -1);
	ck_assert_str_eq(err, "Duplicate header: Subject");
}
END_TEST

START_TEST(test_post_header_chars)
{
	ck_assert_int_eq(post_with("X-Note: a\x01" "b\r\n"), -1);
	ck_assert_str_eq(err, "Header contains control character: X-Note");
	ck_assert_int_eq(post_with("X-Note: a\x7f\r\n"), -1);
	ck_assert_int_eq(post_with("X-Note: a\x1b[31m\r\n"), -1);
	/* A bare CR inside a header line is kept, then refused. */
	ck_assert_int_eq(post_with("X-Note: a\rInjected: b\r\n"), -1);
	ck_assert_str_eq(err, "Header contains control character: X-Note");
}
END_TEST

START_TEST(test_post_newsgroups)
{
	ck_assert_int_eq(post_groups("misc.test"), 0);
	ck_assert_int_eq(post_groups("misc.test,alt.test"), 0);
	ck_assert_int_eq(post_groups("misc.test, alt.test"), 0);
	ck_assert_int_eq(post_groups(" misc.test , alt.test "), 0);
	ck_assert_int_eq(post_groups("Misc.Test"), 0);
	ck_assert_int_eq(post_groups("comp.lang.c++,a-b_c.d+e.f9"), 0);
	ck_assert_int_eq(post_groups("misc.test,\r\n alt.test"), 0);

	ck_assert_int_eq(post_groups("misc test"), -1);
	ck_assert_str_eq(err, "Newsgroups syntax invalid");
	ck_assert_int_eq(post_groups("misc.test alt.test"), -1);
	ck_assert_int_eq(post_groups("misc.test,"), -1);
	ck_assert_int_eq(post_groups(",misc.test"), -1);
	ck_assert_int_eq(post_groups("misc.test,,alt.test"), -1);
	ck_assert_int_eq(post_groups("misc..test"), -1);
	ck_assert_int_eq(post_groups(".misc.test"), -1);
	ck_assert_int_eq(post_groups("misc.test."), -1);
	ck_assert_int_eq(post_groups("misc.te$t"), -1);
	ck_assert_int_eq(post_groups("misc.test;alt.test"), -1);
	ck_assert_int_eq(post_groups("misc.*"), -1);
	ck_assert_int_eq(post_groups("caf\xc3\xa9"), -1);
}
END_TEST

START_TEST(test_post_followup)
{
	ck_assert_int_eq(post_with("Followup-To: poster\r\n"), 0);
	ck_assert_int_eq(post_with("Followup-To: Poster \r\n"), 0);
	ck_assert_int_eq(post_with("Followup-To: misc.test, alt.test\r\n"), 0);
	ck_assert_int_eq(post_with("Followup-To: misc test\r\n"), -1);
	ck_assert_str_eq(err, "Followup-To syntax invalid");
	ck_assert_int_eq(post_with("Followup-To: poster,misc.test\r\n"), 0);
	ck_assert_int_eq(post_with("Followup-To: poster something\r\n"), -1);
}
END_TEST

START_TEST(test_post_msgid)
{
	ck_assert_int_eq(post_with("Message-ID: abc@example.com\r\n"), -1);
	ck_assert_str_eq(err, "Message-ID syntax invalid");
	ck_assert_int_eq(post_with("Message-ID: <abc def@example.com>\r\n"),
	    -1);
	ck_assert_int_eq(post_with("Message-ID: <abc>\r\n"), -1);
	ck_assert_int_eq(post_with("Message-ID:\r\n"), -1);
	ck_assert_int_eq(post_with("Supersedes: <a@b.c>\r\n"), 0);
	ck_assert_int_eq(post_with("Supersedes: a@b.c\r\n"), -1);
	ck_assert_str_eq(err, "Supersedes syntax invalid");
}
END_TEST

START_TEST(test_post_from)
{
	ck_assert_int_eq(post_from("alice@example.com"), 0);
	ck_assert_int_eq(post_from("Alice <alice@example.com>"), 0);
	ck_assert_int_eq(post_from("<alice@example.com>"), 0);
	ck_assert_int_eq(post_from("alice@example.com (Alice)"), 0);
	ck_assert_int_eq(post_from("alice@example.com (Alice (nested) B.)"),
	    0);
	ck_assert_int_eq(post_from("\"Doe, John\" <john@example.com>"), 0);
	ck_assert_int_eq(post_from("\"A <fake@x>\" <real@example.com>"), 0);
	ck_assert_int_eq(post_from("=?UTF-8?Q?Al=C3=AFce?= <a@example.com>"),
	    0);
	ck_assert_int_eq(post_from("Al\xc3\xaf" "ce <a@example.com>"), 0);
	ck_assert_int_eq(post_from("john.q.public+news@mail.example.org"), 0);
	ck_assert_int_eq(post_from("\"john doe\"@example.com"), 0);
	ck_assert_int_eq(post_from("user@localhost"), 0);
	ck_assert_int_eq(post_from("user@[192.0.2.1]"), 0);
	ck_assert_int_eq(post_from("a@b.c, d@e.f"), 0);
	ck_assert_int_eq(post_from("A <a@b.c>, D <d@e.f>"), 0);

	ck_assert_int_eq(post_from("Alice"), -1);
	ck_assert_str_eq(err, "From header has no valid address");
	ck_assert_int_eq(post_from("Alice <>"), -1);
	ck_assert_int_eq(post_from("Alice <alice>"), -1);
	ck_assert_int_eq(post_from("Alice <alice@example.com"), -1);
	ck_assert_int_eq(post_from("<@example.com>"), -1);
	ck_assert_int_eq(post_from("alice@"), -1);
	ck_assert_int_eq(post_from("@example.com"), -1);
	ck_assert_int_eq(post_from("alice@.example.com"), -1);
	ck_assert_int_eq(post_from("alice@example.com."), -1);
	ck_assert_int_eq(post_from("alice@example..com"), -1);
	ck_assert_int_eq(post_from("alice@exa mple.com"), -1);
	ck_assert_int_eq(post_from("al ice@example.com"), -1);
	ck_assert_int_eq(post_from("(alice@example.com)"), -1);
	ck_assert_int_eq(post_from("Alice (alice@example.com)"), -1);
	ck_assert_int_eq(post_from("alice@exa<mple.com"), -1);
	ck_assert_int_eq(post_from("\"alice@example.com\""), -1);
}
END_TEST

START_TEST(test_post_date)
{
	ck_assert_int_eq(post_with("Date: Mon, 01 Jan 2024 00:00:00 +0000\r\n"),
	    0);
	ck_assert_int_eq(post_with("Date: yesterday\r\n"), -1);
	ck_assert_str_eq(err, "Date header unparseable");
	ck_assert_int_eq(post_with("Date: 30 Feb 2024 00:00:00 +0000\r\n"),
	    -1);
}
END_TEST

/*
 * Parse then validate s as a relayed article (IHAVE, TAKETHIS).
 */
static int
transit(const char *s)
{
	struct article	a;
	int		rc;

	if (parse(s, &a) != 0)
		return -1;
	rc = article_validate(&a, ARTICLE_TRANSIT, err, sizeof err);
	article_free(&a);
	return rc;
}

#define TMID	"Message-ID: <t1@far.example>\r\n"
#define TDATE	"Date: Mon, 01 Jan 2024 00:00:00 +0000\r\n"

/* A relayed article with the given Path value (NULL: no Path). */
static int
transit_path(const char *path)
{
	char	buf[4096];

	if (path == NULL)
		snprintf(buf, sizeof buf, HDRS TMID TDATE BODY);
	else
		snprintf(buf, sizeof buf, "Path: %s\r\n" HDRS TMID TDATE BODY,
		    path);
	return transit(buf);
}

START_TEST(test_transit_required)
{
	ck_assert_int_eq(transit_path("far.example!not-for-mail"), 0);
	/* The six fields of RFC 5536 §3.1, each missing in turn. */
	ck_assert_int_eq(transit_path(NULL), -1);
	ck_assert_str_eq(err, "Missing required header: Path");
	ck_assert_int_eq(transit("Path: a!b\r\n" HDRS TDATE BODY), -1);
	ck_assert_str_eq(err, "Missing required header: Message-ID");
	ck_assert_int_eq(transit("Path: a!b\r\n" HDRS TMID BODY), -1);
	ck_assert_str_eq(err, "Missing required header: Date");
	ck_assert_int_eq(transit("Path: a!b\r\n" NGS SUBJ TMID TDATE BODY),
	    -1);
	ck_assert_str_eq(err, "Missing required header: From");
	ck_assert_int_eq(transit("Path: a!b\r\n" FROM NGS TMID TDATE BODY),
	    -1);
	ck_assert_str_eq(err, "Missing required header: Subject");
	ck_assert_int_eq(transit("Path: a!b\r\n" FROM SUBJ TMID TDATE BODY),
	    -1);
	ck_assert_str_eq(err, "Missing required header: Newsgroups");
	ck_assert_int_eq(transit("Path: a!b\r\nDate: soon\r\n" HDRS TMID
	    BODY), -1);
	ck_assert_str_eq(err, "Date header unparseable");
	ck_assert_int_eq(transit("Path: a!b\r\nMessage-ID: <x>\r\n" HDRS
	    TDATE BODY), -1);
	ck_assert_str_eq(err, "Message-ID syntax invalid");
	/* The rest is POST's: the same function. */
	ck_assert_int_eq(transit("Path: a!b\r\nFrom: nobody\r\n" NGS SUBJ
	    TMID TDATE BODY), -1);
	ck_assert_str_eq(err, "From header has no valid address");
	ck_assert_int_eq(transit("Path: a!b\r\n" HDRS SUBJ TMID TDATE BODY),
	    -1);
	ck_assert_str_eq(err, "Duplicate header: Subject");
	/* A post needs none of the three. */
	ck_assert_int_eq(post(HDRS BODY), 0);
}
END_TEST

START_TEST(test_transit_path)
{
	static const char *good[] = {
		"not-for-mail",
		"far.away",
		"a.example!b.example!not-for-mail",
		"foo.isp.example!.SEEN.isp.example!foo-news!.MISMATCH."
		    "2001:DB8:0:0:8:800:200C:417A!bar.isp.example!!old.site."
		    "example!barbaz!!baz.isp.example!.POSTED.dialup123.baz."
		    "isp.example!not-for-mail",
		"a.example!.POSTED!not-for-mail",
		"a.example ! b.example !\tnot-for-mail",
		"a_b:1!c-d!e",
	};
	static const char *bad[] = {
		"",
		"   ",
		"a.example!",
		"!a.example",
		"a..example!b x!c",
		"a example!b",
		"a.example!!!b",
		".POSTED!not-for-mail",
		"a.example!.POSTED",
		"a.example!.!b",
		"a.example!.SEEN.!b",
		"a.example!.SEEN.-x!b",
		"a,b,c",
		"user@host!b",
		"-a!b",
		"a!b!.x9!c",
	};
	size_t	i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(transit_path(good[i]) == 0, "%s: %s", good[i],
		    err);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(transit_path(bad[i]) == -1, "%s accepted",
		    bad[i]);
		ck_assert_msg(strcmp(err, "Path syntax invalid") == 0 ||
		    strcmp(err, "Empty header: Path") == 0, "%s: %s", bad[i],
		    err);
	}
	/* A post's Path, when it has one, is held to the same syntax. */
	ck_assert_int_eq(post_with("Path: a!b\r\n"), 0);
	ck_assert_int_eq(post_with("Path: a b\r\n"), -1);
	ck_assert_str_eq(err, "Path syntax invalid");
}
END_TEST

START_TEST(test_post_body)
{
	ck_assert_int_eq(post(HDRS "\r\ncaf\xc3\xa9\r\n"), 0);
	ck_assert_int_eq(post(HDRS "\r\ncaf\xe9\r\n"), -1);
	ck_assert_str_eq(err, "Body contains invalid UTF-8");
	ck_assert_int_eq(post(HDRS "\r\n\xed\xa0\x80\r\n"), -1);
	ck_assert_int_eq(post(HDRS "Content-Type: text/plain\r\n"
	    "\r\ncaf\xe9\r\n"), -1);
	ck_assert_int_eq(post(HDRS "Content-Type: text/plain; "
	    "charset=utf-8\r\n\r\ncaf\xe9\r\n"), -1);
	ck_assert_int_eq(post(HDRS "Content-Type: text/plain; "
	    "charset=US-ASCII\r\n\r\ncaf\xe9\r\n"), -1);
	ck_assert_int_eq(post(HDRS "Content-Type: text/plain; "
	    "charset=\"UTF-8\"; format=flowed\r\n\r\ncaf\xe9\r\n"), -1);

	/* Another charset declared: any bytes go. */
	ck_assert_int_eq(post(HDRS "Content-Type: text/plain; "
	    "charset=ISO-8859-1\r\n\r\ncaf\xe9\r\n"), 0);
	ck_assert_int_eq(post(HDRS "Content-Type: text/plain; "
	    "format=flowed; charset=\"iso-8859-15\"\r\n\r\ncaf\xe9\r\n"), 0);
	ck_assert_int_eq(post(HDRS "Content-Type: TEXT/PLAIN;\r\n"
	    "\tCHARSET=windows-1252\r\n\r\ncaf\xe9\r\n"), 0);
	/* Non-text types carry their own charsets or are binary. */
	ck_assert_int_eq(post(HDRS "Content-Type: multipart/mixed; "
	    "boundary=\"x\"\r\n\r\n--x\r\ncaf\xe9\r\n--x--\r\n"), 0);
}
END_TEST

START_TEST(test_msgid)
{
	char	buf[300];

	ck_assert_int_eq(msgid_valid("<abc@example.com>"), 1);
	ck_assert_int_eq(msgid_valid("<a@b>"), 1);
	ck_assert_int_eq(msgid_valid("<a.b.c@x.y.z>"), 1);
	ck_assert_int_eq(msgid_valid("<123$abc%def@news.example.org>"), 1);
	ck_assert_int_eq(msgid_valid("<part1.part2@[127.0.0.1]>"), 1);
	ck_assert_int_eq(msgid_valid("<a@[b@c]>"), 1);
	ck_assert_int_eq(msgid_valid("<a..b@example.com>"), 1);
	ck_assert_int_eq(msgid_valid("<\"q\"@example.com>"), 1);
	ck_assert_int_eq(msgid_valid("<!#$%&'*+-/=?^_`{|}~@x>"), 1);

	ck_assert_int_eq(msgid_valid(""), 0);
	ck_assert_int_eq(msgid_valid("<>"), 0);
	ck_assert_int_eq(msgid_valid("<@>"), 0);
	ck_assert_int_eq(msgid_valid("abc@example.com"), 0);
	ck_assert_int_eq(msgid_valid("<abc@example.com"), 0);
	ck_assert_int_eq(msgid_valid("abc@example.com>"), 0);
	ck_assert_int_eq(msgid_valid("<abc>"), 0);
	ck_assert_int_eq(msgid_valid("<abc.example.com>"), 0);
	ck_assert_int_eq(msgid_valid("<@example.com>"), 0);
	ck_assert_int_eq(msgid_valid("<abc@>"), 0);
	ck_assert_int_eq(msgid_valid("<abc def@example.com>"), 0);
	ck_assert_int_eq(msgid_valid("<abc@exam ple.com>"), 0);
	ck_assert_int_eq(msgid_valid(" <abc@example.com>"), 0);
	ck_assert_int_eq(msgid_valid("<abc@example.com> "), 0);
	ck_assert_int_eq(msgid_valid("<abc\t@example.com>"), 0);
	ck_assert_int_eq(msgid_valid("<a\x01" "b@example.com>"), 0);
	ck_assert_int_eq(msgid_valid("<a\x7f" "b@example.com>"), 0);
	ck_assert_int_eq(msgid_valid("<a>b@example.com>"), 0);
	ck_assert_int_eq(msgid_valid("<a<b@example.com>"), 0);
	ck_assert_int_eq(msgid_valid("<a@b@c>"), 0);
	ck_assert_int_eq(msgid_valid("<a@.b>"), 0);
	ck_assert_int_eq(msgid_valid("<a@b.>"), 0);
	ck_assert_int_eq(msgid_valid("<a@b..c>"), 0);
	ck_assert_int_eq(msgid_valid("<a@[b>"), 0);
	ck_assert_int_eq(msgid_valid("<a@[b]c>"), 0);
	ck_assert_int_eq(msgid_valid("<a@[b[c]>"), 0);
	ck_assert_int_eq(msgid_valid("<a@b\\c>"), 0);
	ck_assert_int_eq(msgid_valid("<caf\xc3\xa9@example.com>"), 0);
	ck_assert_int_eq(msgid_valid("<a@b>\r\n"), 0);

	/* 250 octets including the brackets is the limit. */
	buf[0] = '<';
	memset(buf + 1, 'x', 236);
	memcpy(buf + 237, "@example.com>", 14);
	ck_assert_uint_eq(strlen(buf), 250);
	ck_assert_int_eq(msgid_valid(buf), 1);
	buf[0] = 'x';
	buf[1] = '<';
	ck_assert_int_eq(msgid_valid(buf + 1), 1);	/* 249 */
	buf[0] = '<';
	buf[1] = 'x';
	memmove(buf + 2, buf + 1, 250);
	ck_assert_uint_eq(strlen(buf), 251);
	ck_assert_int_eq(msgid_valid(buf), 0);
}
END_TEST

START_TEST(test_newsgroup_name)
{
	ck_assert_int_eq(newsgroup_name_valid("misc.test"), 1);
	ck_assert_int_eq(newsgroup_name_valid("a"), 1);
	ck_assert_int_eq(newsgroup_name_valid("alt.binaries.pictures"), 1);
	ck_assert_int_eq(newsgroup_name_valid("comp.lang.c++"), 1);
	ck_assert_int_eq(newsgroup_name_valid("x-y_z+1.2"), 1);
	ck_assert_int_eq(newsgroup_name_valid("Misc.Test"), 1);
	ck_assert_int_eq(newsgroup_name_valid("0.1"), 1);

	ck_assert_int_eq(newsgroup_name_valid(""), 0);
	ck_assert_int_eq(newsgroup_name_valid("."), 0);
	ck_assert_int_eq(newsgroup_name_valid(".a"), 0);
	ck_assert_int_eq(newsgroup_name_valid("a."), 0);
	ck_assert_int_eq(newsgroup_name_valid("a..b"), 0);
	ck_assert_int_eq(newsgroup_name_valid("a b"), 0);
	ck_assert_int_eq(newsgroup_name_valid("a,b"), 0);
	ck_assert_int_eq(newsgroup_name_valid("a*"), 0);
	ck_assert_int_eq(newsgroup_name_valid("a?"), 0);
	ck_assert_int_eq(newsgroup_name_valid("a/b"), 0);
	ck_assert_int_eq(newsgroup_name_valid("a:b"), 0);
	ck_assert_int_eq(newsgroup_name_valid("a!b"), 0);
	ck_assert_int_eq(newsgroup_name_valid("a\tb"), 0);
	ck_assert_int_eq(newsgroup_name_valid("caf\xc3\xa9"), 0);
}
END_TEST

/* Dates that must parse, and the time they stand for. */
static const struct {
	const char	*s;
	long long	 t;
} good_dates[] = {
	{ "Mon, 01 Jan 2024 00:00:00 +0000", 1704067200 },
	{ "1 Jan 2024 00:00:00 +0000", 1704067200 },
	{ "Mon, 1 Jan 2024 01:00:00 +0100", 1704067200 },
	{ "Mon, 1 Jan 2024 05:30:00 +0530", 1704067200 },
	{ "Sun, 31 Dec 2023 19:00:00 -0500", 1704067200 },
	{ "Sun, 31 Dec 2023 19:00:00 EST", 1704067200 },
	{ "Sun, 31 Dec 2023 20:00:00 EDT", 1704067200 },
	{ "Sun, 31 Dec 2023 18:00:00 CST", 1704067200 },
	{ "Sun, 31 Dec 2023 19:00:00 CDT", 1704067200 },
	{ "Sun, 31 Dec 2023 17:00:00 MST", 1704067200 },
	{ "Sun, 31 Dec 2023 18:00:00 MDT", 1704067200 },
	{ "Sun, 31 Dec 2023 16:00:00 PST", 1704067200 },
	{ "Sun, 31 Dec 2023 17:00:00 PDT", 1704067200 },
	{ "Mon, 01 Jan 2024 00:00:00 GMT", 1704067200 },
	{ "Mon, 01 Jan 2024 00:00:00 UT", 1704067200 },
	{ "Mon, 01 Jan 2024 00:00:00 UTC", 1704067200 },
	{ "Mon, 01 Jan 2024 00:00:00 Z", 1704067200 },
	{ "Mon, 01 Jan 2024 00:00:00 A", 1704067200 },	/* military */
	{ "Mon, 01 Jan 2024 00:00:00 -0000", 1704067200 },
	{ "Mon, 01 Jan 2024 00:00 +0000", 1704067200 },	/* no seconds */
	{ "Mon, 01 Jan 2024 00:00:00", 1704067200 },	/* no zone */
	{ "Monday, 01 January 2024 00:00:00 +0000", 1704067200 },
	{ "mon, 01 jan 2024 00:00:00 gmt", 1704067200 },
	{ "MON, 01 JAN 2024 00:00:00 GMT", 1704067200 },
	{ "Mon,01 Jan 2024 00:00:00 +0000", 1704067200 },
	{ "Mon 01 Jan 2024 00:00:00 +0000", 1704067200 },
	{ "Mon ,  01  Jan  2024  00:00:00  +0000", 1704067200 },
	{ "01Jan2024 00:00:00 +0000", 1704067200 },
	{ "  \t Mon, 01 Jan 2024 00:00:00 +0000 \r\n", 1704067200 },
	{ "Mon, 01 Jan 2024 00:00:00 +0000 (UTC)", 1704067200 },
	{ "Mon, 01 Jan 2024 01:00:00 +0100 (CET)", 1704067200 },
	{ "(c) Mon, (x) 01 Jan (y (nested \\) paren)) 2024 00:00:00 +0000",
	    1704067200 },
	{ "Mon, 01 Jan 2024 00:00:00 +0000 (unterminated", 1704067200 },
	{ "Mon,\r\n 01 Jan 2024\r\n 00:00:00 +0000", 1704067200 },
	{ "Tue, 01 Jan 2024 00:00:00 +0000", 1704067200 },	/* wrong dow */
	{ "Fri, 13 Feb 09 23:31:30 +0000", 1234567890 },	/* 2-digit */
	{ "13 Feb 70 00:00:00 GMT", 3715200 },
	{ "1 Jan 49 00:00:00 +0000", 2493072000LL },
	{ "1 Jan 50 00:00:00 +0000", -631152000LL },
	{ "1 Jan 100 00:00:00 +0000", 946684800 },		/* 3-digit */
	{ "Fri, 31 Dec 99 23:59:59 +0000", 946684799 },
	{ "Thu, 01 Jan 1970 00:00:00 +0000", 0 },
	{ "Thu, 29 Feb 2024 12:00:00 +0000", 1709208000 },
	{ "Tue, 29 Feb 2000 00:00:00 +0000", 951782400 },
	{ "Tue, 19 Jan 2038 03:14:08 +0000", 2147483648LL },
	{ "Tue, 30 Jun 2015 23:59:60 +0000", 1435708800 },	/* leap sec */
	{ "Mon, 01 Jan 2024 00:00:00 +1400", 1704016800 },
	{ "Mon, 01 Jan 2024 00:00:00 -1400", 1704117600 },
	{ "1 Jan 1950 00:00:00 GMT", -631152000LL },
};

/* Strings that must not parse. */
static const char *bad_dates[] = {
	"",
	"   ",
	"garbage",
	"yesterday",
	"2024-01-01T00:00:00Z",
	"2024-01-01 00:00:00",
	"01/01/2024 00:00:00",
	"Mon, 01 Jan 2024",
	"Mon, 01 Jan 2024 00",
	"Mon, 01 Jan 2024 00:",
	"Mon, 01 Jan 2024 00:0",
	"Mon, 01 Jan 2024 0:0:0 +0000",
	"Mon, 01 Jan 2024 000:00:00 +0000",
	"Mon, 01 Jan 2024 00:00:0 +0000",
	"Mon, 01 Jan 2024 24:00:00 +0000",
	"Mon, 01 Jan 2024 12:60:00 +0000",
	"Mon, 01 Jan 2024 12:00:61 +0000",
	"Mon, 00 Jan 2024 00:00:00 +0000",
	"Mon, 32 Jan 2024 00:00:00 +0000",
	"Mon, 001 Jan 2024 00:00:00 +0000",
	"Thu, 31 Apr 2024 00:00:00 +0000",
	"Thu, 30 Feb 2024 00:00:00 +0000",
	"Wed, 29 Feb 2023 00:00:00 +0000",
	"Thu, 29 Feb 1900 00:00:00 +0000",
	"Mon, 01 Foo 2024 00:00:00 +0000",
	"Mon, 01 Ja 2024 00:00:00 +0000",
	"Mon, 01 Janu 2024 00:00:00 +0000",
	"Xyz, 01 Jan 2024 00:00:00 +0000",
	"Mo, 01 Jan 2024 00:00:00 +0000",
	"Mon, 01 Jan 1 00:00:00 +0000",
	"Mon, 01 Jan 20245 00:00:00 +0000",
	"Mon, 01 Jan 1899 00:00:00 +0000",
	"Mon, 01 Jan 2024 00:00:00 +01",
	"Mon, 01 Jan 2024 00:00:00 +01000",
	"Mon, 01 Jan 2024 00:00:00 +0160",
	"Mon, 01 Jan 2024 00:00:00 0000",
	"Mon, 01 Jan 2024 00:00:00 +",
	"Mon, 01 Jan 2024 00:00:00 CET",
	"Mon, 01 Jan 2024 00:00:00 J",
	"Mon, 01 Jan 2024 00:00:00 +0000 extra",
	"Mon, 01 Jan 2024 00:00:00 +0000 GMT",
	"Mon, 01 Jan 2024 00:00:00 +0000,",
	"Mon, Jan 01 2024 00:00:00 +0000",
	"Mon Jan  1 00:00:00 2024",
	"Mon, , 01 Jan 2024 00:00:00 +0000",
};

START_TEST(test_date_good)
{
	time_t	t = article_parse_date(good_dates[_i].s);

	ck_assert_msg((long long)t == good_dates[_i].t,
	    "\"%s\": got %lld, want %lld", good_dates[_i].s, (long long)t,
	    good_dates[_i].t);
}
END_TEST

START_TEST(test_date_bad)
{
	time_t	t = article_parse_date(bad_dates[_i]);

	ck_assert_msg(t == (time_t)-1, "\"%s\": got %lld, want -1",
	    bad_dates[_i], (long long)t);
}
END_TEST

START_TEST(test_overview_field)
{
	char	*s;

	s = article_overview_field("plain subject");
	ck_assert_str_eq(s, "plain subject");
	free(s);
	s = article_overview_field("a\tb");
	ck_assert_str_eq(s, "a b");
	free(s);
	s = article_overview_field("a\t\tb");
	ck_assert_str_eq(s, "a  b");
	free(s);
	s = article_overview_field("a\rb\nc");
	ck_assert_str_eq(s, "a b c");
	free(s);
	/* A CRLF pair is a fold: removed, keeping the WSP after it. */
	s = article_overview_field("folded\r\n\tline");
	ck_assert_str_eq(s, "folded line");
	free(s);
	s = article_overview_field("end\r\n");
	ck_assert_str_eq(s, "end");
	free(s);
	s = article_overview_field("\n\r");
	ck_assert_str_eq(s, "  ");
	free(s);
	s = article_overview_field("");
	ck_assert_str_eq(s, "");
	free(s);
	s = article_overview_field("caf\xc3\xa9\t\xe2\x82\xac");
	ck_assert_str_eq(s, "caf\xc3\xa9 \xe2\x82\xac");
	free(s);
}
END_TEST

/* RFC 5536 §3.1.5: which sites a Path names, and which injected it. */
START_TEST(test_path_sites)
{
	char	buf[64];

	ck_assert(article_path_has("a.example!b.example!not-for-mail",
	    "b.example"));
	ck_assert(article_path_has("a.example!B.Example!x", "b.example"));
	ck_assert(article_path_has("a.example !! b.example!x", "b.example"));
	/* The tail entry and diagnostics name no site. */
	ck_assert(!article_path_has("a.example!b.example", "b.example"));
	ck_assert(!article_path_has("a.example!.POSTED.b.example!x",
	    "b.example"));
	ck_assert(!article_path_has("a.example!bb.example!x", "b.example"));
	ck_assert(!article_path_has(NULL, "b.example"));

	ck_assert_int_eq(article_path_injector("c!b!.POSTED!not-for-mail",
	    buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "b");
	ck_assert_int_eq(article_path_injector(
	    "c!b.example!.POSTED.192.0.2.1!not-for-mail", buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "b.example");
	ck_assert_int_eq(article_path_injector("c!b!not-for-mail", buf,
	    sizeof buf), -1);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(article_path_injector("c!.SEEN.b!x", buf,
	    sizeof buf), -1);
}
END_TEST

/* article_first_reference(): the web's thread of an article. */
START_TEST(test_first_reference)
{
	char		 buf[64];
	const char	*h;

#define FIRST(hdr) article_first_reference((hdr), strlen(hdr), buf, \
	sizeof buf)
	h = "From: a@b.c\r\nReferences: <r1@x> <r2@x>\r\nSubject: s\r\n\r\n";
	ck_assert_int_eq(FIRST(h), 1);
	ck_assert_str_eq(buf, "<r1@x>");
	/* Folded, the name in another case, LF line ends. */
	h = "Subject: s\nREFERENCES:\n <f@x>\n\t<g@x>\nFrom: a@b.c\n\n";
	ck_assert_int_eq(FIRST(h), 1);
	ck_assert_str_eq(buf, "<f@x>");
	/* The first field of the header. */
	h = "references: <first@x>\r\n\r\n";
	ck_assert_int_eq(FIRST(h), 1);
	ck_assert_str_eq(buf, "<first@x>");
	/* None: no field, an empty one, a name inside another field. */
	ck_assert_int_eq(FIRST("From: a@b.c\r\nSubject: s\r\n\r\n"), 0);
	ck_assert_int_eq(FIRST("References:\r\nSubject: <no@x>\r\n\r\n"), 0);
	ck_assert_int_eq(FIRST("X-Old-References: <no@x>\r\n\r\n"), 0);
	ck_assert_int_eq(FIRST("Subject: a\r\n references: <no@x>\r\n"), 0);
	/* Unclosed, or longer than the buffer. */
	ck_assert_int_eq(FIRST("References: <open@x\r\n\r\n"), 0);
	ck_assert_int_eq(FIRST("References: <aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@x>\r\n\r\n"), 0);
#undef FIRST
}
END_TEST

static Suite *
article_suite(void)
{
	Suite	*s = suite_create("article");
	TCase	*tc;

	tc = tcase_create("parse");
	tcase_add_test(tc, test_parse_basic);
	tcase_add_test(tc, test_parse_lf_only);
	tcase_add_test(tc, test_parse_folding);
	tcase_add_test(tc, test_parse_many_folds);
	tcase_add_test(tc, test_parse_whitespace);
	tcase_add_test(tc, test_parse_body_shapes);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_parse_nul);
	tcase_add_test(tc, test_parse_line_limit);
	tcase_add_test(tc, test_parse_header_limit);
	tcase_add_test(tc, test_header_get);
	suite_add_tcase(s, tc);

	tc = tcase_create("post");
	tcase_add_test(tc, test_post_valid);
	tcase_add_test(tc, test_post_required);
	tcase_add_test(tc, test_post_duplicates);
	tcase_add_test(tc, test_post_header_chars);
	tcase_add_test(tc, test_post_newsgroups);
	tcase_add_test(tc, test_post_followup);
	tcase_add_test(tc, test_post_msgid);
	tcase_add_test(tc, test_post_from);
	tcase_add_test(tc, test_post_date);
	tcase_add_test(tc, test_post_body);
	tcase_add_test(tc, test_transit_required);
	tcase_add_test(tc, test_transit_path);
	suite_add_tcase(s, tc);

	tc = tcase_create("syntax");
	tcase_add_test(tc, test_msgid);
	tcase_add_test(tc, test_newsgroup_name);
	tcase_add_loop_test(tc, test_date_good, 0,
	    (int)(sizeof good_dates / sizeof good_dates[0]));
	tcase_add_loop_test(tc, test_date_bad, 0,
	    (int)(sizeof bad_dates / sizeof bad_dates[0]));
	tcase_add_test(tc, test_overview_field);
	tcase_add_test(tc, test_path_sites);
	tcase_add_test(tc, test_first_reference);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(article_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
