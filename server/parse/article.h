/*
 * article.h -- parse and validate netnews articles (RFC 5536, RFC 5322).
 *
 * Pure code: bytes in, struct out. No I/O, no database, no event loop.
 */
#ifndef HEARTH_ARTICLE_H
#define HEARTH_ARTICLE_H

#include <stddef.h>
#include <time.h>

#include "utf8.h"

#define ARTICLE_MAX_LINE	998	/* bytes per physical header line */
#define ARTICLE_MAX_HEADERS	500
#define MSGID_MAX		250	/* octets, including "<" and ">" */

/*
 * One header field. Both strings are NUL-terminated and owned by the
 * struct article (freed by article_free). value is unfolded (each CRLF or
 * LF before a continuation line removed, the WSP kept) and has the
 * whitespace after the colon removed; trailing whitespace is kept.
 */
struct article_header {
	char	*name;
	char	*value;
};

/*
 * A parsed article. body points into the caller's input buffer, exactly
 * as received (line endings are not normalised: CRLF or LF, whatever was
 * sent), so the buffer must outlive the struct. header_len is the number
 * of bytes before the body, including the empty separator line; so
 * header_len + body_len is the input length.
 */
struct article {
	struct article_header	*hdrs;
	size_t			 nhdrs;
	const char		*body;
	size_t			 body_len;
	size_t			 header_len;
	size_t			 lines;		/* body lines */
};

int		 article_parse(const char *, size_t, struct article *, char *,
		     size_t);
void		 article_free(struct article *);
const char	*article_header_get(const struct article *, const char *);
int		 article_header_count(const struct article *, const char *);
/*
 * The first Message-ID of the References field in header block HDR
 * (LEN bytes, unparsed: lines end in CRLF or LF, the field name in any
 * case, folded or not), "<...>" into BUF (LEN2 bytes); 1 when there is
 * one that fits, else 0.  The thread an article belongs to (the web's
 * thread index); a scan, no copy of the header.
 */
int		 article_first_reference(const char *hdr, size_t len,
		     char *buf, size_t len2);
/*
 * article_validate(): RFC 5536 §3 rules, as for a reader's POST, or with
 * ARTICLE_TRANSIT as for a relayed article (IHAVE, TAKETHIS), which must
 * also carry Message-ID, Date and Path.  0, or -1 with the reason.
 */
#define ARTICLE_TRANSIT	0x01
int		 article_validate(const struct article *, int, char *,
		     size_t);
int		 article_validate_post(const struct article *, char *, size_t);
int		 msgid_valid(const char *);
int		 newsgroup_name_valid(const char *);
time_t		 article_parse_date(const char *);
char		*article_overview_field(const char *);
/*
 * RFC 5536 §3.1.5: does the Path value PATH name the site IDENTITY
 * (case-insensitively; diagnostics and the tail entry are no sites)?
 */
int		 article_path_has(const char *path, const char *identity);
/*
 * The injecting site of PATH, the identity before ".POSTED" (RFC 5537
 * §3.2.1), into BUF; 0, or -1 when PATH has none.
 */
int		 article_path_injector(const char *path, char *buf,
		     size_t len);

#endif
