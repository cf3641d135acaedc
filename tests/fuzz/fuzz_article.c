/*
 * fuzz_article.c -- server/parse/article.c: article_parse, then
 * article_validate (post and transit) and the small syntax checkers.
 *
 * Invariants for an accepted article: header_len + body_len is the input
 * length and the body is the tail of the input; the body line count is
 * right; every header name is non-empty printable ASCII without a colon;
 * every value is valid UTF-8 without LF and without leading whitespace;
 * article_header_get finds, for each name, the first header of that name
 * (case-insensitively) and article_header_count agrees. A refused input
 * leaves the struct empty and a reason in err. Validation either passes
 * (and then From, Subject and Newsgroups exist) or gives a reason. The
 * helpers run on every header value and may only return their documented
 * ranges.
 */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "article.h"
#include "fuzz.h"
#include "nntp-util.h"
#include "utf8.h"

/* Case-insensitive ASCII equality, independent of article.c. */
static int
name_eq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

static void
check_helpers(const char *v)
{
	char	*ov;
	size_t	 i, n;
	int	 r;

	r = msgid_valid(v);
	FUZZ_CHECK(r == 0 || r == 1);
	if (r) {
		n = strlen(v);
		FUZZ_CHECK(n >= 5 && n <= MSGID_MAX);
		FUZZ_CHECK(v[0] == '<' && v[n - 1] == '>');
		FUZZ_CHECK(strchr(v, '@') != NULL);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(v[i] > 0x20 && v[i] < 0x7f);
	}
	r = newsgroup_name_valid(v);
	FUZZ_CHECK(r == 0 || r == 1);
	if (r) {
		FUZZ_CHECK(v[0] != '\0' && v[0] != '.');
		FUZZ_CHECK(strstr(v, "..") == NULL);
		FUZZ_CHECK(strspn(v, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+_-.") == strlen(v));
	}
	(void)article_parse_date(v);
	ov = article_overview_field(v);
	FUZZ_CHECK(strpbrk(ov, "\r\n\t") == NULL);
	FUZZ_CHECK(strlen(ov) <= strlen(v));
	free(ov);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct article	 a;
	const char	*buf = (const char *)data, *v, *p;
	char		 err[256];
	size_t		 i, j, lines, first;
	int		 rc, count;

	err[0] = '\0';
	rc = article_parse(buf, size, &a, err, sizeof err);
	if (rc != 0) {
		FUZZ_CHECK(rc == -1);
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(a.hdrs == NULL && a.nhdrs == 0 && a.body == NULL);
		article_free(&a);
		return 0;
	}
	FUZZ_CHECK(memchr(buf, '\0', size) == NULL);
	FUZZ_CHECK(a.header_len <= size);
	FUZZ_CHECK(a.header_len + a.body_len == size);
	FUZZ_CHECK(a.body == buf + a.header_len);
	FUZZ_CHECK(a.nhdrs <= ARTICLE_MAX_HEADERS);

	lines = 0;
	for (i = 0; i < a.body_len; i++) {
		if (a.body[i] == '\n')
			lines++;
	}
	if (a.body_len > 0 && a.body[a.body_len - 1] != '\n')
		lines++;
	FUZZ_CHECK(a.lines == lines);

	for (i = 0; i < a.nhdrs; i++) {
		const char	*name = a.hdrs[i].name;

		v = a.hdrs[i].value;
		FUZZ_CHECK(name != NULL && v != NULL);
		FUZZ_CHECK(name[0] != '\0');
		for (p = name; *p != '\0'; p++)
			FUZZ_CHECK(*p > ' ' && *p < 0x7f && *p != ':');
		FUZZ_CHECK(utf8_valid(v, strlen(v)));
		FUZZ_CHECK(strchr(v, '\n') == NULL);
		FUZZ_CHECK(v[0] != ' ' && v[0] != '\t');

		/* The first header of that name is the one returned. */
		first = i;
		count = 0;
		for (j = 0; j < a.nhdrs; j++) {
			if (name_eq(a.hdrs[j].name, name)) {
				if (j < first)
					first = j;
				count++;
			}
		}
		FUZZ_CHECK(article_header_get(&a, name) == a.hdrs[first].value);
		FUZZ_CHECK(article_header_count(&a, name) == count);
		check_helpers(v);
	}

	/*
	 * OVER reads the overview straight from the stored header block:
	 * it must equal the one built from the parsed article.
	 */
	{
		char	*want = nntp_overview(&a, "<fuzz@x>"), *ob = NULL;
		size_t	 oc = 0;

		FUZZ_CHECK(strcmp(nntp_overview_header(buf, a.header_len,
		    "<fuzz@x>", &ob, &oc), want) == 0);
		free(want);
		free(ob);
	}

	err[0] = '\0';
	rc = article_validate_post(&a, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		FUZZ_CHECK(article_header_get(&a, "From") != NULL);
		FUZZ_CHECK(article_header_get(&a, "Subject") != NULL);
		FUZZ_CHECK(article_header_get(&a, "Newsgroups") != NULL);
		FUZZ_CHECK(article_header_count(&a, "Message-ID") <= 1);
		if ((v = article_header_get(&a, "Date")) != NULL)
			FUZZ_CHECK(article_parse_date(v) != (time_t)-1);
	} else
		FUZZ_CHECK(err[0] != '\0');
	/*
	 * A relayed article meets the same rules and more: whatever
	 * transit accepts a post accepts, and it has all six fields.
	 */
	{
		char	terr[256];
		int	trc;

		terr[0] = '\0';
		trc = article_validate(&a, ARTICLE_TRANSIT, terr, sizeof terr);
		FUZZ_CHECK(trc == 0 || trc == -1);
		if (trc == 0) {
			FUZZ_CHECK(rc == 0);
			FUZZ_CHECK(article_header_get(&a, "Path") != NULL);
			FUZZ_CHECK(article_header_get(&a, "Date") != NULL);
			FUZZ_CHECK(article_header_get(&a, "Message-ID") !=
			    NULL);
		} else
			FUZZ_CHECK(terr[0] != '\0');
	}
	article_free(&a);
	FUZZ_CHECK(a.hdrs == NULL && a.nhdrs == 0);
	return 0;
}
