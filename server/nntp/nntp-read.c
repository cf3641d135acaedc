/*
 * nntp-read.c -- the reading commands of RFC 3977: GROUP, LISTGROUP,
 * ARTICLE, HEAD, BODY, STAT, NEXT, LAST, OVER (XOVER), HDR (XHDR) and
 * NEWNEWS.
 *
 * Error codes follow RFC 3977 with errata 1524 and 2004: 412 when no
 * group is selected, 420 when the current article number is invalid
 * (including an empty group), 423 for a number or range with no
 * article, 430 for an unknown message-id.  Articles in groups this
 * session may not read do not exist for it (430).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "nntp-codes.h"
#include "nntp-int.h"
#include "nntp-queue.h"
#include "nntp-util.h"
#include "wildmat.h"
#include "xmalloc.h"


enum { K_ARTICLE, K_HEAD, K_BODY, K_STAT };
enum { LR_OVER, LR_HDR, LR_XHDR, LR_XPAT, LR_LISTGROUP };

void
nntp_session_group_clear(struct nntp_session *s)
{
	free(s->gname);
	s->gname = NULL;
	s->gid = 0;
	s->cur = 0;
}

struct group_copy {
	int64_t	 id;
	char	*name;
	int	 level;
	int64_t	 low, high, count;
};

static int
group_copy_cb(const struct news_group *g, void *arg)
{
	struct group_copy	*gc = arg;

	gc->id = g->id;
	gc->name = xstrdup(g->name);
	gc->level = g->level;
	gc->low = g->low;
	gc->high = g->high;
	gc->count = g->count;
	return 0;
}

/*
 * Select group NAME as GROUP and LISTGROUP do.  Replies with the error
 * and returns -1 when it cannot be selected.  GC is filled (caller frees
 * gc->name) on success.
 */
static int
select_group(struct conn *c, struct nntp_session *s, const char *name,
    struct group_copy *gc)
{
	int	rc;

	memset(gc, 0, sizeof *gc);
	rc = nntp_src_group_get(c, s, name, group_copy_cb, gc);
	if (rc == STORE_ERROR) {
		nntp_reply(c, NNTP_403_FAULT);
		return -1;
	}
	if (rc == STORE_NOTFOUND || !nntp_can_list(c, s, name, gc->level)) {
		free(gc->name);
		nntp_reply(c, NNTP_411_NOGROUP);
		return -1;
	}
	if (!nntp_can_read(c, s, gc->level)) {
		free(gc->name);
		nntp_reply(c, NNTP_502_DENIED);
		return -1;
	}
	nntp_session_group_clear(s);
	s->gid = gc->id;
	s->gname = xstrdup(gc->name);
	s->cur = gc->count > 0 ? gc->low : 0;
	return 0;
}

int
nntp_cmd_group(struct conn *c, struct nntp_session *s, int argc,
    char **argv)
{
	struct group_copy	gc;

	(void)argc;
	if (select_group(c, s, argv[1], &gc) != 0)
		return CONN_OK;
	nntp_reply(c, NNTP_211_GROUP, (long long)gc.count,
	    (long long)gc.low, (long long)gc.high, gc.name);
	free(gc.name);
	return CONN_OK;
}

static int
listgroup_num_cb(int64_t num, void *arg)
{
	struct conn		*c = arg;
	struct nntp_session	*s = c->pstate;

	conn_printf(c, "%lld\r\n", (long long)num);
	s->lr_next = num + 1;
	return conn_output_len(c) >= nntp_chunk(c);
}

/*
 * The :bytes of A (RFC 3977 §8.4.2): the octets ARTICLE sends, so the
 * stored size plus the Xref field ARTICLE adds (see xref_field()).
 */
static long long
art_bytes(struct conn *c, const struct news_art *a)
{
	if (a->xref[0] == '\0')
		return (long long)a->bytes;
	return (long long)a->bytes + (long long)(strlen("Xref: ") +
	    strlen(config_path_identity(c->srv->cf)) + 1 + strlen(a->xref) +
	    2);
}

/*
 * Overview line of one article (LIST OVERVIEW.FMT order, Xref:full
 * last); the number is 0 for a message-id.  The Xref (RFC 5536
 * §3.2.14) is this site's path identity and its own numbers; it is
 * not in the stored text (served as stored, and relayed without
 * anything only this site means), so OVER and HDR give it.
 */
static void
write_over(struct conn *c, const struct news_art *a)
{
	conn_printf(c, "%lld\t%s\t%lld\t%lld\t%s%s%s%s\r\n",
	    (long long)a->num, a->overview, art_bytes(c, a),
	    (long long)a->lines, a->xref[0] != '\0' ? "Xref: " : "",
	    a->xref[0] != '\0' ? config_path_identity(c->srv->cf) : "",
	    a->xref[0] != '\0' ? " " : "", a->xref);
}

static const char *const over_fields[] = { "Subject", "From", "Date",
    "Message-ID", "References" };

/*
 * The value of header FIELD (or metadata :bytes/:lines) of A, for HDR.
 * Overview fields come from the overview; others from the header block
 * (A must carry it).  Returns an xmalloc'd string (empty if absent).
 */
static char *
hdr_value(struct conn *c, const struct news_art *a, const char *field)
{
	const char	*p, *e;
	char		*v;
	size_t		 i;

	if (strcasecmp(field, "Xref") == 0) {
		if (a->xref[0] == '\0')
			return xstrdup("");
		xasprintf(&v, "%s %s", config_path_identity(c->srv->cf),
		    a->xref);
		return v;
	}

	if (strcasecmp(field, ":bytes") == 0) {
		xasprintf(&v, "%lld", art_bytes(c, a));
		return v;
	}
	if (strcasecmp(field, ":lines") == 0) {
		xasprintf(&v, "%lld", (long long)a->lines);
		return v;
	}
	for (i = 0; i < 5; i++) {
		if (strcasecmp(field, over_fields[i]) != 0)
			continue;
		p = a->overview;
		while (i-- > 0 && (p = strchr(p, '\t')) != NULL)
			p++;
		if (p == NULL)
			return xstrdup("");
		e = strchr(p, '\t');
		return e != NULL ? xstrndup(p, (size_t)(e - p)) : xstrdup(p);
	}
	if (a->text == NULL ||
	    (v = nntp_header_field(a->text, a->len, field)) == NULL)
		return xstrdup("");
	return v;
}

/* Does HDR on FIELD need the header block, not just the overview? */
static int
hdr_needs_header(const char *field)
{
	size_t	i;

	if (field[0] == ':' || strcasecmp(field, "Xref") == 0)
		return 0;
	for (i = 0; i < 5; i++)
		if (strcasecmp(field, over_fields[i]) == 0)
			return 0;
	return 1;
}

static int
range_row_cb(const struct news_art *a, void *arg)
{
	struct conn		*c = arg;
	struct nntp_session	*s = c->pstate;
	char			*v;

	s->lr_next = a->num + 1;
	if (s->lr_kind == LR_OVER) {
		write_over(c, a);
		return conn_output_len(c) >= nntp_chunk(c);
	}
	v = hdr_value(c, a, s->lr_field);
	if (s->lr_kind != LR_XPAT || wildmat_match(v, s->lr_wild))
		conn_printf(c, "%lld %s\r\n", (long long)a->num, v);
	free(v);
	return conn_output_len(c) >= nntp_chunk(c);
}

/* One step of OVER, HDR or LISTGROUP over lr_next..lr_hi. */
static int
more_range(struct conn *c, struct nntp_session *s)
{
	int	n, flags = 0;

	if (s->lr_next > s->lr_hi || s->lr_next <= 0) {
		nntp_write_end(c);
		return 1;
	}
	if (s->lr_kind == LR_LISTGROUP)
		n = nntp_src_nums(c, s, s->lr_next, s->lr_hi,
		    NNTP_ROWS_PER_STEP, listgroup_num_cb, c);
	else {
		if (s->lr_kind != LR_OVER && hdr_needs_header(s->lr_field))
			flags = STORE_NNTP_HEADER;
		n = nntp_src_range(c, s, s->lr_next, s->lr_hi,
		    NNTP_ROWS_PER_STEP, flags, range_row_cb, c);
	}
	/*
	 * Fewer rows than asked (and not because the chunk is full): the
	 * last ones, or a storage error.  End the list.
	 */
	if (n < 0 || (n < NNTP_ROWS_PER_STEP &&
	    conn_output_len(c) < nntp_chunk(c))) {
		nntp_write_end(c);
		return 1;
	}
	return 0;
}

int
nntp_cmd_listgroup(struct conn *c, struct nntp_session *s, int argc,
    char **argv)
{
	struct group_copy	gc;
	int64_t			lo = 1, hi = NNTP_NUM_MAX;

	if (argc == 3 && nntp_parse_range(argv[2], &lo, &hi) != 0) {
		nntp_reply(c, NNTP_501_RANGE);
		return CONN_OK;
	}
	if (argc >= 2) {
		if (select_group(c, s, argv[1], &gc) != 0)
			return CONN_OK;
	} else {
		if (s->gid == 0) {
			nntp_reply(c, NNTP_412_NOTINGROUP);
			return CONN_OK;
		}
		if (nntp_src_group_get(c, s, s->gname, group_copy_cb,
		    &gc) != STORE_OK) {
			nntp_reply(c, NNTP_403_FAULT);
			return CONN_OK;
		}
	}
	nntp_reply(c, NNTP_211_LISTGROUP, (long long)gc.count,
	    (long long)gc.low, (long long)gc.high, gc.name);
	free(gc.name);
	if (lo < 1)
		lo = 1;
	s->lr_kind = LR_LISTGROUP;
	s->lr_next = lo;
	s->lr_hi = hi;
	return nntp_long_reply(c, s, more_range);
}

/* A message-id argument: 1 if it is one, -1 if malformed, 0 if not. */
static int
msgid_arg(const char *arg)
{
	size_t	n = strlen(arg);

	if (arg[0] != '<')
		return 0;
	if (n < 3 || n > 250 || arg[n - 1] != '>' ||
	    strpbrk(arg, " \t") != NULL)
		return -1;
	return 1;
}

/* What a lookup found, copied out of the row as needed. */
struct found {
	int		 ok;
	int64_t		 num;
	char		 msgid[256];
	int		 status;
	int		 level;
	int		 kind;
	struct conn	*c;
};

/* Send an article (or part) in one go, or as a long reply when big. */
static int
more_text(struct conn *c, struct nntp_session *s)
{
	size_t		 n = s->lr_len - s->lr_off;
	const char	*p = s->lr_text + s->lr_off, *nl;

	if (n > nntp_chunk(c)) {
		nl = memchr(p + nntp_chunk(c), '\n', n - nntp_chunk(c));
		n = nl != NULL ? (size_t)(nl - p) + 1 : n;
	}
	nntp_write_stuffed(c, p, n);
	s->lr_off += n;
	if (s->lr_off < s->lr_len)
		return 0;
	nntp_write_end(c);
	return 1;
}

/*
 * This site's Xref field for A, added as the last field of the header
 * block that ends at HL when ARTICLE or HEAD sends it, as INN's reader
 * serves articles.  The Xref is local (RFC 5536 §3.2.14): it is made
 * here on each read, never stored, so the feed (which sends the stored
 * text) does not carry it.  NULL when there is nothing to add: no Xref
 * numbers, or a header block that does not end in a line end.  *LENP
 * gets its length; the caller frees.
 */
static char *
xref_field(struct conn *c, const struct news_art *a, size_t hl,
    size_t *lenp)
{
	char	*line;

	if (a->xref[0] == '\0' || hl == 0 || a->text[hl - 1] != '\n')
		return NULL;
	*lenp = (size_t)xasprintf(&line, "Xref: %s %s%s",
	    config_path_identity(c->srv->cf), a->xref,
	    hl >= 2 && a->text[hl - 2] == '\r' ? "\r\n" : "\n");
	return line;
}

static int
art_found_cb(const struct news_art *a, void *arg)
{
	struct found		*f = arg;
	struct conn		*c = f->c;
	struct nntp_session	*s = c->pstate;
	const char		*p = NULL;
	char			*xf = NULL;
	size_t			 n = 0, hl, xl = 0;

	f->ok = 1;
	f->status = a->status;
	f->level = a->level;
	snprintf(f->msgid, sizeof f->msgid, "%s", a->msgid);
	/*
	 * Only published articles, for everyone: a held article is not
	 * there (430/423) even for a moderator, who reads it in the queue
	 * group instead, so no reader path can make it look published.
	 */
	if (a->status != ART_OK)
		return 0;
	if (a->level > nntp_level(c, s))
		return 0;
	f->ok = 2;	/* readable: reply now, the text is only valid here */
	/* The header block without the empty line that ends it. */
	hl = a->header_len;
	if (hl >= 2 && hl <= a->len && a->text[hl - 1] == '\n')
		hl -= (hl >= 2 && a->text[hl - 2] == '\r') ? 2 : 1;
	switch (f->kind) {
	case K_ARTICLE:
		nntp_reply(c, NNTP_220_ARTICLE, (long long)f->num, a->msgid);
		p = a->text;
		n = a->len;
		xf = xref_field(c, a, hl, &xl);
		break;
	case K_HEAD:
		nntp_reply(c, NNTP_221_HEAD, (long long)f->num, a->msgid);
		p = a->text;
		n = hl;
		xf = xref_field(c, a, hl, &xl);
		break;
	case K_BODY:
		nntp_reply(c, NNTP_222_BODY, (long long)f->num, a->msgid);
		p = a->text + a->header_len;
		n = a->len - a->header_len;
		break;
	case K_STAT:
		nntp_reply(c, NNTP_223_STAT, (long long)f->num, a->msgid);
		return 0;
	}
	if (n + xl <= nntp_chunk(c)) {
		/*
		 * The header block, the Xref field, the rest: each piece
		 * begins a line, so each is stuffed on its own, uncopied.
		 */
		if (xf != NULL) {
			nntp_write_stuffed(c, p, hl);
			conn_write(c, xf, xl);
			nntp_write_stuffed(c, p + hl, n - hl);
		} else
			nntp_write_stuffed(c, p, n);
		nntp_write_end(c);
		free(xf);
		return 0;
	}
	/* Sent in pieces from a copy: the text is only valid here. */
	s->lr_text = xmalloc(n + xl);
	if (xf != NULL) {
		memcpy(s->lr_text, p, hl);
		memcpy(s->lr_text + hl, xf, xl);
		memcpy(s->lr_text + hl + xl, p + hl, n - hl);
	} else
		memcpy(s->lr_text, p, n);
	s->lr_len = n + xl;
	s->lr_off = 0;
	free(xf);
	return 0;
}

int
nntp_cmd_article(struct conn *c, struct nntp_session *s, int argc,
    char **argv)
{
	struct found	f;
	int		m, rc, flags;
	int64_t		num = 0;

	memset(&f, 0, sizeof f);
	f.c = c;
	if (strcasecmp(argv[0], "HEAD") == 0)
		f.kind = K_HEAD;
	else if (strcasecmp(argv[0], "BODY") == 0)
		f.kind = K_BODY;
	else if (strcasecmp(argv[0], "STAT") == 0)
		f.kind = K_STAT;
	else
		f.kind = K_ARTICLE;
	flags = f.kind == K_STAT ? 0 : STORE_NNTP_TEXT;
	if (f.kind == K_ARTICLE || f.kind == K_BODY)
		flags |= NNTP_SRC_VIEW;

	if (argc == 2 && (m = msgid_arg(argv[1])) != 0) {
		if (m < 0) {
			nntp_reply(c, NNTP_501_MSGID);
			return CONN_OK;
		}
		rc = nntp_src_by_msgid(c, s, argv[1], flags, art_found_cb,
		    &f);
		if (rc == STORE_ERROR)
			nntp_reply(c, NNTP_403_FAULT);
		else if (f.ok != 2)
			nntp_reply(c, NNTP_430_NOMSGID);
		goto sent;
	}
	if (argc == 2 && nntp_parse_number(argv[1], &num) != 0) {
		nntp_reply(c, NNTP_501_SYNTAX);
		return CONN_OK;
	}
	if (s->gid == 0) {
		nntp_reply(c, NNTP_412_NOTINGROUP);
		return CONN_OK;
	}
	if (argc == 1) {
		if (s->cur == 0) {
			nntp_reply(c, NNTP_420_NOCURRENT);
			return CONN_OK;
		}
		num = s->cur;
	}
	f.num = num;
	rc = nntp_src_by_num(c, s, num, flags, art_found_cb, &f);
	if (rc == STORE_ERROR) {
		nntp_reply(c, NNTP_403_FAULT);
		return CONN_OK;
	}
	if (f.ok != 2) {
		nntp_reply(c, argc == 1 ? NNTP_420_NOCURRENT : NNTP_423_NONUM);
		return CONN_OK;
	}
	s->cur = num;
sent:
	if (s->lr_text != NULL)
		return nntp_long_reply(c, s, more_text);
	return CONN_OK;
}

static int
msgid_only_cb(const struct news_art *a, void *arg)
{
	struct found	*f = arg;

	f->ok = 1;
	snprintf(f->msgid, sizeof f->msgid, "%s", a->msgid);
	return 0;
}

static int
next_last(struct conn *c, struct nntp_session *s, int next)
{
	struct found	f;
	int64_t		num;

	if (s->gid == 0) {
		nntp_reply(c, NNTP_412_NOTINGROUP);
		return CONN_OK;
	}
	if (s->cur == 0) {
		nntp_reply(c, NNTP_420_NOCURRENT);
		return CONN_OK;
	}
	num = next ? nntp_src_next(c, s, s->cur) : nntp_src_prev(c, s,
	    s->cur);
	memset(&f, 0, sizeof f);
	if (num == 0 || nntp_src_by_num(c, s, num, 0, msgid_only_cb, &f) !=
	    STORE_OK) {
		nntp_reply(c, next ? NNTP_421_NONEXT : NNTP_422_NOPREV);
		return CONN_OK;
	}
	s->cur = num;
	nntp_reply(c, NNTP_223_STAT, (long long)num, f.msgid);
	return CONN_OK;
}

int
nntp_cmd_next(struct conn *c, struct nntp_session *s, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return next_last(c, s, 1);
}

int
nntp_cmd_last(struct conn *c, struct nntp_session *s, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return next_last(c, s, 0);
}

struct one {
	struct conn	*c;
	int		 found;
	int		 kind;
	const char	*field;
	const char	*pat;		/* XPAT's pattern */
	int		 by_msgid;
};

static int
one_cb(const struct news_art *a, void *arg)
{
	struct one		*o = arg;
	struct nntp_session	*s = o->c->pstate;
	char			*v;

	if (a->status != ART_OK || a->level > nntp_level(o->c, s))
		return 0;
	o->found = 1;
	if (o->kind == LR_OVER) {
		nntp_reply(o->c, NNTP_224_OVER);
		write_over(o->c, a);
	} else {
		nntp_reply(o->c, o->kind == LR_HDR ? NNTP_225_HDR :
		    NNTP_221_XHDR);
		v = hdr_value(o->c, a, o->field);
		if (o->kind == LR_XPAT && !wildmat_match(v, o->pat))
			;	/* no line: the pattern does not match */
		else if (o->by_msgid && o->kind != LR_HDR)
			conn_printf(o->c, "%s %s\r\n", a->msgid, v);
		else
			conn_printf(o->c, "%lld %s\r\n", (long long)a->num, v);
		free(v);
	}
	nntp_write_end(o->c);
	return 0;
}

/*
 * OVER, XOVER, HDR and XHDR share their argument rules: a message-id,
 * a range, or nothing for the current article.
 */
static int
over_or_hdr(struct conn *c, struct nntp_session *s, int kind,
    const char *field, const char *arg, const char *pat)
{
	struct one	o;
	int64_t		lo, hi, first;
	int		m, rc, flags;

	memset(&o, 0, sizeof o);
	o.c = c;
	o.kind = kind;
	o.field = field;
	o.pat = pat;
	flags = (kind != LR_OVER && hdr_needs_header(field)) ?
	    STORE_NNTP_TEXT : 0;
	if (arg != NULL && (m = msgid_arg(arg)) != 0) {
		if (m < 0) {
			nntp_reply(c, NNTP_501_MSGID);
			return CONN_OK;
		}
		o.by_msgid = 1;
		rc = nntp_src_by_msgid(c, s, arg, flags, one_cb, &o);
		if (rc == STORE_ERROR)
			nntp_reply(c, NNTP_403_FAULT);
		else if (!o.found)
			nntp_reply(c, NNTP_430_NOMSGID);
		return CONN_OK;
	}
	if (arg != NULL && nntp_parse_range(arg, &lo, &hi) != 0) {
		nntp_reply(c, NNTP_501_RANGE);
		return CONN_OK;
	}
	if (s->gid == 0) {
		nntp_reply(c, NNTP_412_NOTINGROUP);
		return CONN_OK;
	}
	if (arg == NULL) {
		if (s->cur == 0) {
			nntp_reply(c, NNTP_420_NOCURRENT);
			return CONN_OK;
		}
		rc = nntp_src_by_num(c, s, s->cur, flags, one_cb, &o);
		if (rc == STORE_ERROR)
			nntp_reply(c, NNTP_403_FAULT);
		else if (!o.found)
			nntp_reply(c, NNTP_420_NOCURRENT);
		return CONN_OK;
	}
	first = lo > hi ? 0 : nntp_src_next(c, s, lo - 1);
	if ((first == 0 || first > hi) && kind == LR_XPAT) {
		/* As INN: a range with no article is an empty list. */
		nntp_reply(c, NNTP_221_XHDR);
		nntp_write_end(c);
		return CONN_OK;
	}
	if (first == 0 || first > hi) {
		nntp_reply(c, NNTP_423_NORANGE);
		return CONN_OK;
	}
	nntp_reply(c, kind == LR_OVER ? NNTP_224_OVER : kind == LR_HDR ?
	    NNTP_225_HDR : NNTP_221_XHDR);
	s->lr_kind = kind;
	s->lr_next = first;
	s->lr_hi = hi;
	if (field != NULL)
		s->lr_field = xstrdup(field);
	if (pat != NULL)
		s->lr_wild = xstrdup(pat);
	return nntp_long_reply(c, s, more_range);
}

int
nntp_cmd_over(struct conn *c, struct nntp_session *s, int argc, char **argv)
{
	return over_or_hdr(c, s, LR_OVER, NULL, argc == 2 ? argv[1] : NULL,
	    NULL);
}

int
nntp_cmd_hdr(struct conn *c, struct nntp_session *s, int argc, char **argv)
{
	int	kind = strcasecmp(argv[0], "XHDR") == 0 ? LR_XHDR : LR_HDR;

	return over_or_hdr(c, s, kind, argv[1], argc == 3 ? argv[2] : NULL,
	    NULL);
}

/*
 * XPAT header message-id|range pattern (RFC 2980 §2.9, as INN's
 * reader): the XHDR lines whose value matches the pattern.  The pattern
 * is the rest of the line (several words are one pattern with their
 * spaces, as INN joins them), one wildmat without "," lists or "!".
 */
int
nntp_cmd_xpat(struct conn *c, struct nntp_session *s, int argc, char **argv)
{
	(void)argc;
	return over_or_hdr(c, s, LR_XPAT, argv[1], argv[2], argv[3]);
}

/*
 * NEWNEWS rows come as (article, group) ordered by article id; a
 * crosspost gives several rows.  lr_next is the id of the last article
 * seen and lr_hi whether its message-id went out already.  A step
 * starts again at that article, whose rows may have been cut off.
 */
static int
newnews_cb(const struct news_art *a, void *arg)
{
	struct conn		*c = arg;
	struct nntp_session	*s = c->pstate;

	if (a->id != s->lr_next) {
		s->lr_next = a->id;
		s->lr_hi = 0;
	}
	if (s->lr_hi)
		return 0;
	if (a->level <= nntp_level(c, s) &&
	    wildmat_list_match(a->overview, s->lr_wild)) {
		conn_printf(c, "%s\r\n", a->msgid);
		s->lr_hi = 1;
	}
	return conn_output_len(c) >= nntp_chunk(c);
}

static int
more_newnews(struct conn *c, struct nntp_session *s)
{
	int64_t	before = s->lr_next;
	int	n;

	n = store_news_newnews_as(c->srv->store, s->lr_since,
	    s->lr_next > 0 ? s->lr_next - 1 : 0, nntp_viewer(s),
	    NNTP_ROWS_PER_STEP, newnews_cb, c);
	if (n < 0 || (n < NNTP_ROWS_PER_STEP &&
	    conn_output_len(c) < nntp_chunk(c)) || s->lr_next == before) {
		nntp_write_end(c);
		return 1;
	}
	return 0;
}

int
nntp_cmd_newnews(struct conn *c, struct nntp_session *s, int argc,
    char **argv)
{
	time_t	since;

	if (argc == 5 && strcasecmp(argv[4], "GMT") != 0) {
		nntp_reply(c, NNTP_501_SYNTAX);
		return CONN_OK;
	}
	if (!wildmat_valid(argv[1])) {
		nntp_reply(c, NNTP_501_WILDMAT);
		return CONN_OK;
	}
	if (nntp_parse_datetime(argv[2], argv[3], time(NULL), &since) != 0) {
		nntp_reply(c, NNTP_501_DATE);
		return CONN_OK;
	}
	nntp_reply(c, NNTP_230_NEWNEWS);
	s->lr_wild = xstrdup(argv[1]);
	s->lr_since = (int64_t)since;
	s->lr_next = 0;
	s->lr_hi = 0;
	return nntp_long_reply(c, s, more_newnews);
}
