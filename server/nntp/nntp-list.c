/*
 * nntp-list.c -- LIST and its keywords (RFC 3977 §7.6, RFC 6048) and
 * NEWGROUPS.
 *
 * Group lists show only the groups this session may see: public groups
 * to everyone, members-only groups after login, a private group to the
 * accounts on its access list and to moderators (nntp_can_list()).  Every list
 * is small (one line per group), so each goes out in one piece.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "nntp-codes.h"
#include "nntp-inbox.h"
#include "i18n.h"
#include "nntp-int.h"
#include "nntp-queue.h"
#include "nntp-util.h"
#include "wildmat.h"
#include "xmalloc.h"

enum list_kind {
	L_ACTIVE, L_ACTIVE_TIMES, L_COUNTS, L_DISTRIB_PATS,
	L_DISTRIBUTIONS, L_HEADERS, L_MODERATORS, L_MOTD, L_NEWSGROUPS,
	L_OVERVIEW_FMT, L_SUBSCRIPTIONS, L_NEWGROUPS
};

/* Arguments each keyword takes. */
#define LA_NONE		0
#define LA_WILDMAT	1
#define LA_HEADERS	2	/* MSGID or RANGE */

static const struct {
	const char	*name;
	enum list_kind	 kind;
	int		 arg;
	const char	*reply;
} list_kinds[] = {
	{ "ACTIVE", L_ACTIVE, LA_WILDMAT, NNTP_215_ACTIVE },
	{ "ACTIVE.TIMES", L_ACTIVE_TIMES, LA_WILDMAT, NNTP_215_LIST },
	{ "COUNTS", L_COUNTS, LA_WILDMAT, NNTP_215_ACTIVE },
	{ "DISTRIB.PATS", L_DISTRIB_PATS, LA_NONE, NNTP_215_LIST },
	{ "DISTRIBUTIONS", L_DISTRIBUTIONS, LA_NONE, NNTP_215_LIST },
	{ "HEADERS", L_HEADERS, LA_HEADERS, NNTP_215_HEADERS },
	{ "MODERATORS", L_MODERATORS, LA_NONE, NNTP_215_LIST },
	{ "MOTD", L_MOTD, LA_NONE, NNTP_215_MOTD },
	{ "NEWSGROUPS", L_NEWSGROUPS, LA_WILDMAT, NNTP_215_DESCS },
	{ "OVERVIEW.FMT", L_OVERVIEW_FMT, LA_NONE, NNTP_215_OVERFMT },
	{ "SUBSCRIPTIONS", L_SUBSCRIPTIONS, LA_WILDMAT, NNTP_215_LIST },
};

struct list_ctx {
	struct conn		*c;
	struct nntp_session	*s;
	enum list_kind		 kind;
	const char		*wildmat;
};

/* The status letter of LIST ACTIVE: y, m (moderated) or n (no posting). */
static char
group_flag(struct nntp_session *s, const struct news_group *g)
{
	/* The inbox takes no posts, from anyone. */
	if (g->id == NNTP_INBOX_GID)
		return 'n';
	if (g->status == NG_MODERATED)
		return 'm';
	if (g->status == NG_READONLY && !nntp_is_moderator(s))
		return 'n';
	return 'y';
}

static int
list_group_cb(const struct news_group *g, void *arg)
{
	struct list_ctx	*l = arg;
	struct conn	*c = l->c;

	if (!nntp_can_list(c, l->s, g->name, g->level))
		return 0;
	/* A stored group of the queue's or inbox's name is hidden by it. */
	if (g->id != NNTP_QUEUE_GID && nntp_queue_is(c, g->name))
		return 0;
	if (g->id != NNTP_INBOX_GID && nntp_inbox_is(c, g->name))
		return 0;
	if (l->wildmat != NULL && !wildmat_list_match(g->name, l->wildmat))
		return 0;
	switch (l->kind) {
	case L_ACTIVE:
	case L_NEWGROUPS:
		conn_printf(c, "%s %lld %lld %c\r\n", g->name,
		    (long long)g->high, (long long)g->low, group_flag(l->s, g));
		break;
	case L_COUNTS:
		conn_printf(c, "%s %lld %lld %lld %c\r\n", g->name,
		    (long long)g->high, (long long)g->low,
		    (long long)g->count, group_flag(l->s, g));
		break;
	case L_ACTIVE_TIMES:
		conn_printf(c, "%s %lld hearth\r\n", g->name,
		    (long long)g->created);
		break;
	case L_NEWSGROUPS:
		/* A shipped description (etc/groups.conf), translated. */
		conn_printf(c, "%s\t%s\r\n", g->name,
		    i18n(nntp_lang(c), g->description));
		break;
	case L_MODERATORS:
		if (g->status == NG_MODERATED)
			conn_printf(c, "%s:moderators@%s\r\n", g->name,
			    c->srv->cf->server_name);
		break;
	case L_SUBSCRIPTIONS:
		if (g->level != NG_PRIVATE &&
		    nntp_can_read(c, l->s, g->level))
			conn_printf(c, "%s\r\n", g->name);
		break;
	default:
		break;
	}
	return 0;
}

/* Lines of TEXT ('\n'-separated), dot-stuffed. */
static void
write_text_lines(struct conn *c, const char *text)
{
	const char	*p = text, *e, *t;
	char		 line[1024];

	while (*p != '\0') {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		/* A line the operator kept from ours, in the reader's words. */
		snprintf(line, sizeof line, "%.*s", (int)(e - p), p);
		t = i18n(nntp_lang(c), line);
		conn_printf(c, "%s%s\r\n", *t == '.' ? "." : "", t);
		p = *e == '\n' ? e + 1 : e;
	}
}

int
nntp_cmd_list(struct conn *c, struct nntp_session *s, int argc,
    char **argv)
{
	struct list_ctx		l;
	struct news_group	qg;
	size_t			i;
	const char		*arg = argc == 3 ? argv[2] : NULL;
	int		rc = STORE_OK, kind = 0;

	if (argc >= 2) {
		for (i = 0; i < sizeof list_kinds / sizeof list_kinds[0]; i++)
			if (strcasecmp(argv[1], list_kinds[i].name) == 0)
				break;
		if (i == sizeof list_kinds / sizeof list_kinds[0]) {
			nntp_reply(c, NNTP_501_KEYWORD);
			return CONN_OK;
		}
		kind = (int)i;
	}
	if (arg != NULL && (list_kinds[kind].arg == LA_NONE ||
	    (list_kinds[kind].arg == LA_WILDMAT && !wildmat_valid(arg)) ||
	    (list_kinds[kind].arg == LA_HEADERS &&
	    strcasecmp(arg, "MSGID") != 0 && strcasecmp(arg, "RANGE") != 0))) {
		nntp_reply(c, NNTP_501_SYNTAX);
		return CONN_OK;
	}
	memset(&l, 0, sizeof l);
	l.c = c;
	l.s = s;
	l.kind = list_kinds[kind].kind;
	if (list_kinds[kind].arg == LA_WILDMAT)
		l.wildmat = arg;
	nntp_reply(c, "%s", list_kinds[kind].reply);
	switch (l.kind) {
	case L_OVERVIEW_FMT:
		conn_printf(c, "Subject:\r\nFrom:\r\nDate:\r\nMessage-ID:\r\n"
		    "References:\r\n:bytes\r\n:lines\r\nXref:full\r\n");
		break;
	case L_HEADERS:
		conn_printf(c, ":\r\n:bytes\r\n:lines\r\n");
		break;
	case L_DISTRIB_PATS:
		/*
		 * RFC 3977 7.6.5: weight:wildmat:distribution.  Every group
		 * here is local, so one pattern names the one distribution
		 * LIST DISTRIBUTIONS describes.
		 */
		conn_printf(c, "10:*:hearth\r\n");
		break;
	case L_DISTRIBUTIONS:
		conn_printf(c, "hearth\tThis Hearth community only\r\n");
		break;
	case L_MOTD:
		write_text_lines(c, c->srv->cf->motd);
		write_text_lines(c, c->srv->cf->hotline);
		write_text_lines(c, c->srv->cf->disclaimer);
		break;
	default:
		rc = store_news_group_list_as(c->srv->store, 0,
		    nntp_viewer(s), list_group_cb, &l);
		/* Moderators see the queue as a group too. */
		if (rc != STORE_ERROR && nntp_queue_visible(c, s) &&
		    nntp_queue_group(c, &qg) == STORE_OK)
			list_group_cb(&qg, &l);
		/* A signed-in member, their inbox. */
		if (rc != STORE_ERROR && nntp_inbox_group(c, s, &qg) ==
		    STORE_OK)
			list_group_cb(&qg, &l);
		break;
	}
	if (rc == STORE_ERROR) {
		/* The 215 went out already: end the list short. */
		nntp_write_end(c);
		return CONN_OK;
	}
	nntp_write_end(c);
	return CONN_OK;
}

int
nntp_cmd_newgroups(struct conn *c, struct nntp_session *s, int argc,
    char **argv)
{
	struct list_ctx		l;
	struct news_group	ig;
	time_t			since;

	if (argc == 4 && strcasecmp(argv[3], "GMT") != 0) {
		nntp_reply(c, NNTP_501_SYNTAX);
		return CONN_OK;
	}
	if (nntp_parse_datetime(argv[1], argv[2], time(NULL), &since) != 0) {
		nntp_reply(c, NNTP_501_DATE);
		return CONN_OK;
	}
	memset(&l, 0, sizeof l);
	l.c = c;
	l.s = s;
	l.kind = L_NEWGROUPS;
	nntp_reply(c, NNTP_231_NEWGROUPS);
	store_news_group_list_as(c->srv->store, (int64_t)since,
	    nntp_viewer(s), list_group_cb, &l);
	/* The inbox is as new as the member's account. */
	if (nntp_inbox_group(c, s, &ig) == STORE_OK &&
	    ig.created >= (int64_t)since)
		list_group_cb(&ig, &l);
	nntp_write_end(c);
	return CONN_OK;
}
