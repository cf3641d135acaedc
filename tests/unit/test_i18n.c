/*
 * test_i18n.c -- unit tests for i18n.c: the .mo reader (the build's
 * catalogues and broken files), lookups per language at once, plural
 * forms, Accept-Language negotiation.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"

/* The build tree's compiled catalogues (make check sets it). */
static const char *
locale_dir(void)
{
	const char	*d = getenv("HEARTH_LOCALE_DIR");

	return d != NULL ? d : "po";
}

static void
load(void)
{
	char	err[256];

	ck_assert_int_ge(i18n_load(locale_dir(), err, sizeof err), 2);
	i18n_set_default("ru");
}

START_TEST(test_each_reader_in_their_language)
{
	load();
	ck_assert_str_eq(i18n("ru", "Approved"), "Одобрено");
	ck_assert_str_eq(i18n("en", "Approved"), "Approved");
	/* NULL: the operator's default; region and case ignored. */
	ck_assert_str_eq(i18n(NULL, "Approved"), "Одобрено");
	ck_assert_str_eq(i18n("ru-RU", "Approved"), "Одобрено");
	ck_assert_str_eq(i18n("RU_ru.UTF-8", "Approved"), "Одобрено");
	/* Unknown text or language: the English msgid itself. */
	ck_assert_str_eq(i18n("ru", "no such text here"), "no such text here");
	ck_assert_str_eq(i18n("xx", "Approved"), "Approved");
	ck_assert_str_eq(i18n("ru", ""), "");
	ck_assert_str_eq(i18n_languages(), "en ru");
	ck_assert_str_eq(i18n_lang("RU"), "ru");
	ck_assert_str_eq(i18n_lang("en-GB"), "en");
	ck_assert_ptr_null(i18n_lang("de"));
	ck_assert_ptr_null(i18n_lang("r1"));
	i18n_set_default("en");
	ck_assert_str_eq(i18n(NULL, "Approved"), "Approved");
	ck_assert_str_eq(i18n_default(), "en");
}
END_TEST

START_TEST(test_plural_forms)
{
	const char	*one = "I will remind you %d minute before event #%lld "
			    "starts.";
	const char	*many = "I will remind you %d minutes before event "
			    "#%lld starts.";
	unsigned long	 n;

	load();
	ck_assert_str_eq(i18n_n("en", one, many, 1), one);
	ck_assert_str_eq(i18n_n("en", one, many, 2), many);
	ck_assert_ptr_nonnull(strstr(i18n_n("ru", one, many, 1), "минуту"));
	ck_assert_ptr_nonnull(strstr(i18n_n("ru", one, many, 21), "минуту"));
	ck_assert_ptr_nonnull(strstr(i18n_n("ru", one, many, 3), "минуты"));
	ck_assert_ptr_nonnull(strstr(i18n_n("ru", one, many, 24), "минуты"));
	for (n = 5; n <= 20; n++)
		ck_assert_ptr_nonnull(strstr(i18n_n("ru", one, many, n),
		    "минут "));
	ck_assert_ptr_nonnull(strstr(i18n_n("ru", one, many, 111), "минут "));
	ck_assert_ptr_nonnull(strstr(i18n_n("ru", one, many, 0), "минут "));
	/* No catalogue text: English rules on the msgids. */
	ck_assert_str_eq(i18n_n("ru", "a %d", "b %d", 1), "a %d");
	ck_assert_str_eq(i18n_n("ru", "a %d", "b %d", 5), "b %d");
}
END_TEST

START_TEST(test_accept_language)
{
	load();
	ck_assert_ptr_null(i18n_negotiate(NULL));
	ck_assert_ptr_null(i18n_negotiate(""));
	ck_assert_ptr_null(i18n_negotiate("de, fr;q=0.5"));
	ck_assert_str_eq(i18n_negotiate("ru"), "ru");
	ck_assert_str_eq(i18n_negotiate("en-US,en;q=0.9,ru;q=0.8"), "en");
	ck_assert_str_eq(i18n_negotiate("ru;q=0.2, en;q=0.8"), "en");
	ck_assert_str_eq(i18n_negotiate("de-DE, ru-RU;q=0.7, en;q=0.3"), "ru");
	ck_assert_ptr_null(i18n_negotiate("en;q=0, ru;q=0"));
	ck_assert_str_eq(i18n_negotiate("*"), "ru");
	ck_assert_str_eq(i18n_negotiate("  en ; q=0.5 ,ru;q=0.4"), "en");
	ck_assert_ptr_null(i18n_negotiate(";;;,,,q=1"));
}
END_TEST

/* Writes LEN bytes of DATA to a .mo in a new directory; returns it. */
static char *
dir_with(const char *name, const void *data, size_t len)
{
	char	 tmpl[] = "/tmp/hearth-i18n-XXXXXX", path[512], *d;
	FILE	*f;

	ck_assert_ptr_nonnull(d = mkdtemp(tmpl));
	snprintf(path, sizeof path, "%s/%s", d, name);
	ck_assert_ptr_nonnull(f = fopen(path, "wb"));
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
	return strdup(d);
}

static void
rm_dir(char *d, const char *name)
{
	char	path[512];

	snprintf(path, sizeof path, "%s/%s", d, name);
	unlink(path);
	rmdir(d);
	free(d);
}

START_TEST(test_broken_catalogues_refused)
{
	/* magic, revision, N=1, originals at 28, translations at 36 */
	unsigned int	 mo[12] = { 0x950412de, 0, 1, 28, 36, 0, 0,
			    /* originals */ 2, 44,
			    /* translations: offset far past the end */
			    2, 100000, 0 };
	char		 err[256], *d;

	load();
	/* An offset past the end: refused, the old catalogues stay. */
	d = dir_with("ru.mo", mo, sizeof mo);
	ck_assert_int_eq(i18n_load(d, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a GNU .mo"));
	ck_assert_str_eq(i18n("ru", "Approved"), "Одобрено");
	rm_dir(d, "ru.mo");
	/* Not a catalogue at all. */
	d = dir_with("ru.mo", "hello, this is not a catalogue file", 35);
	ck_assert_int_eq(i18n_load(d, err, sizeof err), -1);
	rm_dir(d, "ru.mo");
	/* A directory that is not there. */
	ck_assert_int_eq(i18n_load("/nonexistent/hearth", err, sizeof err),
	    -1);
	/* A good tiny one in the other byte order replaces them all. */
	{
		unsigned char	 b[64];
		unsigned int	 w[7] = { 0x950412de, 0, 1, 28, 36, 0, 0 };
		size_t		 i;

		memset(b, 0, sizeof b);
		for (i = 0; i < 7; i++) {
			b[i * 4] = (unsigned char)(w[i] >> 24);
			b[i * 4 + 1] = (unsigned char)(w[i] >> 16);
			b[i * 4 + 2] = (unsigned char)(w[i] >> 8);
			b[i * 4 + 3] = (unsigned char)w[i];
		}
		/* originals: len 2 at 44; translations: len 2 at 47 */
		b[31] = 2; b[35] = 44; b[39] = 2; b[43] = 47;
		memcpy(b + 44, "hi\0yo\0", 6);
		d = dir_with("xx.mo", b, 53);
		ck_assert_int_eq(i18n_load(d, err, sizeof err), 1);
		ck_assert_str_eq(i18n("xx", "hi"), "yo");
		ck_assert_str_eq(i18n("ru", "Approved"), "Approved");
		ck_assert_str_eq(i18n_languages(), "en xx");
		rm_dir(d, "xx.mo");
	}
	i18n_free();
}
END_TEST

static Suite *
i18n_suite(void)
{
	Suite	*s = suite_create("i18n");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_each_reader_in_their_language);
	tcase_add_test(tc, test_plural_forms);
	tcase_add_test(tc, test_accept_language);
	tcase_add_test(tc, test_broken_catalogues_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(i18n_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
