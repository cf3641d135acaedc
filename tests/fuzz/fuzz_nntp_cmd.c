/*
 * fuzz_nntp_cmd.c -- the NNTP command line: server/parse/nntp-util.c's
 * nntp_split_command() and the argument parsers the handlers use
 * (ranges, article numbers, NEWGROUPS dates, message-ids).
 *
 * Input: one command line (bytes up to the first NUL, as conn.c hands
 * the line to nntp.c).  Checked:
 *  - the split agrees with a plain reference tokenizer (words between
 *    runs of SP/TAB; a verb whose rest-of-line index is k has its k-th
 *    argument run to the end of the line), and -1 exactly when there are
 *    more words than the limit;
 *  - every word is non-empty, lies inside the line and holds no blank
 *    (save the rest-of-line word, which starts with none);
 *  - joining the words with single spaces and splitting again gives the
 *    same words (the command parses to what it serialises to);
 *  - an accepted article number or range re-serialises and re-parses to
 *    the same values; "n-" means n to the end; a number agrees with a
 *    reference (digits only, no overflow);
 *  - an accepted date/time round-trips through gmtime;
 *  - an accepted message-id is bracketed and holds no blank.
 */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fuzz.h"
#include "nntp-util.h"

#define MAXW	16

static int
rest_at(const char *verb)
{
	if (strcasecmp(verb, "AUTHINFO") == 0)
		return 2;
	if (strcasecmp(verb, "XREST") == 0)
		return 1;
	return -1;
}

/* Reference tokenizer over an untouched copy. */
static int
ref_split(const char *s, size_t *off, size_t *len)
{
	size_t	i = 0, n = strlen(s);
	int	argc = 0, last = -1;
	char	verb[64];

	for (;;) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			return argc;
		if (argc == MAXW)
			return -1;
		off[argc] = i;
		if (argc == last) {
			len[argc] = n - i;
			return argc + 1;
		}
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		len[argc] = i - off[argc];
		if (argc == 0) {
			size_t	k = len[0] < sizeof verb ? len[0] : 0;

			/* A verb too long for the buffer is no known verb. */
			memcpy(verb, s + off[0], k);
			verb[k] = '\0';
			last = k > 0 ? rest_at(verb) : -1;
			if (last < 1)
				last = -1;
		}
		argc++;
	}
}

static void
check_number(const char *w)
{
	int64_t		v, v2;
	int		ok = nntp_parse_number(w, &v), ref = 1;
	size_t		i, n = strlen(w);
	unsigned __int128 acc = 0;
	char		buf[32];

	if (n == 0 || n > 19)
		ref = 0;
	for (i = 0; ref && i < n; i++) {
		if (w[i] < '0' || w[i] > '9')
			ref = 0;
		else
			acc = acc * 10 + (unsigned)(w[i] - '0');
	}
	if (ref && acc > (unsigned __int128)INT64_MAX)
		ref = 0;
	FUZZ_CHECK((ok == 0) == ref);
	if (ok != 0)
		return;
	FUZZ_CHECK(v >= 0 && (unsigned __int128)v == acc);
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	FUZZ_CHECK(nntp_parse_number(buf, &v2) == 0 && v2 == v);
}

static void
check_range(const char *w)
{
	int64_t	lo, hi, lo2, hi2;
	char	buf[64];

	if (nntp_parse_range(w, &lo, &hi) != 0)
		return;
	FUZZ_CHECK(lo >= 0 && hi >= 0);
	if (strchr(w, '-') == NULL)
		FUZZ_CHECK(lo == hi);
	else if (w[strlen(w) - 1] == '-')
		FUZZ_CHECK(hi == NNTP_NUM_MAX);
	/* lo > hi is a valid, empty range (RFC 3977 §3.2.1). */
	if (hi == NNTP_NUM_MAX)
		snprintf(buf, sizeof buf, "%lld-", (long long)lo);
	else
		snprintf(buf, sizeof buf, "%lld-%lld", (long long)lo,
		    (long long)hi);
	FUZZ_CHECK(nntp_parse_range(buf, &lo2, &hi2) == 0);
	FUZZ_CHECK(lo2 == lo && hi2 == hi);
}

static void
check_datetime(const char *d, const char *t)
{
	/* 2026-11-22 12:00:00 UTC: two-digit years need a reference. */
	const time_t	now = 1795348800;
	time_t		out, out2;
	struct tm	tm;
	char		ds[48], ts[48];

	if (nntp_parse_datetime(d, t, now, &out) != 0)
		return;
	FUZZ_CHECK(strlen(t) == 6 && (strlen(d) == 6 || strlen(d) == 8));
	if (gmtime_r(&out, &tm) == NULL || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 0)
		return;
	snprintf(ds, sizeof ds, "%04d%02d%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	snprintf(ts, sizeof ts, "%02d%02d%02d", tm.tm_hour, tm.tm_min,
	    tm.tm_sec);
	FUZZ_CHECK(nntp_parse_datetime(ds, ts, now, &out2) == 0);
	FUZZ_CHECK(out2 == out);
	if (strlen(d) == 6) {
		/* Not more than 50 years ahead of now, nor 50+100 behind. */
		FUZZ_CHECK(out <= now + (time_t)51 * 366 * 86400);
		FUZZ_CHECK(out >= now - (time_t)151 * 366 * 86400);
	}
}

static void
check_msgid(const char *w)
{
	size_t	n = strlen(w);

	if (!nntp_is_msgid(w))
		return;
	FUZZ_CHECK(n >= 3 && w[0] == '<' && w[n - 1] == '>');
	FUZZ_CHECK(strpbrk(w, " \t\r\n") == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*line, *orig, *again, *argv[MAXW], *argv2[MAXW];
	size_t	 off[MAXW + 1], len[MAXW + 1], n, i;
	int	 argc, argc2, ref, j, restw;

	if (size > 4096)
		return 0;
	line = malloc(size + 1);
	orig = malloc(size + 1);
	FUZZ_CHECK(line != NULL && orig != NULL);
	memcpy(line, data, size);
	line[size] = '\0';
	n = strlen(line);
	memcpy(orig, line, n + 1);

	ref = ref_split(orig, off, len);
	argc = nntp_split_command(line, argv, MAXW, rest_at);
	FUZZ_CHECK(argc == ref);
	if (argc <= 0)
		goto out;
	restw = rest_at(argv[0]);
	for (j = 0; j < argc; j++) {
		FUZZ_CHECK(argv[j] >= line && argv[j] < line + n);
		FUZZ_CHECK((size_t)(argv[j] - line) == off[j]);
		FUZZ_CHECK(strlen(argv[j]) == len[j] && len[j] > 0);
		FUZZ_CHECK(memcmp(argv[j], orig + off[j], len[j]) == 0);
		FUZZ_CHECK(argv[j][0] != ' ' && argv[j][0] != '\t');
		if (j != restw)
			FUZZ_CHECK(strpbrk(argv[j], " \t") == NULL);
	}

	/* Serialise and split again. */
	{
		size_t	total = 0, p = 0;

		for (j = 0; j < argc; j++)
			total += strlen(argv[j]) + 1;
		again = malloc(total + 1);
		FUZZ_CHECK(again != NULL);
		for (j = 0; j < argc; j++) {
			i = strlen(argv[j]);
			memcpy(again + p, argv[j], i);
			p += i;
			again[p++] = j + 1 < argc ? ' ' : '\0';
		}
		argc2 = nntp_split_command(again, argv2, MAXW, rest_at);
		FUZZ_CHECK(argc2 == argc);
		for (j = 0; j < argc; j++)
			FUZZ_CHECK(strcmp(argv[j], argv2[j]) == 0);
		free(again);
	}

	for (j = 1; j < argc; j++) {
		check_number(argv[j]);
		check_range(argv[j]);
		check_msgid(argv[j]);
	}
	if (argc >= 3)
		check_datetime(argv[1], argv[2]);
	if (argc >= 4)
		check_datetime(argv[2], argv[3]);
out:
	free(line);
	free(orig);
	return 0;
}
