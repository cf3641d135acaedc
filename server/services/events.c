/*
 * events.c -- announcing scheduled events (see events.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "announce.h"
#include "events.h"
#include "feed.h"
#include "log.h"
#include "notice.h"
#include "notify.h"
#include "xmalloc.h"

#define REMIND_EVERY	5	/* seconds between reminder checks */

static struct event		*ev_remind;

/* Tell the protocols: a line in ROOM, its topic, or a reminder. */
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

static void
when_text(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%a %d %b %Y, %H:%M UTC", &tm);
}

void
event_announce(struct server *srv, const struct event_info *ev,
    int cancelled)
{
	char	 when[64], msgid[256], *subject, *body, *line;

	when_text(ev->starts, when, sizeof when);
	xasprintf(&subject, "%s%s - %s", cancelled ? "Cancelled: " : "",
	    ev->title, when);
	xasprintf(&body, "%s\n\n%s\nWhen: %s, %d minutes\nWhere: the IRC "
	    "room %s%s%s%s%s\n%s%s\n", cancelled ? "This event is CANCELLED." :
	    "A new event is scheduled.", ev->title, when, ev->duration / 60,
	    ev->room, ev->group != NULL ? "\nDiscussion: the newsgroup " : "",
	    ev->group != NULL ? ev->group : "",
	    ev->facilitator != NULL ? "\nFacilitator: " : "",
	    ev->facilitator != NULL ? ev->facilitator : "",
	    ev->description != NULL && *ev->description ? "\n" : "",
	    ev->description != NULL ? ev->description : "");
	if (ev->capacity > 0) {
		char	*b2;

		xasprintf(&b2, "%sPlaces: at most %d participants.\n", body,
		    ev->capacity);
		free(body);
		body = b2;
	}
	{
		char	*b2;

		xasprintf(&b2, "%s\n-- \nHearth events: the calendar is "
		    "/events.ics and /feeds/events.atom on the website.\n",
		    body);
		free(body);
		body = b2;
	}
	if (announce_post(srv, srv->cf->announce_group, subject, body,
	    msgid, sizeof msgid) != 0)
		log_warnx("events: could not post the announcement of %s",
		    ev->uid);
	xasprintf(&line, "%s: %s - %s (%d minutes)", cancelled ?
	    "Cancelled" : "Coming up", ev->title, when, ev->duration / 60);
	event_say(srv, "say", ev->id, ev->room, line);
	free(line);
	if (!cancelled) {
		xasprintf(&line, "Next: %s - %s", ev->title, when);
		event_say(srv, "topic", ev->id, ev->room, line);
		free(line);
	}
	free(subject);
	free(body);
}

struct remind_ctx {
	struct server		*srv;
	const struct event_info	*ev;
	const char		*text;
};

/* A member who asked (Helper REMIND) gets the reminder as a notice. */
static void
remind_account(const char *account, void *arg)
{
	struct remind_ctx	*rc = arg;

	notice_reminder(rc->srv, account, rc->ev->title, rc->text);
}

static void
remind_one(const struct event_info *ev, void *arg)
{
	struct server		*srv = arg;
	struct remind_ctx	 rc;
	char			*text, when[64];

	when_text(ev->starts, when, sizeof when);
	xasprintf(&text, "Starting soon in %s: %s - %s", ev->room, ev->title,
	    when);
	log_info("events: reminder for %s", ev->uid);
	event_say(srv, "say", ev->id, ev->room, text);
	rc.srv = srv;
	rc.ev = ev;
	rc.text = text;
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
