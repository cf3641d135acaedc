/*
 * test_names.c -- names.c: the repertoire, folding, skeletons, titles.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

static int
same_skeleton(const char *a, const char *b)
{
	char	*sa = names_skeleton(a), *sb = names_skeleton(b);
	int	 rc = strcmp(sa, sb) == 0;

	free(sa);
	free(sb);
	return rc;
}

static int
same_bare(const char *a, const char *b)
{
	char	*sa = names_bare_skeleton(a), *sb = names_bare_skeleton(b);
	int	 rc = strcmp(sa, sb) == 0;

	free(sa);
	free(sb);
	return rc;
}

START_TEST(check_names)
{
	/* Cyrillic and Latin, each alone. */
	ck_assert_int_eq(names_check(NAMES_NICK, "Маша", 30), NAMES_OK);
	ck_assert_int_eq(names_check(NAMES_ACCOUNT, "Мария", 30), NAMES_OK);
	ck_assert_int_eq(names_check(NAMES_NICK, "Алёна_[]^", 30), NAMES_OK);
	ck_assert_int_eq(names_check(NAMES_ACCOUNT, "Ёжик-2", 30), NAMES_OK);
	ck_assert_int_eq(names_check(NAMES_ACCOUNT, "Ґанна", 30), NAMES_OK);
	ck_assert_int_eq(names_check(NAMES_NICK, "[away]", 30), NAMES_OK);
	/* "Мaша" with a Latin a. */
	ck_assert_int_eq(names_check(NAMES_NICK, "М" "a" "ша", 30),
	    NAMES_MIXED_SCRIPT);
	ck_assert_int_eq(names_check(NAMES_ACCOUNT, "Olg\xd0\xb0", 30),
	    NAMES_MIXED_SCRIPT);
	/* Digits and specials belong to neither script. */
	ck_assert_int_eq(names_check(NAMES_NICK, "Маша_2", 30), NAMES_OK);
	ck_assert_int_eq(names_check(NAMES_NICK, "2Маша", 30),
	    NAMES_BAD_FIRST);
	ck_assert_int_eq(names_check(NAMES_ACCOUNT, "_x", 30),
	    NAMES_BAD_FIRST);
	ck_assert_int_eq(names_check(NAMES_ACCOUNT, "Я", 30),
	    NAMES_TOO_SHORT);
	ck_assert_int_eq(names_check(NAMES_NICK, "Я", 30), NAMES_OK);
	ck_assert_int_eq(names_check(NAMES_NICK, "", 30), NAMES_EMPTY);
	/* 16 Cyrillic letters are 32 bytes. */
	ck_assert_int_eq(names_check(NAMES_NICK, "ЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯЯ", 30),
	    NAMES_TOO_LONG);
	/* Outside the repertoire: Greek, accents, decomposed й, spaces. */
	ck_assert_int_eq(names_check(NAMES_NICK, "Ωmega", 30),
	    NAMES_BAD_CHAR);
	ck_assert_int_eq(names_check(NAMES_NICK, "café", 30), NAMES_BAD_CHAR);
	ck_assert_int_eq(names_check(NAMES_NICK, "и\xcc\x86", 30),
	    NAMES_BAD_CHAR);
	ck_assert_int_eq(names_check(NAMES_ACCOUNT, "a b", 30),
	    NAMES_BAD_CHAR);
	ck_assert_int_eq(names_check(NAMES_ACCOUNT, "a[b]", 30),
	    NAMES_BAD_CHAR);
	ck_assert_int_eq(names_check(NAMES_NICK, "a\xff", 30),
	    NAMES_BAD_CHAR);
	ck_assert_ptr_nonnull(names_why_text(NAMES_MIXED_SCRIPT));
	ck_assert(strstr(names_why_text(NAMES_CLAIMS_DOCTOR),
	    "verified doctors") != NULL);
}
END_TEST

START_TEST(fold)
{
	char	buf[64];

	names_fold("МАША Ёж ABC [x] Ωμέγα ÀÉ", buf, sizeof buf);
	ck_assert_str_eq(buf, "маша ёж abc [x] ωμέγα àé");
	ck_assert_int_eq(names_casecmp("Маша", "мАША"), 0);
	ck_assert_int_ne(names_casecmp("Маша", "Masha"), 0);
	/* No rfc1459 folding of specials. */
	ck_assert_int_ne(names_casecmp("a[b]", "a{b}"), 0);
	/* Lengths are kept; truncation never splits a character. */
	names_fold("ЯЯ", buf, 4);
	ck_assert_str_eq(buf, "я");
	/* Bytes that are not UTF-8 are copied. */
	names_fold("A\xffZ", buf, sizeof buf);
	ck_assert_str_eq(buf, "a\xffz");
}
END_TEST

START_TEST(skeletons)
{
	/* Cyrillic that looks Latin, in either case. */
	ck_assert(same_skeleton("Кате", "Kate"));
	ck_assert(same_skeleton("КАТЕ", "kate"));
	ck_assert(same_skeleton("Тома", "Toma"));
	ck_assert(same_skeleton("Маша", "M" "a" "ша"));
	/* Digits and I/l. */
	ck_assert(same_skeleton("lena", "Iena"));
	ck_assert(same_skeleton("lena", "1ena"));
	ck_assert(same_skeleton("Olga", "0lga"));
	ck_assert(same_skeleton("Ivan", "lvan"));
	/* Greek omicron and alpha. */
	ck_assert(same_skeleton("Anna", "\xce\x91nna"));
	/* ё reads as е. */
	ck_assert(same_skeleton("Алёна", "Алена"));
	ck_assert(same_skeleton("Борис", "борис"));
	ck_assert(same_skeleton("БОРИС", "6орис"));
	/* Not confusable. */
	ck_assert(!same_skeleton("Маша", "Masha"));
	ck_assert(!same_skeleton("lena", "iena"));
	ck_assert(!same_skeleton("Анна", "Anna"));
	ck_assert(!same_skeleton("Kate", "Katy"));
}
END_TEST

START_TEST(titles)
{
	static const struct {
		const char	*s;
		int		 roles;
	} t[] = {
		{ "Dr_Kim", NAMES_ROLE_DOCTOR },
		{ "Dr. Kim", NAMES_ROLE_DOCTOR },
		{ "DrKim", NAMES_ROLE_DOCTOR },
		{ "DrPetrov", NAMES_ROLE_DOCTOR },
		{ "DRPetrov", NAMES_ROLE_DOCTOR },
		{ "Doctor Who", NAMES_ROLE_DOCTOR },
		{ "doc-ock", NAMES_ROLE_DOCTOR },
		{ "DoCtor", NAMES_ROLE_DOCTOR },
		{ "Др_Иванова", NAMES_ROLE_DOCTOR },
		{ "Др. Иванова", NAMES_ROLE_DOCTOR },
		{ "ДрИванова", NAMES_ROLE_DOCTOR },
		{ "Д-р Иванова", NAMES_ROLE_DOCTOR },
		{ "доктор", NAMES_ROLE_DOCTOR },
		{ "Д" "o" "ктор Айболит", NAMES_ROLE_DOCTOR }, /* Latin o */
		{ "ДОКТОР", NAMES_ROLE_DOCTOR },
		{ "врач_Анна", NAMES_ROLE_DOCTOR },
		{ "медсестра Оля", NAMES_ROLE_DOCTOR },
		{ "TheModerator", NAMES_ROLE_STAFF },
		{ "moderator2", NAMES_ROLE_STAFF },
		{ "m0derator", NAMES_ROLE_STAFF },
		{ "ADMIN", NAMES_ROLE_STAFF },
		{ "adm1n", NAMES_ROLE_STAFF },
		{ "HearthAdmin", NAMES_ROLE_STAFF },
		{ "hearth_team", NAMES_ROLE_STAFF },
		{ "hearth_staff", NAMES_ROLE_STAFF },
		{ "Модератор", NAMES_ROLE_STAFF },
		{ "админ", NAMES_ROLE_STAFF },
		{ "служба поддержка", NAMES_ROLE_STAFF },
		{ "Dr Admin", NAMES_ROLE_DOCTOR | NAMES_ROLE_STAFF },
		/* Names, not titles. */
		{ "Drew", 0 }, { "drkim", 0 }, { "Docherty", 0 },
		{ "doktor_zhivago", 0 }, { "staffeeva", 0 }, { "Alice", 0 },
		{ "Маша", 0 }, { "Дробышева", 0 }, { "Врачёва", 0 },
		{ "администраторова", 0 }, { "Admiral", 0 }, { "Madmin", 0 },
		{ "supporter", 0 }, { "Nina Petrova", 0 }, { "", 0 },
	};
	size_t	i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		ck_assert_msg(names_claims(t[i].s) == t[i].roles,
		    "%s: %d, want %d", t[i].s, names_claims(t[i].s),
		    t[i].roles);
}
END_TEST

START_TEST(bare)
{
	ck_assert(same_bare("Др. Иванова", "Иванова"));
	ck_assert(same_bare("Иван" "o" "ва", "Иванова"));
	ck_assert(same_bare("DrIvanova", "ivanova"));
	ck_assert(same_bare("Dr_Kim", "kim"));
	ck_assert(same_bare("доктор Иванова", "ИВАНОВА"));
	ck_assert(same_bare("Иванова2", "Иванова"));
	ck_assert(same_bare("Ivan0va", "Ivanova"));
	ck_assert(same_bare("ВрачИванова_1", "Иванова"));
	ck_assert(!same_bare("Мария Иванова", "Иванова"));
	ck_assert(!same_bare("Петрова", "Иванова"));
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("names");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, check_names);
	tcase_add_test(tc, fold);
	tcase_add_test(tc, skeletons);
	tcase_add_test(tc, titles);
	tcase_add_test(tc, bare);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
