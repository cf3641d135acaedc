/*
 * sanction.c -- what bans and mutes forbid, for every protocol.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "modq.h"
#include "i18n.h"
#include "sanction.h"
#include "tz.h"

/* Look up KIND in SCOPE; fill V from the match.  1 when one applies. */
static int
lookup(struct server *srv, const char *kind, const char *account,
    const char *mask, const char *scope, struct sanction_verdict *v)
{
	struct modq_sanction_info	info;
	char				*p;

	if (account == NULL && mask == NULL)
		return 0;
	if (!modq_sanction_match(srv, kind, account, mask, scope, &info))
		return 0;
	if (v != NULL) {
		memset(v, 0, sizeof *v);
		v->kind = strcmp(info.kind, "ban") == 0 ? SANCTION_BAN :
		    SANCTION_MUTE;
		snprintf(v->scope, sizeof v->scope, "%s", info.scope);
		snprintf(v->reason, sizeof v->reason, "%s", info.reason);
		/* It goes into one reply line of any protocol. */
		for (p = v->reason; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
		v->expires = info.expires;
	}
	return 1;
}

int
sanction_may_sign_in(struct server *srv, const char *account,
    const char *mask, struct sanction_verdict *v)
{
	return lookup(srv, "ban", account, mask, NULL, v);
}

int
sanction_may_enter(struct server *srv, const char *account,
    const char *mask, const char *scope, struct sanction_verdict *v)
{
	return lookup(srv, "ban", account, mask, scope, v);
}

int
sanction_may_speak(struct server *srv, const char *account,
    const char *mask, const char *scope, struct sanction_verdict *v)
{
	return lookup(srv, "ban", account, mask, scope, v) ||
	    lookup(srv, "mute", account, mask, scope, v);
}

const char *
sanction_describe(const struct sanction_verdict *v, char *buf, size_t len)
{
	return sanction_describe_lang(v, "en", buf, len);
}

const char *
sanction_describe_lang(const struct sanction_verdict *v, const char *lang,
    char *buf, size_t len)
{
	char		until[64], when[48], what[256];
	time_t		t = v->expires + 59;	/* never earlier than it is */
	int		ban = v->kind == SANCTION_BAN;

	if (v->expires != 0) {
		/* The community's local time (tz.h). */
		tz_when(t, when, sizeof when);
		snprintf(until, sizeof until, i18n(lang, "until %s"), when);
	} else
		snprintf(until, sizeof until, "%s",
		    i18n(lang, "until further notice"));
	if (strcmp(v->scope, "*") != 0)
		snprintf(what, sizeof what, ban ? i18n(lang, "banned in %s") :
		    i18n(lang, "muted in %s"), v->scope);
	else
		snprintf(what, sizeof what, "%s", ban ? i18n(lang, "banned") :
		    i18n(lang, "muted"));
	snprintf(buf, len, "%s %s%s%s", what, until,
	    v->reason[0] != '\0' ? ": " : "", v->reason);
	return buf;
}
