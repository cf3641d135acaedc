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

#include "i18n.h"
#include "lang.h"
#include "log.h"
#include "mime-words.h"
#include "notice.h"
#include "notify.h"
#include "store-notice.h"
#include "tz.h"
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
 * S with its first letter capitalized, in place: ASCII and the basic
 * Cyrillic alphabet (a sentence may begin with an item phrase).
 */
static char *
cap_first(char *s)
{
	unsigned char	*u = (unsigned char *)s;

	if (u[0] >= 'a' && u[0] <= 'z')
		u[0] -= 'a' - 'A';
	else if (u[0] == 0xd0 && u[1] >= 0xb0 && u[1] <= 0xbf)
		u[1] -= 0x20;			/* а..п -> А..П */
	else if (u[0] == 0xd1 && u[1] >= 0x80 && u[1] <= 0x8f) {
		u[0] = 0xd0;			/* р..я -> Р..Я */
		u[1] += 0x20;
	} else if (u[0] == 0xd1 && u[1] == 0x91) {
		u[0] = 0xd0;			/* ё -> Ё */
		u[1] = 0x81;
	}
	return s;
}

/*
 * "your post "Subject" in support.x" or "your message in #room": the
 * words that name an item in a notice, in LANG (caller frees).  TO
 * picks "to" over "in" before the place in English.
 */
static char *
item_phrase(const char *lang, const char *item_type, const char *where,
    const char *what, int to)
{
	char	*q, *s;

	if (is_chat(item_type)) {
		if (!known(where))
			return xstrdup(i18n(lang, "your message"));
		if (where[0] == '@')
			return xstrdup(i18n(lang, "your private message"));
		return fmt(to ? i18n(lang, "your message to %s") :
		    i18n(lang, "your message in %s"), where);
	}
	q = quote(what);
	if (*q != '\0' && known(where))
		s = fmt(to ? i18n(lang, "your post \"%s\" to %s") :
		    i18n(lang, "your post \"%s\" in %s"), q, where);
	else if (*q != '\0')
		s = fmt(i18n(lang, "your post \"%s\""), q);
	else if (known(where))
		s = fmt(to ? i18n(lang, "your post to %s") :
		    i18n(lang, "your post in %s"), where);
	else
		s = xstrdup(i18n(lang, "your post"));
	free(q);
	return s;
}

/* SUBJECT: TITLE then, after ": ", the item in short. */
static char *
subject_of(const char *lang, const char *title, const char *item_type,
    const char *where, const char *what)
{
	char	*q, *s;

	title = i18n(lang, title);
	if (is_chat(item_type))
		return known(where) && where[0] != '@' ?
		    fmt(i18n(lang, "%s: your message in %s"), title, where) :
		    fmt(i18n(lang, "%s: your message"), title);
	q = quote(what);
	s = *q != '\0' ? fmt("%s: %s", title, q) : xstrdup(title);
	free(q);
	return s;
}

/* " (WHY)" after a held item, WHY in LANG when it is one of ours. */
static char *
why_part(const char *lang, const char *why)
{
	return known(why) ? fmt(" (%s)", i18n(lang, why)) : xstrdup("");
}

int
notice_held(struct server *srv, const char *account, const char *item_type,
    const char *where, const char *what, const char *why)
{
	const char	*lang = member_lang(srv, account);
	char		*subject, *body, *item, *w;
	int		 rc;

	subject = subject_of(lang, N_("Waiting for a moderator"), item_type,
	    where, what);
	item = cap_first(item_phrase(lang, item_type, where, what, 1));
	w = why_part(lang, why);
	if (is_chat(item_type))
		body = fmt(i18n(lang, "%s waits for a moderator%s; the room "
		    "sees it once approved. A moderator will look at it "
		    "soon."), item, w);
	else
		body = fmt(i18n(lang, "%s waits for a moderator%s. A "
		    "moderator will look at it soon; it appears once "
		    "approved."), item, w);
	rc = notice_send(srv, account, NOTICE_HELD, subject, body);
	free(w);
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
	const char	*lang = member_lang(srv, account);
	const char	*kind;
	char		*subject, *body, *item;

	if (strcmp(action, "approve") == 0) {
		kind = NOTICE_APPROVED;
		subject = subject_of(lang, N_("Approved"), item_type, where,
		    what);
		item = item_phrase(lang, item_type, where, what, 0);
		body = fmt(is_chat(item_type) ?
		    i18n(lang, "A moderator approved %s; the room has it "
		    "now.") :
		    i18n(lang, "A moderator approved %s; it is published "
		    "now."), item);
	} else if (strcmp(action, "reject") == 0) {
		kind = NOTICE_REJECTED;
		subject = subject_of(lang, N_("Not published"), item_type,
		    where, what);
		item = cap_first(item_phrase(lang, item_type, where, what, 1));
		body = fmt(i18n(lang, "%s was not published: %s"), item,
		    known(reason) ? reason : i18n(lang, "no reason given"));
	} else if (strcmp(action, "hide") == 0) {
		kind = NOTICE_HIDDEN;
		subject = subject_of(lang, N_("Hidden by a moderator"),
		    item_type, where, what);
		item = item_phrase(lang, item_type, where, what, 0);
		if (known(reason))
			body = fmt(i18n(lang, "A moderator hid %s: %s%s Your "
			    "words stay stored; only the moderators see them "
			    "now."), item, reason, stop_after(reason));
		else
			body = fmt(i18n(lang, "A moderator hid %s. Your words "
			    "stay stored; only the moderators see them now."),
			    item);
	} else if (strcmp(action, "autohide") == 0) {
		kind = NOTICE_HIDDEN;
		subject = subject_of(lang, N_("Hidden for review"), item_type,
		    where, what);
		item = cap_first(item_phrase(lang, item_type, where, what, 0));
		body = fmt(i18n(lang, "%s is hidden while the moderators look "
		    "at several reports about it. Your words stay stored."),
		    item);
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
	const char	*lang = member_lang(srv, account);
	const char	*hotline = srv->cf->hotline;
	char		*body;
	int		 rc;

	/* The shipped hotline is ours to translate; the operator's stays. */
	body = fmt(i18n(lang, "You are not alone. %s The moderators have "
	    "been told and will check on you."),
	    hotline != NULL ? i18n(lang, hotline) : "");
	rc = notice_send(srv, account, NOTICE_CRISIS,
	    i18n(lang, "You are not alone"), body);
	free(body);
	return rc;
}

int
notice_warning(struct server *srv, const char *account, const char *text)
{
	const char	*lang = member_lang(srv, account);
	char		*body;
	int		 rc;

	body = fmt(i18n(lang, "A message from the moderators: %s"), text);
	rc = notice_send(srv, account, NOTICE_WARNING,
	    i18n(lang, "A message from the moderators"), body);
	free(body);
	return rc;
}

/* A time in a notice: the community's local time, with the zone. */
static void
when_text(const char *lang, time_t t, char *buf, size_t len)
{
	(void)lang;	/* the digits and the zone read the same in each */
	tz_when(t, buf, len);
}

/* "banned from Hearth", "muted in #room"...: a sanction's sentence. */
static char *
sanction_state(const char *lang, int mute, int all, const char *scope)
{
	if (mute)
		return all ? xstrdup(i18n(lang, "You are muted everywhere")) :
		    fmt(i18n(lang, "You are muted in %s"), scope);
	return all ? xstrdup(i18n(lang, "You are banned from Hearth")) :
	    fmt(i18n(lang, "You are banned from %s"), scope);
}

void
notice_sanction(struct server *srv, const char *account, const char *kind,
    const char *scope, const char *reason, time_t until, const char *actor,
    int lifted)
{
	const char	*lang = member_lang(srv, account);
	int		 mute = strcmp(kind, "mute") == 0;
	int		 all = scope == NULL || strcmp(scope, "*") == 0;
	char		 when[64], *subject, *body, *state, *end, *why;

	if (lifted) {
		if (mute && all)
			subject = xstrdup(lifted == 2 ?
			    i18n(lang, "Your mute has ended") :
			    i18n(lang, "Your mute was lifted"));
		else if (mute)
			subject = fmt(lifted == 2 ?
			    i18n(lang, "Your mute in %s has ended") :
			    i18n(lang, "Your mute in %s was lifted"), scope);
		else if (all)
			subject = xstrdup(lifted == 2 ?
			    i18n(lang, "Your ban has ended") :
			    i18n(lang, "Your ban was lifted"));
		else
			subject = fmt(lifted == 2 ?
			    i18n(lang, "Your ban from %s has ended") :
			    i18n(lang, "Your ban from %s was lifted"), scope);
		if (lifted == 2)
			body = fmt("%s.", subject);
		else
			body = fmt(i18n(lang, "%s by the moderators."),
			    subject);
		notice_send(srv, account, NOTICE_LIFTED, subject, body);
		free(subject);
		free(body);
		return;
	}
	state = sanction_state(lang, mute, all, scope);
	if (until > 0) {
		when_text(lang, until, when, sizeof when);
		end = fmt(i18n(lang, "until %s"), when);
	} else
		end = xstrdup(i18n(lang, "with no end date"));
	why = known(reason) ? fmt(": %s%s", reason, stop_after(reason)) :
	    xstrdup(".");
	subject = xstrdup(state);
	body = fmt("%s %s%s%s%s", state, end, why,
	    actor != NULL && strcmp(actor, "system") == 0 ? " " : "",
	    actor != NULL && strcmp(actor, "system") == 0 ?
	    i18n(lang, "A moderator will look at it; it lifts by itself.") :
	    "");
	notice_send(srv, account, NOTICE_SANCTION, subject, body);
	free(state);
	free(end);
	free(why);
	free(subject);
	free(body);
}

void
notice_reminder(struct server *srv, const char *account, const char *title,
    const char *room, const char *when)
{
	const char	*lang = member_lang(srv, account);
	char		*subject, *body;

	subject = fmt(i18n(lang, "Reminder: %s"), title);
	body = fmt(i18n(lang, "Reminder: Starting soon in %s: %s - %s"),
	    room, title, when);
	notice_send(srv, account, NOTICE_REMINDER, subject, body);
	free(subject);
	free(body);
}
