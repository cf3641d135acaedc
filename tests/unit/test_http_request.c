/*
 * test_http_request.c -- the HTTP/1.x request head parser (RFC 9112).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "http-request.h"

#define MAX_BODY	65536

static struct http_request	 req;
static char			 buf[65536];

/* Parse TEXT (a copy) and return the verdict. */
static int
parse(const char *text)
{
	size_t	n = strlen(text);

	ck_assert_uint_lt(n, sizeof buf);
	memcpy(buf, text, n + 1);
	return http_request_parse(buf, n, MAX_BODY, &req);
}

/* A header block of N copies of LINE after a valid request line. */
static char *
with_fields(const char *line, int n)
{
	size_t	 l = strlen(line), i;
	char	*s = malloc(64 + l * (size_t)n);

	strcpy(s, "GET / HTTP/1.1\r\nHost: h\r\n");
	for (i = 0; i < (size_t)n; i++)
		strcat(s, line);
	strcat(s, "\r\n");
	return s;
}

START_TEST(simple_get)
{
	ck_assert_int_eq(parse("GET /feeds/events.atom?x=1 HTTP/1.1\r\n"
	    "Host: hearth.test:8080\r\nAccept-Encoding:  gzip \t\r\n"
	    "X-Empty:\r\n\r\nNEXT"), HTTP_REQ_DONE);
	ck_assert_int_eq(req.method, HTTP_M_GET);
	ck_assert_str_eq(req.target, "/feeds/events.atom?x=1");
	ck_assert_uint_eq(req.target_len, 22);
	ck_assert_int_eq(req.minor, 1);
	ck_assert_uint_eq(req.nfields, 3);
	ck_assert_str_eq(req.host, "hearth.test:8080");
	ck_assert_str_eq(http_request_field(&req, "accept-encoding"), "gzip");
	ck_assert_str_eq(http_request_field(&req, "X-EMPTY"), "");
	ck_assert_ptr_null(http_request_field(&req, "Cookie"));
	ck_assert(req.keep_alive);
	ck_assert_uint_eq(req.content_length, 0);
	ck_assert_str_eq(buf + req.head_len, "NEXT");
}
END_TEST

START_TEST(incomplete_heads_wait)
{
	const char	*full = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
	size_t		 i;

	for (i = 0; i < strlen(full); i++) {
		memcpy(buf, full, i);
		ck_assert_int_eq(http_request_parse(buf, i, MAX_BODY, &req),
		    HTTP_REQ_MORE);
		/* Nothing is written until the head is complete. */
		ck_assert(memcmp(buf, full, i) == 0);
	}
	ck_assert_int_eq(parse(full), HTTP_REQ_DONE);
	ck_assert_uint_eq(req.head_len, strlen(full));
}
END_TEST

START_TEST(versions_and_keep_alive)
{
	ck_assert_int_eq(parse("HEAD / HTTP/1.0\n\n"), HTTP_REQ_DONE);
	ck_assert_int_eq(req.method, HTTP_M_HEAD);
	ck_assert_int_eq(req.minor, 0);
	ck_assert(!req.keep_alive);
	ck_assert_ptr_null(req.host);
	ck_assert_int_eq(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n"
	    "\r\n"), HTTP_REQ_DONE);
	ck_assert(req.keep_alive);
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: "
	    "TE, close\r\n\r\n"), HTTP_REQ_DONE);
	ck_assert(!req.keep_alive);
	/* A later 1.x minor is served as 1.1. */
	ck_assert_int_eq(parse("GET / HTTP/1.7\r\nHost: h\r\n\r\n"),
	    HTTP_REQ_DONE);
	ck_assert_int_eq(req.minor, 1);
	ck_assert_int_eq(parse("GET / HTTP/2.0\r\n\r\n"), 505);
	ck_assert_int_eq(parse("GET / HTTP/0.9\r\n\r\n"), 505);
	ck_assert_int_eq(parse("GET / HTTP/1\r\n\r\n"), 400);
	ck_assert_int_eq(parse("GET / http/1.1\r\nHost: h\r\n\r\n"), 400);
	ck_assert_int_eq(parse("GET /\r\n\r\n"), 400);
	/* Empty lines before the request line are ignored. */
	ck_assert_int_eq(parse("\r\n\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"),
	    HTTP_REQ_DONE);
}
END_TEST

START_TEST(methods)
{
	ck_assert_int_eq(parse("BREW / HTTP/1.1\r\nHost: h\r\n\r\n"),
	    HTTP_REQ_DONE);
	ck_assert_int_eq(req.method, HTTP_M_OTHER);
	ck_assert_int_eq(parse("get / HTTP/1.1\r\nHost: h\r\n\r\n"),
	    HTTP_REQ_DONE);
	ck_assert_int_eq(req.method, HTTP_M_OTHER);	/* case-sensitive */
	ck_assert_int_eq(parse("DELETE / HTTP/1.1\r\nHost: h\r\n\r\n"),
	    HTTP_REQ_DONE);
	ck_assert_int_eq(req.method, HTTP_M_DELETE);
	ck_assert_str_eq(http_method_name(HTTP_M_DELETE), "DELETE");
	ck_assert_int_eq(parse("GE(T / HTTP/1.1\r\n\r\n"), 400);
	ck_assert_int_eq(parse("\x16\x03\x01\x02"), 400);
}
END_TEST

START_TEST(host_rules)
{
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\n\r\n"), 400);
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"),
	    400);
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"), 400);
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n"), 400);
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n"),
	    HTTP_REQ_DONE);
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost:\r\n\r\n"),
	    HTTP_REQ_DONE);
}
END_TEST

START_TEST(content_length)
{
	ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: h\r\n"
	    "Content-Length: 0005\r\n\r\nhello"), HTTP_REQ_DONE);
	ck_assert_uint_eq(req.content_length, 5);
	ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: h\r\n"
	    "Content-Length: 65536\r\n\r\n"), HTTP_REQ_DONE);
	ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: h\r\n"
	    "Content-Length: 65537\r\n\r\n"), 413);
	ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: h\r\n"
	    "Content-Length: 99999999999999999999999999\r\n\r\n"), 413);
	ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: h\r\n"
	    "Content-Length: 5\r\nContent-Length: 6\r\n\r\n"), 400);
	ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: h\r\n"
	    "Content-Length: 5\r\ncontent-length: 5\r\n\r\n"), 400);
	ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: h\r\n"
	    "Content-Length: 5, 5\r\n\r\n"), 400);
	ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: h\r\n"
	    "Content-Length: +5\r\n\r\n"), 400);
	ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: h\r\n"
	    "Content-Length:\r\n\r\n"), 400);
	ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: h\r\n"
	    "Content-Length : 5\r\n\r\n"), 400);
	ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: h\r\n"
	    "Content-Length: 5x\r\n\r\n"), 400);
}
END_TEST

START_TEST(transfer_encoding_refused)
{
	ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: h\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"), 501);
	ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: h\r\n"
	    "Transfer-Encoding: gzip, Chunked\r\n\r\n"), 501);
	ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: h\r\n"
	    "Transfer-Encoding: chunked, gzip\r\n\r\n"), 400);
	ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: h\r\n"
	    "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"), 400);
	ck_assert_int_eq(parse("POST / HTTP/1.0\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"), 400);
	ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: h\r\n"
	    "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n"), 400);
}
END_TEST

START_TEST(bad_field_lines)
{
	/* obs-fold, leading whitespace, bare CR, NUL, DEL, no colon. */
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n"
	    "\r\n"), 400);
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\n Host: h\r\n\r\n"), 400);
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n"),
	    400);
	ck_assert_int_eq(parse("GET / HTTP/1.1\rHost: h\r\n\r\n"), 400);
	memcpy(buf, "GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n", 34);
	ck_assert_int_eq(http_request_parse(buf, 34, MAX_BODY, &req), 400);
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n"),
	    400);
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n"),
	    400);
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n"),
	    400);
	ck_assert_int_eq(parse("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
	ck_assert_int_eq(parse("GET /\x80 HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
	/* obs-text is allowed in values. */
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: h\r\nX: \xd0\xb4\r\n"
	    "\r\n"), HTTP_REQ_DONE);
}
END_TEST

START_TEST(caps)
{
	char	*s, *t;

	s = with_fields("X-A: v\r\n", HTTP_REQ_MAX_FIELDS - 1);
	ck_assert_int_eq(parse(s), HTTP_REQ_DONE);
	free(s);
	s = with_fields("X-A: v\r\n", HTTP_REQ_MAX_FIELDS);
	ck_assert_int_eq(parse(s), 431);
	free(s);
	/* One long field line, complete or still arriving. */
	t = malloc(HTTP_REQ_MAX_FIELD + 16);
	memset(t, 'v', HTTP_REQ_MAX_FIELD + 15);
	memcpy(t, "X-Long: ", 8);
	strcpy(t + HTTP_REQ_MAX_FIELD + 2, "\r\n");
	s = with_fields(t, 1);
	ck_assert_int_eq(parse(s), 431);
	s[strlen(s) - 4] = '\0';
	ck_assert_int_eq(parse(s), 431);
	free(s);
	free(t);
	/* Many fields, each short, together past the head cap. */
	t = malloc(1024);
	memset(t, 'w', 1000);
	memcpy(t, "X-W: ", 5);
	strcpy(t + 1000, "\r\n");
	s = with_fields(t, 20);
	ck_assert_int_eq(parse(s), 431);
	free(s);
	free(t);
	/* A long target: 414; a long line that is no request: 400. */
	s = malloc(HTTP_REQ_MAX_LINE + 64);
	strcpy(s, "GET /");
	memset(s + 5, 'a', HTTP_REQ_MAX_LINE);
	strcpy(s + 5 + HTTP_REQ_MAX_LINE, " HTTP/1.1\r\nHost: h\r\n\r\n");
	ck_assert_int_eq(parse(s), 414);
	s[5 + HTTP_REQ_MAX_LINE] = '\0';
	ck_assert_int_eq(parse(s), 414);
	memset(s, 'a', HTTP_REQ_MAX_LINE + 5);
	ck_assert_int_eq(parse(s), 400);
	free(s);
}
END_TEST

START_TEST(list_tokens)
{
	ck_assert(http_list_has("keep-alive", "Keep-Alive"));
	ck_assert(http_list_has(" a , close ,b", "close"));
	ck_assert(!http_list_has("closed", "close"));
	ck_assert(!http_list_has("", "close"));
	ck_assert(!http_list_has(NULL, "close"));
}
END_TEST

static Suite *
http_request_suite(void)
{
	Suite	*s = suite_create("http_request");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, simple_get);
	tcase_add_test(tc, incomplete_heads_wait);
	tcase_add_test(tc, versions_and_keep_alive);
	tcase_add_test(tc, methods);
	tcase_add_test(tc, host_rules);
	tcase_add_test(tc, content_length);
	tcase_add_test(tc, transfer_encoding_refused);
	tcase_add_test(tc, bad_field_lines);
	tcase_add_test(tc, caps);
	tcase_add_test(tc, list_tokens);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(http_request_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
