/*
 * notify.c -- the cross-protocol notifier (see notify.h).
 */
#include <stddef.h>
#include <stdlib.h>

#include "notify.h"
#include "xmalloc.h"

struct notify_sub {
	notify_fn		 fn;
	void			*arg;
	struct notify_sub	*next;
};

/* One notifier per process, like the one server. */
static struct notify_sub	*subs[NOTIFY_KIND_COUNT];

static const char *const kind_names[NOTIFY_KIND_COUNT] = {
	"account-changed", "sanction-added",
	"entry-decided", "event", "content-changed", "member-notice",
	"mod-alert",
	"peer",
};

void
notify_subscribe(enum notify_kind kind, notify_fn fn, void *arg)
{
	struct notify_sub	*s, **tail;

	if ((unsigned)kind >= NOTIFY_KIND_COUNT || fn == NULL)
		return;
	s = xcalloc(1, sizeof *s);
	s->fn = fn;
	s->arg = arg;
	/* Append: subscribers run in the order they subscribed. */
	for (tail = &subs[kind]; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = s;
}

int
notify_publish(struct server *srv, struct notify_msg *msg)
{
	struct notify_sub	*s;

	if ((unsigned)msg->kind >= NOTIFY_KIND_COUNT)
		return 0;
	for (s = subs[msg->kind]; s != NULL; s = s->next)
		s->fn(srv, msg, s->arg);
	return msg->delivered;
}

void
notify_reset(void)
{
	struct notify_sub	*s, *next;
	size_t			 i;

	for (i = 0; i < NOTIFY_KIND_COUNT; i++) {
		for (s = subs[i]; s != NULL; s = next) {
			next = s->next;
			free(s);
		}
		subs[i] = NULL;
	}
}

const char *
notify_kind_name(enum notify_kind kind)
{
	if ((unsigned)kind >= NOTIFY_KIND_COUNT)
		return "unknown";
	return kind_names[kind];
}

void
notify_content_changed(struct server *srv)
{
	struct notify_msg	m = { .kind = NOTIFY_CONTENT_CHANGED };

	notify_publish(srv, &m);
}
