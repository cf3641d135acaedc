/*
 * screen.c -- screening of a member's words: one pass, one verdict.
 *
 * The rules (see screen.h) are applied in this order: flood (refuse),
 * then for a transit article the moderated-group rule (hold), for a
 * post the moderated-group rule, the new member's link limit and
 * probation (hold), and last the crisis phrases (a flag, never a stop).
 * The first rule that holds or refuses gives the reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "hearth.h"
#include "i18n.h"
#include "log.h"
#include "modq.h"
#include "i18n.h"
#include "screen.h"
#include "store.h"
#include "xmalloc.h"

/* Texts shorter than this never count as repeats ("yes", "thanks"). */
#define FLOOD_MIN_REPEAT_LEN	12

static int
role_is(const char *role, const char *name)
{
	return role != NULL && strcmp(role, name) == 0;
}

static int
is_moderator(const struct screen_input *in)
{
	return in->account != NULL && (role_is(in->role, "moderator") ||
	    role_is(in->role, "admin"));
}

/* FNV-1a of a message, for "the same text again". */
static uint32_t
text_hash(const char *s, size_t len)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/*
 * The flood watch: more than flood_messages messages within
 * flood_seconds, or the same text flood_repeats times in a row within
 * flood_repeat_seconds, mutes the sender everywhere for flood_mute
 * seconds (actor "system") and queues a review.  1 when the sender was
 * just muted (the words are refused), with the reason in OUT.
 */
static int
flood(struct server *srv, const struct screen_input *in,
    struct screen_verdict *out)
{
	const struct config	*cf = srv->cf;
	struct screen_flood	*fl = in->flood;
	time_t			 now = time(NULL);
	uint32_t		 h;
	double			 level;
	char			 reason[160], msg[300], target[300];
	int			 flooded = 0;

	if (fl == NULL || is_moderator(in))
		return 0;
	if (cf->flood_messages > 0 && cf->flood_seconds > 0) {
		/*
		 * A leaky bucket: 4 bytes a connection instead of a ring
		 * of times.  It drains flood_messages per flood_seconds,
		 * so more than flood_messages at once, or a steady rate
		 * above that, fills it.
		 */
		level = fl->level - (double)(now - fl->last) *
		    cf->flood_messages / cf->flood_seconds;
		fl->level = (float)(level > 0 ? level : 0) + 1;
		fl->last = now;
		if (fl->level > (float)cf->flood_messages) {
			snprintf(reason, sizeof reason, "flood: more than %d "
			    "messages in %d seconds", cf->flood_messages,
			    cf->flood_seconds);
			flooded = 1;
		}
	}
	if (!flooded && cf->flood_repeats > 0 &&
	    in->len >= FLOOD_MIN_REPEAT_LEN) {
		h = text_hash(in->text, in->len);
		if (h == fl->hash && now - fl->first_repeat <
		    cf->flood_repeat_seconds)
			fl->repeats++;
		else {
			fl->hash = h;
			fl->repeats = 1;
			fl->first_repeat = now;
		}
		if (fl->repeats >= cf->flood_repeats) {
			snprintf(reason, sizeof reason, "spam: the same text "
			    "%d times", fl->repeats);
			flooded = 1;
		}
	}
	if (!flooded)
		return 0;
	fl->level = 0;
	fl->repeats = 0;
	fl->hash = 0;
	if (in->account != NULL)
		snprintf(target, sizeof target, "%s", in->account);
	else
		snprintf(target, sizeof target, "*!*@%s", in->host != NULL ?
		    in->host : "*");
	if (modq_sanction(srv, "mute", target, "*", cf->flood_mute, "system",
	    reason, msg, sizeof msg) != 0) {
		log_warnx("screen: automatic mute failed: %s", msg);
		return 0;
	}
	modq_flag(srv, "user", target, in->account, NULL, in->text, reason);
	snprintf(out->reason, sizeof out->reason, "%s", reason);
	out->mute_minutes = (cf->flood_mute + 59) / 60;
	return 1;
}

/*
 * The hold rules for a member's post or room message: a moderated
 * group (unless a doctor wrote it or a moderator approved it), then a
 * new member's links, then probation.  1 with the reason in OUT.
 */
static int
must_hold(struct server *srv, const struct screen_input *in,
    struct screen_verdict *out)
{
	struct account	a;
	int		mod = is_moderator(in);

	if (in->moderated) {
		if (role_is(in->role, "doctor") && in->account != NULL)
			;	/* verified doctors answer directly */
		else if (mod && in->approved)
			;	/* approved by a moderator */
		else {
			out->flags |= SCREEN_F_MODERATED;
			snprintf(out->reason, sizeof out->reason, "%s",
			    in->approved ? N_("Approved: header from a "
			    "non-moderator") : N_("moderated group"));
			return 1;
		}
	}
	/* Only members are ever new: not guests, doctors or staff. */
	if (in->account == NULL || !role_is(in->role, "member"))
		return 0;
	if (!modq_is_new_member(srv, "member", out->probation, in->created))
		return 0;
	/* Read the count again: approvals count it down. */
	if (out->probation > 0 && store_account_get(srv->store, in->account,
	    &a, NULL) == STORE_OK) {
		out->probation = a.probation;
		account_clear(&a);
	}
	if (modq_over_link_limit(srv, in->text, in->len, out->reason,
	    sizeof out->reason)) {
		out->flags |= SCREEN_F_LINKS;
		return 1;
	}
	if (out->probation > 0) {
		out->flags |= SCREEN_F_PROBATION;
		snprintf(out->reason, sizeof out->reason, "%s",
		    N_("new member on probation"));
		return 1;
	}
	return 0;
}

/*
 * A profile value claiming what the member is not: a display-name is
 * a name (account_name_claim(): titles anywhere, a verified doctor's
 * name); the other keys (status, pronouns, avatar) are sentences, so
 * only their first word is taken as a title ("Dr. Ivanova here" is
 * refused, "seeing my doctor today" is not).
 */
static enum names_why
profile_claim(struct server *srv, const struct screen_input *in)
{
	enum names_why	 why;
	size_t		 n;
	char		*first;

	if (in->key == NULL || strcmp(in->key, "display-name") == 0)
		return account_name_claim(srv, in->text, in->account,
		    in->role);
	n = strcspn(in->text, " \t");
	first = xstrndup(in->text, n);
	why = account_title_claim(first, in->role);
	free(first);
	return why;
}

void
screen_words(struct server *srv, const struct screen_input *in,
    struct screen_verdict *out)
{
	const char	*hit;
	enum names_why	 why;

	memset(out, 0, sizeof *out);
	out->action = SCREEN_DELIVER;
	out->probation = in->probation;
	if (flood(srv, in, out)) {
		out->action = SCREEN_REFUSE;
		out->flags |= SCREEN_F_FLOOD;
		return;
	}
	switch (in->kind) {
	case SCREEN_PRIVATE:
	case SCREEN_REPORT:
		/* Reports go to the moderators anyway. */
		return;
	case SCREEN_TRANSIT:
		/*
		 * A peer's article with Approved: a moderator approved it.
		 * Without, RFC 5537 §3.5: a moderated group is moderated
		 * at its home site, which this is for the groups it
		 * carries; the article waits in the queue, not the group.
		 */
		if (in->moderated && !in->approved) {
			out->action = SCREEN_HOLD;
			out->flags |= SCREEN_F_MODERATED;
			snprintf(out->reason, sizeof out->reason, "%s",
			    N_("unapproved article in a moderated group"));
		}
		return;
	case SCREEN_PROFILE:
		/*
		 * Shown beside the name everywhere, so checked like a
		 * name: no role claimed that the member lacks; a new
		 * member's links, as in their words; nothing waits.
		 */
		if ((why = profile_claim(srv, in)) != NAMES_OK) {
			out->action = SCREEN_REFUSE;
			snprintf(out->reason, sizeof out->reason, "%s",
			    names_why_text(why));
			return;
		}
		if (in->account != NULL && role_is(in->role, "member") &&
		    modq_is_new_member(srv, "member", out->probation,
		    in->created) && modq_over_link_limit(srv, in->text,
		    in->len, out->reason, sizeof out->reason)) {
			out->action = SCREEN_REFUSE;
			out->flags |= SCREEN_F_LINKS;
			return;
		}
		break;
	case SCREEN_ROOM:
	case SCREEN_POST:
		if (must_hold(srv, in, out))
			out->action = SCREEN_HOLD;
		break;
	}
	/* The safety net: it never stops words, it cares for the author. */
	if ((hit = modq_crisis_match(srv, in->text, in->len)) != NULL) {
		out->crisis_text = in->text;
		out->crisis_len = in->len;
	} else if (in->subject != NULL && (hit = modq_crisis_match(srv,
	    in->subject, strlen(in->subject))) != NULL) {
		out->crisis_text = in->subject;
		out->crisis_len = strlen(in->subject);
	}
	if (hit != NULL) {
		out->flags |= SCREEN_F_CRISIS;
		out->crisis = hit;
		out->hotline = srv->cf->hotline;
	}
}

void
screen_delivered(struct server *srv, const struct screen_input *in,
    const struct screen_verdict *v, const char *item_type,
    const char *item_ref)
{
	if (!(v->flags & SCREEN_F_CRISIS))
		return;
	modq_crisis_flag(srv, v->crisis, item_type, item_ref,
	    in->account != NULL ? in->account : in->nick, in->where,
	    v->crisis_text, v->crisis_len);
}
