/*
 * modexec.c -- one path for every moderation command (modexec.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mime-words.h"
#include "modexec.h"
#include "modq.h"
#include "store.h"
#include "store-modq.h"
#include "xmalloc.h"

/* The engine's word for an action: decisions, item actions, kinds. */
static const char *const verb[MODCMD_NACTIONS] = {
	[MODCMD_APPROVE] = "approve",
	[MODCMD_REJECT] = "reject",
	[MODCMD_DISMISS] = "dismiss",
	[MODCMD_DECIDE_HIDE] = "hide",
	[MODCMD_HIDE] = "hide",
	[MODCMD_UNHIDE] = "unhide",
	[MODCMD_BAN] = "ban",
	[MODCMD_UNBAN] = "ban",
	[MODCMD_MUTE] = "mute",
	[MODCMD_UNMUTE] = "mute",
};

/* Rows of a store query, passed on to the sink under SECTION. */
struct rows {
	const struct modexec_sink	*sk;
	const char			*section;
};

static void
rows_cb(int n, const char *const *names, const char *const *vals, void *arg)
{
	struct rows	*r = arg;

	r->sk->row(r->sk->arg, r->section, n, names, vals);
}

/*
 * The same, with the excerpt decoded for display: entries queued
 * before excerpts were decoded still hold RFC 2047 words.
 */
static void
rows_text_cb(int n, const char *const *names, const char *const *vals,
    void *arg)
{
	const char	*v[32];
	char		*dec = NULL;
	int		 i;

	if (n > 32)
		n = 32;
	for (i = 0; i < n; i++) {
		v[i] = vals[i];
		if (dec == NULL && vals[i] != NULL &&
		    strcmp(names[i], "excerpt") == 0)
			v[i] = dec = mime_words_decode(vals[i]);
	}
	rows_cb(n, names, v, arg);
	free(dec);
}

/* The body of a stored article as "content" rows, a line each. */
static void
content_rows(struct server *srv, const char *ref, struct rows *r)
{
	static const char *const names[] = { "line" };
	const char	*vals[1];
	char		*body, *p, *nl;
	int		 n;

	if ((body = modq_article_text(srv, ref)) == NULL)
		return;
	r->section = "content";
	for (p = body, n = 0; *p != '\0' && n < 200; p = nl, n++) {
		nl = p + strcspn(p, "\n");
		if (*nl == '\n')
			*nl++ = '\0';
		if (nl - p > 1 && nl[-2] == '\r')
			nl[-2] = '\0';
		vals[0] = p;
		rows_cb(1, names, vals, r);
	}
	if (*p != '\0') {
		vals[0] = "[...]";
		rows_cb(1, names, vals, r);
	}
	free(body);
}

static void
author_of(int n, const char *const *names, const char *const *vals,
    void *arg)
{
	char	**author = arg;
	int	  i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], "author") == 0 && vals[i] != NULL &&
		    *author == NULL)
			*author = xstrdup(vals[i]);
}

/*
 * SHOW: the entry, its context, reports, viewers, and the author's
 * history and notes; ACTOR is recorded as having looked.
 */
static int
show(struct server *srv, const char *actor, const struct modcmd_call *mc,
    const struct modexec_sink *sk, char *msg, size_t msglen)
{
	struct rows	 r = { sk, "" };
	char		*author = NULL, *kind, *type, *ref, *who;
	int		 open;

	if (store_modq_get(srv->store, mc->id, author_of, &author) !=
	    STORE_OK) {
		snprintf(msg, msglen, "No queue entry #%lld",
		    (long long)mc->id);
		return MODEXEC_FAIL;
	}
	sk->begin(sk->arg, mc);
	if (sk->line != NULL) {
		modq_render(srv, mc->id, actor, sk->line, sk->arg);
		sk->end(sk->arg, mc);
		free(author);
		return MODEXEC_OK;
	}
	store_modq_get(srv->store, mc->id, rows_text_cb, &r);
	if (store_modq_item(srv->store, mc->id, &kind, &type, &ref, &who,
	    &open) == STORE_OK) {
		/* A held or reported article: its text, for deciding. */
		if (strcmp(type, "article") == 0)
			content_rows(srv, ref, &r);
		r.section = "context";
		modq_entry_context(srv, mc->id, rows_cb, &r);
		free(kind);
		free(type);
		free(ref);
		free(who);
	}
	r.section = "reports";
	store_modq_reports(srv->store, mc->id, rows_cb, &r);
	r.section = "seen by";
	store_modq_viewers(srv->store, mc->id, rows_cb, &r);
	if (author != NULL) {
		r.section = "author history";
		store_modq_author_history(srv->store, author, rows_cb, &r);
		r.section = "moderator notes on author";
		store_notes(srv->store, author, rows_cb, &r);
	}
	sk->end(sk->arg, mc);
	store_modq_view(srv->store, mc->id, actor);
	free(author);
	return MODEXEC_OK;
}

/* The listings: QUEUE, SANCTIONS, NOTES, LOG. */
static int
listing(struct server *srv, const struct modcmd_call *mc,
    const struct modexec_sink *sk)
{
	struct rows	 r = { sk, NULL };
	const char	*const *o = mc->opt;

	sk->begin(sk->arg, mc);
	switch (mc->action) {
	case MODCMD_QUEUE:
		store_modq_list_open(srv->store, mc->limit > 0 ? mc->limit :
		    sk->queue_limit, rows_text_cb, &r);
		break;
	case MODCMD_SANCTIONS:
		store_sanction_active(srv->store, time(NULL), rows_cb, &r);
		break;
	case MODCMD_NOTES:
		store_notes(srv->store, mc->target, rows_cb, &r);
		break;
	default:
		store_audit_query(srv->store, o[MODCMD_O_ACTOR],
		    o[MODCMD_O_TARGET], o[MODCMD_O_ACTION], mc->since,
		    mc->until, mc->limit > 0 ? mc->limit : sk->log_limit,
		    rows_cb, &r);
		break;
	}
	sk->end(sk->arg, mc);
	return MODEXEC_OK;
}

int
modq_exec(struct server *srv, const char *actor,
    const struct modcmd_call *mc, const struct modexec_sink *sk, char *msg,
    size_t msglen)
{
	const char	*reason = mc->opt[MODCMD_O_REASON];
	const char	*scope = mc->opt[MODCMD_O_SCOPE];

	msg[0] = '\0';
	switch (mc->action) {
	case MODCMD_APPROVE:
	case MODCMD_REJECT:
	case MODCMD_DISMISS:
	case MODCMD_DECIDE_HIDE:
		return modq_decide(srv, mc->id, verb[mc->action], actor,
		    reason, msg, msglen) == 0 ? MODEXEC_OK : MODEXEC_FAIL;
	case MODCMD_HIDE:
	case MODCMD_UNHIDE:
		return modq_item_action(srv, mc->item_type, mc->item_ref,
		    verb[mc->action], actor, reason, msg, msglen) == 0 ?
		    MODEXEC_OK : MODEXEC_FAIL;
	case MODCMD_BAN:
	case MODCMD_MUTE:
		return modq_sanction(srv, verb[mc->action], mc->target, scope,
		    mc->duration, actor, reason, msg, msglen) == 0 ?
		    MODEXEC_OK : MODEXEC_FAIL;
	case MODCMD_UNBAN:
	case MODCMD_UNMUTE:
		return modq_lift(srv, verb[mc->action], mc->target, scope,
		    actor, msg, msglen) == 0 ? MODEXEC_OK : MODEXEC_FAIL;
	case MODCMD_WARN:
		return modq_warn(srv, mc->target, actor, mc->text, msg,
		    msglen) == 0 ? MODEXEC_OK : MODEXEC_FAIL;
	case MODCMD_NOTE:
		if (store_account_get(srv->store, mc->target, NULL, NULL) !=
		    STORE_OK) {
			snprintf(msg, msglen, "No such account: %s",
			    mc->target);
			return MODEXEC_FAIL;
		}
		if (modq_note(srv, mc->target, actor, mc->text) != 0) {
			snprintf(msg, msglen, "Database error");
			return MODEXEC_ERROR;
		}
		snprintf(msg, msglen, "Note added for %s", mc->target);
		return MODEXEC_OK;
	case MODCMD_SHOW:
	case MODCMD_QUEUE:
	case MODCMD_SANCTIONS:
	case MODCMD_NOTES:
	case MODCMD_LOG:
		if (sk == NULL)
			break;
		return mc->action == MODCMD_SHOW ? show(srv, actor, mc, sk,
		    msg, msglen) : listing(srv, mc, sk);
	case MODCMD_NACTIONS:
		break;
	}
	snprintf(msg, msglen, "Not available here");
	return MODEXEC_FAIL;
}
