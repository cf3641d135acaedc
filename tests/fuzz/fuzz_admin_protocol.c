/*
 * fuzz_admin_protocol.c -- server/parse/admin-protocol.c word codec.
 *
 * The input, split at NUL bytes, gives up to ADMIN_MAX_WORDS non-empty
 * words (any bytes but NUL: a password or a description). Checked:
 * encoded words hold only the safe alphabet and "%XX"; joined with
 * spaces and passed to admin_split they come back identical; more words
 * than the maximum are refused. The input as a raw line also goes to
 * admin_split and admin_decode: what they accept decodes to non-empty
 * words that re-encode and decode to themselves.
 */
#include <string.h>

#include "admin-protocol.h"
#include "fuzz.h"

#define SAFE	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
		"0123456789-._~:/#+@=,%"

static void
check_reencode(const char *word)
{
	char	*e;

	FUZZ_CHECK(word[0] != '\0');
	e = admin_encode(word);
	FUZZ_CHECK(admin_decode(e) == 0);
	FUZZ_CHECK(strcmp(e, word) == 0);
	free(e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*copy, *words[ADMIN_MAX_WORDS + 1];
	char		*enc[ADMIN_MAX_WORDS + 1], *split[ADMIN_MAX_WORDS + 1];
	char		*line, *lp;
	size_t		 i, n = 0, len = 0, start;
	int		 got;

	if ((copy = malloc(size + 1)) == NULL)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';

	/* Words from the NUL-separated input. */
	for (start = 0, i = 0; i <= size && n <= ADMIN_MAX_WORDS; i++) {
		if (i < size && data[i] != '\0')
			continue;
		if (i > start)
			words[n++] = copy + start;
		copy[i] = '\0';
		start = i + 1;
	}
	for (i = 0; i < n; i++) {
		enc[i] = admin_encode(words[i]);
		FUZZ_CHECK(enc[i][0] != '\0');
		FUZZ_CHECK(strspn(enc[i], SAFE) == strlen(enc[i]));
		len += strlen(enc[i]) + 1;
	}
	if ((line = malloc(len + 1)) == NULL)
		abort();
	lp = line;
	for (i = 0; i < n; i++) {
		if (i > 0)
			*lp++ = ' ';
		memcpy(lp, enc[i], strlen(enc[i]));
		lp += strlen(enc[i]);
	}
	*lp = '\0';
	got = admin_split(line, split, ADMIN_MAX_WORDS);
	if (n > ADMIN_MAX_WORDS)
		FUZZ_CHECK(got == -1);
	else {
		FUZZ_CHECK(got == (int)n);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(strcmp(split[i], words[i]) == 0);
	}
	for (i = 0; i < n; i++)
		free(enc[i]);
	free(line);

	/* The raw input as a request line. */
	memcpy(copy, data, size);
	copy[size] = '\0';
	got = admin_split(copy, split, ADMIN_MAX_WORDS);
	FUZZ_CHECK(got >= -1 && got <= ADMIN_MAX_WORDS);
	for (i = 0; got > 0 && i < (size_t)got; i++)
		check_reencode(split[i]);

	memcpy(copy, data, size);
	copy[size] = '\0';
	if (admin_decode(copy) == 0 && copy[0] != '\0')
		check_reencode(copy);
	free(copy);
	return 0;
}
