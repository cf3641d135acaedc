/*
 * test_webpush.c -- the pure pieces of Web Push: base64url, endpoint
 * URLs, the address classes push may not reach, the aes128gcm record
 * layout.  (tests/proto/test_webpush.py decrypts real pushes.)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "webpush.h"

START_TEST(b64url)
{
	unsigned char	 buf[16];
	size_t		 n;
	char		*s;

	s = webpush_b64url((const unsigned char *)"\xfb\xff\xbf", 3);
	ck_assert_str_eq(s, "-_-_");
	free(s);
	s = webpush_b64url((const unsigned char *)"fo", 2);
	ck_assert_str_eq(s, "Zm8");
	free(s);
	ck_assert_int_eq(webpush_unb64url("Zm8", buf, sizeof buf, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(memcmp(buf, "fo", 2), 0);
	ck_assert_int_eq(webpush_unb64url("Zm8=", buf, sizeof buf, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(webpush_unb64url("-_-_", buf, sizeof buf, &n), 0);
	ck_assert_int_eq(memcmp(buf, "\xfb\xff\xbf", 3), 0);
	/* Standard alphabet, stray bits, too long: refused. */
	ck_assert_int_eq(webpush_unb64url("+/+/", buf, sizeof buf, &n), -1);
	ck_assert_int_eq(webpush_unb64url("Zm9", buf, sizeof buf, &n), -1);
	ck_assert_int_eq(webpush_unb64url("Z", buf, sizeof buf, &n), -1);
	ck_assert_int_eq(webpush_unb64url("Zm9vYmFy", buf, 5, &n), -1);
}
END_TEST

START_TEST(urls)
{
	struct webpush_url	u;

	ck_assert_int_eq(webpush_url_parse(
	    "https://Push.Example.org/wpush/v2/abc?x=1", &u), 0);
	ck_assert_str_eq(u.host, "push.example.org");
	ck_assert_str_eq(u.port, "443");
	ck_assert_str_eq(u.path, "/wpush/v2/abc?x=1");
	ck_assert_str_eq(u.origin, "https://push.example.org");
	ck_assert_int_eq(u.literal, 0);
	webpush_url_clear(&u);
	ck_assert_int_eq(webpush_url_parse("HTTPS://[2001:db8::1]:8443",
	    &u), 0);
	ck_assert_str_eq(u.host, "2001:db8::1");
	ck_assert_str_eq(u.port, "8443");
	ck_assert_str_eq(u.path, "/");
	ck_assert_str_eq(u.origin, "https://[2001:db8::1]:8443");
	ck_assert_str_eq(u.hostport, "[2001:db8::1]:8443");
	ck_assert_int_eq(u.literal, 6);
	webpush_url_clear(&u);
	ck_assert_int_eq(webpush_url_parse("https://192.0.2.7:9/p", &u), 0);
	ck_assert_int_eq(u.literal, 4);
	webpush_url_clear(&u);
	ck_assert_int_eq(webpush_url_parse("http://push.example/x", &u), -1);
	ck_assert_int_eq(webpush_url_parse("https://", &u), -1);
	ck_assert_int_eq(webpush_url_parse("https://u:p@h.example/", &u), -1);
	ck_assert_int_eq(webpush_url_parse("https://h.example/#frag", &u),
	    -1);
	ck_assert_int_eq(webpush_url_parse("https://h.example:0/", &u), -1);
	ck_assert_int_eq(webpush_url_parse("https://h.example:65536/", &u),
	    -1);
	ck_assert_int_eq(webpush_url_parse("https://h.example:/", &u), -1);
	ck_assert_int_eq(webpush_url_parse("https://2001:db8::1/", &u), -1);
	ck_assert_int_eq(webpush_url_parse("https://[h.example]/", &u), -1);
	ck_assert_int_eq(webpush_url_parse("https://h_x.example/", &u), -1);
	ck_assert_int_eq(webpush_url_parse("https://h.example/\x7f", &u), -1);
}
END_TEST

static int
refused(const char *a)
{
	struct sockaddr_in	s4;
	struct sockaddr_in6	s6;

	memset(&s4, 0, sizeof s4);
	memset(&s6, 0, sizeof s6);
	if (inet_pton(AF_INET, a, &s4.sin_addr) == 1) {
		s4.sin_family = AF_INET;
		return webpush_addr_refused((struct sockaddr *)&s4);
	}
	ck_assert_int_eq(inet_pton(AF_INET6, a, &s6.sin6_addr), 1);
	s6.sin6_family = AF_INET6;
	return webpush_addr_refused((struct sockaddr *)&s6);
}

START_TEST(addresses)
{
	const char	*no[] = { "127.0.0.1", "127.255.0.9", "10.0.0.1",
	    "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
	    "100.64.0.1", "0.0.0.0", "224.0.0.1", "239.1.1.1",
	    "255.255.255.255", "::", "::1", "fe80::1", "fc00::1", "fd12::1",
	    "fec0::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3",
	    "::ffff:169.254.1.1", "::127.0.0.1" };
	const char	*yes[] = { "8.8.8.8", "172.15.255.255", "172.32.0.1",
	    "100.63.255.255", "100.128.0.1", "192.0.2.1", "2001:db8::1",
	    "2a00:1450::1", "::ffff:8.8.8.8" };
	size_t		 i;

	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		ck_assert_msg(refused(no[i]), "%s not refused", no[i]);
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		ck_assert_msg(!refused(yes[i]), "%s refused", yes[i]);
}
END_TEST

/* A valid P-256 point: the generator of the curve. */
static const unsigned char gen[65] = { 0x04,
	0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6,
	0xe5, 0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb,
	0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
	0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb,
	0x4a, 0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31,
	0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5 };

START_TEST(record)
{
	unsigned char	 auth[16] = { 1 }, salt[16] = { 9, 8, 7 }, bad[65],
			*out = NULL;
	size_t		 n = 0;
	const char	*line = "@msgid=x :a!b@c PRIVMSG d :hello";

	ck_assert_int_eq(webpush_encrypt(gen, auth,
	    (const unsigned char *)line, strlen(line), salt, &out, &n), 0);
	/* salt, rs = 4096, idlen 65, the sender's key, text + 2 + tag */
	ck_assert_uint_eq(n, 86 + strlen(line) + 1 + 16);
	ck_assert_int_eq(memcmp(out, salt, 16), 0);
	ck_assert_int_eq(memcmp(out + 16, "\0\0\x10\0", 4), 0);
	ck_assert_int_eq(out[20], 65);
	ck_assert_int_eq(out[21], 4);
	ck_assert_ptr_null(memmem(out, n, "hello", 5));
	free(out);
	/* A point off the curve is refused. */
	memcpy(bad, gen, sizeof bad);
	bad[64] ^= 1;
	ck_assert_int_eq(webpush_encrypt(bad, auth,
	    (const unsigned char *)line, strlen(line), salt, &out, &n), -1);
}
END_TEST

static Suite *
webpush_suite(void)
{
	Suite	*s = suite_create("webpush");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, b64url);
	tcase_add_test(tc, urls);
	tcase_add_test(tc, addresses);
	tcase_add_test(tc, record);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(webpush_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
