/*
 * irc-channel.c -- channels: JOIN, PART, TOPIC, NAMES, LIST, MODE, KICK,
 * INVITE; membership; registered rooms loaded from and saved to the
 * database.
 *
 * A registered room (a row of the rooms table, seeded from
 * etc/rooms.conf) exists while empty and keeps its topic, modes, key,
 * limit and b/e/I lists across restarts.  Any other channel is created
 * by its first JOIN (the creator gets +o) and vanishes with its last
 * member.  Moderators and admins get +o in every channel they join.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "i18n.h"
#include "irc-int.h"
#include "irc-numeric.h"
#include "log.h"
#include "rooms.h"
#include "store-chat.h"
#include "xmalloc.h"

static const char list_letters[LIST_COUNT] = { 'b', 'e', 'I' };

static const struct {
	char		letter;
	uint32_t	flag;
} chan_flags[] = {
	{ 'i', CM_INVITE },
	{ 'm', CM_MODERATED },
	{ 'n', CM_NOEXTERNAL },
	{ 's', CM_SECRET },
	{ 't', CM_TOPICLOCK },
	{ 'R', CM_REGONLY },
	{ 'M', CM_REGSPEAK },
	{ 'C', CM_NOCTCP },
};
#define NCHAN_FLAGS	(sizeof chan_flags / sizeof chan_flags[0])

struct irc_channel *
irc_channel_find(struct irc_server *is, const char *name)
{
	char	fold[IRC_CHANLEN + 2];

	if (strlen(name) > IRC_CHANLEN)
		return NULL;
	irc_casefold(IRC_CASEMAP, name, fold, sizeof fold);
	return strmap_get(is->chans, fold);
}

struct irc_member *
irc_member_find(struct irc_client *cl, struct irc_channel *ch)
{
	size_t	i;

	for (i = 0; i < cl->nchans; i++)
		if (cl->chans[i]->ch == ch)
			return cl->chans[i];
	return NULL;
}

static struct irc_channel *
channel_new(struct irc_server *is, const char *name)
{
	struct irc_channel	*ch;

	ch = xcalloc(1, sizeof *ch);
	ch->name = xstrdup(name);
	ch->fold = irc_casefold_dup(IRC_CASEMAP, name);
	ch->created = time(NULL);
	ch->history = is->srv->cf->irc_history;
	strmap_put(is->chans, ch->fold, ch);
	return ch;
}

static void
channel_free(struct irc_channel *ch)
{
	size_t	i, k;

	for (k = 0; k < LIST_COUNT; k++) {
		for (i = 0; i < ch->lists[k].n; i++) {
			free(ch->lists[k].v[i].mask);
			free(ch->lists[k].v[i].setter);
		}
		free(ch->lists[k].v);
	}
	free(ch->members);
	free(ch->name);
	free(ch->fold);
	free(ch->topic);
	free(ch->topic_who);
	free(ch->key);
	irc_push_channel_free(ch);
	free(ch);
}

/* The mode letters of CH, "+nt" style, without parameters. */
static void
mode_letters(struct irc_channel *ch, char *buf, size_t len, int params)
{
	size_t	i, n = 0;

	buf[n++] = '+';
	for (i = 0; i < NCHAN_FLAGS && n + 1 < len; i++)
		if (ch->modes & chan_flags[i].flag)
			buf[n++] = chan_flags[i].letter;
	if (params && ch->key != NULL && n + 1 < len)
		buf[n++] = 'k';
	if (params && ch->limit > 0 && n + 1 < len)
		buf[n++] = 'l';
	buf[n] = '\0';
}

/* Save a registered room's state (topic, modes, key, limit). */
static void
channel_save(struct irc_server *is, struct irc_channel *ch)
{
	char	modes[32];

	if (ch->room_id == 0)
		return;
	mode_letters(ch, modes, sizeof modes, 0);
	if (store_room_save(is->srv->store, ch->room_id, ch->topic,
	    ch->topic_who, (int64_t)ch->topic_time, modes, ch->key,
	    ch->limit) != STORE_OK)
		log_warnx("irc: cannot save room %s", ch->name);
}

void
irc_channel_save(struct irc_server *is, struct irc_channel *ch)
{
	channel_save(is, ch);
}

static void
room_loaded(const struct room_state *r, void *arg)
{
	struct irc_server	*is = arg;
	struct irc_channel	*ch;
	const char		*p;
	size_t			 i;

	if (!irc_channel_valid(r->name, IRC_CHANLEN) ||
	    irc_channel_find(is, r->name) != NULL)
		return;
	ch = channel_new(is, r->name);
	ch->room_id = r->id;
	ch->created = (time_t)r->created;
	ch->history = r->history && is->srv->cf->irc_history;
	if (r->topic != NULL && *r->topic != '\0') {
		ch->topic = xstrdup(r->topic);
		ch->topic_who = xstrdup(r->topic_setter != NULL &&
		    *r->topic_setter != '\0' ? r->topic_setter :
		    is->srv->cf->server_name);
		ch->topic_time = r->topic_time != 0 ? (time_t)r->topic_time :
		    ch->created;
	}
	for (p = r->modes; p != NULL && *p != '\0'; p++)
		for (i = 0; i < NCHAN_FLAGS; i++)
			if (chan_flags[i].letter == *p)
				ch->modes |= chan_flags[i].flag;
	if (r->key != NULL && *r->key != '\0')
		ch->key = xstrdup(r->key);
	ch->limit = r->limit;
}

static void
list_append(struct irc_masklist *l, const char *mask, const char *setter,
    time_t when)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n].mask = xstrdup(mask);
	l->v[l->n].setter = xstrdup(setter);
	l->v[l->n].when = when;
	l->n++;
}

struct mask_load {
	struct irc_server	*is;
	struct irc_channel	*last;
};

static void
room_mask_loaded(int64_t room, char kind, const char *mask,
    const char *setter, int64_t when, void *arg)
{
	struct mask_load	*ml = arg;
	struct irc_channel	*ch = ml->last;
	size_t			 k;

	(void)ml->is;
	if (ch == NULL || ch->room_id != room)
		return;
	for (k = 0; k < LIST_COUNT; k++)
		if (list_letters[k] == kind)
			list_append(&ch->lists[k], mask, setter, (time_t)when);
}

static void
find_room(const char *key, void *val, void *arg)
{
	struct irc_channel	*ch = val;
	int64_t			*want = ((void **)arg)[0];
	struct irc_channel	**out = ((void **)arg)[1];

	(void)key;
	if (ch->room_id == *want)
		*out = ch;
}

static void
room_mask_route(int64_t room, char kind, const char *mask,
    const char *setter, int64_t when, void *arg)
{
	struct mask_load	*ml = arg;
	void			*fa[2];
	struct irc_channel	*found = NULL;

	if (ml->last == NULL || ml->last->room_id != room) {
		fa[0] = &room;
		fa[1] = &found;
		strmap_foreach(ml->is->chans, find_room, fa);
		ml->last = found;
	}
	room_mask_loaded(room, kind, mask, setter, when, ml);
}

/* Create every registered room with its saved state. */
void
irc_channels_load(struct irc_server *is)
{
	struct mask_load	ml = { is, NULL };

	if (store_room_state_list(is->srv->store, room_loaded, is) !=
	    STORE_OK)
		log_warnx("irc: cannot load rooms");
	if (store_room_mask_list(is->srv->store, room_mask_route, &ml) !=
	    STORE_OK)
		log_warnx("irc: cannot load room ban lists");
	log_info("irc: %zu rooms loaded", strmap_count(is->chans));
}

static void
free_one(const char *key, void *val, void *arg)
{
	struct irc_server	*is = arg;

	strmap_del(is->chans, key);
	channel_free(val);
}

void
irc_channels_free(struct irc_server *is)
{
	strmap_foreach(is->chans, free_one, is);
}

/* Membership. */

static struct irc_member *
member_add(struct irc_channel *ch, struct irc_client *cl, uint8_t prefix)
{
	struct irc_member	*mb;

	mb = xcalloc(1, sizeof *mb);
	mb->cl = cl;
	mb->ch = ch;
	mb->prefix = prefix;
	if (ch->nmembers == ch->cap) {
		ch->cap = ch->cap == 0 ? 4 : ch->cap * 2;
		ch->members = xreallocarray(ch->members, ch->cap,
		    sizeof *ch->members);
	}
	mb->idx = ch->nmembers;
	ch->members[ch->nmembers++] = mb;
	if (cl->nchans == cl->chancap) {
		cl->chancap = cl->chancap == 0 ? 4 : cl->chancap * 2;
		cl->chans = xreallocarray(cl->chans, cl->chancap,
		    sizeof *cl->chans);
	}
	cl->chans[cl->nchans++] = mb;
	return mb;
}

/*
 * Take MB out of its channel and its client; an unregistered channel
 * left empty goes away.
 */
void
irc_channel_remove(struct irc_member *mb)
{
	struct irc_channel	*ch = mb->ch;
	struct irc_client	*cl = mb->cl;
	size_t			 i;

	ch->members[mb->idx] = ch->members[--ch->nmembers];
	ch->members[mb->idx]->idx = mb->idx;
	for (i = 0; i < cl->nchans; i++) {
		if (cl->chans[i] == mb) {
			cl->chans[i] = cl->chans[--cl->nchans];
			break;
		}
	}
	free(mb);
	if (ch->nmembers == 0 && ch->room_id == 0) {
		strmap_del(cl->is->chans, ch->fold);
		channel_free(ch);
	} else if (ch->nmembers == 0) {
		/* A registered room keeps its state, not its storage. */
		free(ch->members);
		ch->members = NULL;
		ch->cap = 0;
	}
}

/* "@+" (multi-prefix) or the highest prefix alone, for TO. */
void
irc_prefix_string(struct irc_client *to, uint8_t prefix, char *buf,
    size_t len)
{
	size_t	n = 0;

	if ((prefix & PFX_OP) && n + 1 < len)
		buf[n++] = '@';
	if ((prefix & PFX_VOICE) && n + 1 < len &&
	    (n == 0 || HASCAP(to, CAP_MULTI_PREFIX)))
		buf[n++] = '+';
	buf[n] = '\0';
}

int
irc_channel_visible(struct irc_channel *ch, struct irc_client *cl)
{
	return !(ch->modes & CM_SECRET) || irc_member_find(cl, ch) != NULL;
}

/*
 * Extended bans (ISUPPORT EXTBAN=,am and ACCOUNTEXTBAN=a; IRCv3
 * account-extban, as InspIRCd and Ergo write them, with no prefix):
 *
 *	a:ACCOUNT	whoever is logged in to ACCOUNT (wildcards allowed),
 *			never a client without an account of that name;
 *	m:MASK		a mute: whoever matches MASK may join but not
 *			speak (+v or +o still speaks, as for +m).
 *
 * They go in the b, e and I lists like any mask.  Exceptions are by
 * kind, as InspIRCd has them: an m: +e lifts mutes (and only it does),
 * a plain or a: +e lifts bans; in +I only plain and a: masks count.
 */
#define EXTBAN_NONE	0
#define EXTBAN_ACCOUNT	'a'
#define EXTBAN_MUTE	'm'

/* The extban type of MASK (EXTBAN_*, or '?' for an unknown one). */
static int
extban_type(const char *mask)
{
	if (!isalpha((unsigned char)mask[0]) || mask[1] != ':')
		return EXTBAN_NONE;
	if (mask[0] == EXTBAN_ACCOUNT || mask[0] == EXTBAN_MUTE)
		return mask[0];
	return '?';
}

/* Which entries list_match() looks at. */
#define MATCH_BANS	0x01	/* plain masks and a: */
#define MATCH_MUTES	0x02	/* m: */

/* Does an entry of list L of the kinds WHICH match CL (seen as FULL)? */
static int
list_match(struct irc_masklist *l, struct irc_client *cl, const char *full,
    int which)
{
	const char	*mask;
	size_t		 i;

	for (i = 0; i < l->n; i++) {
		mask = l->v[i].mask;
		switch (extban_type(mask)) {
		case EXTBAN_NONE:
			if ((which & MATCH_BANS) &&
			    irc_mask_match(IRC_CASEMAP, mask, full))
				return 1;
			break;
		case EXTBAN_ACCOUNT:
			if ((which & MATCH_BANS) && cl->account != NULL &&
			    irc_mask_match(IRC_CASEMAP, mask + 2, cl->account))
				return 1;
			break;
		case EXTBAN_MUTE:
			if ((which & MATCH_MUTES) &&
			    irc_mask_match(IRC_CASEMAP, mask + 2, full))
				return 1;
			break;
		}
	}
	return 0;
}

/*
 * The one decision on a channel's own masks, with the moderators' bans
 * (sanction.c, through irc_mod_banned()): 1 when CL is banned from CH
 * (a moderators' ban, or a plain or a: +b without a plain or a: +e); with
 * SPEAK, 2 when CL is only muted there (an m: +b without an m: +e);
 * else 0.
 */
int
irc_banned(struct irc_channel *ch, struct irc_client *cl, int speak)
{
	struct irc_masklist	*ban = &ch->lists[LIST_BAN];
	struct irc_masklist	*exc = &ch->lists[LIST_EXCEPT];
	const char		*full;

	if (irc_mod_banned(cl, ch))
		return 1;
	if (ban->n == 0)
		return 0;
	full = irc_prefix(cl);
	if (list_match(ban, cl, full, MATCH_BANS) &&
	    !list_match(exc, cl, full, MATCH_BANS))
		return 1;
	if (speak && list_match(ban, cl, full, MATCH_MUTES) &&
	    !list_match(exc, cl, full, MATCH_MUTES))
		return 2;
	return 0;
}

static int
invited(struct irc_client *cl, struct irc_channel *ch, int consume)
{
	size_t	i;

	for (i = 0; i < cl->ninvites; i++) {
		if (strcmp(cl->invites[i], ch->fold) == 0) {
			if (consume) {
				free(cl->invites[i]);
				cl->invites[i] = cl->invites[--cl->ninvites];
			}
			return 1;
		}
	}
	return 0;
}

/* The 353 lines of one channel's NAMES (its 366 is the caller's). */
static void
send_namreply(struct irc_client *cl, struct irc_channel *ch)
{
	char			 buf[512], item[IRC_NICKLEN + 128], pfx[4];
	size_t			 len = 0, i, max;
	struct irc_member	*mb;
	char			 sym = (ch->modes & CM_SECRET) ? '@' : '=';
	int			 member = irc_member_find(cl, ch) != NULL;

	/* ":server 353 nick = #chan :" plus CR LF must fit in 512. */
	max = 512 - 2 - (strlen(irc_srvname(cl)) + strlen(cl->nick) +
	    strlen(ch->name) + 12);
	buf[0] = '\0';
	for (i = 0; i < ch->nmembers; i++) {
		mb = ch->members[i];
		if (!member && (mb->cl->flags & CL_INVISIBLE))
			continue;
		irc_prefix_string(cl, mb->prefix, pfx, sizeof pfx);
		if (HASCAP(cl, CAP_USERHOST_IN_NAMES))
			snprintf(item, sizeof item, "%s%s", pfx,
			    irc_prefix(mb->cl));
		else
			snprintf(item, sizeof item, "%s%s", pfx, mb->cl->nick);
		if (len > 0 && len + 1 + strlen(item) > max) {
			irc_numeric(cl, RPL_NAMREPLY, sym, ch->name, buf);
			len = 0;
			buf[0] = '\0';
		}
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
		    len > 0 ? " " : "", item);
	}
	if (len > 0)
		irc_numeric(cl, RPL_NAMREPLY, sym, ch->name, buf);
}

/* NAMES for one channel (353 lines then 366). */
static void
send_names(struct irc_client *cl, struct irc_channel *ch)
{
	send_namreply(cl, ch);
	irc_numeric(cl, RPL_ENDOFNAMES, ch->name);
}

static void
send_topic(struct irc_client *cl, struct irc_channel *ch, int always)
{
	if (ch->topic == NULL) {
		if (always)
			irc_numeric(cl, RPL_NOTOPIC, ch->name);
		return;
	}
	/* A shipped topic (etc/rooms.conf) in the reader's language. */
	irc_numeric(cl, RPL_TOPIC, ch->name, i18n(irc_lang(cl), ch->topic));
	irc_numeric(cl, RPL_TOPICWHOTIME, ch->name, ch->topic_who,
	    (long long)ch->topic_time);
}

static int
is_staff(struct irc_client *cl)
{
	return cl->role == ROLE_MODERATOR || cl->role == ROLE_ADMIN;
}

/* Join CL to channel NAME with KEY (may be NULL). */
static void
join_one(struct irc_client *cl, const char *name, const char *key)
{
	struct irc_server	*is = cl->is;
	struct irc_channel	*ch;
	struct irc_member	*mb, *to;
	struct irc_event	 join, ejoin, away;
	uint8_t			 prefix = 0;
	size_t			 i;

	if (!irc_channel_valid(name, IRC_CHANLEN)) {
		irc_numeric(cl, ERR_NOSUCHCHANNEL, name);
		return;
	}
	ch = irc_channel_find(is, name);
	if (ch != NULL && irc_member_find(cl, ch) != NULL)
		return;
	if (cl->nchans >= IRC_MAXCHANNELS) {
		irc_numeric(cl, ERR_TOOMANYCHANNELS, name);
		return;
	}
	if (ch == NULL) {
		ch = channel_new(is, name);
		ch->modes = CM_NOEXTERNAL | CM_TOPICLOCK;
		prefix = PFX_OP;
	} else if (!is_staff(cl)) {
		/* Checks in the order of Modern IRC's JOIN section. */
		if ((ch->modes & CM_REGONLY) && cl->account == NULL) {
			irc_numeric(cl, ERR_NEEDREGGEDNICK, ch->name);
			return;
		}
		if (ch->key != NULL && (key == NULL ||
		    strcmp(key, ch->key) != 0) && !invited(cl, ch, 0)) {
			irc_numeric(cl, ERR_BADCHANNELKEY, ch->name);
			return;
		}
		if (ch->limit > 0 && ch->nmembers >= (size_t)ch->limit &&
		    !invited(cl, ch, 0)) {
			irc_numeric(cl, ERR_CHANNELISFULL, ch->name);
			return;
		}
		if ((ch->modes & CM_INVITE) && !invited(cl, ch, 0) &&
		    !list_match(&ch->lists[LIST_INVEX], cl, irc_prefix(cl),
		    MATCH_BANS)) {
			irc_numeric(cl, ERR_INVITEONLYCHAN, ch->name);
			return;
		}
		if (irc_banned(ch, cl, 0) && !invited(cl, ch, 0)) {
			irc_numeric(cl, ERR_BANNEDFROMCHAN, ch->name);
			return;
		}
	}
	invited(cl, ch, 1);
	if (is_staff(cl))
		prefix |= PFX_OP;
	mb = member_add(ch, cl, prefix);

	irc_event_init(&join, ":%s JOIN %s", irc_prefix(cl), ch->name);
	irc_event_init(&ejoin, ":%s JOIN %s %s :%s", irc_prefix(cl), ch->name,
	    cl->account != NULL ? cl->account : "*", cl->realname);
	join.account = ejoin.account = cl->account;
	/* One event: one msgid and time, as kept in the history. */
	irc_new_msgid(is, join.msgid, sizeof join.msgid);
	memcpy(ejoin.msgid, join.msgid, sizeof ejoin.msgid);
	memcpy(ejoin.time, join.time, sizeof ejoin.time);
	ejoin.ms = join.ms;
	if (cl->away != NULL)
		irc_event_init(&away, ":%s AWAY :%s", irc_prefix(cl),
		    cl->away);
	for (i = 0; i < ch->nmembers; i++) {
		to = ch->members[i];
		irc_event_send(HASCAP(to->cl, CAP_EXTENDED_JOIN) ? &ejoin :
		    &join, to->cl);
		if (cl->away != NULL && to->cl != cl &&
		    HASCAP(to->cl, CAP_AWAY_NOTIFY))
			irc_event_send(&away, to->cl);
	}
	irc_history_event(ch, cl, &join, "JOIN", "%s", cl->realname != NULL ?
	    cl->realname : "");
	irc_event_free(&join);
	irc_event_free(&ejoin);
	if (cl->away != NULL)
		irc_event_free(&away);
	/* draft/read-marker: after the JOIN, before the names end. */
	irc_markread_join(cl, ch);
	/* Moderators are channel operators in every room. */
	if (is_staff(cl) && ch->nmembers > 1) {
		struct irc_event	op;

		irc_event_init(&op, ":%s MODE %s +o %s", irc_srvname(cl),
		    ch->name, cl->nick);
		for (i = 0; i < ch->nmembers; i++)
			irc_event_send(&op, ch->members[i]->cl);
		irc_event_free(&op);
	}
	send_topic(cl, ch, 0);
	/* no-implicit-names: the client asks with NAMES if it wants. */
	if (!HASCAP(cl, CAP_NO_IMPLICIT_NAMES))
		send_names(cl, ch);
	irc_history_replay(cl, ch);
	irc_metadata_join(cl, ch);
	irc_mod_join_event(cl, ch);
	(void)mb;
}

/* PART every channel (JOIN 0). */
static void
part_all(struct irc_client *cl)
{
	struct irc_event	 ev;
	struct irc_member	*mb;
	struct irc_channel	*ch;
	size_t			 i;

	while (cl->nchans > 0) {
		mb = cl->chans[cl->nchans - 1];
		ch = mb->ch;
		irc_event_init(&ev, ":%s PART %s", irc_prefix(cl), ch->name);
		ev.account = cl->account;
		irc_new_msgid(cl->is, ev.msgid, sizeof ev.msgid);
		for (i = 0; i < ch->nmembers; i++)
			irc_event_send(&ev, ch->members[i]->cl);
		irc_history_event(ch, cl, &ev, "PART", "%s", "");
		irc_event_free(&ev);
		irc_channel_remove(mb);
	}
}

int
cmd_join(struct irc_client *cl, struct irc_msg *m)
{
	char	*chans, *keys = NULL, *c, *k, *cs = NULL, *ks = NULL;

	if (strcmp(m->params[0], "0") == 0) {
		part_all(cl);
		return CONN_OK;
	}
	if (m->params[0][0] == '\0') {
		irc_numeric(cl, ERR_NEEDMOREPARAMS, "JOIN");
		return CONN_OK;
	}
	chans = xstrdup(m->params[0]);
	if (m->nparams > 1)
		keys = xstrdup(m->params[1]);
	k = keys != NULL ? strtok_r(keys, ",", &ks) : NULL;
	for (c = strtok_r(chans, ",", &cs); c != NULL;
	    c = strtok_r(NULL, ",", &cs)) {
		join_one(cl, c, k);
		if (k != NULL)
			k = strtok_r(NULL, ",", &ks);
		if (conn_is_closing(cl->conn))
			break;
	}
	free(chans);
	free(keys);
	return CONN_OK;
}

int
cmd_part(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_channel	*ch;
	struct irc_member	*mb;
	struct irc_event	 ev;
	char			*chans, *c, *save = NULL;
	size_t			 i;

	chans = xstrdup(m->params[0]);
	for (c = strtok_r(chans, ",", &save); c != NULL;
	    c = strtok_r(NULL, ",", &save)) {
		if ((ch = irc_channel_find(cl->is, c)) == NULL) {
			irc_numeric(cl, ERR_NOSUCHCHANNEL, c);
			continue;
		}
		if ((mb = irc_member_find(cl, ch)) == NULL) {
			irc_numeric(cl, ERR_NOTONCHANNEL, ch->name);
			continue;
		}
		if (m->nparams > 1 && m->params[1][0] != '\0')
			irc_event_init(&ev, ":%s PART %s :%.*s",
			    irc_prefix(cl), ch->name, IRC_KICKLEN,
			    m->params[1]);
		else
			irc_event_init(&ev, ":%s PART %s", irc_prefix(cl),
			    ch->name);
		ev.account = cl->account;
		irc_new_msgid(cl->is, ev.msgid, sizeof ev.msgid);
		for (i = 0; i < ch->nmembers; i++)
			irc_event_send(&ev, ch->members[i]->cl);
		if (m->nparams > 1 && m->params[1][0] != '\0')
			irc_history_event(ch, cl, &ev, "PART", ":%.*s",
			    IRC_KICKLEN, m->params[1]);
		else
			irc_history_event(ch, cl, &ev, "PART", "%s", "");
		irc_event_free(&ev);
		irc_channel_remove(mb);
	}
	free(chans);
	return CONN_OK;
}

int
cmd_topic(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_channel	*ch;
	struct irc_member	*mb;
	struct irc_event	 ev;
	size_t			 i;

	if ((ch = irc_channel_find(cl->is, m->params[0])) == NULL) {
		irc_numeric(cl, ERR_NOSUCHCHANNEL, m->params[0]);
		return CONN_OK;
	}
	mb = irc_member_find(cl, ch);
	if (m->nparams < 2) {
		if (mb == NULL && (ch->modes & CM_SECRET))
			irc_numeric(cl, ERR_NOTONCHANNEL, ch->name);
		else
			send_topic(cl, ch, 1);
		return CONN_OK;
	}
	if (mb == NULL) {
		irc_numeric(cl, ERR_NOTONCHANNEL, ch->name);
		return CONN_OK;
	}
	if ((ch->modes & CM_TOPICLOCK) && !(mb->prefix & PFX_OP)) {
		irc_numeric(cl, ERR_CHANOPRIVSNEEDED, ch->name);
		return CONN_OK;
	}
	free(ch->topic);
	free(ch->topic_who);
	ch->topic = NULL;
	ch->topic_who = NULL;
	if (m->params[1][0] != '\0') {
		ch->topic = xstrndup(m->params[1], IRC_TOPICLEN);
		ch->topic_who = xstrdup(irc_prefix(cl));
	}
	ch->topic_time = time(NULL);
	irc_event_init(&ev, ":%s TOPIC %s :%s", irc_prefix(cl), ch->name,
	    ch->topic != NULL ? ch->topic : "");
	ev.account = cl->account;
	irc_new_msgid(cl->is, ev.msgid, sizeof ev.msgid);
	for (i = 0; i < ch->nmembers; i++)
		irc_event_send(&ev, ch->members[i]->cl);
	irc_history_event(ch, cl, &ev, "TOPIC", ":%s", ch->topic != NULL ?
	    ch->topic : "");
	irc_event_free(&ev);
	channel_save(cl->is, ch);
	return CONN_OK;
}

/*
 * NAMES [#a[,#b...]]: the 353 lines of each channel named that the
 * client may see (at most TARGMAX NAMES, IRC_MAXTARGETS; further names
 * are ignored, as Modern IRC allows), then one 366 naming the list as
 * it was given (each name cut at CHANNELLEN, so the line stays short),
 * as RFC 1459/2812 servers (irc2) answer and irctest checks.  An unknown
 * or secret channel only has its part of the 366: there is no error
 * reply for it.
 */
int
cmd_names(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_channel	*ch;
	char			*chans, *c, *save = NULL;
	char			 list[IRC_MAXTARGETS * (IRC_CHANLEN + 1) + 1];
	size_t			 len = 0;
	int			 n = 0;

	if (m->nparams < 1 || m->params[0][0] == '\0') {
		irc_numeric(cl, RPL_ENDOFNAMES, "*");
		return CONN_OK;
	}
	chans = xstrdup(m->params[0]);
	for (c = strtok_r(chans, ",", &save); c != NULL &&
	    n < IRC_MAXTARGETS; c = strtok_r(NULL, ",", &save), n++) {
		ch = irc_channel_find(cl->is, c);
		if (ch != NULL && irc_channel_visible(ch, cl))
			send_namreply(cl, ch);
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%.*s",
		    len > 0 ? "," : "", IRC_CHANLEN, c);
	}
	free(chans);
	irc_numeric(cl, RPL_ENDOFNAMES, len > 0 ? list : "*");
	return CONN_OK;
}

/*
 * LIST filters, advertised as ELIST=CMNTU (Modern IRC, ELIST parameter):
 * "<n" / ">n" on the member count, "C<n" / "C>n" on the minutes since
 * the channel was made, "T<n" / "T>n" on the minutes since its topic
 * was set, a mask and "!mask" to leave matching channels out.  Several
 * filters, comma-separated, must all hold; several masks, any of them.
 */
struct list_ctx {
	struct irc_client	*cl;
	time_t			 now;
	long			 min, max;	/* U: >n <n members */
	long			 cmin, cmax;	/* C: >n <n minutes old */
	long			 tmin, tmax;	/* T: >n <n minutes since topic */
	char			**masks;	/* M */
	size_t			 nmasks;
	char			**nomasks;	/* N */
	size_t			 nnomasks;
};

static int
list_any_match(char **masks, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (irc_mask_match(IRC_CASEMAP, masks[i], name))
			return 1;
	return 0;
}

/* Is AGE (seconds) within the ">min" / "<max" minutes bounds (-1: none)? */
static int
list_age_ok(time_t age, long min, long max)
{
	if (min >= 0 && age <= (time_t)min * 60)
		return 0;
	if (max >= 0 && age >= (time_t)max * 60)
		return 0;
	return 1;
}

static void
list_one(const char *key, void *val, void *arg)
{
	struct list_ctx		*lc = arg;
	struct irc_channel	*ch = val;
	char			 modes[32], topic[IRC_TOPICLEN + 40];

	(void)key;
	if (!irc_channel_visible(ch, lc->cl))
		return;
	if ((long)ch->nmembers <= lc->min && lc->min >= 0)
		return;
	if (lc->max >= 0 && (long)ch->nmembers >= lc->max)
		return;
	if (!list_age_ok(lc->now - ch->created, lc->cmin, lc->cmax))
		return;
	if (lc->tmin >= 0 || lc->tmax >= 0) {
		if (ch->topic == NULL || !list_age_ok(lc->now -
		    ch->topic_time, lc->tmin, lc->tmax))
			return;
	}
	if (lc->nmasks > 0 && !list_any_match(lc->masks, lc->nmasks,
	    ch->name))
		return;
	if (list_any_match(lc->nomasks, lc->nnomasks, ch->name))
		return;
	mode_letters(ch, modes, sizeof modes, 1);
	snprintf(topic, sizeof topic, "[%s] %s", modes, ch->topic != NULL ?
	    i18n(irc_lang(lc->cl), ch->topic) : "");
	irc_numeric(lc->cl, RPL_LIST, ch->name, ch->nmembers, topic);
}

/* A count after '<' or '>': digits only, else -2 (matches nothing). */
static long
list_number(const char *s)
{
	char	*end;
	long	 n;

	if (*s < '0' || *s > '9')
		return -2;
	n = strtol(s, &end, 10);
	return *end == '\0' && n >= 0 ? n : -2;
}

int
cmd_list(struct irc_client *cl, struct irc_msg *m)
{
	struct list_ctx	 lc = { cl, time(NULL), -1, -1, -1, -1, -1, -1, NULL,
	    0, NULL, 0 };
	char		*copy = NULL, *t, *save = NULL;
	int		 none = 0;
	long		 n;

	if (m->nparams > 0 && m->params[0][0] != '\0') {
		copy = xstrdup(m->params[0]);
		for (t = strtok_r(copy, ",", &save); t != NULL;
		    t = strtok_r(NULL, ",", &save)) {
			long	*lo = &lc.min, *hi = &lc.max;
			char	*f = t;

			if ((t[0] == 'C' || t[0] == 'T') && (t[1] == '<' ||
			    t[1] == '>')) {
				lo = t[0] == 'C' ? &lc.cmin : &lc.tmin;
				hi = t[0] == 'C' ? &lc.cmax : &lc.tmax;
				f = t + 1;
			}
			if (f[0] == '>' || f[0] == '<') {
				/* "<0" matches nothing; so does junk. */
				if ((n = list_number(f + 1)) < 0 ||
				    (f[0] == '<' && n == 0))
					none = 1;
				else if (f[0] == '>')
					*lo = n;
				else
					*hi = n;
			} else if (t[0] == '!') {
				lc.nomasks = xreallocarray(lc.nomasks,
				    lc.nnomasks + 1, sizeof *lc.nomasks);
				lc.nomasks[lc.nnomasks++] = t + 1;
			} else {
				lc.masks = xreallocarray(lc.masks,
				    lc.nmasks + 1, sizeof *lc.masks);
				lc.masks[lc.nmasks++] = t;
			}
		}
	}
	irc_numeric(cl, RPL_LISTSTART);
	if (!none)
		strmap_foreach(cl->is->chans, list_one, &lc);
	irc_numeric(cl, RPL_LISTEND);
	free(lc.masks);
	free(lc.nomasks);
	free(copy);
	return CONN_OK;
}

/* MODE. */

static void
send_list(struct irc_client *cl, struct irc_channel *ch, int k)
{
	struct irc_masklist	*l = &ch->lists[k];
	size_t			 i;

	for (i = 0; i < l->n; i++) {
		if (k == LIST_BAN)
			irc_numeric(cl, RPL_BANLIST, ch->name, l->v[i].mask,
			    l->v[i].setter, (long long)l->v[i].when);
		else if (k == LIST_EXCEPT)
			irc_numeric(cl, RPL_EXCEPTLIST, ch->name, l->v[i].mask,
			    l->v[i].setter, (long long)l->v[i].when);
		else
			irc_numeric(cl, RPL_INVEXLIST, ch->name, l->v[i].mask,
			    l->v[i].setter, (long long)l->v[i].when);
	}
	if (k == LIST_BAN)
		irc_numeric(cl, RPL_ENDOFBANLIST, ch->name);
	else if (k == LIST_EXCEPT)
		irc_numeric(cl, RPL_ENDOFEXCEPTLIST, ch->name);
	else
		irc_numeric(cl, RPL_ENDOFINVEXLIST, ch->name);
}

/*
 * Complete a bare nick or "nick!user" into a full n!u@h mask; an m:
 * extban's mask the same way, an a: one stays as it is.
 */
static void
normalize_mask(const char *in, char *out, size_t len)
{
	const char	*bang = strchr(in, '!'), *at = strchr(in, '@');

	if (extban_type(in) == EXTBAN_ACCOUNT)
		snprintf(out, len, "%s", in);
	else if (extban_type(in) == EXTBAN_MUTE && len > 2) {
		snprintf(out, len, "%.2s", in);
		normalize_mask(in + 2, out + 2, len - 2);
	} else if (bang == NULL && at == NULL)
		snprintf(out, len, "%s!*@*", in);
	else if (bang == NULL)
		snprintf(out, len, "*!%s", in);
	else if (at == NULL)
		snprintf(out, len, "%s@*", in);
	else
		snprintf(out, len, "%s", in);
}

/* Accumulated result of one MODE command: what is shown to members. */
struct mode_out {
	char	letters[64];
	size_t	nl;
	int	dir;		/* last sign written: 1 +, 0 -, -1 none */
	char	params[400];
	size_t	np;
};

static void
mode_out_add(struct mode_out *mo, int dir, char letter, const char *param)
{
	if (mo->nl + 3 >= sizeof mo->letters)
		return;
	if (mo->dir != dir) {
		mo->letters[mo->nl++] = dir ? '+' : '-';
		mo->dir = dir;
	}
	mo->letters[mo->nl++] = letter;
	mo->letters[mo->nl] = '\0';
	if (param != NULL && mo->np + strlen(param) + 2 < sizeof mo->params)
		mo->np += (size_t)snprintf(mo->params + mo->np,
		    sizeof mo->params - mo->np, " %s", param);
}

static int
list_change(struct irc_client *cl, struct irc_channel *ch, int k, int dir,
    const char *arg, struct mode_out *mo)
{
	struct irc_masklist	*l = &ch->lists[k];
	char			 mask[256];
	size_t			 i;

	/* An unknown extban, or one with nothing after the colon. */
	if (dir && (extban_type(arg) == '?' || (extban_type(arg) !=
	    EXTBAN_NONE && arg[2] == '\0'))) {
		irc_numeric(cl, ERR_INVALIDMODEPARAM, ch->name,
		    list_letters[k], arg, "Unknown or empty extban (EXTBAN=,am)");
		return 0;
	}
	normalize_mask(arg, mask, sizeof mask);
	for (i = 0; i < l->n; i++)
		if (irc_casecmp(IRC_CASEMAP, l->v[i].mask, mask) == 0)
			break;
	if (dir) {
		if (i < l->n)
			return 0;
		if (l->n >= IRC_MAXLIST) {
			irc_numeric(cl, ERR_BANLISTFULL, ch->name,
			    list_letters[k]);
			return 0;
		}
		list_append(l, mask, irc_prefix(cl), time(NULL));
		if (ch->room_id != 0)
			store_room_mask_add(cl->is->srv->store, ch->room_id,
			    list_letters[k], mask, l->v[l->n - 1].setter,
			    (int64_t)l->v[l->n - 1].when);
	} else {
		if (i == l->n)
			return 0;
		if (ch->room_id != 0)
			store_room_mask_del(cl->is->srv->store, ch->room_id,
			    list_letters[k], l->v[i].mask);
		snprintf(mask, sizeof mask, "%s", l->v[i].mask);
		free(l->v[i].mask);
		free(l->v[i].setter);
		memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) *
		    sizeof *l->v);
		l->n--;
	}
	mode_out_add(mo, dir, list_letters[k], mask);
	return 1;
}

static void
channel_mode(struct irc_client *cl, struct irc_channel *ch,
    struct irc_msg *m)
{
	struct irc_member	*mb = irc_member_find(cl, ch), *tm;
	struct irc_client	*target;
	struct mode_out		 mo;
	struct irc_event	 ev;
	const char		*p, *arg;
	char			 buf[192], params[IRC_CHANLEN + 64];
	size_t			 argi = 2, i;
	int			 dir = 1, nparam = 0, k, changed = 0;
	int			 is_op, listed[LIST_COUNT] = { 0 };

	if (m->nparams < 2) {
		mode_letters(ch, buf, sizeof buf, 1);
		params[0] = '\0';
		if (ch->key != NULL && mb != NULL)
			snprintf(params, sizeof params, " %s", ch->key);
		if (ch->limit > 0)
			snprintf(params + strlen(params), sizeof params -
			    strlen(params), " %d", ch->limit);
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s",
		    params);
		irc_numeric(cl, RPL_CHANNELMODEIS, ch->name, buf);
		irc_numeric(cl, RPL_CREATIONTIME, ch->name,
		    (long long)ch->created);
		return;
	}
	is_op = (mb != NULL && (mb->prefix & PFX_OP));
	memset(&mo, 0, sizeof mo);
	mo.dir = -1;
	for (p = m->params[1]; *p != '\0'; p++) {
		if (*p == '+' || *p == '-') {
			dir = (*p == '+');
			continue;
		}
		for (k = 0; k < LIST_COUNT; k++)
			if (list_letters[k] == *p)
				break;
		if (k < LIST_COUNT) {
			if (argi >= m->nparams) {
				/* No mask: show the list (once). */
				if (!listed[k]) {
					listed[k] = 1;
					if (k != LIST_BAN && !is_op)
						irc_numeric(cl,
						    ERR_CHANOPRIVSNEEDED,
						    ch->name);
					else
						send_list(cl, ch, k);
				}
				continue;
			}
			arg = m->params[argi++];
			if (!is_op) {
				irc_numeric(cl, ERR_CHANOPRIVSNEEDED, ch->name);
				goto done;
			}
			if (++nparam > IRC_MAXMODES)
				continue;
			changed |= list_change(cl, ch, k, dir, arg, &mo);
			continue;
		}
		switch (*p) {
		case 'o':
		case 'v':
			if (argi >= m->nparams)
				continue;
			arg = m->params[argi++];
			if (!is_op) {
				irc_numeric(cl, ERR_CHANOPRIVSNEEDED, ch->name);
				goto done;
			}
			if (++nparam > IRC_MAXMODES)
				continue;
			target = irc_find_nick(cl->is, arg);
			if (target == NULL) {
				irc_numeric(cl, ERR_NOSUCHNICK, arg);
				continue;
			}
			if ((tm = irc_member_find(target, ch)) == NULL) {
				irc_numeric(cl, ERR_USERNOTINCHANNEL,
				    target->nick, ch->name);
				continue;
			}
			{
				uint8_t	f = (*p == 'o') ? PFX_OP : PFX_VOICE;

				if (dir == ((tm->prefix & f) != 0))
					continue;
				if (dir)
					tm->prefix |= f;
				else
					tm->prefix &= ~f;
			}
			mode_out_add(&mo, dir, *p, target->nick);
			continue;
		case 'k':
			if (!is_op) {
				irc_numeric(cl, ERR_CHANOPRIVSNEEDED, ch->name);
				goto done;
			}
			if (dir) {
				if (argi >= m->nparams)
					continue;
				arg = m->params[argi++];
				/*
				 * RFC 2812 section 2.3.1: 1 to 23 bytes, no
				 * space.  Refused with ERR_INVALIDMODEPARAM
				 * (Modern IRC, key channel mode); the key
				 * itself is not echoed.
				 */
				if (*arg == '\0' || strpbrk(arg, " ,:") !=
				    NULL || strlen(arg) > 23) {
					irc_numeric(cl, ERR_INVALIDMODEPARAM,
					    ch->name, 'k', "*",
					    "Invalid key");
					continue;
				}
				free(ch->key);
				ch->key = xstrdup(arg);
				mode_out_add(&mo, 1, 'k', arg);
			} else {
				if (argi < m->nparams)
					argi++;
				if (ch->key == NULL)
					continue;
				free(ch->key);
				ch->key = NULL;
				mode_out_add(&mo, 0, 'k', "*");
			}
			changed = 1;
			continue;
		case 'l':
			if (!is_op) {
				irc_numeric(cl, ERR_CHANOPRIVSNEEDED, ch->name);
				goto done;
			}
			if (dir) {
				long	n;

				if (argi >= m->nparams)
					continue;
				arg = m->params[argi++];
				n = atol(arg);
				if (n <= 0 || n > 100000) {
					/* An empty parameter shows as "*". */
					irc_numeric(cl, ERR_INVALIDMODEPARAM,
					    ch->name, 'l', *arg != '\0' ? arg :
					    "*", "Invalid limit");
					continue;
				}
				ch->limit = (int)n;
				snprintf(buf, sizeof buf, "%ld", n);
				mode_out_add(&mo, 1, 'l', buf);
			} else {
				if (ch->limit == 0)
					continue;
				ch->limit = 0;
				mode_out_add(&mo, 0, 'l', NULL);
			}
			changed = 1;
			continue;
		}
		for (i = 0; i < NCHAN_FLAGS; i++)
			if (chan_flags[i].letter == *p)
				break;
		if (i == NCHAN_FLAGS) {
			irc_numeric(cl, ERR_UNKNOWNMODE, *p);
			continue;
		}
		if (!is_op) {
			irc_numeric(cl, ERR_CHANOPRIVSNEEDED, ch->name);
			goto done;
		}
		if (dir == ((ch->modes & chan_flags[i].flag) != 0))
			continue;
		if (dir)
			ch->modes |= chan_flags[i].flag;
		else
			ch->modes &= ~chan_flags[i].flag;
		mode_out_add(&mo, dir, *p, NULL);
		changed = 1;
	}
done:
	if (mo.nl == 0)
		return;
	irc_event_init(&ev, ":%s MODE %s %s%s", irc_prefix(cl), ch->name,
	    mo.letters, mo.params);
	ev.account = cl->account;
	irc_new_msgid(cl->is, ev.msgid, sizeof ev.msgid);
	for (i = 0; i < ch->nmembers; i++)
		irc_event_send(&ev, ch->members[i]->cl);
	irc_history_event(ch, cl, &ev, "MODE", "%s%s", mo.letters,
	    mo.params);
	irc_event_free(&ev);
	/*
	 * Bans, exceptions and moderation of a room are moderation acts:
	 * they go to the audit log with who did them.
	 */
	if (strpbrk(mo.letters, "bemMR") != NULL) {
		char	detail[600];

		snprintf(detail, sizeof detail, "%s%s", mo.letters, mo.params);
		store_audit(cl->is->srv->store, cl->account != NULL ?
		    cl->account : cl->nick, "irc.mode", ch->name, detail);
	}
	if (changed)
		channel_save(cl->is, ch);
}

int
cmd_mode(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_channel	*ch;

	if (m->params[0][0] != '#')
		return irc_user_mode(cl, m);
	if ((ch = irc_channel_find(cl->is, m->params[0])) == NULL) {
		irc_numeric(cl, ERR_NOSUCHCHANNEL, m->params[0]);
		return CONN_OK;
	}
	channel_mode(cl, ch, m);
	return CONN_OK;
}

/*
 * Kick NICK from the channel named CHAN on CL's order.  Every check is
 * made again for each pair: an earlier kick may have emptied the channel.
 */
static void
kick_one(struct irc_client *cl, const char *chan, const char *nick,
    const char *comment)
{
	struct irc_channel	*ch;
	struct irc_member	*mb, *tm;
	struct irc_client	*target;
	struct irc_event	 ev;
	const char		*reason;
	size_t			 i;

	if ((ch = irc_channel_find(cl->is, chan)) == NULL) {
		irc_numeric(cl, ERR_NOSUCHCHANNEL, chan);
		return;
	}
	if ((mb = irc_member_find(cl, ch)) == NULL) {
		irc_numeric(cl, ERR_NOTONCHANNEL, ch->name);
		return;
	}
	if (!(mb->prefix & PFX_OP)) {
		irc_numeric(cl, ERR_CHANOPRIVSNEEDED, ch->name);
		return;
	}
	if ((target = irc_find_nick(cl->is, nick)) == NULL) {
		irc_numeric(cl, ERR_NOSUCHNICK, nick);
		return;
	}
	if ((tm = irc_member_find(target, ch)) == NULL) {
		irc_numeric(cl, ERR_USERNOTINCHANNEL, target->nick, ch->name);
		return;
	}
	/* Without a comment, the kicker's nick (RFC 2812 section 3.2.8). */
	reason = comment != NULL && comment[0] != '\0' ? comment : cl->nick;
	irc_event_init(&ev, ":%s KICK %s %s :%.*s", irc_prefix(cl), ch->name,
	    target->nick, IRC_KICKLEN, reason);
	ev.account = cl->account;
	irc_new_msgid(cl->is, ev.msgid, sizeof ev.msgid);
	for (i = 0; i < ch->nmembers; i++)
		irc_event_send(&ev, ch->members[i]->cl);
	irc_history_event(ch, cl, &ev, "KICK", "%s :%.*s", target->nick,
	    IRC_KICKLEN, reason);
	irc_event_free(&ev);
	store_audit(cl->is->srv->store, cl->account != NULL ? cl->account :
	    cl->nick, "irc.kick", target->nick, reason);
	irc_channel_remove(tm);
}

/*
 * KICK <channel>{,<channel>} <user>{,<user>} [<comment>]: one channel
 * and several users, or as many channels as users, taken in pairs (RFC
 * 2812 section 3.2.8).  Each kick goes out as its own one-channel,
 * one-user KICK.  Pairs past TARGMAX (IRC_MAXTARGETS) are dropped
 * silently, as Modern IRC allows.
 */
int
cmd_kick(struct irc_client *cl, struct irc_msg *m)
{
	char		*chans[IRC_MAXTARGETS], *nicks[IRC_MAXTARGETS];
	char		*cbuf, *nbuf, *t, *save;
	const char	*comment = m->nparams > 2 ? m->params[2] : NULL;
	size_t		 nc = 0, nn = 0, i;

	cbuf = xstrdup(m->params[0]);
	nbuf = xstrdup(m->params[1]);
	save = NULL;
	for (t = strtok_r(cbuf, ",", &save); t != NULL && nc < IRC_MAXTARGETS;
	    t = strtok_r(NULL, ",", &save))
		chans[nc++] = t;
	save = NULL;
	for (t = strtok_r(nbuf, ",", &save); t != NULL && nn < IRC_MAXTARGETS;
	    t = strtok_r(NULL, ",", &save))
		nicks[nn++] = t;
	if (nc == 0 || nn == 0 || (nc != 1 && nc != nn))
		irc_numeric(cl, ERR_NEEDMOREPARAMS, "KICK");
	else
		for (i = 0; i < nn; i++)
			kick_one(cl, chans[nc == 1 ? 0 : i], nicks[i], comment);
	free(cbuf);
	free(nbuf);
	return CONN_OK;
}

struct rename_ctx {
	const char	*old;		/* folded */
	const char	*fold;
};

/* A pending INVITE to the old name is one to the new name now. */
static void
rename_invites(const char *key, void *val, void *arg)
{
	struct irc_client	*cl = val;
	struct rename_ctx	*rc = arg;
	size_t			 i;

	(void)key;
	for (i = 0; i < cl->ninvites; i++)
		if (strcmp(cl->invites[i], rc->old) == 0) {
			free(cl->invites[i]);
			cl->invites[i] = xstrdup(rc->fold);
		}
}

/*
 * What a member without draft/channel-rename sees of a rename from OLD:
 * itself leaving OLD and joining the new name, then the topic and the
 * names, as on a JOIN (IRCv3 channel-rename, fallback).
 */
static void
rename_fallback(struct irc_client *to, struct irc_channel *ch,
    const char *old, const char *reason)
{
	char	who[IRC_NICKLEN + 200];

	snprintf(who, sizeof who, "%s", irc_prefix(to));
	if (reason != NULL)
		irc_sendf(to, ":%s PART %s :Channel renamed: %s", who, old,
		    reason);
	else
		irc_sendf(to, ":%s PART %s :Channel renamed", who, old);
	if (HASCAP(to, CAP_EXTENDED_JOIN))
		irc_sendf(to, ":%s JOIN %s %s :%s", who, ch->name,
		    to->account != NULL ? to->account : "*", to->realname);
	else
		irc_sendf(to, ":%s JOIN %s", who, ch->name);
	send_topic(to, ch, 0);
	send_names(to, ch);
}

/*
 * RENAME <#old> <#new> [<reason>] (IRCv3 draft/channel-rename): for the
 * channel's operators, and in a registered room (etc/rooms.conf) for
 * moderators only.  The room record, its history and the moderators'
 * sanctions scoped to it take the new name (rooms.c, one transaction);
 * members with the capability see RENAME, the others PART and JOIN.
 * A change of case only is a rename too.
 */
int
cmd_rename(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_server	*is = cl->is;
	struct irc_channel	*ch, *other;
	struct irc_member	*mb;
	struct irc_event	 ev;
	struct rename_ctx	 rc;
	const char		*name = m->params[1], *reason = NULL;
	char			 ctx[2 * IRC_CHANLEN + 8], fold[IRC_CHANLEN + 2];
	char			*old;
	size_t			 i;

	if (m->nparams > 2 && m->params[2][0] != '\0')
		reason = m->params[2];
	if ((ch = irc_channel_find(is, m->params[0])) == NULL) {
		irc_numeric(cl, ERR_NOSUCHCHANNEL, m->params[0]);
		return CONN_OK;
	}
	mb = irc_member_find(cl, ch);
	if (!is_staff(cl) && (mb == NULL || !(mb->prefix & PFX_OP))) {
		irc_numeric(cl, ERR_CHANOPRIVSNEEDED, ch->name);
		return CONN_OK;
	}
	snprintf(ctx, sizeof ctx, "%s %.*s", ch->name, IRC_CHANLEN + 1, name);
	if (ch->room_id != 0 && !is_staff(cl)) {
		irc_fail(cl, "RENAME", "CANNOT_RENAME", ctx, N_("Only moderators "
		    "rename a registered room"));
		return CONN_OK;
	}
	/* The moderators' alerts go to that room by its configured name. */
	if (irc_casecmp(IRC_CASEMAP, ch->name,
	    is->srv->cf->moderators_room) == 0) {
		irc_fail(cl, "RENAME", "CANNOT_RENAME", ctx, N_("The moderators' "
		    "room keeps its name (moderators_room)"));
		return CONN_OK;
	}
	if (!irc_channel_valid(name, IRC_CHANLEN)) {
		irc_fail(cl, "RENAME", "CANNOT_RENAME", ctx, N_("Invalid channel "
		    "name"));
		return CONN_OK;
	}
	irc_casefold(IRC_CASEMAP, name, fold, sizeof fold);
	other = strmap_get(is->chans, fold);
	if (other != NULL && other != ch) {
		irc_fail(cl, "RENAME", "CHANNEL_NAME_IN_USE", ctx, N_("That name "
		    "is taken"));
		return CONN_OK;
	}
	if (strcmp(name, ch->name) == 0)
		return CONN_OK;
	if (room_rename(is->srv, cl->account != NULL ? cl->account : cl->nick,
	    ch->name, ch->fold, name, fold) != 0) {
		irc_fail(cl, "RENAME", "CANNOT_RENAME", ctx, N_("The room could "
		    "not be renamed; try again later"));
		return CONN_OK;
	}
	log_info("conn=%llu irc rename %s -> %s",
	    (unsigned long long)cl->conn->id, ch->name, name);
	strmap_del(is->chans, ch->fold);
	rc.old = ch->fold;
	rc.fold = fold;
	strmap_foreach(is->nicks, rename_invites, &rc);
	old = ch->name;
	free(ch->fold);
	ch->name = xstrdup(name);
	ch->fold = xstrdup(fold);
	strmap_put(is->chans, ch->fold, ch);
	if (reason != NULL)
		irc_event_init(&ev, ":%s RENAME %s %s :%s", irc_prefix(cl), old,
		    ch->name, reason);
	else
		irc_event_init(&ev, ":%s RENAME %s %s", irc_prefix(cl), old,
		    ch->name);
	for (i = 0; i < ch->nmembers; i++) {
		if (HASCAP(ch->members[i]->cl, CAP_CHANNEL_RENAME))
			irc_event_send(&ev, ch->members[i]->cl);
		else
			rename_fallback(ch->members[i]->cl, ch, old, reason);
	}
	/* A moderator renaming from outside hears it too. */
	if (mb == NULL) {
		if (HASCAP(cl, CAP_CHANNEL_RENAME))
			irc_event_send(&ev, cl);
		else
			irc_sendf(cl, ":%s NOTICE %s :%s is now %s",
			    irc_srvname(cl), cl->nick, old, ch->name);
	}
	irc_event_free(&ev);
	free(old);
	return CONN_OK;
}

int
cmd_invite(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_channel	*ch;
	struct irc_member	*mb;
	struct irc_client	*target;
	struct irc_event	 ev;
	size_t			 i;

	if (m->nparams == 0) {
		for (i = 0; i < cl->ninvites; i++) {
			ch = strmap_get(cl->is->chans, cl->invites[i]);
			if (ch != NULL)
				irc_numeric(cl, RPL_INVITELIST, ch->name);
		}
		irc_numeric(cl, RPL_ENDOFINVITELIST);
		return CONN_OK;
	}
	if (m->nparams < 2) {
		irc_numeric(cl, ERR_NEEDMOREPARAMS, "INVITE");
		return CONN_OK;
	}
	if ((target = irc_find_nick(cl->is, m->params[0])) == NULL ||
	    !irc_is_registered(target)) {
		irc_numeric(cl, ERR_NOSUCHNICK, m->params[0]);
		return CONN_OK;
	}
	if ((ch = irc_channel_find(cl->is, m->params[1])) == NULL) {
		irc_numeric(cl, ERR_NOSUCHCHANNEL, m->params[1]);
		return CONN_OK;
	}
	if ((mb = irc_member_find(cl, ch)) == NULL) {
		irc_numeric(cl, ERR_NOTONCHANNEL, ch->name);
		return CONN_OK;
	}
	if ((ch->modes & CM_INVITE) && !(mb->prefix & PFX_OP)) {
		irc_numeric(cl, ERR_CHANOPRIVSNEEDED, ch->name);
		return CONN_OK;
	}
	if (irc_member_find(target, ch) != NULL) {
		irc_numeric(cl, ERR_USERONCHANNEL, target->nick, ch->name);
		return CONN_OK;
	}
	if (!invited(target, ch, 0) && target->ninvites < 64) {
		target->invites = xreallocarray(target->invites,
		    target->ninvites + 1, sizeof *target->invites);
		target->invites[target->ninvites++] = xstrdup(ch->fold);
	}
	irc_numeric(cl, RPL_INVITING, target->nick, ch->name);
	if (target->away != NULL)
		irc_numeric(cl, RPL_AWAY, target->nick, target->away);
	irc_event_init(&ev, ":%s INVITE %s %s", irc_prefix(cl), target->nick,
	    ch->name);
	/* account-tag: on every message a logged-in user sends. */
	ev.account = cl->account;
	irc_event_send(&ev, target);
	/* invite-notify: the other members who asked for it. */
	for (i = 0; i < ch->nmembers; i++) {
		struct irc_client	*to = ch->members[i]->cl;

		if (to != cl && HASCAP(to, CAP_INVITE_NOTIFY))
			irc_event_send(&ev, to);
	}
	irc_event_free(&ev);
	return CONN_OK;
}
