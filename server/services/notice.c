/*
 * notice.c -- notices to one member (see notice.h).
 *
 * The words follow what the IRC service always said ("Your message to
 * #room waits for a moderator ...", "You are not alone. ...", "A
 * message from the moderators: ..."), so a member hears the same thing
 * in the chat and reads it in the newsreader.  Each body is one line:
 * the IRC side shows a line as one NOTICE.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "mime-words.h"
#include "notice.h"
#include "notify.h"
#include "store-notice.h"
#include "xmalloc.h"

/* Quoted words of a post or message in a notice, at most this long. */
#define QUOTE_MAX	80

int
notice_send(struct server *srv, const char *account, const char *kind,
    const char *subject, const char *body)
{
	struct notify_msg	 m;
	int64_t			 id = 0;
	int			 rc;

	if (account == NULL || *account == '\0')
		return -1;
	rc = store_notice_add(srv->store, account, kind, subject, body,
	    (int64_t)time(NULL), &id);
	if (rc == STORE_NOTFOUND)
		return -1;
	if (rc != STORE_OK)
		/* Not kept, but whoever is online still hears it. */
		log_warnx("notice: %s for %s not stored", kind, account);
	memset(&m, 0, sizeof m);
	m.kind = NOTIFY_MEMBER_NOTICE;
	m.id = id;
	m.account = account;
	m.action = kind;
	m.reason = subject;
	m.text = body;
	notify_publish(srv, &m);
	log_info("notice: %s #%lld account=%s live=%d", kind, (long long)id,
	    account, m.delivered);
	return m.delivered;
}

/* Printf to a new string (caller frees). */
static char *
fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *
fmt(const char *f, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		s = xstrdup("");
	va_end(ap);
	return s;
}

/*
 * WHAT shortened for quoting: one line, at most QUOTE_MAX bytes, cut
 * at a character boundary and marked with "...".  Caller frees.
 */
static char *
quote(const char *what)
{
	char	*q, *dec;
	size_t	 n, i;
	int	 cut = 0;

	/* The words, never encoded words cut in half (older queue rows). */
	what = dec = mime_words_decode(what != NULL ? what : "");
	n = strlen(what);
	if (n > QUOTE_MAX) {
		n = QUOTE_MAX;
		while (n > 0 && ((unsigned char)what[n] & 0xc0) == 0x80)
			n--;
		cut = 1;
	}
	q = xmalloc(n + 4);
	memcpy(q, what, n);
	for (i = 0; i < n; i++)
		if ((unsigned char)q[i] < 0x20 || q[i] == 0x7f)
			q[i] = ' ';
	/* Trailing space before the dots reads badly. */
	while (n > 0 && q[n - 1] == ' ')
		n--;
	memcpy(q + n, cut ? "..." : "", cut ? 4 : 1);
	free(dec);
	return q;
}

static int
is_chat(const char *item_type)
{
	return item_type != NULL && strcmp(item_type, "chat") == 0;
}

static int
known(const char *s)
{
	return s != NULL && *s != '\0';
}

/* The full stop after a moderator's REASON, unless it ends a sentence. */
static const char *
stop_after(const char *reason)
{
	size_t	n = known(reason) ? strlen(reason) : 0;

	return n > 0 && strchr(".!?", reason[n - 1]) != NULL ? "" : ".";
}

/*
 * "your post "Subject" in support.x" or "your message in #room": the
 * words that name an item in a notice (caller frees).  IN is the
 * preposition before the place.
 */
static char *
item_phrase(const char *item_type, const char *where, const char *what,
    const char *in)
{
	char	*q, *s;

	if (is_chat(item_type)) {
		if (!known(where))
			return xstrdup("your message");
		if (where[0] == '@')
			return xstrdup("your private message");
		return fmt("your message %s %s", in, where);
	}
	q = quote(what);
	if (*q != '\0' && known(where))
		s = fmt("your post \"%s\" %s %s", q, in, where);
	else if (*q != '\0')
		s = fmt("your post \"%s\"", q);
	else if (known(where))
		s = fmt("your post %s %s", in, where);
	else
		s = xstrdup("your post");
	free(q);
	return s;
}

/* SUBJECT: TITLE then, after ": ", the item in short. */
static char *
subject_of(const char *title, const char *item_type, const char *where,
    const char *what)
{
	char	*q, *s;

	if (is_chat(item_type))
		return known(where) && where[0] != '@' ?
		    fmt("%s: your message in %s", title, where) :
		    fmt("%s: your message", title);
	q = quote(what);
	s = *q != '\0' ? fmt("%s: %s", title, q) : xstrdup(title);
	free(q);
	return s;
}

int
notice_held(struct server *srv, const char *account, const char *item_type,
    const char *where, const char *what, const char *why)
{
	char	*subject, *body, *item;
	int	 rc;

	subject = subject_of("Waiting for a moderator", item_type, where,
	    what);
	item = item_phrase(item_type, where, what, "to");
	item[0] = 'Y';
	if (is_chat(item_type))
		body = fmt("%s waits for a moderator%s%s%s; the room sees it "
		    "once approved. A moderator will look at it soon.", item,
		    known(why) ? " (" : "", known(why) ? why : "",
		    known(why) ? ")" : "");
	else
		body = fmt("%s waits for a moderator%s%s%s. A moderator will "
		    "look at it soon; it appears once approved.", item,
		    known(why) ? " (" : "", known(why) ? why : "",
		    known(why) ? ")" : "");
	rc = notice_send(srv, account, NOTICE_HELD, subject, body);
	free(item);
	free(subject);
	free(body);
	return rc;
}

void
notice_decided(struct server *srv, const char *account,
    const char *item_type, const char *action, const char *where,
    const char *what, const char *reason)
{
	const char	*kind;
	char		*subject, *body, *item;

	if (strcmp(action, "approve") == 0) {
		kind = NOTICE_APPROVED;
		subject = subject_of("Approved", item_type, where, what);
		item = item_phrase(item_type, where, what, "in");
		body = fmt("A moderator approved %s; %s", item,
		    is_chat(item_type) ? "the room has it now." :
		    "it is published now.");
	} else if (strcmp(action, "reject") == 0) {
		kind = NOTICE_REJECTED;
		subject = subject_of("Not published", item_type, where, what);
		item = item_phrase(item_type, where, what, "to");
		item[0] = 'Y';
		body = fmt("%s was not published: %s", item, known(reason) ?
		    reason : "no reason given");
	} else if (strcmp(action, "hide") == 0) {
		kind = NOTICE_HIDDEN;
		subject = subject_of("Hidden by a moderator", item_type, where,
		    what);
		item = item_phrase(item_type, where, what, "in");
		body = fmt("A moderator hid %s%s%s%s Your words stay stored; "
		    "only the moderators see them now.", item,
		    known(reason) ? ": " : "", known(reason) ? reason : "",
		    stop_after(reason));
	} else if (strcmp(action, "autohide") == 0) {
		kind = NOTICE_HIDDEN;
		subject = subject_of("Hidden for review", item_type, where,
		    what);
		item = item_phrase(item_type, where, what, "in");
		item[0] = 'Y';
		body = fmt("%s is hidden while the moderators look at "
		    "several reports about it. Your words stay stored.", item);
	} else
		return;
	notice_send(srv, account, kind, subject, body);
	free(item);
	free(subject);
	free(body);
}

int
notice_hotline(struct server *srv, const char *account)
{
	const char	*hotline = srv->cf->hotline;
	char		*body;
	int		 rc;

	body = fmt("You are not alone. %s The moderators have been told "
	    "and will check on you.", hotline != NULL ? hotline : "");
	rc = notice_send(srv, account, NOTICE_CRISIS, "You are not alone",
	    body);
	free(body);
	return rc;
}

int
notice_warning(struct server *srv, const char *account, const char *text)
{
	char	*body;
	int	 rc;

	body = fmt("A message from the moderators: %s", text);
	rc = notice_send(srv, account, NOTICE_WARNING,
	    "A message from the moderators", body);
	free(body);
	return rc;
}

static void
when_text(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%a %d %b %Y, %H:%M UTC", &tm);
}

void
notice_sanction(struct server *srv, const char *account, const char *kind,
    const char *scope, const char *reason, time_t until, const char *actor,
    int lifted)
{
	int	 mute = strcmp(kind, "mute") == 0;
	int	 all = scope == NULL || strcmp(scope, "*") == 0;
	char	 when[64], *subject, *body, *place;

	if (lifted) {
		place = all ? xstrdup("") : fmt(" %s %s", mute ? "in" : "from",
		    scope);
		subject = fmt("Your %s%s %s", kind, place, lifted == 2 ?
		    "has ended" : "was lifted");
		body = fmt("Your %s%s %s.", kind, place, lifted == 2 ?
		    "has ended" : "was lifted by the moderators");
		notice_send(srv, account, NOTICE_LIFTED, subject, body);
	} else {
		place = all ? xstrdup(mute ? "everywhere" : "from Hearth") :
		    fmt("%s %s", mute ? "in" : "from", scope);
		if (until > 0)
			when_text(until, when, sizeof when);
		subject = fmt("You are %s %s", mute ? "muted" : "banned",
		    place);
		body = fmt("You are %s %s %s%s%s%s%s%s", mute ? "muted" :
		    "banned", place, until > 0 ? "until " : "with no end date",
		    until > 0 ? when : "", known(reason) ? ": " : "",
		    known(reason) ? reason : "", stop_after(reason),
		    actor != NULL &&
		    strcmp(actor, "system") == 0 ? " A moderator will look at "
		    "it; it lifts by itself." : "");
		notice_send(srv, account, NOTICE_SANCTION, subject, body);
	}
	free(subject);
	free(body);
	free(place);
}

void
notice_reminder(struct server *srv, const char *account, const char *title,
    const char *text)
{
	char	*subject, *body;

	subject = fmt("Reminder: %s", title);
	body = fmt("Reminder: %s", text);
	notice_send(srv, account, NOTICE_REMINDER, subject, body);
	free(subject);
	free(body);
}
