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

static void
count(const char *text, int links, int emails)
{
	int	l = -1, e = -1;

	safety_count_links(text, strlen(text), &l, &e);
	ck_assert_msg(l == links && e == emails, "%s: %d links %d emails",
	    text, l, e);
}

START_TEST(links_and_addresses)
{
	count("", 0, 0);
	count("no links here, just words.", 0, 0);
	count("see https://example.org/x and www.example.org", 2, 0);
	count("<http://a.example>, (ftp://b.example/f).", 2, 0);
	count("HTTPS://A.EXAMPLE irc://chat.example/#room", 2, 0);
	count("mail alice@example.org or mailto:bob@example.org", 0, 2);
	count("\"carol@mail.example.com\"; dave@example.net.", 0, 2);
	/* Not addresses: a lone @, a handle, no dot after the @. */
	count("@everyone ask @doctor, me@localhost, @ 5@", 0, 0);
	/* Not links: the word "www." alone, a scheme without a host. */
	count("www. http:// 3://x", 0, 0);
	/* Quoted lines are someone else's words. */
	count("> http://a.example x@y.example\n> www.b.example\nok "
	    "http://c.example\n", 1, 0);
	count("line one\n>quoted http://a.example\r\nhttp://b.example", 1,
	    0);
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
	tcase_add_test(tc, links_and_addresses);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
