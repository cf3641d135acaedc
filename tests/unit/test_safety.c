/*
 * test_safety.c -- crisis phrases: folding and whole-word matching.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safety.h"
#include "xmalloc.h"

static struct safety *
load_etc(void)
{
	const char	*src = getenv("HEARTH_SRCDIR");
	char		*path, err[256];
	struct safety	*sf;

	ck_assert_ptr_nonnull(src);
	xasprintf(&path, "%s/etc/crisis-phrases.conf", src);
	sf = safety_load(path, err, sizeof err);
	ck_assert_msg(sf != NULL, "%s", err);
	free(path);
	return sf;
}

static const char *
m(struct safety *sf, const char *s)
{
	return safety_match(sf, s, strlen(s));
}

START_TEST(fold)
{
	char	*f = safety_fold("  I WANT, to—die!!  ", 22);

	ck_assert_str_eq(f, " i want to die ");
	free(f);
	f = safety_fold("ХОЧУ УМЕРЕТЬ... Ёлка", strlen("ХОЧУ УМЕРЕТЬ... Ёлка"));
	ck_assert_str_eq(f, " хочу умереть елка ");
	free(f);
}
END_TEST

START_TEST(english)
{
	struct safety	*sf = load_etc();

	ck_assert_int_gt(safety_count(sf), 10);
	ck_assert_str_eq(m(sf, "Some days I just WANT TO DIE."),
	    "en:want to die");
	ck_assert_ptr_nonnull(m(sf, "thinking about suicide lately"));
	ck_assert_ptr_nonnull(m(sf, "i'd be better-off   dead"));
	/* Whole words only. */
	ck_assert_ptr_null(m(sf, "I want to diet before surgery"));
	ck_assert_ptr_null(m(sf, "the suicides statistics paper"));
	ck_assert_ptr_null(m(sf, "Chemo went fine, feeling hopeful"));
	safety_free(sf);
}
END_TEST

START_TEST(russian)
{
	struct safety	*sf = load_etc();

	ck_assert_str_eq(m(sf, "Я больше НЕ ХОЧУ ЖИТЬ, правда."),
	    "ru:не хочу жить");
	ck_assert_ptr_nonnull(m(sf, "думаю покончить  с собой"));
	ck_assert_ptr_nonnull(m(sf, "Лучше бы я умерла."));
	ck_assert_ptr_null(m(sf, "хочу уметь готовить"));
	safety_free(sf);
}
END_TEST

START_TEST(hostile_input)
{
	struct safety	*sf = load_etc();
	const char	 bad[] = "want \xff\xfe to die \xc0\xaf";

	/*
	 * Invalid bytes separate words (erring towards a flag for the
	 * moderators) and never crash the matcher.
	 */
	ck_assert_ptr_nonnull(m(sf, "want\xffto die"));
	ck_assert_ptr_nonnull(safety_match(sf, bad, sizeof bad - 1));
	ck_assert_ptr_null(safety_match(sf, "", 0));
	safety_free(sf);
}
END_TEST

START_TEST(bad_files)
{
	char	 path[] = "/tmp/hearth-safety-XXXXXX", err[256];
	int	 fd = mkstemp(path);
	FILE	*f = fdopen(fd, "w");

	fputs("# comment\nen\n", f);
	fclose(f);
	ck_assert_ptr_null(safety_load(path, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, ":2: expected LANG PHRASE"));
	f = fopen(path, "w");
	fputs("en  ...!!!\n", f);
	fclose(f);
	ck_assert_ptr_null(safety_load(path, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, ":1: phrase has no words"));
	remove(path);
	ck_assert_ptr_null(safety_load("/nonexistent/x", err, sizeof err));
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("safety");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, fold);
	tcase_add_test(tc, english);
	tcase_add_test(tc, russian);
	tcase_add_test(tc, hostile_input);
	tcase_add_test(tc, bad_files);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
