/*
 * events.h -- announcing scheduled events (patient schools, meetups).
 *
 * A new or cancelled event is posted to the announcements group; the IRC
 * service, when it registers its hooks, also says it in the room.  The
 * room's topic is the room's own: events never change it; the next one
 * is shown beside it (landing page, Helper EVENTS, a notice on JOIN).  A timer announces each event in its room, and
 * sends a reminder notice (notice.h) to whoever asked for one,
 * event_reminder_minutes before it starts.
 */
#ifndef HEARTH_EVENTS_H
#define HEARTH_EVENTS_H

#include "hearth.h"
#include "store.h"

int	 events_init(struct server *);
void	 events_free(struct server *);
/* A new (CANCELLED 0) or cancelled event: tell the community. */
void	 event_announce(struct server *, const struct event_info *,
	    int cancelled);
/*
 * Create or cancel an event as ACTOR (checked, stored and audited in one
 * transaction, then announced).  0, or a reply code (401, 404, 500)
 * with the reason in MSG.
 */
int	 event_create(struct server *, const char *actor,
	    struct event_info *, char *msg, size_t msglen);
int	 event_cancel(struct server *, const char *actor, int64_t id,
	    char *msg, size_t msglen);
/*
 * The next event in ROOM that has not ended and starts within WITHIN
 * seconds, into OUT (event_info_clear() it).  1 if there is one, else 0.
 */
int	 event_next_in_room(struct server *, const char *room,
	    time_t within, struct event_info *out);
/* Send the reminders that are due (the timer's work; tests call it). */
void	 events_remind(struct server *);

#endif
