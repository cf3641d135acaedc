/*
 * test_sasl.c -- unit tests for sasl.c: base64, SASL PLAIN, AUTHENTICATE
 * chunk accumulation.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sasl.h"
#include "xmalloc.h"

/* Decode a NUL-terminated base64 string; returns base64_decode()'s. */
static int
b64d(const char *in, unsigned char **out, size_t *outlen)
{
	return base64_decode(in, strlen(in), out, outlen);
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

/* Free the three PLAIN outputs, wiping the password first. */
static void
plain_free(char *authzid, char *authcid, char *passwd)
{
	free(authzid);
	free(authcid);
	if (passwd != NULL)
		memset(passwd, 0, strlen(passwd));
	free(passwd);
}

START_TEST(test_base64_rfc4648)
{
	static const struct {
		const char	*plain;
		const char	*enc;
	} v[] = {
		{ "", "" },
		{ "f", "Zg==" },
		{ "fo", "Zm8=" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	unsigned char	*out;
	char		*enc;
	size_t		 i, outlen;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		enc = base64_encode((const unsigned char *)v[i].plain,
		    strlen(v[i].plain));
		ck_assert_str_eq(enc, v[i].enc);
		free(enc);

		ck_assert_int_eq(b64d(v[i].enc, &out, &outlen), 0);
		ck_assert_uint_eq(outlen, strlen(v[i].plain));
		ck_assert_mem_eq(out, v[i].plain, outlen);
		free(out);
	}
}
END_TEST

START_TEST(test_base64_binary)
{
	unsigned char	 in[256], *out;
	char		*enc;
	size_t		 i, n, outlen;

	for (i = 0; i < sizeof in; i++)
		in[i] = (unsigned char)(255 - i);
	for (n = 0; n <= sizeof in; n += 17) {
		enc = base64_encode(in, n);
		ck_assert_uint_eq(strlen(enc), (n + 2) / 3 * 4);
		ck_assert_int_eq(b64d(enc, &out, &outlen), 0);
		ck_assert_uint_eq(outlen, n);
		ck_assert_mem_eq(out, in, n);
		free(out);
		free(enc);
	}

	ck_assert_int_eq(b64d("+/+/", &out, &outlen), 0);
	ck_assert_uint_eq(outlen, 3);
	ck_assert_int_eq(out[0], 0xfb);
	ck_assert_int_eq(out[1], 0xff);
	ck_assert_int_eq(out[2], 0xbf);
	free(out);
}
END_TEST

START_TEST(test_base64_strict)
{
	static const char *bad[] = {
		"Zg", "Zg=", "Zm9", "Z", "Zg===",	/* length */
		"====", "Z===", "=Zg=", "Z=g=", "Zg=a",	/* padding */
		"Zg==Zg==", "Zm8=Zm9v",			/* padding mid-way */
		"Zh==", "Zm9=",				/* non-zero pad bits */
		"Zm 9", "Zm9v\n", " Zm9v", "Zm9v\r\n",	/* whitespace */
		"Zm-v", "Zm_v", "Zm.v", "Zm9\xc3",	/* alphabet */
	};
	unsigned char	*out;
	size_t		 i, outlen;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		out = (unsigned char *)"x";
		outlen = 99;
		ck_assert_msg(b64d(bad[i], &out, &outlen) == -1,
		    "accepted %s", bad[i]);
		ck_assert_ptr_null(out);
		ck_assert_uint_eq(outlen, 0);
	}

	/* An embedded NUL is not base64 either. */
	ck_assert_int_eq(base64_decode("Zm\0v", 4, &out, &outlen), -1);
}
END_TEST

START_TEST(test_plain_ok)
{
	char		*z, *c, *p;
	unsigned char	*buf;
	size_t		 len;

	ck_assert_int_eq(sasl_plain_decode((const unsigned char *)
	    "\0alice\0secret", 13, &z, &c, &p), 0);
	ck_assert_str_eq(z, "");
	ck_assert_str_eq(c, "alice");
	ck_assert_str_eq(p, "secret");
	plain_free(z, c, p);

	ck_assert_int_eq(sasl_plain_decode((const unsigned char *)
	    "admin\0alice\0pass word", 21, &z, &c, &p), 0);
	ck_assert_str_eq(z, "admin");
	ck_assert_str_eq(c, "alice");
	ck_assert_str_eq(p, "pass word");
	plain_free(z, c, p);

	/* Through base64, as AUTHENTICATE carries it (IRCv3 example). */
	ck_assert_int_eq(b64d("amlsbGVzAGppbGxlcwBzZXNhbWU=", &buf, &len), 0);
	ck_assert_int_eq(sasl_plain_decode(buf, len, &z, &c, &p), 0);
	ck_assert_str_eq(z, "jilles");
	ck_assert_str_eq(c, "jilles");
	ck_assert_str_eq(p, "sesame");
	plain_free(z, c, p);
	free(buf);

	/* UTF-8 password. */
	ck_assert_int_eq(b64d("AGFsaWNlAHMzY3LDqXQ=", &buf, &len), 0);
	ck_assert_int_eq(sasl_plain_decode(buf, len, &z, &c, &p), 0);
	ck_assert_str_eq(c, "alice");
	ck_assert_str_eq(p, "s3cr\xc3\xa9t");
	plain_free(z, c, p);
	free(buf);
}
END_TEST

START_TEST(test_plain_bad)
{
	static const struct {
		const char	*buf;
		size_t		 len;
	} bad[] = {
		{ "", 0 },
		{ "alicesecret", 11 },		/* no NUL */
		{ "alice\0secret", 12 },	/* one NUL */
		{ "\0alice\0secret\0", 14 },	/* three NULs */
		{ "a\0b\0c\0d", 7 },
		{ "\0\0\0", 3 },
		{ "\0alice\0", 7 },		/* empty password */
		{ "\0\0secret", 8 },		/* empty authcid */
		{ "\0\0", 2 },
		{ "\0al\xffice\0secret", 14 },	/* bad UTF-8 */
		{ "\0alice\0sec\xc0\x80", 12 },
		{ "\xfe\0alice\0secret", 14 },
	};
	char	*z, *c, *p;
	size_t	 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(sasl_plain_decode((const unsigned char *)
		    bad[i].buf, bad[i].len, &z, &c, &p) == -1,
		    "accepted case %zu", i);
		ck_assert_ptr_null(z);
		ck_assert_ptr_null(c);
		ck_assert_ptr_null(p);
	}
}
END_TEST

START_TEST(test_plain_lengths)
{
	const size_t	 f = SASL_PLAIN_FIELD_MAX;
	unsigned char	*buf;
	char		*z, *c, *p;
	size_t		 len;

	/* authzid NUL authcid NUL passwd, each at the maximum: accepted. */
	len = f * 3 + 2;
	buf = xmalloc(len);
	memset(buf, 'x', len);
	buf[f] = '\0';
	buf[2 * f + 1] = '\0';
	ck_assert_int_eq(sasl_plain_decode(buf, len, &z, &c, &p), 0);
	ck_assert_uint_eq(strlen(z), f);
	ck_assert_uint_eq(strlen(c), f);
	ck_assert_uint_eq(strlen(p), f);
	plain_free(z, c, p);
	free(buf);

	/* One byte more in any one field: refused. */
	len = (f + 1) + 2 + f + f;
	buf = xmalloc(len);
	memset(buf, 'x', len);
	buf[f + 1] = '\0';
	buf[2 * f + 2] = '\0';
	ck_assert_int_eq(sasl_plain_decode(buf, len, &z, &c, &p), -1);
	buf[f + 1] = 'x';
	buf[f] = '\0';
	ck_assert_int_eq(sasl_plain_decode(buf, len, &z, &c, &p), -1);
	buf[2 * f + 2] = 'x';
	buf[2 * f + 1] = '\0';
	ck_assert_int_eq(sasl_plain_decode(buf, len, &z, &c, &p), -1);
	free(buf);
}
END_TEST

START_TEST(test_buf_single)
{
	struct sasl_buf	 sb;
	unsigned char	*out;
	size_t		 outlen;

	sasl_buf_init(&sb);
	ck_assert_int_eq(sasl_buf_decode(&sb, &out, &outlen), -1);
	ck_assert_int_eq(sasl_buf_add(&sb, "Zm9vYmFy"), SASL_BUF_DONE);
	ck_assert_int_eq(sasl_buf_decode(&sb, &out, &outlen), 0);
	ck_assert_uint_eq(outlen, 6);
	ck_assert_mem_eq(out, "foobar", 6);
	free(out);
	/* Anything after the end is refused, the result stays usable. */
	ck_assert_int_eq(sasl_buf_add(&sb, "Zm9v"), SASL_BUF_BAD);
	ck_assert_int_eq(sasl_buf_decode(&sb, &out, &outlen), 0);
	free(out);
	sasl_buf_free(&sb);

	/* "+" alone is an empty response. */
	ck_assert_int_eq(sasl_buf_add(&sb, "+"), SASL_BUF_DONE);
	ck_assert_int_eq(sasl_buf_decode(&sb, &out, &outlen), 0);
	ck_assert_uint_eq(outlen, 0);
	free(out);
	sasl_buf_free(&sb);

	/* Valid alphabet, invalid base64: caught by the decode. */
	ck_assert_int_eq(sasl_buf_add(&sb, "Zg="), SASL_BUF_DONE);
	ck_assert_int_eq(sasl_buf_decode(&sb, &out, &outlen), -1);
	ck_assert_ptr_null(out);
	sasl_buf_free(&sb);
	sasl_buf_free(&sb);	/* twice is harmless */
}
END_TEST

START_TEST(test_buf_chunks)
{
	struct sasl_buf	 sb;
	unsigned char	 msg[660], *out;
	char		*enc, chunk[401];
	size_t		 i, outlen;

	/* 600 bytes encode to exactly 800: two full chunks, then "+". */
	for (i = 0; i < sizeof msg; i++)
		msg[i] = (unsigned char)(i * 7);
	enc = base64_encode(msg, 600);
	ck_assert_uint_eq(strlen(enc), 800);

	sasl_buf_init(&sb);
	memcpy(chunk, enc, 400);
	chunk[400] = '\0';
	ck_assert_int_eq(sasl_buf_add(&sb, chunk), SASL_BUF_MORE);
	ck_assert_int_eq(sasl_buf_decode(&sb, &out, &outlen), -1);
	memcpy(chunk, enc + 400, 400);
	ck_assert_int_eq(sasl_buf_add(&sb, chunk), SASL_BUF_MORE);
	ck_assert_int_eq(sasl_buf_add(&sb, "+"), SASL_BUF_DONE);
	ck_assert_int_eq(sasl_buf_decode(&sb, &out, &outlen), 0);
	ck_assert_uint_eq(outlen, 600);
	ck_assert_mem_eq(out, msg, 600);
	free(out);
	sasl_buf_free(&sb);
	free(enc);

	/* 400 + 400 + a short one. */
	enc = base64_encode(msg, 660);		/* 880 bytes */
	memcpy(chunk, enc, 400);
	ck_assert_int_eq(sasl_buf_add(&sb, chunk), SASL_BUF_MORE);
	memcpy(chunk, enc + 400, 400);
	ck_assert_int_eq(sasl_buf_add(&sb, chunk), SASL_BUF_MORE);
	ck_assert_int_eq(sasl_buf_add(&sb, enc + 800), SASL_BUF_DONE);
	ck_assert_int_eq(sasl_buf_decode(&sb, &out, &outlen), 0);
	ck_assert_uint_eq(outlen, 660);
	ck_assert_mem_eq(out, msg, 660);
	free(out);
	sasl_buf_free(&sb);
	free(enc);
}
END_TEST

START_TEST(test_buf_limits)
{
	struct sasl_buf	 sb;
	unsigned char	*out;
	char		*full, *tail;
	size_t		 i, outlen;

	full = repeat('A', SASL_CHUNK_LEN);

	/* 20 * 400 + 192 == 8192: the most allowed. */
	sasl_buf_init(&sb);
	for (i = 0; i < 20; i++)
		ck_assert_int_eq(sasl_buf_add(&sb, full), SASL_BUF_MORE);
	tail = repeat('A', 192);
	ck_assert_int_eq(sasl_buf_add(&sb, tail), SASL_BUF_DONE);
	ck_assert_int_eq(sasl_buf_decode(&sb, &out, &outlen), 0);
	ck_assert_uint_eq(outlen, SASL_BUF_MAX / 4 * 3);
	free(out);
	sasl_buf_free(&sb);
	free(tail);

	/* 8193 is one too many. */
	for (i = 0; i < 20; i++)
		ck_assert_int_eq(sasl_buf_add(&sb, full), SASL_BUF_MORE);
	tail = repeat('A', 193);
	ck_assert_int_eq(sasl_buf_add(&sb, tail), SASL_BUF_TOOLONG);
	ck_assert_int_eq(sasl_buf_add(&sb, "+"), SASL_BUF_TOOLONG);
	ck_assert_int_eq(sasl_buf_decode(&sb, &out, &outlen), -1);
	sasl_buf_free(&sb);
	free(tail);

	/* As is a 21st full chunk. */
	for (i = 0; i < 20; i++)
		ck_assert_int_eq(sasl_buf_add(&sb, full), SASL_BUF_MORE);
	ck_assert_int_eq(sasl_buf_add(&sb, full), SASL_BUF_TOOLONG);
	sasl_buf_free(&sb);
	free(full);
}
END_TEST

START_TEST(test_buf_bad)
{
	static const char *bad[] = {
		"", "*", "Zm9v Zm9v", "Zm9v\n", "Zm-v", "+*", "\xc3\xa9",
	};
	struct sasl_buf	 sb;
	unsigned char	*out;
	char		*big;
	size_t		 i, outlen;

	sasl_buf_init(&sb);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(sasl_buf_add(&sb, bad[i]) == SASL_BUF_BAD,
		    "accepted chunk %zu", i);
		ck_assert_int_eq(sasl_buf_decode(&sb, &out, &outlen), -1);
		/* The state sticks. */
		ck_assert_int_eq(sasl_buf_add(&sb, "Zm9v"), SASL_BUF_BAD);
		sasl_buf_free(&sb);
	}

	big = repeat('A', SASL_CHUNK_LEN + 1);
	ck_assert_int_eq(sasl_buf_add(&sb, big), SASL_BUF_BAD);
	sasl_buf_free(&sb);
	free(big);
}
END_TEST

/* SASLprep's mapping step: B.1 removed, C.1.2 made spaces, NFKC not. */
START_TEST(test_prep)
{
	char	*p;

	p = sasl_prep_password("pencil");
	ck_assert_str_eq(p, "pencil");
	free(p);
	/* Soft hyphen and zero-width joiner go; no-break and ideographic
	 * spaces are spaces; Cyrillic stays. */
	p = sasl_prep_password("\xd0\xbf\xc2\xad\xd0\xb0\xe2\x80\x8d"
	    "\xc2\xa0x\xe3\x80\x80y");
	ck_assert_str_eq(p, "\xd0\xbf\xd0\xb0 x y");
	free(p);
	/* Not UTF-8: used as it is. */
	p = sasl_prep_password("a\xc2\xad\xff");
	ck_assert_str_eq(p, "a\xc2\xad\xff");
	free(p);
}
END_TEST

#define FIRST(s)	sasl_scram_first((const unsigned char *)(s), \
			    strlen(s), &f)
#define FINAL(s)	sasl_scram_final((const unsigned char *)(s), \
			    strlen(s), &g)

START_TEST(test_scram_first)
{
	struct scram_first	f;

	ck_assert_int_eq(FIRST("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"),
	    SCRAM_OK);
	ck_assert_int_eq(f.cbflag, 'n');
	ck_assert_str_eq(f.gs2, "n,,");
	ck_assert_ptr_null(f.authzid);
	ck_assert_str_eq(f.user, "user");
	ck_assert_str_eq(f.nonce, "fyko+d2lbbFgONRv9qkxdawL");
	ck_assert_str_eq(f.bare, "n=user,r=fyko+d2lbbFgONRv9qkxdawL");
	sasl_scram_first_free(&f);
	/* 'y': the client could bind, thinks we cannot; escapes; ext. */
	ck_assert_int_eq(FIRST("y,a=b=2Cc=3D,n=b=2Cc=3D,r=abc,x=ext"),
	    SCRAM_OK);
	ck_assert_int_eq(f.cbflag, 'y');
	ck_assert_str_eq(f.gs2, "y,a=b=2Cc=3D,");
	ck_assert_str_eq(f.authzid, "b,c=");
	ck_assert_str_eq(f.user, "b,c=");
	ck_assert_str_eq(f.bare, "n=b=2Cc=3D,r=abc,x=ext");
	sasl_scram_first_free(&f);
	ck_assert_int_eq(FIRST("p=tls-unique,,n=user,r=abc"), SCRAM_CBIND);
	ck_assert_ptr_null(f.user);
	ck_assert_int_eq(FIRST("n,,m=x,n=user,r=abc"), SCRAM_EXTENSION);
	ck_assert_int_eq(FIRST(""), SCRAM_BAD);
	ck_assert_int_eq(FIRST("n,,"), SCRAM_BAD);
	ck_assert_int_eq(FIRST("x,,n=user,r=abc"), SCRAM_BAD);
	ck_assert_int_eq(FIRST("n,n=user,r=abc"), SCRAM_BAD);
	ck_assert_int_eq(FIRST("n,,r=abc,n=user"), SCRAM_BAD);
	ck_assert_int_eq(FIRST("n,,n=,r=abc"), SCRAM_BAD);
	ck_assert_int_eq(FIRST("n,,n=us=er,r=abc"), SCRAM_BAD);
	ck_assert_int_eq(FIRST("n,,n=user=2,r=abc"), SCRAM_BAD);
	ck_assert_int_eq(FIRST("n,,n=user,r="), SCRAM_BAD);
	ck_assert_int_eq(FIRST("n,,n=user,r=a b"), SCRAM_BAD);
	ck_assert_int_eq(FIRST("n,,n=user,r=abc,"), SCRAM_BAD);
	ck_assert_int_eq(FIRST("n,,n=user,r=abc,bogus"), SCRAM_BAD);
	ck_assert_int_eq(FIRST("n,x=y,n=user,r=abc"), SCRAM_BAD);
	ck_assert_int_eq(sasl_scram_first((const unsigned char *)
	    "n,,n=us\0er,r=abc", 16, &f), SCRAM_BAD);
	ck_assert_int_eq(FIRST("n,,n=\xff,r=abc"), SCRAM_BAD);
}
END_TEST

START_TEST(test_scram_final)
{
	struct scram_final	g;
	static const unsigned char proof[] = { 0x74, 0x7c, 0xdb, 0x65 };

	ck_assert_int_eq(FINAL("c=biws,r=abcdef,"
	    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="), SCRAM_OK);
	ck_assert_str_eq(g.cbind, "biws");
	ck_assert_str_eq(g.nonce, "abcdef");
	ck_assert_str_eq(g.without_proof, "c=biws,r=abcdef");
	ck_assert(memcmp(g.proof, proof, sizeof proof) == 0);
	sasl_scram_final_free(&g);
	/* Extensions before the proof belong to the signed part. */
	ck_assert_int_eq(FINAL("c=biws,r=abc,x=1,"
	    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="), SCRAM_OK);
	ck_assert_str_eq(g.without_proof, "c=biws,r=abc,x=1");
	sasl_scram_final_free(&g);
	ck_assert_int_eq(FINAL("c=biws,r=abc"), SCRAM_BAD);
	ck_assert_int_eq(FINAL("r=abc,c=biws,"
	    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="), SCRAM_BAD);
	/* A proof that is not base64, or not 32 bytes. */
	ck_assert_int_eq(FINAL("c=biws,r=abc,p=****"), SCRAM_BAD);
	ck_assert_int_eq(FINAL("c=biws,r=abc,p=AAAA"), SCRAM_BAD);
	ck_assert_int_eq(FINAL("c=biws,r=abc,"
	    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=,"), SCRAM_BAD);
	ck_assert_int_eq(FINAL(""), SCRAM_BAD);
}
END_TEST

static Suite *
sasl_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("sasl");

	tc = tcase_create("base64");
	tcase_add_test(tc, test_base64_rfc4648);
	tcase_add_test(tc, test_base64_binary);
	tcase_add_test(tc, test_base64_strict);
	suite_add_tcase(s, tc);

	tc = tcase_create("plain");
	tcase_add_test(tc, test_plain_ok);
	tcase_add_test(tc, test_plain_bad);
	tcase_add_test(tc, test_plain_lengths);
	suite_add_tcase(s, tc);

	tc = tcase_create("scram");
	tcase_add_test(tc, test_prep);
	tcase_add_test(tc, test_scram_first);
	tcase_add_test(tc, test_scram_final);
	suite_add_tcase(s, tc);

	tc = tcase_create("authenticate");
	tcase_add_test(tc, test_buf_single);
	tcase_add_test(tc, test_buf_chunks);
	tcase_add_test(tc, test_buf_limits);
	tcase_add_test(tc, test_buf_bad);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(sasl_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
