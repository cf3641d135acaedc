/*
 * test_form.c -- urlencoded form bodies and cookies (parse/form.c).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"

static int
parse(const char *body, struct form *f)
{
	return form_parse(body, strlen(body), f);
}

START_TEST(simple_fields)
{
	struct form	f;

	ck_assert_int_eq(parse("name=anna&password=s3cret%21&csrf=abc", &f),
	    0);
	ck_assert_uint_eq(f.n, 3);
	ck_assert_str_eq(form_get(&f, "name"), "anna");
	ck_assert_str_eq(form_get(&f, "password"), "s3cret!");
	ck_assert_str_eq(form_get(&f, "csrf"), "abc");
	ck_assert_ptr_null(form_get(&f, "Name"));
	form_free(&f);
}
END_TEST

START_TEST(decoding)
{
	struct form	f;

	/* '+' is a space, %2B a plus, Cyrillic in UTF-8, CRLF kept. */
	ck_assert_int_eq(parse("text=a+b%2Bc%0D%0A%D0%B4%D0%B0&empty=&bare",
	    &f), 0);
	ck_assert_str_eq(form_get(&f, "text"), "a b+c\r\n\xd0\xb4\xd0\xb0");
	ck_assert_uint_eq(f.f[0].value_len, 11);
	ck_assert_str_eq(form_get(&f, "empty"), "");
	ck_assert_str_eq(form_get(&f, "bare"), "");
	form_free(&f);
	/* Empty pairs are skipped; an empty body is an empty form. */
	ck_assert_int_eq(parse("&&a=1&", &f), 0);
	ck_assert_uint_eq(f.n, 1);
	form_free(&f);
	ck_assert_int_eq(parse("", &f), 0);
	ck_assert_uint_eq(f.n, 0);
	form_free(&f);
	/* A value may hold '='. */
	ck_assert_int_eq(parse("k=a=b", &f), 0);
	ck_assert_str_eq(form_get(&f, "k"), "a=b");
	form_free(&f);
}
END_TEST

START_TEST(repeated_names)
{
	struct form	f;

	ck_assert_int_eq(parse("g=a&g=b&x=1", &f), 0);
	ck_assert_str_eq(form_get(&f, "g"), "a");
	ck_assert_uint_eq(form_count(&f, "g"), 2);
	ck_assert_uint_eq(form_count(&f, "y"), 0);
	form_free(&f);
}
END_TEST

START_TEST(malformed)
{
	struct form	f;

	ck_assert_int_eq(parse("a=%", &f), -1);
	ck_assert_int_eq(parse("a=%4", &f), -1);
	ck_assert_int_eq(parse("a=%zz", &f), -1);
	ck_assert_int_eq(parse("a=%00", &f), -1);	/* NUL */
	ck_assert_int_eq(parse("a=%C3%28", &f), -1);	/* not UTF-8 */
	ck_assert_int_eq(parse("a=%FF", &f), -1);
	ck_assert_int_eq(parse("=v", &f), -1);		/* no name */
	ck_assert_int_eq(parse("%00=v", &f), -1);
}
END_TEST

START_TEST(bounds)
{
	struct form	 f;
	char		*s;
	size_t		 i;

	/* FORM_MAX_FIELDS pairs pass, one more does not. */
	s = malloc(FORM_MAX_FIELDS * 8 + 16);
	s[0] = '\0';
	for (i = 0; i < FORM_MAX_FIELDS; i++)
		strcat(s, "a=1&");
	ck_assert_int_eq(parse(s, &f), 0);
	ck_assert_uint_eq(f.n, FORM_MAX_FIELDS);
	form_free(&f);
	strcat(s, "b=2");
	ck_assert_int_eq(parse(s, &f), -1);
	free(s);
	/* A name of FORM_MAX_NAME bytes passes, one more does not. */
	s = malloc(FORM_MAX_NAME + 8);
	memset(s, 'n', FORM_MAX_NAME);
	strcpy(s + FORM_MAX_NAME, "=v");
	ck_assert_int_eq(parse(s, &f), 0);
	form_free(&f);
	memset(s, 'n', FORM_MAX_NAME + 1);
	strcpy(s + FORM_MAX_NAME + 1, "=v");
	ck_assert_int_eq(parse(s, &f), -1);
	free(s);
	/* The body itself. */
	s = malloc(FORM_MAX_BODY + 2);
	memset(s, 'v', FORM_MAX_BODY + 1);
	memcpy(s, "k=", 2);
	s[FORM_MAX_BODY + 1] = '\0';
	ck_assert_int_eq(form_parse(s, FORM_MAX_BODY + 1, &f), -1);
	ck_assert_int_eq(form_parse(s, FORM_MAX_BODY, &f), 0);
	ck_assert_uint_eq(f.f[0].value_len, FORM_MAX_BODY - 2);
	form_free(&f);
	free(s);
}
END_TEST

START_TEST(cookies)
{
	char	v[16];

	ck_assert_int_eq(form_cookie("a=1; sid=xyz; b=2", "sid", v, sizeof v),
	    0);
	ck_assert_str_eq(v, "xyz");
	ck_assert_int_eq(form_cookie("sid=\"q\"", "sid", v, sizeof v), 0);
	ck_assert_str_eq(v, "q");
	ck_assert_int_eq(form_cookie("xsid=1;sid=2", "sid", v, sizeof v), 0);
	ck_assert_str_eq(v, "2");
	ck_assert_int_eq(form_cookie("a=1", "sid", v, sizeof v), -1);
	ck_assert_int_eq(form_cookie("sid=", "sid", v, sizeof v), -1);
	/* Twice: which one would be the session is not ours to guess. */
	ck_assert_int_eq(form_cookie("sid=1; sid=2", "sid", v, sizeof v), -1);
	ck_assert_int_eq(form_cookie("sid=0123456789abcdef", "sid", v,
	    sizeof v), -1);
	ck_assert_int_eq(form_cookie(NULL, "sid", v, sizeof v), -1);
}
END_TEST

static Suite *
form_suite(void)
{
	Suite	*s = suite_create("form");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, simple_fields);
	tcase_add_test(tc, decoding);
	tcase_add_test(tc, repeated_names);
	tcase_add_test(tc, malformed);
	tcase_add_test(tc, bounds);
	tcase_add_test(tc, cookies);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(form_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
