/*
 * nntp-util.h -- pure helpers of the NNTP service: ranges, dates,
 * message-ids, overview lines, header filtering.
 *
 * No I/O, no database, no event loop: unit-tested in test_nntp_util.c.
 */
#ifndef HEARTH_NNTP_UTIL_H
#define HEARTH_NNTP_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "article.h"

#define NNTP_NUM_MAX	INT64_MAX

/*
 * Parse an RFC 3977 range: "n", "n-" (to the end) or "n-m".  0 and fill
 * LO/HI (HI is NNTP_NUM_MAX for "n-"); -1 when malformed.  "5-3" is a
 * valid but empty range.
 */
int	 nntp_parse_range(const char *, int64_t *lo, int64_t *hi);
/*
 * Split the command line LINE in place into words separated by runs of
 * spaces and TABs; ARGV[0] is the verb.  When REST (may be NULL) returns
 * k >= 1 for the verb, its k-th argument is "the rest of the line"
 * (inner and trailing blanks included), as AUTHINFO PASS needs for a
 * password with spaces.  Returns the word count (0 for a blank line), or
 * -1 when there are more than MAX words.
 */
int	 nntp_split_command(char *line, char **argv, int max,
	    int (*rest)(const char *verb));
/* A whole article number (1..2^63-1); 0 on success. */
int	 nntp_parse_number(const char *, int64_t *);
/*
 * NEWGROUPS/NEWNEWS date and time: yymmdd or yyyymmdd, hhmmss, always
 * taken as UTC (the server's local time is UTC).  A two-digit year is in
 * the current century if it is not after the current year, else in the
 * previous one (RFC 3977 §7.3.2).  NOW is the reference time.  0 and
 * fill OUT, or -1.
 */
int	 nntp_parse_datetime(const char *date, const char *tm, time_t now,
	    time_t *out);
/* 1 if S looks like "<...>" and is a valid message-id. */
int	 nntp_is_msgid(const char *);
/*
 * The overview fields of article A (Subject, From, Date, Message-ID,
 * References) joined by TABs, each cleaned for overview use.  MSGID
 * overrides a missing header.  Caller frees.
 */
char	*nntp_overview(const struct article *, const char *msgid);
/*
 * The same overview string, read straight from a stored header block HDR
 * (LEN bytes, CRLF or LF lines) without parsing the article: the first
 * field of each name, unfolded, cleaned as above.  Written to *BUF, grown
 * as needed (*CAP its size; both may start 0/NULL; caller frees *BUF).
 * Returns *BUF.
 */
const char *nntp_overview_header(const char *hdr, size_t len,
	    const char *msgid, char **buf, size_t *cap);
/*
 * Copy the header block IN (LEN bytes, CRLF lines, ending with the empty
 * line or not) to OUT (room for LEN bytes), leaving out every field whose
 * name is in DROP (case-insensitive, NULL-terminated), folded lines
 * included.  Returns the bytes written.
 */
size_t	 nntp_header_filter(const char *in, size_t len, char *out,
	    const char *const *drop);
/*
 * Split a Newsgroups value into names (trimmed, xmalloc'd, caller frees
 * each and the array).  Returns the count.
 */
size_t	 nntp_split_groups(const char *, char ***);
/* Field NAME of a header block, unfolded and cleaned; caller frees. */
char	*nntp_header_field(const char *hdr, size_t len, const char *name);
/* The first message-id of a header value, trimmed, or NULL; caller frees. */
char	*nntp_first_msgid(const char *);

#endif
