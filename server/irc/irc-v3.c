/*
 * irc-v3.c -- the newer IRCv3 extensions a phone or a modern client
 * leans on: draft/read-marker (MARKREAD).
 *
 * Read markers: a logged-in member's marker for a channel or a nick is
 * kept per account in the store (store-ircv3.c), so every device of the
 * account sees the same one; a connection without an account keeps its
 * own in memory for as long as it lives.  A marker only moves forward
 * (and never past the present); when it moves, every connection of the
 * account that negotiated the capability hears the new value.  Markers
 * are never shown to anyone else.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hearth.h"
#include "irc.h"
#include "irc-int.h"
#include "irc-numeric.h"
#include "log.h"
#include "store-ircv3.h"
#include "xmalloc.h"

/* In-memory markers of a connection without an account, at most this. */
#define IRC_MARKERS_MAX		256

/*
 * The folded key of a MARKREAD target into FOLD, and the name to show
 * into SHOW (a channel as the server spells it).  -1 when NAME is
 * neither a channel nor a nick.
 */
static int
marker_target(struct irc_client *cl, const char *name, char *fold,
    size_t foldlen, char *show, size_t showlen)
{
	struct irc_channel	*ch;

	if (name[0] == '#') {
		if (!irc_channel_valid(name, IRC_CHANLEN))
			return -1;
		ch = irc_channel_find(cl->is, name);
		snprintf(show, showlen, "%s", ch != NULL ? ch->name : name);
	} else {
		if (!irc_nick_valid(name, IRC_NICKLEN))
			return -1;
		snprintf(show, showlen, "%s", name);
	}
	irc_casefold(IRC_CASEMAP, name, fold, foldlen);
	return 0;
}

/* CL's marker for folded TARGET: 0 and *MS, 1 when none, -1 on error. */
static int
marker_get(struct irc_client *cl, const char *target, int64_t *ms)
{
	int64_t	*v;
	int	 rc;

	if (cl->account == NULL) {
		if (cl->marks == NULL ||
		    (v = strmap_get(cl->marks, target)) == NULL)
			return 1;
		*ms = *v;
		return 0;
	}
	rc = store_read_marker_get(cl->is->srv->store, cl->account, target,
	    ms);
	if (rc == STORE_OK)
		return 0;
	return rc == STORE_NOTFOUND ? 1 : -1;
}

/* Move CL's marker for TARGET forward to MS; *NOW the result. 0 or -1. */
static int
marker_set(struct irc_client *cl, const char *target, int64_t ms,
    int64_t *now)
{
	int64_t	*v;

	if (cl->account != NULL)
		return store_read_marker_set(cl->is->srv->store, cl->account,
		    target, ms, now) == STORE_OK ? 0 : -1;
	if (cl->marks == NULL)
		cl->marks = strmap_create();
	if ((v = strmap_get(cl->marks, target)) == NULL) {
		if (strmap_count(cl->marks) >= IRC_MARKERS_MAX)
			return -1;
		v = xmalloc(sizeof *v);
		*v = ms;
		strmap_put(cl->marks, target, v);
	} else if (ms > *v)
		*v = ms;
	*now = *v;
	return 0;
}

static void
free_mark(const char *key, void *val, void *arg)
{
	(void)key;
	(void)arg;
	free(val);
}

void
irc_markers_free(struct irc_client *cl)
{
	if (cl->marks == NULL)
		return;
	strmap_foreach(cl->marks, free_mark, NULL);
	strmap_free(cl->marks);
	cl->marks = NULL;
}

/* "timestamp=..." for MS, or "*" when HAVE is 0. */
static void
marker_value(int have, int64_t ms, char *buf, size_t len)
{
	char	when[32];

	if (!have) {
		snprintf(buf, len, "*");
		return;
	}
	irc_time_format(ms, when, sizeof when);
	snprintf(buf, len, "timestamp=%s", when);
}

/*
 * After CL joined CH (draft/read-marker): its marker for the channel,
 * before the names end.
 */
void
irc_markread_join(struct irc_client *cl, struct irc_channel *ch)
{
	int64_t	ms = 0;
	char	val[48];
	int	rc;

	if (!HASCAP(cl, CAP_READ_MARKER))
		return;
	rc = marker_get(cl, ch->fold, &ms);
	marker_value(rc == 0, ms, val, sizeof val);
	irc_sendf(cl, ":%s MARKREAD %s %s", irc_srvname(cl), ch->name, val);
}

struct mark_sync {
	struct irc_client	*from;
	const char		*line;
};

/* Another connection of the same account hears the moved marker. */
static void
mark_sync_cb(const char *key, void *value, void *arg)
{
	struct irc_client	*to = value;
	struct mark_sync	*ms = arg;

	(void)key;
	if (to == ms->from || to->account == NULL ||
	    !irc_is_registered(to) || !HASCAP(to, CAP_READ_MARKER) ||
	    strcasecmp(to->account, ms->from->account) != 0)
		return;
	irc_sendf(to, "%s", ms->line);
}

/*
 * MARKREAD <target> [timestamp=...] (draft/read-marker): without a
 * timestamp the stored marker (or "*"); with one, move it forward and
 * answer the marker as it now stands.
 */
int
cmd_markread(struct irc_client *cl, struct irc_msg *m)
{
	char		 fold[IRC_CHANLEN + 2], show[IRC_CHANLEN + 2];
	char		 val[48], *line;
	int64_t		 ms, now, cur;
	struct mark_sync sync;
	int		 rc;

	if (m->nparams < 1 || m->params[0][0] == '\0') {
		irc_fail(cl, "MARKREAD", "NEED_MORE_PARAMS", NULL,
		    "Missing parameters");
		return CONN_OK;
	}
	if (marker_target(cl, m->params[0], fold, sizeof fold, show,
	    sizeof show) != 0) {
		irc_fail(cl, "MARKREAD", "INVALID_PARAMS", m->params[0],
		    "Invalid target");
		return CONN_OK;
	}
	if (m->nparams < 2) {
		rc = marker_get(cl, fold, &cur);
		if (rc < 0) {
			irc_fail(cl, "MARKREAD", "INTERNAL_ERROR", show,
			    "The read timestamp could not be read");
			return CONN_OK;
		}
		marker_value(rc == 0, cur, val, sizeof val);
		irc_sendf(cl, ":%s MARKREAD %s %s", irc_srvname(cl), show, val);
		return CONN_OK;
	}
	/* A client sets a time it saw; "*" is the server's word only. */
	if (strncmp(m->params[1], "timestamp=", 10) != 0 ||
	    irc_time_parse(m->params[1] + 10, &ms) != 0) {
		irc_fail(cl, "MARKREAD", "INVALID_PARAMS", m->params[1],
		    "Invalid timestamp");
		return CONN_OK;
	}
	/* Never past the present (a message read cannot be later). */
	irc_time_now(NULL, 0, &now);
	if (ms > now)
		ms = now;
	rc = marker_get(cl, fold, &cur);
	if (rc < 0 || marker_set(cl, fold, ms, &now) != 0) {
		irc_fail(cl, "MARKREAD", "INTERNAL_ERROR", show,
		    "The read timestamp could not be set");
		return CONN_OK;
	}
	marker_value(1, now, val, sizeof val);
	irc_sendf(cl, ":%s MARKREAD %s %s", irc_srvname(cl), show, val);
	/* It moved: the account's other connections follow. */
	if (cl->account != NULL && (rc == 1 || now > cur)) {
		xasprintf(&line, ":%s MARKREAD %s %s", irc_srvname(cl), show,
		    val);
		sync.from = cl;
		sync.line = line;
		strmap_foreach(cl->is->nicks, mark_sync_cb, &sync);
		free(line);
	}
	return CONN_OK;
}
