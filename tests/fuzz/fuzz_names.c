/*
 * fuzz_names.c -- server/parse/names.c: folding, the repertoire,
 * skeletons and titles.
 *
 * Input: any bytes (a NUL ends the name).  Checked: folding keeps the
 * length, is idempotent and agrees with names_casecmp(); a name that
 * names_check() accepts is valid UTF-8, at most the byte limit, of one
 * script, and its fold is accepted too; the skeleton is idempotent,
 * the same for a name and its fold (but for the capitals that have
 * entries of their own: I, І and Ї are l while i, і and ї are i; and
 * Greek, whose capitals and small letters look alike differently),
 * never longer than four bytes a character; bare skeletons never hold
 * a separator.  names_claims() must merely not crash (it reads case).
 */
#include <string.h>

#include "fuzz.h"
#include "names.h"
#include "utf8.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, *f, *ff, *sk, *sk2, *b;
	size_t	 len;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);

	f = names_fold_dup(s);
	FUZZ_CHECK(strlen(f) == len);
	ff = names_fold_dup(f);
	FUZZ_CHECK(strcmp(f, ff) == 0);
	FUZZ_CHECK(names_casecmp(s, f) == 0);

	if (names_check(NAMES_NICK, s, 30) == NAMES_OK) {
		FUZZ_CHECK(len > 0 && len <= 30 && utf8_valid(s, len));
		FUZZ_CHECK(names_check(NAMES_NICK, f, 30) == NAMES_OK);
	}
	if (names_check(NAMES_ACCOUNT, s, 30) == NAMES_OK) {
		FUZZ_CHECK(len >= 2 && len <= 30 && utf8_valid(s, len));
		FUZZ_CHECK(strpbrk(s, " []{}|\\^`") == NULL);
		FUZZ_CHECK(names_check(NAMES_ACCOUNT, f, 30) == NAMES_OK);
	}

	sk = names_skeleton(s);
	FUZZ_CHECK(strlen(sk) <= 4 * len + 4);
	sk2 = names_skeleton(sk);
	FUZZ_CHECK(strcmp(sk, sk2) == 0);
	free(sk2);
	if (strchr(s, 'I') == NULL && strstr(s, "\xd0\x86") == NULL &&
	    strstr(s, "\xd0\x87") == NULL && strchr(s, '\xce') == NULL &&
	    strchr(s, '\xcf') == NULL) {
		sk2 = names_skeleton(f);
		FUZZ_CHECK(strcmp(sk, sk2) == 0);
		free(sk2);
	}

	(void)names_claims(s);
	b = names_bare_skeleton(s);
	FUZZ_CHECK(strpbrk(b, " _.,;:\"'()<>") == NULL);
	free(b);
	free(sk);
	free(ff);
	free(f);
	free(s);
	return 0;
}
