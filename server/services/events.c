/*
 * events.c -- announcing scheduled events (see events.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>
#include <openssl/rand.h>

#include "announce.h"
#include "events.h"
#include "i18n.h"
#include "feed.h"
#include "log.h"
#include "notice.h"
#include "notify.h"
#include "tz.h"
#include "xmalloc.h"

#define REMIND_EVERY	5	/* seconds between reminder checks */

static struct event		*ev_remind;

/* Tell the protocols: a line in ROOM. */
static void
event_say(struct server *srv, const char *action, int64_t id,
    const char *room, const char *text)
{
	struct notify_msg	m = { .kind = NOTIFY_EVENT };

	m.action = action;
	m.id = id;
	m.room = room;
	m.text = text;
	notify_publish(srv, &m);
}

/* When an event starts, in the community's time (tz.h). */
static void
when_text(time_t t, char *buf, size_t len)
{
	tz_when(t, buf, len);
}

void
event_announce(struct server *srv, const struct event_info *ev,
    int cancelled)
{
	const char	*L = NULL;	/* the operator's language */
	char	 when[64], msgid[256], *subject, *body, *line;

	when_text(ev->starts, when, sizeof when);
	/* Announcements are everyone's: the operator's language (L NULL). */
	xasprintf(&subject, "%s%s - %s", cancelled ? i18n(L, "Cancelled: ") :
	    "", ev->title, when);
	xasprintf(&body, i18n(L, "%s\n\n%s\nWhen: %s, %d minutes\nWhere: "
	    "the IRC room %s%s%s%s%s\n%s%s\n"), cancelled ?
	    i18n(L, "This event is CANCELLED.") :
	    i18n(L, "A new event is scheduled."), ev->title, when,
	    ev->duration / 60, ev->room, ev->group != NULL ?
	    i18n(L, "\nDiscussion: the newsgroup ") : "",
	    ev->group != NULL ? ev->group : "",
	    ev->facilitator != NULL ? i18n(L, "\nFacilitator: ") : "",
	    ev->facilitator != NULL ? ev->facilitator : "",
	    ev->description != NULL && *ev->description ? "\n" : "",
	    ev->description != NULL ? ev->description : "");
	if (ev->capacity > 0) {
		char	*b2;

		xasprintf(&b2, i18n(L, "%sPlaces: at most %d participants.\n"),
		    body, ev->capacity);
		free(body);
		body = b2;
	}
	{
		char	*b2;

		xasprintf(&b2, i18n(L, "%s\n-- \nHearth events: the calendar "
		    "is /events.ics and /feeds/events.atom on the website.\n"),
		    body);
		free(body);
		body = b2;
	}
	if (announce_post(srv, srv->cf->announce_group, subject, body,
	    msgid, sizeof msgid) != 0)
		log_warnx("events: could not post the announcement of %s",
		    ev->uid);
	xasprintf(&line, cancelled ? i18n(L, "Cancelled: %s - %s (%d "
	    "minutes)") : i18n(L, "Coming up: %s - %s (%d minutes)"),
	    ev->title, when, ev->duration / 60);
	/* Said beside the room's topic, never over it (issue 15). */
	event_say(srv, "say", ev->id, ev->room, line);
	free(line);
	free(subject);
	free(body);
}

struct remind_ctx {
	struct server		*srv;
	const struct event_info	*ev;
	const char		*text;
	const char		*when;
};

/* A member who asked (Helper REMIND) gets the reminder as a notice. */
static void
remind_account(const char *account, void *arg)
{
	struct remind_ctx	*rc = arg;

	notice_reminder(rc->srv, account, rc->ev->title, rc->ev->room,
	    rc->when);
}

static void
remind_one(const struct event_info *ev, void *arg)
{
	struct server		*srv = arg;
	struct remind_ctx	 rc;
	char			*text, when[64];

	when_text(ev->starts, when, sizeof when);
	xasprintf(&text, i18n(NULL, "Starting soon in %s: %s - %s"), ev->room,
	    ev->title, when);
	log_info("events: reminder for %s", ev->uid);
	event_say(srv, "say", ev->id, ev->room, text);
	rc.srv = srv;
	rc.ev = ev;
	rc.text = text;
	rc.when = when;
	store_event_reminders(srv->store, ev->id, remind_account, &rc);
	free(text);
}

void
events_remind(struct server *srv)
{
	time_t	now = time(NULL);

	store_event_due(srv->store, now + srv->cf->event_reminder_minutes * 60,
	    now, remind_one, srv);
}

static void
remind_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	events_remind(arg);
}

int
events_init(struct server *srv)
{
	struct timeval	tv = { REMIND_EVERY, 0 };

	ev_remind = event_new(srv->base, -1, EV_PERSIST, remind_cb, srv);
	event_add(ev_remind, &tv);
	return 0;
}

void
events_free(struct server *srv)
{
	(void)srv;
	if (ev_remind != NULL)
		event_free(ev_remind);
	ev_remind = NULL;
}

struct next_find {
	const char		*room;
	time_t			 until;
	struct event_info	*out;
	int			 found;
};

static void
next_find_cb(const struct event_info *ev, void *arg)
{
	struct next_find	*nf = arg;

	if (nf->found || ev->starts > nf->until ||
	    strcasecmp(ev->room, nf->room) != 0)
		return;
	nf->out->id = ev->id;
	nf->out->uid = xstrdup(ev->uid);
	nf->out->title = xstrdup(ev->title);
	nf->out->description = ev->description != NULL ?
	    xstrdup(ev->description) : NULL;
	nf->out->starts = ev->starts;
	nf->out->duration = ev->duration;
	nf->out->room = xstrdup(ev->room);
	nf->out->group = ev->group != NULL ? xstrdup(ev->group) : NULL;
	nf->out->capacity = ev->capacity;
	nf->out->facilitator = ev->facilitator != NULL ?
	    xstrdup(ev->facilitator) : NULL;
	nf->out->created = ev->created;
	nf->out->updated = ev->updated;
	nf->out->cancelled = 0;
	nf->found = 1;
}

/*
 * The next event in ROOM that has not ended and starts within WITHIN
 * seconds, into OUT (event_info_clear() it).  1 if there is one, else 0.
 */
int
event_next_in_room(struct server *srv, const char *room, time_t within,
    struct event_info *out)
{
	struct next_find	nf;
	time_t			now = time(NULL);

	memset(out, 0, sizeof *out);
	nf.room = room;
	nf.until = now + within;
	nf.out = out;
	nf.found = 0;
	store_event_list(srv->store, now, 200, 0, next_find_cb, &nf);
	return nf.found;
}

struct room_find {
	const char	*name;
	int		 found;
};

static void
room_find_cb(const struct room_info *r, void *arg)
{
	struct room_find	*rf = arg;

	if (strcasecmp(r->name, rf->name) == 0)
		rf->found = 1;
}

static void
group_find_cb(const struct group_info *g, void *arg)
{
	struct room_find	*rf = arg;

	if (strcmp(g->name, rf->name) == 0)
		rf->found = strcmp(g->visibility, "private") == 0 ? 2 : 1;
}

/*
 * Create event EV as ACTOR: its room must exist, and its discussion
 * group (if any) exist and not be private (the calendar is public).
 * The event and its audit line are one transaction; then it is
 * announced.  0 with EV->id and EV->uid set (UID points into static
 * storage until the next call), or a reply code (401, 404, 500) with
 * the reason in MSG.
 */
int
event_create(struct server *srv, const char *actor, struct event_info *ev,
    char *msg, size_t msglen)
{
	static char		 uid[64];
	struct room_find	 rf;
	unsigned char		 rnd[12];
	size_t			 i;

	rf.name = ev->room;
	rf.found = 0;
	store_room_list(srv->store, room_find_cb, &rf);
	if (!rf.found) {
		snprintf(msg, msglen, "No such room: %s", ev->room);
		return 404;
	}
	if (ev->group != NULL) {
		rf.name = ev->group;
		rf.found = 0;
		store_group_list(srv->store, group_find_cb, &rf);
		if (!rf.found) {
			snprintf(msg, msglen, "No such group: %s", ev->group);
			return 404;
		}
		if (rf.found == 2) {
			snprintf(msg, msglen, "%s is private: the public "
			    "events calendar would show its name", ev->group);
			return 401;
		}
	}
	if (RAND_bytes(rnd, sizeof rnd) != 1) {
		snprintf(msg, msglen, "No randomness for the event id");
		return 500;
	}
	for (i = 0; i < sizeof rnd; i++)
		snprintf(uid + i * 2, 3, "%02x", rnd[i]);
	snprintf(uid + sizeof rnd * 2, sizeof uid - sizeof rnd * 2, "@%s",
	    srv->cf->server_name);
	ev->uid = uid;
	if (store_begin(srv->store) != STORE_OK) {
		snprintf(msg, msglen, "Database error");
		return 500;
	}
	if (store_event_add(srv->store, ev) != STORE_OK ||
	    store_audit(srv->store, actor, "event.add", ev->title, NULL) !=
	    STORE_OK || store_commit(srv->store) != STORE_OK) {
		store_rollback(srv->store);
		snprintf(msg, msglen, "Database error");
		return 500;
	}
	notify_content_changed(srv);
	event_announce(srv, ev, 0);
	return 0;
}

/*
 * Cancel event ID as ACTOR (stored and audited together), then tell
 * the community.  0, or a reply code (404, 500) with MSG.
 */
int
event_cancel(struct server *srv, const char *actor, int64_t id, char *msg,
    size_t msglen)
{
	struct event_info	ev;
	char			idtext[32];
	int			rc;

	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	if (store_begin(srv->store) != STORE_OK) {
		snprintf(msg, msglen, "Database error");
		return 500;
	}
	rc = store_event_cancel(srv->store, id);
	if (rc == STORE_OK)
		rc = store_audit(srv->store, actor, "event.cancel", idtext,
		    NULL);
	if (rc != STORE_OK || store_commit(srv->store) != STORE_OK) {
		store_rollback(srv->store);
		if (rc == STORE_NOTFOUND) {
			snprintf(msg, msglen, "No such event, or already "
			    "cancelled: %lld", (long long)id);
			return 404;
		}
		snprintf(msg, msglen, "Database error");
		return 500;
	}
	notify_content_changed(srv);
	if (store_event_get(srv->store, id, &ev) == STORE_OK) {
		event_announce(srv, &ev, 1);
		event_info_clear(&ev);
	}
	return 0;
}
