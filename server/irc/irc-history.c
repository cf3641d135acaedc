/*
 * irc-history.c -- channel history: storing messages, replay on JOIN,
 * CHATHISTORY (IRCv3 draft/chathistory) and REDACT (IRCv3
 * draft/message-redaction).
 *
 * A message is inserted (and committed) before anyone, its sender
 * included, sees it; see message_channel() in irc-user.c.  Clients
 * without draft/chathistory get the last irc_replay_lines lines when
 * they join: as a chathistory batch when they have batch, otherwise as
 * NOTICEs from the server that carry the original time in the text (and
 * in the time tag for server-time clients).
 *
 * Private messages (private_history) are stored when at least one end
 * is logged in, once, under their conversation's key (store_dm_key():
 * the sender's and the recipient's ends, an account for those logged
 * in, else the folded nick).  Only a client logged in to an account
 * that is one end reads them: CHATHISTORY <sub> <nick> gives both
 * directions, TARGETS lists the partners, and the sender may REDACT.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "account.h"
#include "hearth.h"
#include "irc.h"
#include "irc-int.h"
#include "irc-numeric.h"
#include "log.h"
#include "names.h"
#include "store-chat.h"
#include "tz.h"
#include "xmalloc.h"

#define T_MIN	INT64_MIN
#define T_MAX	INT64_MAX

static void	batch_note(struct irc_server *, uint64_t, const char *,
		    const char *);
static void	session_id(struct irc_client *, char *, size_t);
static int	history_insert(struct irc_client *, const char *,
		    const char *, const char *, const char *, int64_t,
		    const char *, const char *);

/* The longest conversation key (two ends of prefix and name). */
#define DM_END_LEN	(2 + IRC_NICKLEN + 64)
#define DM_KEY_LEN	(2 * DM_END_LEN + 4)

/* Account end "a:NAME" of ACCOUNT, folded as account names are. */
static void
account_end(const char *account, char *buf, size_t len)
{
	store_dm_account_end(account, buf, len);
}

static void
nick_end(const char *nick, char *buf, size_t len)
{
	char	fold[IRC_NICKLEN + 1];

	irc_casefold(IRC_CASEMAP, nick, fold, sizeof fold);
	snprintf(buf, len, "n:%s", fold);
}

/* CL's end of a private conversation. */
static void
client_end(struct irc_client *cl, char *buf, size_t len)
{
	if (cl->account != NULL)
		account_end(cl->account, buf, len);
	else
		nick_end(irc_nick(cl), buf, len);
}

/*
 * The end NICK stands for: the account of the client using it, else the
 * account of that name, else the nick itself.
 */
static void
target_end(struct irc_client *cl, const char *nick, char *buf, size_t len)
{
	struct irc_client	*to = irc_find_nick(cl->is, nick);
	struct account		 a;

	if (to != NULL && irc_is_registered(to)) {
		client_end(to, buf, len);
		return;
	}
	if (account_name_valid(nick) && store_account_get(cl->is->srv->store,
	    nick, &a, NULL) == STORE_OK) {
		account_end(a.name, buf, len);
		account_clear(&a);
		return;
	}
	nick_end(nick, buf, len);
}

int
irc_dm_store(struct irc_client *from, struct irc_client *to,
    const char *cmd, const char *msgid, int64_t ms, const char *ctags,
    const char *text)
{
	struct server	*srv = from->is->srv;
	struct store	*st = srv->store;
	char		 e1[DM_END_LEN], e2[DM_END_LEN], key[DM_KEY_LEN];

	if (!srv->cf->private_history || (from->account == NULL &&
	    to->account == NULL))
		return 0;
	client_end(from, e1, sizeof e1);
	client_end(to, e2, sizeof e2);
	store_dm_key(e1, e2, key, sizeof key);
	if (history_insert(from, key, to->nick, cmd, msgid, ms, ctags,
	    text) != 0 ||
	    (from->account != NULL && store_dm_party_add(st, e1, key,
	    to->account != NULL ? to->account : to->nick) != STORE_OK) ||
	    (to->account != NULL && to != from && store_dm_party_add(st, e2,
	    key, from->account != NULL ? from->account : irc_nick(from)) !=
	    STORE_OK)) {
		log_warnx("irc: private message not stored");
		return -1;
	}
	batch_note(from->is, from->conn->id, cmd, to->nick);
	return 0;
}

int
irc_dm_store_account(struct irc_client *from, const char *account,
    const char *shown, const char *cmd, const char *msgid, int64_t ms,
    const char *ctags, const char *text)
{
	struct server	*srv = from->is->srv;
	struct store	*st = srv->store;
	char		 e1[DM_END_LEN], e2[DM_END_LEN], key[DM_KEY_LEN];

	if (!srv->cf->private_history)
		return 0;
	client_end(from, e1, sizeof e1);
	account_end(account, e2, sizeof e2);
	store_dm_key(e1, e2, key, sizeof key);
	if (history_insert(from, key, shown, cmd, msgid, ms, ctags,
	    text) != 0 ||
	    (from->account != NULL && store_dm_party_add(st, e1, key,
	    account) != STORE_OK) ||
	    (strcmp(e1, e2) != 0 && store_dm_party_add(st, e2, key,
	    from->account != NULL ? from->account : irc_nick(from)) !=
	    STORE_OK)) {
		log_warnx("irc: private message not stored");
		return -1;
	}
	batch_note(from->is, from->conn->id, cmd, shown);
	return 0;
}

/*
 * Join the group commit of this loop iteration (store_batch_open()),
 * holding every connection's output until it is durable.  0 or -1.
 */
static int
batch_open(struct server *srv)
{
	if (store_batch_open(srv->store) != STORE_OK)
		return -1;
	conn_hold(srv);
	return 0;
}

/* This connection's id for redaction rights: unique across restarts. */
static void
session_id(struct irc_client *cl, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%llu", cl->is->msgid_prefix,
	    (unsigned long long)cl->conn->id);
}

void
irc_history_row(struct irc_client *cl, const char *target, const char *shown,
    const char *cmd, const char *msgid, int64_t ms, const char *ctags,
    const char *text, struct chat_msg *m, char *sid, size_t sidlen)
{
	session_id(cl, sid, sidlen);
	memset(m, 0, sizeof *m);
	m->time = ms;
	m->msgid = (char *)msgid;
	m->target = (char *)target;
	m->command = (char *)cmd;
	m->source = irc_prefix(cl);
	m->account = cl->account;
	m->sender = sid;
	m->tags = (char *)ctags;
	m->text = (char *)text;
	m->shown = (char *)shown;
}

/*
 * One history row from CL in the current group commit (see
 * store_batch_open() and conn_hold()): TARGET is a channel's folded
 * name or a conversation key, SHOWN the nick a private message went to.
 */
static int
history_insert(struct irc_client *cl, const char *target, const char *shown,
    const char *cmd, const char *msgid, int64_t ms, const char *ctags,
    const char *text)
{
	struct chat_msg	m;
	char		sid[64];

	irc_history_row(cl, target, shown, cmd, msgid, ms, ctags, text, &m,
	    sid, sizeof sid);
	if (batch_open(cl->is->srv) != 0 ||
	    store_chat_insert(cl->is->srv->store, &m) != STORE_OK)
		return -1;
	return 0;
}

int
irc_history_store(struct irc_channel *ch, struct irc_client *cl,
    const char *cmd, const char *msgid, int64_t ms, const char *ctags,
    const char *text)
{
	if (history_insert(cl, ch->fold, NULL, cmd, msgid, ms, ctags,
	    text) != 0) {
		log_warnx("irc: history of %s not stored", ch->name);
		return -1;
	}
	batch_note(cl->is, cl->conn->id, cmd, ch->name);
	return 0;
}

/*
 * draft/event-playback: keep a channel event of CL (JOIN, PART, QUIT,
 * TOPIC, MODE, KICK) in CH's history, in the group commit like a
 * message, with the msgid and time EV went out with (EV NULL or
 * without a msgid: new ones).  TAIL is what follows the channel on
 * the wire (the realname for a JOIN, which extended-join replays).
 * Only clients that asked for events get them back (cmd_chathistory);
 * the source is the nick!user@cloak every member saw, never an
 * address.  A failure costs only the record, never the event.
 */
void
irc_history_event(struct irc_channel *ch, struct irc_client *cl,
    const struct irc_event *ev, const char *cmd, const char *fmt, ...)
{
	struct server	*srv = cl->is->srv;
	char		 msgid[40], *tail;
	int64_t		 ms;
	va_list		 ap;

	if (!ch->history || srv->shutting_down || srv->store == NULL ||
	    !irc_is_registered(cl) || (cl->flags & CL_NOHISTORY))
		return;
	va_start(ap, fmt);
	if (vasprintf(&tail, fmt, ap) < 0)
		fatal("vasprintf");
	va_end(ap);
	if (ev != NULL && ev->msgid[0] != '\0') {
		snprintf(msgid, sizeof msgid, "%s", ev->msgid);
		ms = ev->ms;
	} else {
		irc_new_msgid(cl->is, msgid, sizeof msgid);
		irc_time_now(NULL, 0, &ms);
	}
	if (history_insert(cl, ch->fold, NULL, cmd, msgid, ms, NULL,
	    tail) != 0)
		log_warnx("irc: event of %s not stored", ch->name);
	free(tail);
}

static void
batch_note(struct irc_server *is, uint64_t conn, const char *cmd,
    const char *target)
{
	struct irc_pending	*p;

	if (is->npend == is->pend_cap) {
		is->pend_cap = is->pend_cap == 0 ? 32 : is->pend_cap * 2;
		is->pend = xreallocarray(is->pend, is->pend_cap,
		    sizeof *is->pend);
	}
	p = &is->pend[is->npend++];
	p->conn = conn;
	p->cmd = xstrdup(cmd);
	p->target = xstrdup(target);
}

static void
batch_fail_cb(const char *key, void *value, void *arg)
{
	struct irc_client	*cl = value;
	struct irc_server	*is = arg;
	size_t			 i;

	(void)key;
	for (i = 0; i < is->npend; i++)
		if (is->pend[i].conn == cl->conn->id)
			irc_fail(cl, is->pend[i].cmd, "MESSAGE_ERROR",
			    is->pend[i].target, N_("Your message could not be "
			    "stored; it was not sent"));
}

void
irc_batch_done(struct server *srv, int ok)
{
	struct irc_server	*is = srv->irc;
	size_t			 i;

	if (is == NULL)
		return;
	if (!ok && is->npend > 0)
		strmap_foreach(is->nicks, batch_fail_cb, is);
	for (i = 0; i < is->npend; i++) {
		free(is->pend[i].cmd);
		free(is->pend[i].target);
	}
	is->npend = 0;
}

/* Messages collected from a query, oldest first once sorted. */
struct hist {
	struct chat_msg	*v;
	size_t		 n;
};

static void
hist_add(const struct chat_msg *m, void *arg)
{
	struct hist	*h = arg;
	struct chat_msg	*d;

	h->v = xreallocarray(h->v, h->n + 1, sizeof *h->v);
	d = &h->v[h->n++];
	memset(d, 0, sizeof *d);
	d->id = m->id;
	d->time = m->time;
	d->msgid = xstrdup(m->msgid);
	d->target = xstrdup(m->target);
	d->command = xstrdup(m->command);
	d->source = xstrdup(m->source);
	d->account = m->account != NULL ? xstrdup(m->account) : NULL;
	d->tags = m->tags != NULL ? xstrdup(m->tags) : NULL;
	d->text = xstrdup(m->text);
	d->shown = m->shown != NULL ? xstrdup(m->shown) : NULL;
}

static void
hist_reverse(struct hist *h)
{
	struct chat_msg	tmp;
	size_t		i;

	for (i = 0; i < h->n / 2; i++) {
		tmp = h->v[i];
		h->v[i] = h->v[h->n - 1 - i];
		h->v[h->n - 1 - i] = tmp;
	}
}

static void
hist_free(struct hist *h)
{
	size_t	i;

	for (i = 0; i < h->n; i++)
		chat_msg_clear(&h->v[i]);
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

/*
 * Is a TAGMSG with client tags CTAGS kept in history?  Those that say
 * so (+draft/persist) and reactions (+draft/react, +react), as Ergo
 * keeps them; typing notifications and the like are not.  Kept ones
 * come back only to clients with draft/event-playback.
 */
int
irc_tagmsg_persists(const char *ctags)
{
	static const char *const keep[] = {
		"+draft/persist", "+draft/react", "+react"
	};
	const char	*p = ctags, *end;
	size_t		 i, n, klen;

	while (p != NULL && *p != '\0') {
		end = strchr(p, ';');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		klen = strcspn(p, "=;");
		if (klen > n)
			klen = n;
		for (i = 0; i < sizeof keep / sizeof keep[0]; i++)
			if (strlen(keep[i]) == klen &&
			    strncmp(p, keep[i], klen) == 0)
				return 1;
		p = end != NULL ? end + 1 : NULL;
	}
	return 0;
}

/* A stored event (draft/event-playback) as it went out. */
static void
send_stored_event(struct irc_client *cl, struct irc_channel *ch,
    const struct chat_msg *m, const char *ref)
{
	struct irc_event	 ev;
	const char		*target = ch != NULL ? ch->name :
			    m->shown != NULL ? m->shown : m->target;

	/* A kept TAGMSG is only for clients that take tags. */
	if (strcmp(m->command, "TAGMSG") == 0 &&
	    !HASCAP(cl, CAP_MESSAGE_TAGS))
		return;
	if (strcmp(m->command, "QUIT") == 0)
		irc_event_init(&ev, ":%s QUIT %s", m->source, m->text);
	else if (strcmp(m->command, "JOIN") == 0 &&
	    HASCAP(cl, CAP_EXTENDED_JOIN))
		irc_event_init(&ev, ":%s JOIN %s %s :%s", m->source, target,
		    m->account != NULL ? m->account : "*", m->text);
	else if (strcmp(m->command, "JOIN") == 0 || m->text[0] == '\0')
		irc_event_init(&ev, ":%s %s %s", m->source, m->command,
		    target);
	else
		irc_event_init(&ev, ":%s %s %s %s", m->source, m->command,
		    target, m->text);
	irc_time_format(m->time, ev.time, sizeof ev.time);
	ev.ms = m->time;
	snprintf(ev.msgid, sizeof ev.msgid, "%s", m->msgid);
	ev.account = m->account;
	if (strcmp(m->command, "TAGMSG") == 0)
		ev.ctags = m->tags;
	ev.batch = ref;
	irc_event_send(&ev, cl);
	irc_event_free(&ev);
}

/*
 * Send stored message M to CL as it was, in batch REF (may be NULL); a
 * multiline one (draft/multiline) as its batch or as separate lines.
 */
static void
send_stored(struct irc_client *cl, struct irc_channel *ch,
    const struct chat_msg *m, const char *ref)
{
	struct irc_event	ev;
	struct irc_mtext	mt;
	struct irc_textev	tv;

	if (strcmp(m->command, "PRIVMSG") != 0 &&
	    strcmp(m->command, "NOTICE") != 0) {
		send_stored_event(cl, ch, m, ref);
		return;
	}
	if (irc_mtext_split(m->text, &mt)) {
		irc_textev_init(&tv, cl->is, m->source, m->command,
		    ch != NULL ? ch->name : m->shown != NULL ? m->shown :
		    m->target, &mt, m->msgid, m->time, m->account, m->tags, 0,
		    ref);
		irc_textev_send(&tv, cl, 0);
		irc_textev_free(&tv);
		irc_mtext_clear(&mt);
		return;
	}
	irc_event_init(&ev, ":%s %s %s :%s", m->source, m->command,
	    ch != NULL ? ch->name : m->shown != NULL ? m->shown : m->target,
	    m->text);
	irc_time_format(m->time, ev.time, sizeof ev.time);
	ev.ms = m->time;
	snprintf(ev.msgid, sizeof ev.msgid, "%s", m->msgid);
	ev.account = m->account;
	ev.ctags = m->tags;
	ev.batch = ref;
	irc_event_send(&ev, cl);
	irc_event_free(&ev);
}

static void	send_replay_line(struct irc_client *, struct irc_channel *,
		    const struct chat_msg *, const char *);

/*
 * Replay for a client without batch: a NOTICE with the time in it, one
 * per line of a multiline message (blank lines left out).
 */
static void
send_replay_notice(struct irc_client *cl, struct irc_channel *ch,
    const struct chat_msg *m)
{
	struct irc_mtext	mt;
	size_t			i;

	if (!irc_mtext_split(m->text, &mt)) {
		send_replay_line(cl, ch, m, m->text);
		return;
	}
	for (i = 0; i < mt.n; i++)
		if (mt.lines[i][0] != '\0')
			send_replay_line(cl, ch, m, mt.lines[i]);
	irc_mtext_clear(&mt);
}

static void
send_replay_line(struct irc_client *cl, struct irc_channel *ch,
    const struct chat_msg *m, const char *text)
{
	struct irc_event	 ev;
	char			 when[48], nick[IRC_NICKLEN + 1];
	time_t			 t = (time_t)(m->time / 1000);
	size_t			 n;

	/* Read by people: the community's local time (tz.h). */
	tz_when(t, when, sizeof when);
	n = strcspn(m->source, "!");
	snprintf(nick, sizeof nick, "%.*s", (int)n, m->source);
	if (strncmp(text, "\001ACTION ", 8) == 0) {
		n = strlen(text + 8);
		if (n > 0 && text[8 + n - 1] == '\001')
			n--;
		irc_event_init(&ev, ":%s NOTICE %s :[%s] * %s %.*s",
		    irc_srvname(cl), ch->name, when, nick, (int)n, text + 8);
	} else if (strcmp(m->command, "NOTICE") == 0)
		irc_event_init(&ev, ":%s NOTICE %s :[%s] -%s- %s",
		    irc_srvname(cl), ch->name, when, nick, text);
	else
		irc_event_init(&ev, ":%s NOTICE %s :[%s] <%s> %s",
		    irc_srvname(cl), ch->name, when, nick, text);
	irc_time_format(m->time, ev.time, sizeof ev.time);
	irc_event_send(&ev, cl);
	irc_event_free(&ev);
}

void
irc_history_replay(struct irc_client *cl, struct irc_channel *ch)
{
	struct server	*srv = cl->conn->srv;
	struct hist	 h = { NULL, 0 };
	char		 ref[24];
	size_t		 i;

	if (!ch->history || srv->cf->irc_replay_lines <= 0 ||
	    HASCAP(cl, CAP_CHATHISTORY))
		return;
	if (store_chat_range(srv->store, ch->fold, T_MIN, 0, T_MAX, 0, 1,
	    srv->cf->irc_replay_lines, hist_add, &h) != STORE_OK ||
	    h.n == 0) {
		hist_free(&h);
		return;
	}
	hist_reverse(&h);
	if (HASCAP(cl, CAP_BATCH)) {
		irc_new_batch(cl->is, ref, sizeof ref);
		irc_batch_start(cl, ref, "chathistory", ch->name);
		for (i = 0; i < h.n; i++)
			send_stored(cl, ch, &h.v[i], ref);
		irc_batch_end(cl, ref);
	} else {
		irc_sendf(cl, ":%s NOTICE %s :--- The last %zu message%s "
		    "before you joined ---", irc_srvname(cl), ch->name, h.n,
		    h.n == 1 ? "" : "s");
		for (i = 0; i < h.n; i++)
			send_replay_notice(cl, ch, &h.v[i]);
		irc_sendf(cl, ":%s NOTICE %s :--- End of history ---",
		    irc_srvname(cl), ch->name);
	}
	hist_free(&h);
}

/* CHATHISTORY. */

struct ref {
	int	star;		/* "*" */
	int	is_ts;		/* a timestamp, not a msgid */
	int64_t	t;
	int64_t	id;
};

/*
 * Parse a message reference for TARGET: "timestamp=...", "msgid=..."
 * or (when STAR_OK) "*".  Returns 0, -1 when malformed, 1 for a msgid
 * unknown in this target.
 */
static int
parse_ref(struct irc_client *cl, const char *target, const char *s,
    int star_ok, struct ref *r)
{
	struct chat_msg	m;
	int		rc;

	memset(r, 0, sizeof *r);
	if (star_ok && strcmp(s, "*") == 0) {
		r->star = 1;
		return 0;
	}
	if (strncmp(s, "timestamp=", 10) == 0) {
		r->is_ts = 1;
		return irc_time_parse(s + 10, &r->t) == 0 ? 0 : -1;
	}
	if (strncmp(s, "msgid=", 6) != 0 || s[6] == '\0')
		return -1;
	memset(&m, 0, sizeof m);
	rc = store_chat_get(cl->is->srv->store, s + 6, &m);
	if (rc != STORE_OK || strcmp(m.target, target) != 0) {
		chat_msg_clear(&m);
		return 1;
	}
	r->t = m.time;
	r->id = m.id;
	chat_msg_clear(&m);
	return 0;
}

/* (t, id) bounds: a timestamp excludes its whole millisecond. */
static void
lower_of(const struct ref *r, int64_t *t, int64_t *id)
{
	*t = r->t;
	*id = r->is_ts ? T_MAX : r->id;
}

static void
upper_of(const struct ref *r, int64_t *t, int64_t *id)
{
	*t = r->t;
	*id = r->is_ts ? T_MIN : r->id;
}

static int
ref_cmp(const struct ref *a, const struct ref *b)
{
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

static void
history_send(struct irc_client *cl, struct irc_channel *ch,
    const char *target, struct hist *h)
{
	char	ref[24];
	size_t	i;

	if (HASCAP(cl, CAP_BATCH)) {
		irc_new_batch(cl->is, ref, sizeof ref);
		irc_batch_start(cl, ref, "chathistory", target);
	}
	for (i = 0; i < h->n; i++)
		send_stored(cl, ch, &h->v[i], HASCAP(cl, CAP_BATCH) ? ref :
		    NULL);
	if (HASCAP(cl, CAP_BATCH))
		irc_batch_end(cl, ref);
}

struct target_time {
	char	*name;
	int64_t	 t;
};

struct targets {
	struct target_time	*v;
	size_t			 n;
	struct store		*st;
	int64_t			 lo, hi;
};

static void
targets_add(struct targets *tl, const char *name, int64_t t)
{
	tl->v = xreallocarray(tl->v, tl->n + 1, sizeof *tl->v);
	tl->v[tl->n].name = xstrdup(name);
	tl->v[tl->n].t = t;
	tl->n++;
}

/* A conversation of the caller: listed under the other end's name. */
static void
targets_dm(const char *conv, const char *peer, void *arg)
{
	struct targets	*tl = arg;
	int64_t		 t;

	if (store_chat_last_time(tl->st, conv, tl->lo, tl->hi, &t) ==
	    STORE_OK)
		targets_add(tl, peer, t);
}

static int
tt_cmp(const void *a, const void *b)
{
	const struct target_time	*x = a, *y = b;

	return x->t < y->t ? -1 : x->t > y->t;
}

/*
 * CHATHISTORY TARGETS: the caller's channels and private conversations
 * whose latest message lies strictly between the two timestamps,
 * oldest first, each with that message's time.
 */
static int
chathistory_targets(struct irc_client *cl, struct irc_msg *m)
{
	struct targets		 tl;
	struct irc_channel	*ch;
	int64_t			 a, b, t;
	size_t			 i;
	long			 limit;
	char			 ref[24], when[32], end[DM_END_LEN];

	if (m->nparams < 4) {
		irc_fail(cl, "CHATHISTORY", "NEED_MORE_PARAMS", "TARGETS",
		    N_("Missing parameters"));
		return CONN_OK;
	}
	limit = atol(m->params[3]);
	if (strncmp(m->params[1], "timestamp=", 10) != 0 ||
	    strncmp(m->params[2], "timestamp=", 10) != 0 ||
	    irc_time_parse(m->params[1] + 10, &a) != 0 ||
	    irc_time_parse(m->params[2] + 10, &b) != 0 || limit <= 0) {
		irc_fail(cl, "CHATHISTORY", "INVALID_PARAMS", "TARGETS",
		    N_("Invalid parameters"));
		return CONN_OK;
	}
	if (a > b) {
		t = a;
		a = b;
		b = t;
	}
	if (limit > IRC_CHATHISTORY_MAX)
		limit = IRC_CHATHISTORY_MAX;
	memset(&tl, 0, sizeof tl);
	tl.st = cl->is->srv->store;
	tl.lo = a;
	tl.hi = b;
	for (i = 0; i < cl->nchans; i++) {
		ch = cl->chans[i]->ch;
		if (!ch->history)
			continue;
		if (store_chat_last_time(tl.st, ch->fold, a, b, &t) ==
		    STORE_OK)
			targets_add(&tl, ch->name, t);
	}
	if (cl->account != NULL) {
		account_end(cl->account, end, sizeof end);
		store_dm_convs(tl.st, end, targets_dm, &tl);
	}
	if (tl.n > 0)
		qsort(tl.v, tl.n, sizeof *tl.v, tt_cmp);
	if (HASCAP(cl, CAP_BATCH)) {
		irc_new_batch(cl->is, ref, sizeof ref);
		irc_batch_start(cl, ref, "draft/chathistory-targets", NULL);
	}
	/* The time is bare, as in the time tag of the message it names. */
	for (i = 0; i < tl.n && (long)i < limit; i++) {
		irc_time_format(tl.v[i].t, when, sizeof when);
		if (HASCAP(cl, CAP_BATCH))
			irc_sendf(cl, "@batch=%s :%s CHATHISTORY TARGETS %s %s",
			    ref, irc_srvname(cl), tl.v[i].name, when);
		else
			irc_sendf(cl, ":%s CHATHISTORY TARGETS %s %s",
			    irc_srvname(cl), tl.v[i].name, when);
	}
	if (HASCAP(cl, CAP_BATCH))
		irc_batch_end(cl, ref);
	for (i = 0; i < tl.n; i++)
		free(tl.v[i].name);
	free(tl.v);
	return CONN_OK;
}

int
cmd_chathistory(struct irc_client *cl, struct irc_msg *m)
{
	struct store		*st = cl->is->srv->store;
	struct irc_channel	*ch = NULL;
	struct hist		 h = { NULL, 0 };
	struct ref		 r1, r2;
	char			 sub[16], ctx[IRC_CHANLEN + 32];
	char			 e1[DM_END_LEN], e2[DM_END_LEN], dm[DM_KEY_LEN];
	const char		*target, *key = NULL;
	int64_t			 lt, lid, ht, hid;
	long			 limit;
	size_t			 i, need;
	int			 rc, rc2 = 0, nbefore;
	/* Channel events only for those who asked (event-playback). */
	int			 ev = HASCAP(cl, CAP_EVENT_PLAYBACK);

	snprintf(sub, sizeof sub, "%s", m->params[0]);
	for (i = 0; sub[i] != '\0'; i++)
		sub[i] = (char)toupper((unsigned char)sub[i]);
	if (strcmp(sub, "TARGETS") == 0)
		return chathistory_targets(cl, m);
	if (strcmp(sub, "BEFORE") != 0 && strcmp(sub, "AFTER") != 0 &&
	    strcmp(sub, "LATEST") != 0 && strcmp(sub, "AROUND") != 0 &&
	    strcmp(sub, "BETWEEN") != 0) {
		irc_fail(cl, "CHATHISTORY", "INVALID_PARAMS", m->params[0],
		    N_("Unknown subcommand"));
		return CONN_OK;
	}
	need = strcmp(sub, "BETWEEN") == 0 ? 5 : 4;
	if (m->nparams < need) {
		irc_fail(cl, "CHATHISTORY", "NEED_MORE_PARAMS", sub,
		    N_("Missing parameters"));
		return CONN_OK;
	}
	target = m->params[1];
	limit = atol(m->params[need - 1]);
	/* chathistory, Errors: "INVALID_TARGET <subcommand> <target>". */
	snprintf(ctx, sizeof ctx, "%s %s", sub, target);
	if (target[0] == '#') {
		ch = irc_channel_find(cl->is, target);
		if (ch == NULL || irc_member_find(cl, ch) == NULL) {
			irc_fail(cl, "CHATHISTORY", "INVALID_TARGET", ctx,
			    N_("Messages could not be retrieved"));
			return CONN_OK;
		}
	} else if (!irc_nick_valid(target, IRC_NICKLEN)) {
		irc_fail(cl, "CHATHISTORY", "INVALID_TARGET", ctx,
		    N_("Messages could not be retrieved"));
		return CONN_OK;
	}
	if (ch != NULL && ch->history)
		key = ch->fold;
	else if (ch == NULL && cl->account != NULL) {
		/* A conversation of the caller's account, both ways. */
		account_end(cl->account, e1, sizeof e1);
		target_end(cl, target, e2, sizeof e2);
		store_dm_key(e1, e2, dm, sizeof dm);
		key = dm;
	}
	rc = parse_ref(cl, key != NULL ? key : "", m->params[2],
	    strcmp(sub, "LATEST") == 0, &r1);
	if (need == 5)
		rc2 = parse_ref(cl, key != NULL ? key : "", m->params[3],
		    0, &r2);
	if (rc < 0 || rc2 < 0 || limit <= 0) {
		irc_fail(cl, "CHATHISTORY", "INVALID_PARAMS", sub,
		    N_("Invalid message reference or limit"));
		return CONN_OK;
	}
	if (limit > IRC_CHATHISTORY_MAX)
		limit = IRC_CHATHISTORY_MAX;
	/*
	 * Nothing kept (a room without history, private messages asked
	 * by someone not logged in), or an unknown msgid: an empty batch.
	 */
	if (key == NULL || rc > 0 || rc2 > 0) {
		history_send(cl, ch, target, &h);
		return CONN_OK;
	}
	if (strcmp(sub, "BEFORE") == 0) {
		upper_of(&r1, &ht, &hid);
		rc = store_chat_range_ev(st, key, T_MIN, 0, ht, hid, 1,
		    (int)limit, ev, hist_add, &h);
		hist_reverse(&h);
	} else if (strcmp(sub, "AFTER") == 0) {
		lower_of(&r1, &lt, &lid);
		rc = store_chat_range_ev(st, key, lt, lid, T_MAX, 0, 0,
		    (int)limit, ev, hist_add, &h);
	} else if (strcmp(sub, "LATEST") == 0) {
		if (r1.star) {
			lt = T_MIN;
			lid = 0;
		} else
			lower_of(&r1, &lt, &lid);
		rc = store_chat_range_ev(st, key, lt, lid, T_MAX, 0, 1,
		    (int)limit, ev, hist_add, &h);
		hist_reverse(&h);
	} else if (strcmp(sub, "AROUND") == 0) {
		/* Half before, the rest from the reference on. */
		upper_of(&r1, &ht, &hid);
		rc = store_chat_range_ev(st, key, T_MIN, 0, ht, hid, 1,
		    (int)(limit / 2), ev, hist_add, &h);
		hist_reverse(&h);
		nbefore = (int)h.n;
		lt = r1.t;
		lid = r1.is_ts ? T_MIN : r1.id - 1;
		if (rc == STORE_OK)
			rc = store_chat_range_ev(st, key, lt, lid, T_MAX, 0,
			    0, (int)limit - nbefore, ev, hist_add, &h);
	} else {
		/* BETWEEN: counted from the first reference. */
		if (ref_cmp(&r1, &r2) <= 0) {
			lower_of(&r1, &lt, &lid);
			upper_of(&r2, &ht, &hid);
			rc = store_chat_range_ev(st, key, lt, lid, ht, hid, 0,
			    (int)limit, ev, hist_add, &h);
		} else {
			lower_of(&r2, &lt, &lid);
			upper_of(&r1, &ht, &hid);
			rc = store_chat_range_ev(st, key, lt, lid, ht, hid, 1,
			    (int)limit, ev, hist_add, &h);
			hist_reverse(&h);
		}
	}
	if (rc != STORE_OK) {
		irc_fail(cl, "CHATHISTORY", "MESSAGE_ERROR", sub,
		    N_("History is not available right now"));
		hist_free(&h);
		return CONN_OK;
	}
	history_send(cl, ch, ch != NULL ? ch->name : target, &h);
	hist_free(&h);
	return CONN_OK;
}

struct redact_dm {
	struct irc_event	*ev;
	const char		*e1, *e2;
};

/* Every client at one end of the conversation hears the redaction. */
static void
redact_dm_cb(const char *key, void *value, void *arg)
{
	struct irc_client	*to = value;
	struct redact_dm	*rd = arg;
	char			 end[DM_END_LEN];

	(void)key;
	if (!irc_is_registered(to) || !HASCAP(to, CAP_MESSAGE_REDACTION))
		return;
	client_end(to, end, sizeof end);
	if (strcmp(end, rd->e1) == 0 || strcmp(end, rd->e2) == 0)
		irc_event_send(rd->ev, to);
}

/*
 * REDACT of a private message: only its sender (the same session, or
 * the same account) may; it leaves both ends' history.
 */
/*
 * The checks both kinds of REDACT share: MSGID must be a stored line of
 * TARGET (a channel's folded name or a conversation key) that CL sent,
 * unless ANYONE (a channel operator); then it is deleted.  On failure
 * CL has heard the FAIL and M is cleared; on success M holds the line.
 */
static int
redact_take(struct irc_client *cl, const char *target, const char *msgid,
    int anyone, const char *ctx, struct chat_msg *m)
{
	struct store	*st = cl->is->srv->store;
	char		 sid[64];
	const char	*code, *why;

	memset(m, 0, sizeof *m);
	if (store_chat_get(st, msgid, m) != STORE_OK ||
	    strcmp(m->target, target) != 0) {
		code = "UNKNOWN_MSGID";
		why = "This message does not exist or is too old";
		goto fail;
	}
	session_id(cl, sid, sizeof sid);
	if (!anyone && strcmp(m->sender, sid) != 0 && (cl->account == NULL ||
	    m->account == NULL || names_casecmp(cl->account, m->account) != 0)) {
		code = "REDACT_FORBIDDEN";
		why = "You may not redact this message";
		goto fail;
	}
	if (store_chat_delete(st, m->msgid) != STORE_OK) {
		code = "TEMPORARILY_UNAVAILABLE";
		why = "Try again later";
		goto fail;
	}
	return 0;
fail:
	chat_msg_clear(m);
	irc_fail(cl, "REDACT", code, ctx, why);
	return -1;
}

static int
redact_dm(struct irc_client *cl, struct irc_msg *m)
{
	struct store		*st = cl->is->srv->store;
	struct irc_event	 ev;
	struct chat_msg		 msg;
	struct redact_dm	 rd;
	char			 ctx[IRC_NICKLEN + 64];
	char			 e1[DM_END_LEN], e2[DM_END_LEN], key[DM_KEY_LEN];
	const char		*reason = m->nparams > 2 ? m->params[2] : NULL;

	snprintf(ctx, sizeof ctx, "%s %s", m->params[0], m->params[1]);
	client_end(cl, e1, sizeof e1);
	target_end(cl, m->params[0], e2, sizeof e2);
	store_dm_key(e1, e2, key, sizeof key);
	if (redact_take(cl, key, m->params[1], 0, ctx, &msg) != 0)
		return CONN_OK;
	/* The audit log names no partner and keeps no reason: private. */
	store_audit(st, cl->account != NULL ? cl->account : cl->nick,
	    "irc.redact", "private message", NULL);
	/* The target it was delivered with, as both ends know it. */
	if (reason != NULL && *reason != '\0')
		irc_event_init(&ev, ":%s REDACT %s %s :%s", irc_prefix(cl),
		    msg.shown != NULL ? msg.shown : m->params[0], msg.msgid,
		    reason);
	else
		irc_event_init(&ev, ":%s REDACT %s %s", irc_prefix(cl),
		    msg.shown != NULL ? msg.shown : m->params[0], msg.msgid);
	ev.account = cl->account;
	rd.ev = &ev;
	rd.e1 = e1;
	rd.e2 = e2;
	strmap_foreach(cl->is->nicks, redact_dm_cb, &rd);
	irc_event_free(&ev);
	chat_msg_clear(&msg);
	return CONN_OK;
}

/* REDACT <target> <msgid> [<reason>] (draft/message-redaction). */
int
cmd_redact(struct irc_client *cl, struct irc_msg *m)
{
	struct store		*st = cl->is->srv->store;
	struct irc_channel	*ch;
	struct irc_member	*mb;
	struct irc_event	 ev;
	struct chat_msg		 msg;
	char			 ctx[IRC_CHANLEN + 64];
	const char		*reason = m->nparams > 2 ? m->params[2] : NULL;
	size_t			 i;

	if (m->params[0][0] != '#' && m->params[0][0] != '&' &&
	    irc_nick_valid(m->params[0], IRC_NICKLEN))
		return redact_dm(cl, m);
	ch = irc_channel_find(cl->is, m->params[0]);
	if (ch == NULL || (mb = irc_member_find(cl, ch)) == NULL) {
		irc_fail(cl, "REDACT", "INVALID_TARGET", m->params[0],
		    N_("You are not in that channel"));
		return CONN_OK;
	}
	snprintf(ctx, sizeof ctx, "%s %s", ch->name, m->params[1]);
	if (redact_take(cl, ch->fold, m->params[1], (mb->prefix & PFX_OP) ||
	    (cl->flags & CL_OPER), ctx, &msg) != 0)
		return CONN_OK;
	store_audit(st, cl->account != NULL ? cl->account : cl->nick,
	    "irc.redact", ch->name, reason);
	if (reason != NULL && *reason != '\0')
		irc_event_init(&ev, ":%s REDACT %s %s :%s", irc_prefix(cl),
		    ch->name, msg.msgid, reason);
	else
		irc_event_init(&ev, ":%s REDACT %s %s", irc_prefix(cl),
		    ch->name, msg.msgid);
	ev.account = cl->account;
	for (i = 0; i < ch->nmembers; i++)
		if (HASCAP(ch->members[i]->cl, CAP_MESSAGE_REDACTION))
			irc_event_send(&ev, ch->members[i]->cl);
	irc_event_free(&ev);
	chat_msg_clear(&msg);
	return CONN_OK;
}
