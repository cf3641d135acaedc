/*
 * modcmd.c -- the moderation command table and its parsers (modcmd.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "i18n.h"
#include "modcmd.h"

#define O(x)		(1u << MODCMD_O_##x)
#define ADMIN		MODCMD_F_ADMIN
#define CHAT		MODCMD_F_CHAT
#define FOLLOWUP	MODCMD_F_FOLLOWUP
#define MOD		MODCMD_ROLE_MODERATOR
#define A(x)		MODCMD_A_##x
#define SANCTION_OPTS	(O(SCOPE) | O(DURATION) | O(REASON))
#define LOG_OPTS	(O(ACTOR) | O(TARGET) | O(ACTION) | O(SINCE) | \
			    O(UNTIL) | O(LIMIT))

/*
 * The vocabulary.  Two rows may share a name when no front end speaks
 * both: "hide" takes an item on the admin socket and in Helper, and the
 * entry followed up in hearth.queue.
 */
const struct modcmd modcmd_table[] = {
	{ MODCMD_QUEUE, "queue", ADMIN | CHAT, 0, { 0 }, O(LIMIT), 0, MOD,
	  N_("open entries, most urgent first"), "limit=10", "" },
	{ MODCMD_SHOW, "show", ADMIN | CHAT, 1, { A(ENTRY) }, 0, 0, MOD,
	  N_("an entry with its context, reports, who has seen it and the "
	  "author's history"), "12", "12" },
	{ MODCMD_APPROVE, "approve", ADMIN | CHAT | FOLLOWUP, 1,
	  { A(ENTRY) }, O(REASON), 0, MOD,
	  N_("publish a held item, accept a sign-up, or close a report as fine"),
	  "12 reason=fine", "12 fine" },
	{ MODCMD_REJECT, "reject", ADMIN | CHAT | FOLLOWUP, 1, { A(ENTRY) },
	  O(REASON), O(REASON), MOD,
	  N_("refuse a held item or a sign-up; the reason goes to the author"),
	  "12 reason=off-topic", "12 Please ask your care team" },
	{ MODCMD_DISMISS, "dismiss", ADMIN | CHAT | FOLLOWUP, 1,
	  { A(ENTRY) }, O(REASON), 0, MOD, N_("close without acting"), "12",
	  "12 fine as it is" },
	{ MODCMD_DECIDE_HIDE, "hide", FOLLOWUP, 1, { A(ENTRY) }, O(REASON),
	  0, MOD, N_("hide the item; it stays in the database"), NULL,
	  "spam links" },
	{ MODCMD_HIDE, "hide", ADMIN | CHAT, 2,
	  { A(ITEM_TYPE), A(ITEM_REF) }, O(REASON), 0, MOD,
	  N_("hide it (kept in the database)"),
	  "article <a1@hearth.test> reason=spam", "<a1@hearth.test> spam" },
	{ MODCMD_UNHIDE, "unhide", ADMIN | CHAT, 2,
	  { A(ITEM_TYPE), A(ITEM_REF) }, O(REASON), 0, MOD, N_("show it again"),
	  "chat 01HX4 reason=fine", "01HX4" },
	{ MODCMD_BAN, "ban", ADMIN | CHAT, 1, { A(TARGET) }, SANCTION_OPTS, 0,
	  MOD, N_("keep out of a room or everywhere"),
	  "troll scope=#patient-school duration=7d reason=spam",
	  "troll #patient-school 7d spam links" },
	{ MODCMD_UNBAN, "unban", ADMIN | CHAT, 1, { A(TARGET) }, O(SCOPE), 0,
	  MOD, N_("lift a ban"), "troll scope=#patient-school",
	  "troll #patient-school" },
	{ MODCMD_MUTE, "mute", ADMIN | CHAT, 1, { A(TARGET) }, SANCTION_OPTS,
	  0, MOD, N_("silence in a room or everywhere"),
	  "alice duration=1h", "alice #newly-diagnosed-ms 1h cooling off" },
	{ MODCMD_UNMUTE, "unmute", ADMIN | CHAT, 1, { A(TARGET) }, O(SCOPE),
	  0, MOD, N_("lift a mute"), "alice", "nick!*@203.0.113.*" },
	{ MODCMD_SANCTIONS, "sanctions", ADMIN, 0, { 0 }, 0, 0, MOD,
	  N_("active bans and mutes"), "", NULL },
	{ MODCMD_WARN, "warn", ADMIN | CHAT, 2, { A(ACCOUNT), A(TEXT) }, 0, 0,
	  MOD, N_("a private word, logged"), "alice Please%20keep%20advice",
	  "alice Please keep advice general" },
	{ MODCMD_NOTE, "note", ADMIN | CHAT, 2, { A(ACCOUNT), A(TEXT) }, 0, 0,
	  MOD, N_("a note only moderators see"), "alice Second%20warning",
	  "alice Second warning this week" },
	{ MODCMD_NOTES, "notes", ADMIN, 1, { A(ACCOUNT) }, 0, 0, MOD,
	  N_("the moderators' notes on an account"), "alice", NULL },
	{ MODCMD_LOG, "log", ADMIN | CHAT, 0, { 0 }, LOG_OPTS, 0, MOD,
	  N_("the audit log, newest first"),
	  "actor=mia action=reject since=2026-12-01T18:00Z limit=5", "alice" },
};
const size_t modcmd_count = sizeof modcmd_table / sizeof modcmd_table[0];

/* Per option: its key, and how it is shown in each usage style. */
static const struct {
	const char	*key;
	const char	*value;		/* WORDS and CLI styles */
	const char	*chat;		/* CHAT style; NULL: not in chat */
} opt_info[MODCMD_NOPTS] = {
	[MODCMD_O_REASON] = { "reason", "TEXT", "reason" },
	[MODCMD_O_SCOPE] = { "scope", "#ROOM|GROUP", "#room|group" },
	[MODCMD_O_DURATION] = { "duration", "7d", "duration" },
	[MODCMD_O_LIMIT] = { "limit", "N", NULL },
	[MODCMD_O_ACTOR] = { "actor", "A", NULL },
	[MODCMD_O_TARGET] = { "target", "T", "target" },
	[MODCMD_O_ACTION] = { "action", "X", NULL },
	[MODCMD_O_SINCE] = { "since", "TIME", NULL },
	[MODCMD_O_UNTIL] = { "until", "TIME", NULL },
};

/*
 * A newsgroup name as a scope (RFC 3977 section 4.1 characters, at least
 * one dot): whether the group exists is the service's question.
 */
static int
group_like(const char *v)
{
	const char	*p;
	int		 dot = 0;

	if (*v == '\0' || *v == '.')
		return 0;
	for (p = v; *p != '\0'; p++) {
		if (*p == '.')
			dot = 1;
		else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' &&
		    *p <= '9') || strchr("+-_", *p) != NULL))
			return 0;
	}
	return dot && p[-1] != '.';
}

/* The order options take in chat text: by position, the rest last. */
static const enum modcmd_opt chat_order[] = { MODCMD_O_SCOPE,
    MODCMD_O_DURATION, MODCMD_O_TARGET, MODCMD_O_REASON };

static const char *
arg_word(enum modcmd_arg a, enum modcmd_style st)
{
	static const char *const words[] = { "ID", "article|chat", "REF",
	    "ACCOUNT|MASK", "ACCOUNT", "TEXT" };
	static const char *const chat[] = { "<n>", NULL,
	    "<msgid|<article-id>>", "<account|mask>", "<account>", "<text>" };

	return st == MODCMD_S_WORDS || st == MODCMD_S_CLI ? words[a] :
	    chat[a];
}

const char *
modcmd_opt_name(enum modcmd_opt o)
{
	return o < MODCMD_NOPTS ? opt_info[o].key : NULL;
}

const struct modcmd *
modcmd_find(const char *name, unsigned int front)
{
	size_t	i;

	for (i = 0; i < modcmd_count; i++)
		if ((modcmd_table[i].fronts & front) &&
		    strcasecmp(modcmd_table[i].name, name) == 0)
			return &modcmd_table[i];
	return NULL;
}

/* Append to BUF (always terminated, cut when full). */
static void
cat(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t	o = strlen(buf);
	va_list	ap;

	if (o + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + o, len - o, fmt, ap);
	va_end(ap);
}

void
modcmd_usage(const struct modcmd *cmd, enum modcmd_style st, char *buf,
    size_t len)
{
	const char	*w;
	size_t		 i;
	int		 k, o, req;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (st == MODCMD_S_CHAT) {
		for (i = 0; cmd->name[i] != '\0' && i + 1 < len; i++)
			buf[i] = (char)(cmd->name[i] >= 'a' && cmd->name[i] <=
			    'z' ? cmd->name[i] - 'a' + 'A' : cmd->name[i]);
		buf[i] = '\0';
	} else
		cat(buf, len, "%s", cmd->name);
	for (k = 0; k < cmd->nargs; k++) {
		if (st == MODCMD_S_FOLLOWUP && cmd->args[k] == MODCMD_A_ENTRY)
			continue;
		if ((w = arg_word(cmd->args[k], st)) != NULL)
			cat(buf, len, " %s", w);
	}
	if (st == MODCMD_S_CHAT || st == MODCMD_S_FOLLOWUP) {
		for (i = 0; i < sizeof chat_order / sizeof chat_order[0];
		    i++) {
			o = chat_order[i];
			req = (cmd->required >> o) & 1;
			if (cmd->opts & (1u << o))
				cat(buf, len, req ? " <%s>" : " [%s]",
				    opt_info[o].chat);
		}
		return;
	}
	for (o = 0; o < MODCMD_NOPTS; o++) {
		if (!(cmd->opts & (1u << o)))
			continue;
		req = (cmd->required >> o) & 1;
		cat(buf, len, st == MODCMD_S_CLI ? " %s--%s %s%s" :
		    " %s%s=%s%s", req ? "" : "[", opt_info[o].key,
		    opt_info[o].value, req ? "" : "]");
	}
}

void
modcmd_list(unsigned int front, char *buf, size_t len)
{
	char	 one[128];
	size_t	 i, n = 0, k = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < modcmd_count; i++)
		if (modcmd_table[i].fronts & front)
			n++;
	for (i = 0; i < modcmd_count; i++) {
		if (!(modcmd_table[i].fronts & front))
			continue;
		/* Only the needed parts: "reject <reason>", "approve". */
		snprintf(one, sizeof one, "%s%s", modcmd_table[i].name,
		    modcmd_table[i].required & (1u << MODCMD_O_REASON) ?
		    " <reason>" : "");
		cat(buf, len, "%s%s", k == 0 ? "" : k + 1 == n ? " or " : ", ",
		    one);
		k++;
	}
}

int
modcmd_parse_duration(const char *s)
{
	char	*end;
	long	 v;

	if (s == NULL || *s == '\0')
		return -1;
	v = strtol(s, &end, 10);
	if (end == s || v <= 0 || v > 3650L * 86400)
		return -1;
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		v *= 60;
		break;
	case 'h':
		v *= 3600;
		break;
	case 'd':
		v *= 86400;
		break;
	case 'w':
		v *= 7 * 86400;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (v > 3650L * 86400)
		return -1;
	return (int)v;
}

time_t
modcmd_parse_time(const char *s)
{
	struct tm	 tm;
	int		 y, mo, d, h, mi, sec = 0, n = 0, oh = 0, om = 0;
	char		 sep;
	const char	*z;
	time_t		 t;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi,
	    &n) != 6 || (sep != 'T' && sep != ' ' && sep != 't'))
		return (time_t)-1;
	z = s + n;
	if (*z == ':') {
		if (sscanf(z, ":%2d%n", &sec, &n) != 1)
			return (time_t)-1;
		z += n;
	}
	if (y < 2000 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 60 || h < 0 || mi < 0 || sec < 0)
		return (time_t)-1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return t;
	if (*z == '\0' || strcmp(z, "Z") == 0 || strcmp(z, "z") == 0)
		return t;
	if ((*z == '+' || *z == '-') && sscanf(z + 1, "%2d:%2d", &oh, &om) ==
	    2 && strlen(z) == 6 && oh < 24 && om < 60)
		return *z == '+' ? t - (oh * 3600 + om * 60) :
		    t + (oh * 3600 + om * 60);
	return (time_t)-1;
}

static int
fail(int rc, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static int
usage_fail(const struct modcmd *cmd, enum modcmd_style st, char *err,
    size_t errlen)
{
	char	u[256];

	modcmd_usage(cmd, st, u, sizeof u);
	return fail(MODCMD_EUSAGE, err, errlen, "Usage: %s", u);
}

/* Store positional argument K (already split off) into MC, typed. */
static int
set_arg(struct modcmd_call *mc, enum modcmd_arg a, const char *v, char *err,
    size_t errlen)
{
	char	*end;

	switch (a) {
	case MODCMD_A_ENTRY:
		mc->id = strtoll(v, &end, 10);
		if (*v == '\0' || *end != '\0' || mc->id <= 0)
			return fail(MODCMD_EINVAL, err, errlen, "Queue entry "
			    "id must be a number");
		break;
	case MODCMD_A_ITEM_TYPE:
		if (strcmp(v, "article") != 0 && strcmp(v, "chat") != 0)
			return fail(MODCMD_EINVAL, err, errlen, "Item type is "
			    "article or chat");
		mc->item_type = strcmp(v, "article") == 0 ? "article" : "chat";
		break;
	case MODCMD_A_ITEM_REF:
		if (*v == '\0' || strlen(v) > 250)
			return fail(MODCMD_EINVAL, err, errlen, "Give the "
			    "message-id or msgid of the item");
		mc->item_ref = v;
		break;
	case MODCMD_A_TARGET:
	case MODCMD_A_ACCOUNT:
		if (*v == '\0' || strlen(v) > 200 || strpbrk(v, " \r\n") !=
		    NULL)
			return fail(MODCMD_EINVAL, err, errlen, a ==
			    MODCMD_A_TARGET ? "Give an account name or a "
			    "nick!user@host mask" : "Give an account name");
		mc->target = v;
		break;
	case MODCMD_A_TEXT:
		if (*v == '\0')
			return fail(MODCMD_EINVAL, err, errlen, "Give the "
			    "text");
		mc->text = v;
		break;
	}
	return MODCMD_OK;
}

/*
 * Check the options in MC->opt against their types and the row's needs,
 * filling the typed fields.
 */
static int
check_opts(const struct modcmd *cmd, enum modcmd_style st,
    struct modcmd_call *mc, char *err, size_t errlen)
{
	const char	*v;
	char		*end, u[256];
	long		 n;
	int		 o;

	if (mc->opt[MODCMD_O_REASON] != NULL &&
	    *mc->opt[MODCMD_O_REASON] == '\0')
		mc->opt[MODCMD_O_REASON] = NULL;
	for (o = 0; o < MODCMD_NOPTS; o++) {
		if ((cmd->required & (1u << o)) && mc->opt[o] == NULL) {
			modcmd_usage(cmd, st, u, sizeof u);
			return fail(MODCMD_EINVAL, err, errlen, "%s needs a "
			    "%s: %s", cmd->name, opt_info[o].key, u);
		}
		if ((v = mc->opt[o]) == NULL)
			continue;
		switch (o) {
		case MODCMD_O_SCOPE:
			if (strcmp(v, "*") != 0 && !(v[0] == '#' &&
			    v[1] != '\0' && strpbrk(v, " ,\r\n") == NULL) &&
			    !group_like(v))
				return fail(MODCMD_EINVAL, err, errlen,
				    "Scope is * (everywhere), a #room or a "
				    "group");
			break;
		case MODCMD_O_DURATION:
			if ((mc->duration = modcmd_parse_duration(v)) < 0)
				return fail(MODCMD_EINVAL, err, errlen,
				    "duration must look like 30m, 12h, 7d or "
				    "2w");
			break;
		case MODCMD_O_LIMIT:
			n = strtol(v, &end, 10);
			if (*v == '\0' || *end != '\0' || n < 1 || n > 10000)
				return fail(MODCMD_EINVAL, err, errlen,
				    "limit must be a number from 1 to 10000");
			mc->limit = (int)n;
			break;
		case MODCMD_O_SINCE:
		case MODCMD_O_UNTIL:
			if ((o == MODCMD_O_SINCE ? (mc->since =
			    modcmd_parse_time(v)) : (mc->until =
			    modcmd_parse_time(v))) == (time_t)-1)
				return fail(MODCMD_EINVAL, err, errlen,
				    "since/until must look like "
				    "2026-12-01T18:00Z");
			break;
		default:
			break;
		}
	}
	return MODCMD_OK;
}

static void
call_init(const struct modcmd *cmd, struct modcmd_call *mc)
{
	memset(mc, 0, sizeof *mc);
	mc->cmd = cmd;
	mc->action = cmd->action;
}

int
modcmd_parse_words(const struct modcmd *cmd, int argc, char **argv,
    enum modcmd_style st, struct modcmd_call *mc, char *err, size_t errlen)
{
	int	i, k, o, rc, nopts = 0;
	size_t	n;

	call_init(cmd, mc);
	for (o = 0; o < MODCMD_NOPTS; o++)
		nopts += (cmd->opts >> o) & 1;
	if (argc < cmd->nargs || argc > cmd->nargs + nopts)
		return usage_fail(cmd, st, err, errlen);
	for (k = 0; k < cmd->nargs; k++)
		if ((rc = set_arg(mc, cmd->args[k], argv[k], err, errlen)) !=
		    MODCMD_OK)
			return rc;
	for (i = cmd->nargs; i < argc; i++) {
		for (o = 0; o < MODCMD_NOPTS; o++) {
			n = strlen(opt_info[o].key);
			if ((cmd->opts & (1u << o)) && strncmp(argv[i],
			    opt_info[o].key, n) == 0 && argv[i][n] == '=')
				break;
		}
		if (o == MODCMD_NOPTS)
			return fail(MODCMD_EINVAL, err, errlen, "Unexpected "
			    "argument \"%.100s\"", argv[i]);
		if (mc->opt[o] != NULL)
			return fail(MODCMD_EINVAL, err, errlen, "%s given "
			    "twice", opt_info[o].key);
		mc->opt[o] = argv[i] + n + 1;
	}
	return check_opts(cmd, st, mc, err, errlen);
}

/* The next space-separated word of *P (terminated in place), or NULL. */
static char *
next_word(char **p)
{
	char	*w;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (**p == '\0')
		return NULL;
	w = *p;
	while (**p != '\0' && **p != ' ' && **p != '\t')
		(*p)++;
	if (**p != '\0')
		*(*p)++ = '\0';
	return w;
}

/* The rest of *P without leading or trailing blanks. */
static char *
rest_of(char **p)
{
	char	*r = *p;
	size_t	 n;

	while (*r == ' ' || *r == '\t')
		r++;
	n = strlen(r);
	while (n > 0 && (r[n - 1] == ' ' || r[n - 1] == '\t'))
		r[--n] = '\0';
	*p = r + n;
	return r;
}

/* Does the word at *P fit option O by position?  Consumes it if so. */
static int
chat_opt(struct modcmd_call *mc, int o, char **p)
{
	char	*save = *p, *w;

	if (o == MODCMD_O_REASON) {
		mc->opt[o] = rest_of(p);
		return 1;
	}
	if ((w = next_word(p)) == NULL)
		return 0;
	if ((o == MODCMD_O_SCOPE && (w[0] == '#' || group_like(w))) ||
	    (o == MODCMD_O_DURATION && modcmd_parse_duration(w) > 0) ||
	    o == MODCMD_O_TARGET) {
		mc->opt[o] = w;
		return 1;
	}
	/* Not this option: undo the split. */
	if (*p > w + strlen(w))
		w[strlen(w)] = ' ';
	*p = save;
	return 0;
}

int
modcmd_parse_text(const struct modcmd *cmd, char *line, int64_t entry,
    enum modcmd_style st, struct modcmd_call *mc, char *err, size_t errlen)
{
	char	*p = line, *w;
	size_t	 i;
	int	 k, rc;

	call_init(cmd, mc);
	for (k = 0; k < cmd->nargs; k++) {
		switch (cmd->args[k]) {
		case MODCMD_A_ENTRY:
			if (entry > 0) {
				mc->id = entry;
				continue;
			}
			w = next_word(&p);
			break;
		case MODCMD_A_ITEM_TYPE:
			/* Known from the reference (next). */
			continue;
		case MODCMD_A_TEXT:
			w = rest_of(&p);
			if (*w == '\0')
				w = NULL;
			break;
		default:
			w = next_word(&p);
			break;
		}
		if (w == NULL)
			return usage_fail(cmd, st, err, errlen);
		if (cmd->args[k] == MODCMD_A_ITEM_REF)
			mc->item_type = w[0] == '<' ? "article" : "chat";
		if ((rc = set_arg(mc, cmd->args[k], w, err, errlen)) !=
		    MODCMD_OK)
			return rc;
	}
	for (i = 0; i < sizeof chat_order / sizeof chat_order[0]; i++)
		if (cmd->opts & (1u << chat_order[i]))
			chat_opt(mc, chat_order[i], &p);
	if (*rest_of(&p) != '\0')
		return usage_fail(cmd, st, err, errlen);
	return check_opts(cmd, st, mc, err, errlen);
}
