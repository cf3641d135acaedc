/*
 * irc.c -- the IRC service: client state, output, capability
 * negotiation, registration and the command table.
 *
 * Every command is a row of irc_cmds[]: name, handler, minimum
 * parameters, whether registration must be complete, whether operator
 * status is needed, and its extra rate cost.  The dispatcher enforces
 * the row (ERR_NOTREGISTERED, ERR_NOPRIVILEGES, ERR_NEEDMOREPARAMS)
 * before the handler runs.  Handlers live by family in irc-user.c,
 * irc-channel.c, irc-query.c, irc-history.c and irc-sasl.c.
 *
 * Replies to a command carrying an IRCv3 label (labeled-response) are
 * captured while the handler runs and sent afterwards: tagged with the
 * label, wrapped in a labeled-response batch, or replaced by ACK.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/rand.h>

#include "account.h"
#include "conn.h"
#include "i18n.h"
#include "irc.h"
#include "i18n.h"
#include "irc-int.h"
#include "lang.h"
#include "irc-numeric.h"
#include "log.h"
#include "names.h"
#include "store-chat.h"
#include "utf8.h"
#include "webpush.h"
#include "xmalloc.h"

#define R_REG		0x01	/* registration must be complete */
#define R_OPER		0x02	/* IRC operator only */

struct irc_cmd {
	const char	*name;
	irc_handler	 fn;
	int		 min_params;
	int		 flags;
	double		 cost;		/* tokens on top of the line's one */
};

/*
 * Capabilities in CAP LS order.  VALUE is shown to CAP LS 302 clients;
 * sts is filled in per connection (IRCv3 sts: "port" on plain text,
 * "duration" on TLS).
 */
static const struct {
	const char	*name;
	const char	*value;
} irc_caps[CAP_COUNT] = {
	[CAP_ACCOUNT_NOTIFY] = { "account-notify", NULL },
	[CAP_ACCOUNT_TAG] = { "account-tag", NULL },
	[CAP_AWAY_NOTIFY] = { "away-notify", NULL },
	[CAP_BATCH] = { "batch", NULL },
	[CAP_CAP_NOTIFY] = { "cap-notify", NULL },
	[CAP_CHGHOST] = { "chghost", NULL },
	/* Its value follows password_min_length: see cap_value(). */
	[CAP_ACCOUNT_REGISTRATION] = { "draft/account-registration", NULL },
	[CAP_CHANNEL_RENAME] = { "draft/channel-rename", NULL },
	[CAP_CHATHISTORY] = { "draft/chathistory", NULL },
	[CAP_EVENT_PLAYBACK] = { "draft/event-playback", NULL },
	[CAP_MESSAGE_REDACTION] = { "draft/message-redaction", NULL },
	/* Offered while push is on (the VAPID key is in ISUPPORT). */
	[CAP_WEBPUSH] = { "draft/webpush", NULL },
	[CAP_METADATA] = { "draft/metadata-2",
	    "max-subs=10,max-keys=4,max-value-bytes=256" },
	[CAP_MULTILINE] = { "draft/multiline", "max-bytes=4096,max-lines=100" },
	/* The catalogues hearthd has: see cap_value(). */
	[CAP_LANGUAGES] = { "draft/languages", NULL },
	[CAP_PRE_AWAY] = { "draft/pre-away", NULL },
	[CAP_READ_MARKER] = { "draft/read-marker", NULL },
	[CAP_ECHO_MESSAGE] = { "echo-message", NULL },
	[CAP_EXTENDED_JOIN] = { "extended-join", NULL },
	[CAP_EXTENDED_MONITOR] = { "extended-monitor", NULL },
	[CAP_INVITE_NOTIFY] = { "invite-notify", NULL },
	[CAP_LABELED_RESPONSE] = { "labeled-response", NULL },
	[CAP_MESSAGE_TAGS] = { "message-tags", NULL },
	[CAP_MULTI_PREFIX] = { "multi-prefix", NULL },
	[CAP_NO_IMPLICIT_NAMES] = { "no-implicit-names", NULL },
	[CAP_SASL] = { "sasl", "PLAIN,EXTERNAL,SCRAM-SHA-256" },
	[CAP_SERVER_TIME] = { "server-time", NULL },
	[CAP_SETNAME] = { "setname", NULL },
	[CAP_STS] = { "sts", NULL },
	[CAP_USERHOST_IN_NAMES] = { "userhost-in-names", NULL },
};

static char	outbuf[IRC_OUTBUF];

const char *
irc_srvname(struct irc_client *cl)
{
	return cl->conn->srv->cf->server_name;
}

const char *
irc_nick(struct irc_client *cl)
{
	return cl->nick[0] != '\0' ? cl->nick : "*";
}

int
irc_is_registered(struct irc_client *cl)
{
	return (cl->flags & CL_REGISTERED) != 0;
}

/* Append S to BUF (SIZE bytes, *OFF used), cut to fit. */
static void
prefix_cat(char *buf, size_t size, size_t *off, const char *s)
{
	size_t	n = strlen(s);

	if (n > size - 1 - *off)
		n = size - 1 - *off;
	memcpy(buf + *off, s, n);
	*off += n;
}

/*
 * "nick!user@host" of CL, in a static buffer valid until the next call.
 * Built by hand: it is asked for several times per line sent (snprintf
 * was 3 % of a room's fan-out in callgrind, issue 20).
 */
char *
irc_prefix(struct irc_client *cl)
{
	static char	buf[IRC_NICKLEN + IRC_USERLEN + 128];
	size_t		off = 0;

	prefix_cat(buf, sizeof buf, &off, irc_nick(cl));
	prefix_cat(buf, sizeof buf, &off, "!");
	prefix_cat(buf, sizeof buf, &off, cl->user != NULL ? cl->user : "*");
	prefix_cat(buf, sizeof buf, &off, "@");
	prefix_cat(buf, sizeof buf, &off, cl->host != NULL ? cl->host : "*");
	buf[off] = '\0';
	return buf;
}

/*
 * Write one complete line (with CR LF) to CL.  While a labeled command
 * runs, the client's own output is captured instead (see the top).
 */
void
irc_write(struct irc_client *cl, const char *buf, size_t len)
{
	if (cl->capture != NULL)
		evbuffer_add(cl->capture, buf, len);
	else
		conn_write(cl->conn, buf, len);
}

static void
irc_vsendf(struct irc_client *cl, size_t off, const char *fmt, va_list ap)
{
	int	n;

	n = vsnprintf(outbuf + off, sizeof outbuf - off - 2, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof outbuf - off - 3)
		n = (int)(sizeof outbuf - off - 3);
	off += (size_t)n;
	outbuf[off++] = '\r';
	outbuf[off++] = '\n';
	irc_write(cl, outbuf, off);
}

/* Send a formatted line (CR LF added) to CL. */
void
irc_sendf(struct irc_client *cl, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	irc_vsendf(cl, 0, fmt, ap);
	va_end(ap);
}

const char *
irc_lang(struct irc_client *cl)
{
	if (cl->session_lang != NULL)
		return cl->session_lang;
	if (cl->account == NULL)
		return cl->guest_lang;
	if (!cl->lang_set || cl->lang_acct == NULL ||
	    strcmp(cl->lang_acct, cl->account) != 0) {
		cl->lang = member_lang(cl->conn->srv, cl->account);
		free(cl->lang_acct);
		cl->lang_acct = xstrdup(cl->account);
		cl->lang_set = 1;
	}
	return cl->lang;
}

static void
lang_forget(const char *key, void *val, void *arg)
{
	struct irc_client	*cl = val;
	const char		*account = arg;

	(void)key;
	if (cl->account != NULL && strcmp(cl->account, account) == 0)
		cl->lang_set = 0;
}

void
irc_lang_changed(struct irc_server *is, const char *account)
{
	strmap_foreach(is->nicks, lang_forget, (void *)(uintptr_t)account);
}

/*
 * LANGUAGE code... (draft/languages): this connection's language, the
 * first of the client's codes hearthd has (a "~" before a code is
 * ignored); it wins over the account's for this connection.  No code
 * known: 982 and nothing changes.
 */
static int
cmd_language(struct irc_client *cl, struct irc_msg *m)
{
	const char	*lang = NULL, *l, *p;
	char		*copy, *t, *save = NULL, codes[200];
	size_t		 i, n = 0, max = 1, len = 0;

	for (p = i18n_languages(); *p != '\0'; p++)
		max += *p == ' ';
	codes[0] = '\0';
	for (i = 0; i < m->nparams; i++) {
		copy = xstrdup(m->params[i]);
		for (t = strtok_r(copy, " ", &save); t != NULL;
		    t = strtok_r(NULL, " ", &save)) {
			n++;
			if (*t == '~')
				t++;
			if ((l = i18n_lang(t)) != NULL && lang == NULL)
				lang = l;
			if (len + strlen(t) + 2 < sizeof codes)
				len += (size_t)snprintf(codes + len,
				    sizeof codes - len, "%s%s",
				    len > 0 ? " " : "", t);
		}
		save = NULL;
		free(copy);
	}
	if (n > max) {
		irc_numeric(cl, ERR_TOOMANYLANGUAGES, (int)max);
		return CONN_OK;
	}
	if (lang == NULL) {
		irc_numeric(cl, ERR_NOLANGUAGE, n > 0 ? codes : "*");
		return CONN_OK;
	}
	cl->session_lang = lang;
	irc_numeric(cl, RPL_YOURLANGUAGESARE, lang);
	return CONN_OK;
}

/*
 * Send a numeric reply: ":<server> <num> <nick> " then the text.  Use
 * the two-part names of irc-numeric.h for NUM and FMT; FMT (params and
 * text, as marked N_() there) is said in CL's language.
 */
void
irc_numeric(struct irc_client *cl, const char *num, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	n = snprintf(outbuf, sizeof outbuf, ":%s %s %s ", irc_srvname(cl),
	    num, irc_nick(cl));
	va_start(ap, fmt);
	irc_vsendf(cl, (size_t)n, i18n(irc_lang(cl), fmt), ap);
	va_end(ap);
}

/*
 * A standard reply (IRCv3 standard-replies): "FAIL <command> <code>
 * [<context>...] :<description>".  CONTEXT may be NULL.
 */
void
irc_fail(struct irc_client *cl, const char *cmd, const char *code,
    const char *context, const char *desc)
{
	if (context != NULL && *context != '\0')
		irc_sendf(cl, ":%s FAIL %s %s %s :%s", irc_srvname(cl), cmd,
		    code, context, i18n(irc_lang(cl), desc));
	else
		irc_sendf(cl, ":%s FAIL %s %s :%s", irc_srvname(cl), cmd, code,
		    i18n(irc_lang(cl), desc));
}

/* Times: IRCv3 server-time "YYYY-MM-DDThh:mm:ss.sssZ", UTC. */
void
irc_time_format(int64_t ms, char *buf, size_t len)
{
	time_t		t = (time_t)(ms / 1000);
	struct tm	tm;
	char		tmp[32];

	gmtime_r(&t, &tm);
	strftime(tmp, sizeof tmp, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03dZ", tmp, (int)(ms % 1000));
}

void
irc_time_now(char *buf, size_t len, int64_t *msp)
{
	static int64_t	last_sec = -1;
	static char	last[32];
	struct timespec	ts;
	int64_t		ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (msp != NULL)
		*msp = ms;
	if (buf == NULL)
		return;
	/* strftime once a second: fan-out asks for this a lot. */
	if (ts.tv_sec != last_sec) {
		struct tm	tm;
		time_t		t = ts.tv_sec;

		gmtime_r(&t, &tm);
		strftime(last, sizeof last, "%Y-%m-%dT%H:%M:%S", &tm);
		last_sec = ts.tv_sec;
	}
	snprintf(buf, len, "%s.%03dZ", last, (int)(ms % 1000));
}

/* Parse a server-time value (milliseconds optional); 0 or -1. */
int
irc_time_parse(const char *s, int64_t *ms)
{
	struct tm	tm;
	int		y, mo, d, h, mi, sec, frac = 0, n = 0;
	const char	*p;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
	    &sec, &n) != 6 || n != 19)
		return -1;
	p = s + n;
	if (*p == '.') {
		int	digits = 0;

		for (p++; isdigit((unsigned char)*p); p++, digits++)
			if (digits < 3)
				frac = frac * 10 + (*p - '0');
		while (digits > 0 && digits < 3) {
			frac *= 10;
			digits++;
		}
	}
	if (*p != 'Z' || p[1] != '\0')
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*ms = (int64_t)timegm(&tm) * 1000 + frac;
	return 0;
}

/* A new message id: a random per-run prefix and a counter. */
void
irc_new_msgid(struct irc_server *is, char *buf, size_t len)
{
	/*
	 * Fixed width, so that ids sort in the order they were made and
	 * the history's msgid index grows at its end (one page written
	 * per commit, not one per message).
	 */
	snprintf(buf, len, "%s%012llx", is->msgid_prefix,
	    (unsigned long long)++is->msgid_seq);
}

void
irc_new_batch(struct irc_server *is, char *buf, size_t len)
{
	snprintf(buf, len, "b%llx", (unsigned long long)++is->batch_seq);
}

void
irc_batch_start(struct irc_client *cl, const char *ref, const char *type,
    const char *params)
{
	irc_sendf(cl, ":%s BATCH +%s %s%s%s", irc_srvname(cl), ref, type,
	    params != NULL ? " " : "", params != NULL ? params : "");
}

void
irc_batch_end(struct irc_client *cl, const char *ref)
{
	irc_sendf(cl, ":%s BATCH -%s", irc_srvname(cl), ref);
}

uint32_t
irc_next_mark(struct irc_server *is)
{
	return ++is->mark;
}

/* The longest event line without its tags and CR LF. */
#define IRC_EVENT_MAX	510

/*
 * Events.  The body is formatted once; each distinct set of tags a
 * recipient's capabilities call for is formatted once, on first use.
 */
void
irc_event_init(struct irc_event *ev, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	memset(ev, 0, sizeof *ev);
	va_start(ap, fmt);
	n = vsnprintf(outbuf, sizeof outbuf, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof outbuf)
		n = sizeof outbuf - 1;
	/*
	 * RFC 2812 2.3: at most 512 bytes with the CR LF, tags aside.  A
	 * client's line may be that long before its source is put in
	 * front: what is relayed is cut to fit (never inside a
	 * character), as other servers do.
	 */
	if ((size_t)n > IRC_EVENT_MAX)
		n = (int)utf8_cut(outbuf, IRC_EVENT_MAX);
	ev->body = xstrndup(outbuf, (size_t)n);
	ev->bodylen = (size_t)n;
	irc_time_now(ev->time, sizeof ev->time, &ev->ms);
}

static size_t
event_variant(struct irc_event *ev, struct irc_client *to)
{
	size_t	idx = 0;

	if (HASCAP(to, CAP_SERVER_TIME))
		idx |= 1;
	if (HASCAP(to, CAP_MESSAGE_TAGS) && (ev->msgid[0] != '\0' ||
	    ev->ctags != NULL || ev->bot))
		idx |= 2;
	if (HASCAP(to, CAP_ACCOUNT_TAG) && ev->account != NULL)
		idx |= 4;
	if (ev->batch != NULL && HASCAP(to, CAP_BATCH))
		idx |= 8;
	return idx;
}

static void
event_build(struct irc_event *ev, size_t idx)
{
	char	*p = outbuf, *end = outbuf + sizeof outbuf - 3;
	int	 first = 1;

#define TAG(...) do {							\
	if (p < end) {							\
		*p++ = first ? '@' : ';';				\
		first = 0;						\
		p += snprintf(p, (size_t)(end - p), __VA_ARGS__);	\
		if (p > end)						\
			p = end;					\
	}								\
} while (0)
	if (idx & 8)
		TAG("batch=%s", ev->batch);
	if (idx & 1)
		TAG("time=%s", ev->time);
	if ((idx & 2) && ev->msgid[0] != '\0')
		TAG("msgid=%s", ev->msgid);
	/*
	 * IRCv3 bot mode: the ratified tag is "bot"; "draft/bot" is what
	 * clients written against the draft look for.
	 */
	if ((idx & 2) && ev->bot) {
		TAG("bot");
		TAG("draft/bot");
	}
	if (idx & 4)
		TAG("account=%s", ev->account);
	if ((idx & 2) && ev->ctags != NULL)
		TAG("%s", ev->ctags);
#undef TAG
	if (!first && p < end)
		*p++ = ' ';
	if ((size_t)(end - p) < ev->bodylen)
		ev->bodylen = (size_t)(end - p);
	memcpy(p, ev->body, ev->bodylen);
	p += ev->bodylen;
	*p++ = '\r';
	*p++ = '\n';
	ev->vlen[idx] = (size_t)(p - outbuf);
	ev->v[idx] = xmalloc(ev->vlen[idx]);
	memcpy(ev->v[idx], outbuf, ev->vlen[idx]);
}

void
irc_event_send(struct irc_event *ev, struct irc_client *to)
{
	size_t	idx = event_variant(ev, to);

	if (ev->v[idx] == NULL)
		event_build(ev, idx);
	irc_write(to, ev->v[idx], ev->vlen[idx]);
}

/*
 * Send EV to TO past any labeled-response capture: a private message to
 * oneself is both the labeled echo and an unlabeled delivery.
 */
void
irc_event_send_unlabeled(struct irc_event *ev, struct irc_client *to)
{
	size_t	idx = event_variant(ev, to);

	if (ev->v[idx] == NULL)
		event_build(ev, idx);
	conn_write(to->conn, ev->v[idx], ev->vlen[idx]);
}

void
irc_event_free(struct irc_event *ev)
{
	size_t	i;

	for (i = 0; i < sizeof ev->v / sizeof ev->v[0]; i++)
		free(ev->v[i]);
	free(ev->body);
	memset(ev, 0, sizeof *ev);
}

/*
 * Send EV once to every client sharing a channel with CL that has
 * capability NEEDCAP (-1: any), and to CL itself when SELF.
 */
void
irc_event_common(struct irc_event *ev, struct irc_client *cl, int needcap,
    int self)
{
	uint32_t		 mark = irc_next_mark(cl->is);
	struct irc_channel	*ch;
	struct irc_client	*to;
	size_t			 i, j;

	cl->mark = mark;
	if (self)
		irc_event_send(ev, cl);
	for (i = 0; i < cl->nchans; i++) {
		ch = cl->chans[i]->ch;
		for (j = 0; j < ch->nmembers; j++) {
			to = ch->members[j]->cl;
			if (to->mark == mark)
				continue;
			to->mark = mark;
			if (needcap >= 0 && !HASCAP(to, needcap))
				continue;
			irc_event_send(ev, to);
		}
	}
	if (needcap >= 0)
		irc_event_watchers(ev, cl, needcap, mark);
}

/*
 * IRCv3 extended-monitor: those who MONITOR CL's nick and have both
 * extended-monitor and NEEDCAP get EV as if they shared a channel; once
 * only, with the MARK of the fan-out it completes.
 */
void
irc_event_watchers(struct irc_event *ev, struct irc_client *cl,
    int needcap, uint32_t mark)
{
	struct irc_watch	*w;
	struct irc_client	*to;
	size_t			 i;

	if (cl->fold[0] == '\0' ||
	    (w = strmap_get(cl->is->watchers, cl->fold)) == NULL)
		return;
	for (i = 0; i < w->n; i++) {
		to = w->v[i];
		if (to->mark == mark)
			continue;
		to->mark = mark;
		if (HASCAP(to, CAP_EXTENDED_MONITOR) && HASCAP(to, needcap))
			irc_event_send(ev, to);
	}
}

struct irc_client *
irc_find_nick(struct irc_server *is, const char *nick)
{
	char	fold[IRC_NICKLEN + 2];

	if (strlen(nick) > IRC_NICKLEN)
		return NULL;
	irc_casefold(IRC_CASEMAP, nick, fold, sizeof fold);
	return strmap_get(is->nicks, fold);
}

/* Labeled responses (IRCv3 labeled-response). */

/* Does LINE already carry a batch tag? */
static int
line_has_batch(const char *line, size_t len)
{
	const char	*sp, *p;

	if (len == 0 || line[0] != '@')
		return 0;
	if ((sp = memchr(line, ' ', len)) == NULL)
		return 0;
	for (p = line + 1; p < sp; p++) {
		if ((p == line + 1 || p[-1] == ';') &&
		    (size_t)(sp - p) > 6 && memcmp(p, "batch=", 6) == 0)
			return 1;
	}
	return 0;
}

/* Write LINE to the connection with TAG ("k=v") added first. */
static void
write_tagged(struct conn *c, const char *tag, const char *line, size_t len)
{
	if (len > 0 && line[0] == '@') {
		conn_printf(c, "@%s;", tag);
		conn_write(c, line + 1, len - 1);
	} else {
		conn_printf(c, "@%s ", tag);
		conn_write(c, line, len);
	}
}

/*
 * Is the captured output exactly one batch (its opening line first, its
 * closing line last)?  A draft/multiline echo is: its label goes on the
 * opening BATCH line only.
 */
static int
capture_one_batch(const char *data, size_t len)
{
	const char	*p = data, *end = data + len, *nl, *last;
	char		 ref[64], tail[80];
	size_t		 n;

	if ((nl = memchr(p, '\n', len)) == NULL)
		return 0;
	if (*p == '@' && (p = memchr(p, ' ', (size_t)(nl - p))) == NULL)
		return 0;
	p += strspn(p, " ");
	if (*p == ':')
		p += strcspn(p, " ");
	p += strspn(p, " ");
	if (nl - p < 8 || strncmp(p, "BATCH +", 7) != 0)
		return 0;
	p += 7;
	n = strcspn(p, " \r\n");
	if (n == 0 || n >= sizeof ref)
		return 0;
	memcpy(ref, p, n);
	ref[n] = '\0';
	/* The last line: "... BATCH -ref" CR LF. */
	for (last = end - 1; last > data && last[-1] != '\n'; last--)
		;
	if (last == data)
		return 0;
	snprintf(tail, sizeof tail, " BATCH -%s\r\n", ref);
	n = strlen(tail);
	return (size_t)(end - last) >= n && memcmp(end - n, tail, n) == 0;
}

/*
 * The handler of a labeled command finished: send what it produced as
 * the labeled-response spec asks.  No output: ACK.  One line: the label
 * goes on it.  One batch: on its opening line.  More: a
 * labeled-response batch (when batch is enabled).
 */
void
irc_capture_finish(struct irc_client *cl, const char *label)
{
	struct evbuffer		*buf = cl->capture;
	struct conn		*c = cl->conn;
	size_t			 len, nlines = 0, eol;
	char			*data, *line, *esc, tag[64], ref[24];

	if (buf == NULL)
		return;
	cl->capture = NULL;
	len = evbuffer_get_length(buf);
	data = (char *)evbuffer_pullup(buf, -1);
	for (eol = 0; eol < len; eol++)
		if (data[eol] == '\n')
			nlines++;
	esc = irc_tag_escape(label);
	if (nlines == 0) {
		conn_printf(c, "@label=%s :%s ACK\r\n", esc, irc_srvname(cl));
	} else if (nlines == 1) {
		char	*t;

		xasprintf(&t, "label=%s", esc);
		write_tagged(c, t, data, len);
		free(t);
	} else if (!HASCAP(cl, CAP_BATCH)) {
		conn_write(c, data, len);
	} else if (capture_one_batch(data, len)) {
		char	*t;

		eol = (size_t)((char *)memchr(data, '\n', len) - data) + 1;
		xasprintf(&t, "label=%s", esc);
		write_tagged(c, t, data, eol);
		conn_write(c, data + eol, len - eol);
		free(t);
	} else {
		irc_new_batch(cl->is, ref, sizeof ref);
		conn_printf(c, "@label=%s :%s BATCH +%s labeled-response\r\n",
		    esc, irc_srvname(cl), ref);
		snprintf(tag, sizeof tag, "batch=%s", ref);
		line = data;
		while (line < data + len) {
			eol = (size_t)((char *)memchr(line, '\n',
			    (size_t)(data + len - line)) - line) + 1;
			if (line_has_batch(line, eol))
				conn_write(c, line, eol);
			else
				write_tagged(c, tag, line, eol);
			line += eol;
		}
		conn_printf(c, ":%s BATCH -%s\r\n", irc_srvname(cl), ref);
	}
	free(esc);
	evbuffer_free(buf);
}

/* Capability negotiation (IRCv3 capability-negotiation, CAP 302). */

/* The value of cap I for CL, or NULL. */
static const char *
cap_value(struct irc_client *cl, int i, char *buf, size_t len)
{
	struct server	*srv = cl->conn->srv;
	size_t		 k;
	int		 port = 0;

	/*
	 * The password rules up front, as a vendor key clients that do
	 * not know it ignore (see account_password_acceptable()); the
	 * minimum is the setting's, so a reload changes it (CAP NEW).
	 */
	if (i == CAP_ACCOUNT_REGISTRATION) {
		snprintf(buf, len, "%scustom-account-name,"
		    "hearth/password=%d-%d", irc_register_early(srv) ?
		    "before-connect," : "", srv->cf->password_min_length,
		    PASSWORD_MAX);
		return buf;
	}
	/* "N,en,ru": how many a client may ask for, then each. */
	if (i == CAP_LANGUAGES) {
		const char	*l = i18n_languages(), *p;
		int		 n = 1;

		for (p = l; *p != '\0'; p++)
			n += *p == ' ';
		snprintf(buf, len, "%d,%s", n, l);
		for (p = buf; *p != '\0'; p++)
			if (*p == ' ')
				buf[p - buf] = ',';
		return buf;
	}
	if (i != CAP_STS)
		return irc_caps[i].value;
	if (conn_is_tls(cl->conn)) {
		snprintf(buf, len, "duration=%d", srv->cf->irc_sts_duration);
		return buf;
	}
	for (k = 0; k < srv->nlisteners; k++)
		if (listener_proto(srv->listeners[k]) == PROTO_IRCS) {
			port = listener_port(srv->listeners[k]);
			break;
		}
	if (port == 0)
		return NULL;
	snprintf(buf, len, "port=%d", port);
	return buf;
}

/* May cap I be offered to CL at all? */
static int
cap_offered(struct irc_client *cl, int i)
{
	char	buf[64];

	if (i == CAP_STS)
		return cl->cap_version >= 302 && cap_value(cl, i, buf,
		    sizeof buf) != NULL;
	/* No sign-up here: the server does not take REGISTER. */
	if (i == CAP_ACCOUNT_REGISTRATION)
		return strcmp(cl->conn->srv->cf->registration, "closed") != 0;
	if (i == CAP_WEBPUSH)
		return webpush_vapid_key(cl->conn->srv) != NULL;
	return 1;
}

/*
 * The configuration was reloaded (OLD is the one before): tell every
 * client that has cap-notify which caps came, went or changed value
 * (IRCv3 cap-notify: CAP NEW and CAP DEL).  A cap that went is no
 * longer enabled for the client.  cap_offered() and cap_value() read
 * srv->cf, so the old configuration is put back in place for a moment.
 */
void
irc_config_changed(struct server *srv, struct config *old)
{
	struct config		*now = srv->cf;
	struct irc_client	*cl;
	struct conn		*c;
	char			 nl[512], dl[512], v1[64], v2[64];
	const char		*a, *b;
	size_t			 nlen, dlen;
	int			 i, o1, o2;

	TAILQ_FOREACH(c, &srv->conns, entry) {
		if (c->ops != &irc_ops || conn_is_closing(c) ||
		    (cl = c->pstate) == NULL ||
		    !(cl->caps & CAPF(CAP_CAP_NOTIFY)))
			continue;
		nlen = dlen = 0;
		nl[0] = dl[0] = '\0';
		for (i = 0; i < CAP_COUNT; i++) {
			srv->cf = old;
			o1 = cap_offered(cl, i);
			a = o1 ? cap_value(cl, i, v1, sizeof v1) : NULL;
			srv->cf = now;
			o2 = cap_offered(cl, i);
			b = o2 ? cap_value(cl, i, v2, sizeof v2) : NULL;
			if (o1 == o2 && strcmp(a != NULL ? a : "",
			    b != NULL ? b : "") == 0)
				continue;
			if (o2)
				nlen += (size_t)snprintf(nl + nlen, sizeof nl -
				    nlen, "%s%s%s%s", nlen > 0 ? " " : "",
				    irc_caps[i].name, b != NULL ? "=" : "",
				    b != NULL ? b : "");
			else {
				dlen += (size_t)snprintf(dl + dlen, sizeof dl -
				    dlen, "%s%s", dlen > 0 ? " " : "",
				    irc_caps[i].name);
				cl->caps &= ~CAPF(i);
			}
			if (nlen >= sizeof nl || dlen >= sizeof dl)
				break;
		}
		srv->cf = now;
		if (dlen > 0)
			irc_sendf(cl, ":%s CAP %s DEL :%s", irc_srvname(cl),
			    irc_nick(cl), dl);
		if (nlen > 0)
			irc_sendf(cl, ":%s CAP %s NEW :%s", irc_srvname(cl),
			    irc_nick(cl), nl);
	}
	srv->cf = now;
}

/*
 * Send a list of caps, split over several lines for 302 clients
 * ("CAP * LS * :..." for all but the last).  MASK selects the caps.
 */
static void
cap_send_list(struct irc_client *cl, const char *sub, uint32_t mask,
    int values)
{
	char		 line[512], item[128], vbuf[64];
	const char	*v;
	size_t		 len = 0, max = 400;
	int		 i;

	line[0] = '\0';
	for (i = 0; i < CAP_COUNT; i++) {
		if (!(mask & CAPF(i)) || !cap_offered(cl, i))
			continue;
		v = values ? cap_value(cl, i, vbuf, sizeof vbuf) : NULL;
		snprintf(item, sizeof item, "%s%s%s", irc_caps[i].name,
		    v != NULL ? "=" : "", v != NULL ? v : "");
		if (len > 0 && len + 1 + strlen(item) > max &&
		    cl->cap_version >= 302) {
			irc_sendf(cl, ":%s CAP %s %s * :%s", irc_srvname(cl),
			    irc_nick(cl), sub, line);
			len = 0;
			line[0] = '\0';
		}
		len += (size_t)snprintf(line + len, sizeof line - len, "%s%s",
		    len > 0 ? " " : "", item);
	}
	irc_sendf(cl, ":%s CAP %s %s :%s", irc_srvname(cl), irc_nick(cl),
	    sub, line);
}

static int
cap_lookup(const char *name)
{
	int	i;

	for (i = 0; i < CAP_COUNT; i++)
		if (strcmp(irc_caps[i].name, name) == 0)
			return i;
	return -1;
}

static void
cap_req(struct irc_client *cl, const char *list)
{
	char		*copy, *tok, *save = NULL;
	uint32_t	 add = 0, del = 0;
	int		 i, ok = 1;

	copy = xstrdup(list);
	for (tok = strtok_r(copy, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save)) {
		int	neg = (*tok == '-');

		i = cap_lookup(tok + neg);
		/* sts is advertised only, never requested (IRCv3 sts). */
		if (i < 0 || i == CAP_STS) {
			ok = 0;
			break;
		}
		if (neg)
			del |= CAPF(i);
		else
			add |= CAPF(i);
	}
	free(copy);
	if (!ok || (add == 0 && del == 0)) {
		irc_sendf(cl, ":%s CAP %s NAK :%s", irc_srvname(cl),
		    irc_nick(cl), list);
		return;
	}
	cl->caps = (cl->caps | add) & ~del;
	irc_sendf(cl, ":%s CAP %s ACK :%s", irc_srvname(cl), irc_nick(cl),
	    list);
}

static int
cmd_cap(struct irc_client *cl, struct irc_msg *m)
{
	char	sub[16];
	size_t	i;

	snprintf(sub, sizeof sub, "%s", m->params[0]);
	for (i = 0; sub[i] != '\0'; i++)
		sub[i] = (char)toupper((unsigned char)sub[i]);
	if (strcmp(sub, "LS") == 0) {
		if (!irc_is_registered(cl))
			cl->flags |= CL_CAPNEG;
		if (m->nparams > 1 && atoi(m->params[1]) >= 302) {
			if (cl->cap_version < 302)
				cl->cap_version = atoi(m->params[1]);
			/* 302 implies cap-notify (capability-negotiation). */
			cl->caps |= CAPF(CAP_CAP_NOTIFY);
		}
		cap_send_list(cl, "LS", ~0u, cl->cap_version >= 302);
	} else if (strcmp(sub, "LIST") == 0) {
		cap_send_list(cl, "LIST", cl->caps, 0);
	} else if (strcmp(sub, "REQ") == 0) {
		if (!irc_is_registered(cl))
			cl->flags |= CL_CAPNEG;
		cap_req(cl, m->nparams > 1 ? m->params[1] : "");
	} else if (strcmp(sub, "END") == 0) {
		if (!irc_is_registered(cl)) {
			cl->flags &= ~CL_CAPNEG;
			irc_try_register(cl);
		}
	} else
		irc_numeric(cl, ERR_INVALIDCAPCMD, m->params[0]);
	return CONN_OK;
}

/* Registration. */

/*
 * Finish registration once NICK and USER are in and CAP negotiation
 * (if any) ended.  A nick held by an account must be logged into.
 */
/* The account role of CL as the account module names it, or NULL. */
const char *
irc_role_name(struct irc_client *cl)
{
	switch (cl->role) {
	case ROLE_DOCTOR:
		return "doctor";
	case ROLE_MODERATOR:
		return "moderator";
	case ROLE_ADMIN:
		return "admin";
	case ROLE_MEMBER:
		return "member";
	default:
		return NULL;
	}
}

void
irc_try_register(struct irc_client *cl)
{
	enum names_why	why;

	if (irc_is_registered(cl) || cl->nick[0] == '\0' || cl->user == NULL ||
	    (cl->flags & CL_CAPNEG))
		return;
	/*
	 * A server password missing or wrong: ERR_PASSWDMISMATCH, then
	 * ERROR and the connection closes (Modern IRC, PASS message).
	 */
	if (cl->conn->srv->cf->irc_password != NULL &&
	    !(cl->flags & CL_PASS_OK)) {
		irc_numeric(cl, ERR_PASSWDMISMATCH);
		irc_sendf(cl, "ERROR :Closing Link: %s (Bad password)",
		    irc_nick(cl));
		irc_quit(cl, "Bad password");
		conn_close(cl->conn, "bad password");
		return;
	}
	if ((why = account_name_claim(cl->is->srv, cl->realname != NULL ?
	    cl->realname : "", cl->account, irc_role_name(cl))) != NAMES_OK) {
		/*
		 * A display name claiming a role: show the nick instead,
		 * and say why (USER has no error reply of its own).
		 */
		free(cl->realname);
		cl->realname = xstrdup(cl->nick);
		irc_sendf(cl, ":%s NOTICE %s :%s %s", irc_srvname(cl),
		    irc_nick(cl), i18n(irc_lang(cl), "Your real name is shown "
		    "as your nick:"), i18n(irc_lang(cl), names_why_text(why)));
	}
	if ((why = irc_nick_why(cl, cl->nick, 1)) != NAMES_OK) {
		char	nick[IRC_NICKLEN + 1];

		snprintf(nick, sizeof nick, "%s", cl->nick);
		irc_nick_unset(cl);
		irc_nick_refused(cl, nick, why);
		return;
	}
	if (irc_nick_reserved(cl, cl->nick)) {
		char	nick[IRC_NICKLEN + 1];

		/* The nick is refused: the reply is addressed to "*". */
		snprintf(nick, sizeof nick, "%s", cl->nick);
		snprintf(cl->tried_nick, sizeof cl->tried_nick, "%s", nick);
		irc_nick_unset(cl);
		irc_numeric(cl, ERR_NICKRESERVED, nick);
		return;
	}
	irc_register_done(cl);
}

void
irc_nick_unset(struct irc_client *cl)
{
	struct irc_server	*is = cl->is;

	if (cl->fold[0] != '\0' && strmap_get(is->nicks, cl->fold) == cl)
		strmap_del(is->nicks, cl->fold);
	if (cl->skel[0] != '\0' && strmap_get(is->skels, cl->skel) == cl)
		strmap_del(is->skels, cl->skel);
	cl->nick[0] = cl->fold[0] = cl->skel[0] = '\0';
}

void
irc_nick_set(struct irc_client *cl, const char *nick, const char *fold)
{
	char	*sk;

	irc_nick_unset(cl);
	snprintf(cl->nick, sizeof cl->nick, "%s", nick);
	snprintf(cl->fold, sizeof cl->fold, "%s", fold);
	sk = names_skeleton(nick);
	snprintf(cl->skel, sizeof cl->skel, "%s", sk);
	free(sk);
	strmap_put(cl->is->nicks, cl->fold, cl);
	if (strmap_get(cl->is->skels, cl->skel) == NULL)
		strmap_put(cl->is->skels, cl->skel, cl);
}

enum names_why
irc_nick_why(struct irc_client *cl, const char *nick, int check_accounts)
{
	struct irc_client	*other;
	enum names_why		 why;
	char			*sk, fold[IRC_NICKLEN + 1];

	if ((why = names_check(NAMES_NICK, nick, IRC_NICKLEN)) != NAMES_OK)
		return why;
	irc_casefold(IRC_CASEMAP, nick, fold, sizeof fold);
	sk = names_skeleton(nick);
	other = strmap_get(cl->is->skels, sk);
	free(sk);
	/* The same nick folded is 433, not a lookalike. */
	if (other != NULL && other != cl && strcmp(other->fold, fold) != 0)
		return NAMES_CONFUSABLE;
	if (!check_accounts)
		return NAMES_OK;
	if ((why = account_name_claim(cl->is->srv, nick, cl->account,
	    irc_role_name(cl))) != NAMES_OK)
		return why;
	if (account_lookalike(cl->is->srv, nick, cl->account, NULL, 0))
		return NAMES_CONFUSABLE;
	return NAMES_OK;
}

void
irc_nick_refused(struct irc_client *cl, const char *nick, enum names_why why)
{
	irc_numeric(cl, ERR_ERRONEUSNICKNAME_WHY, nick, i18n(irc_lang(cl),
	    names_why_text(why)));
}

void
irc_send_isupport(struct irc_client *cl)
{
	struct config	*cf = cl->conn->srv->cf;
	char		 buf[400];

	snprintf(buf, sizeof buf, "AWAYLEN=%d CASEMAPPING=ascii "
	    "CHANLIMIT=#:%d CHANMODES=beI,k,l,imnstCRM CHANNELLEN=%d "
	    "CHANTYPES=# CHATHISTORY=%d ELIST=CMNTU EXCEPTS=e HOSTLEN=64 "
	    "INVEX=I KICKLEN=%d MAXLIST=beI:%d", IRC_AWAYLEN,
	    IRC_MAXCHANNELS, IRC_CHANLEN, IRC_CHATHISTORY_MAX, IRC_KICKLEN,
	    IRC_MAXLIST);
	irc_numeric(cl, RPL_ISUPPORT, buf);
	snprintf(buf, sizeof buf, "MAXTARGETS=%d MODES=%d MONITOR=%d "
	    "MSGREFTYPES=msgid,timestamp NETWORK=%s NICKLEN=%d "
	    "PREFIX=(ov)@+ SAFELIST STATUSMSG=@+ TOPICLEN=%d USERLEN=%d "
	    "UTF8ONLY WHOX", IRC_MAXTARGETS, IRC_MAXMODES, IRC_MAXMONITOR,
	    cf->network_name, IRC_NICKLEN, IRC_TOPICLEN, IRC_USERLEN);
	irc_numeric(cl, RPL_ISUPPORT, buf);
	snprintf(buf, sizeof buf, "ACCOUNTEXTBAN=a BOT=B EXTBAN=,am "
	    "TARGMAX=JOIN:,KICK:%d,LIST:1,MONITOR:,"
	    "NAMES:%d,NOTICE:%d,PART:,PRIVMSG:%d,TAGMSG:%d,WHOIS:1",
	    IRC_MAXTARGETS, IRC_MAXTARGETS, IRC_MAXTARGETS, IRC_MAXTARGETS,
	    IRC_MAXTARGETS);
	irc_numeric(cl, RPL_ISUPPORT, buf);
	/* draft/webpush: the VAPID public key push services will see. */
	if (webpush_vapid_key(cl->conn->srv) != NULL) {
		snprintf(buf, sizeof buf, "VAPID=%s",
		    webpush_vapid_key(cl->conn->srv));
		irc_numeric(cl, RPL_ISUPPORT, buf);
	}
}

void
irc_send_lusers(struct irc_client *cl)
{
	struct irc_server	*is = cl->is;
	struct server		*srv = cl->conn->srv;
	unsigned int		 unknown;
	size_t			 nch = strmap_count(is->chans);

	unknown = srv->nconns[PROTO_IRC] + srv->nconns[PROTO_IRCS] -
	    is->nusers;
	irc_numeric(cl, RPL_LUSERCLIENT, is->nusers - is->ninvisible,
	    is->ninvisible);
	if (is->nopers > 0)
		irc_numeric(cl, RPL_LUSEROP, is->nopers);
	if (unknown > 0)
		irc_numeric(cl, RPL_LUSERUNKNOWN, unknown);
	if (nch > 0)
		irc_numeric(cl, RPL_LUSERCHANNELS, nch);
	irc_numeric(cl, RPL_LUSERME, is->nusers);
	irc_numeric(cl, RPL_LOCALUSERS, is->nusers, is->maxusers, is->nusers,
	    is->maxusers);
	irc_numeric(cl, RPL_GLOBALUSERS, is->nusers, is->maxusers, is->nusers,
	    is->maxusers);
}

static void
motd_lines(struct irc_client *cl, const char *text)
{
	const char	*p, *nl;
	char		 line[400];

	for (p = text; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 :
	    NULL) {
		nl = strchr(p, '\n');
		snprintf(line, sizeof line, "%.*s", nl != NULL ?
		    (int)(nl - p) : (int)strlen(p), p);
		/* Each line the operator kept from ours is translated. */
		irc_numeric(cl, RPL_MOTD, i18n(irc_lang(cl), line));
	}
}

void
irc_send_motd(struct irc_client *cl)
{
	struct config	*cf = cl->conn->srv->cf;

	if ((cf->motd == NULL || *cf->motd == '\0') && cf->hotline == NULL) {
		irc_numeric(cl, ERR_NOMOTD);
		return;
	}
	irc_numeric(cl, RPL_MOTDSTART, irc_srvname(cl));
	motd_lines(cl, cf->motd);
	if (cf->hotline != NULL && *cf->hotline != '\0')
		motd_lines(cl, cf->hotline);
	if (cf->disclaimer != NULL && *cf->disclaimer != '\0')
		motd_lines(cl, cf->disclaimer);
	irc_numeric(cl, RPL_ENDOFMOTD);
}

/* Welcome burst: 001-005, LUSERS, MOTD (Modern IRC, registration). */
void
irc_register_done(struct irc_client *cl)
{
	struct irc_server	*is = cl->is;
	struct server		*srv = cl->conn->srv;
	char			 host[128];

	if (cl->host == NULL) {
		irc_cloak(cl, host, sizeof host);
		cl->host = xstrdup(host);
	}
	/* Banned everywhere by the moderators: refused before 001. */
	if (irc_mod_refuse_banned(cl))
		return;
	cl->flags |= CL_REGISTERED;
	cl->signon = cl->last_active = time(NULL);
	is->nusers++;
	if (is->nusers > is->maxusers)
		is->maxusers = is->nusers;
	irc_numeric(cl, RPL_WELCOME, srv->cf->network_name, irc_prefix(cl));
	irc_numeric(cl, RPL_YOURHOST, irc_srvname(cl), "hearthd-"
	    PACKAGE_VERSION);
	irc_numeric(cl, RPL_CREATED, is->created);
	irc_numeric(cl, RPL_MYINFO, irc_srvname(cl), "hearthd-"
	    PACKAGE_VERSION, "Biorw", "CIMRbeiklmnostv", "Ibeklov");
	irc_send_isupport(cl);
	irc_send_lusers(cl);
	irc_send_motd(cl);
	irc_metadata_welcome(cl);
	irc_monitor_notify(is, cl->nick, cl);
	log_info("conn=%llu irc registered nick=%s account=%s",
	    (unsigned long long)cl->conn->id, cl->nick,
	    cl->account != NULL ? cl->account : "-");
}

/* Commands that live here. */

static int
cmd_ping(struct irc_client *cl, struct irc_msg *m)
{
	irc_sendf(cl, ":%s PONG %s :%s", irc_srvname(cl), irc_srvname(cl),
	    m->params[0]);
	return CONN_OK;
}

static int
cmd_pong(struct irc_client *cl, struct irc_msg *m)
{
	(void)m;
	cl->flags &= ~CL_PING_SENT;
	return CONN_OK;
}

/* Flush the capture (if any) and close: nothing may follow. */
static int
irc_close(struct irc_client *cl, const char *why)
{
	if (cl->capture != NULL) {
		struct evbuffer	*b = cl->capture;

		cl->capture = NULL;
		conn_write(cl->conn, evbuffer_pullup(b, -1),
		    evbuffer_get_length(b));
		evbuffer_free(b);
	}
	conn_close(cl->conn, why);
	return CONN_GONE;
}

static int
cmd_quit(struct irc_client *cl, struct irc_msg *m)
{
	char	reason[IRC_KICKLEN + 8];

	/*
	 * RFC 2812 3.1.7: without a quit message the default is the
	 * nickname.  A user's own text is prefixed so it cannot pass for
	 * a server's reason (a KILL, a ban).
	 */
	if (m->nparams > 0 && *m->params[0] != '\0')
		snprintf(reason, sizeof reason, "Quit: %s", m->params[0]);
	else
		snprintf(reason, sizeof reason, "%s", irc_nick(cl));
	irc_sendf(cl, "ERROR :Closing Link: %s (%s)", irc_nick(cl), reason);
	irc_quit(cl, reason);
	return irc_close(cl, "QUIT");
}

static int
cmd_error(struct irc_client *cl, struct irc_msg *m)
{
	/* ERROR is a server's word; a client sending it is ignored. */
	(void)cl;
	(void)m;
	return CONN_OK;
}

/* Sorted by name: looked up with bsearch. */
static const struct irc_cmd irc_cmds[] = {
	{ "ADMIN", cmd_admin, 0, R_REG, 0 },
	{ "AUTHENTICATE", cmd_authenticate, 1, 0, 1 },
	{ "AWAY", cmd_away, 0, 0, 0 },	/* draft/pre-away: see cmd_away */
	{ "BATCH", cmd_batch, 1, R_REG, 0 },
	{ "CAP", cmd_cap, 1, 0, 0 },
	{ "CHATHISTORY", cmd_chathistory, 1, R_REG, 2 },
	{ "ERROR", cmd_error, 0, 0, 0 },
	{ "HELP", cmd_help, 0, R_REG, 0 },
	{ "HELPOP", cmd_help, 0, R_REG, 0 },
	{ "INFO", cmd_info, 0, R_REG, 0 },
	{ "INVITE", cmd_invite, 0, R_REG, 1 },
	{ "ISON", cmd_ison, 1, R_REG, 0 },
	{ "JOIN", cmd_join, 1, R_REG, 1 },
	{ "KICK", cmd_kick, 2, R_REG, 0 },
	{ "KILL", cmd_kill, 1, R_REG | R_OPER, 0 },
	{ "LANGUAGE", cmd_language, 1, 0, 0 },
	{ "LINKS", cmd_links, 0, R_REG, 0 },
	{ "LIST", cmd_list, 0, R_REG, 2 },
	{ "LUSERS", cmd_lusers, 0, R_REG, 0 },
	{ "MARKREAD", cmd_markread, 0, R_REG, 0 },
	{ "METADATA", cmd_metadata, 2, R_REG, 1 },
	{ "MODE", cmd_mode, 1, R_REG, 0 },
	{ "MONITOR", cmd_monitor, 1, R_REG, 0 },
	{ "MOTD", cmd_motd, 0, R_REG, 1 },
	{ "NAMES", cmd_names, 0, R_REG, 1 },
	{ "NICK", cmd_nick, 0, 0, 0 },
	{ "NOTICE", cmd_notice, 0, R_REG, 0 },
	{ "OPER", cmd_oper, 2, R_REG, 5 },
	{ "PART", cmd_part, 1, R_REG, 0 },
	{ "PASS", cmd_pass, 1, 0, 0 },
	{ "PING", cmd_ping, 1, 0, 0 },
	{ "PONG", cmd_pong, 0, 0, 0 },
	{ "PRIVMSG", cmd_privmsg, 0, R_REG, 0 },
	{ "QUIT", cmd_quit, 0, 0, 0 },
	{ "REDACT", cmd_redact, 2, R_REG, 1 },
	{ "REGISTER", cmd_register, 3, 0, 5 },
	{ "RENAME", cmd_rename, 2, R_REG, 5 },
	{ "SETNAME", cmd_setname, 1, R_REG, 1 },
	{ "TAGMSG", cmd_tagmsg, 1, R_REG, 0 },
	{ "TIME", cmd_time, 0, R_REG, 0 },
	{ "TOPIC", cmd_topic, 1, R_REG, 0 },
	{ "USER", cmd_user, 4, 0, 0 },
	{ "USERHOST", cmd_userhost, 1, R_REG, 0 },
	{ "VERIFY", cmd_verify, 2, 0, 1 },
	{ "VERSION", cmd_version, 0, R_REG, 0 },
	{ "WALLOPS", cmd_wallops, 1, R_REG | R_OPER, 1 },
	{ "WEBPUSH", cmd_webpush, 1, R_REG, 2 },
	{ "WHO", cmd_who, 0, R_REG, 1 },
	{ "WHOIS", cmd_whois, 0, R_REG, 0 },
	{ "WHOWAS", cmd_whowas, 1, R_REG, 0 },
};
#define NCMDS	(sizeof irc_cmds / sizeof irc_cmds[0])

static int
cmd_compare(const void *key, const void *row)
{
	return strcmp(key, ((const struct irc_cmd *)row)->name);
}

/* The command word of a line the parser refused, for FAIL replies. */
static void
guess_command(const char *line, char *out, size_t len)
{
	const char	*p = line;
	size_t		 i = 0;

	if (*p == '@')
		p += strcspn(p, " ");
	p += strspn(p, " ");
	if (*p == ':') {
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	for (; i + 1 < len && isalpha((unsigned char)p[i]); i++)
		out[i] = (char)toupper((unsigned char)p[i]);
	out[i] = '\0';
	if (i == 0)
		snprintf(out, len, "*");
}

/*
 * The label of a line the parser refused (not UTF-8), read from its raw
 * tags, so that even this refusal is labeled (labeled-response).  Only
 * plain labels are taken: letters, digits and "-_.+/=".  0 or -1.
 */
static int
raw_label(const char *line, size_t len, char *out, size_t outlen)
{
	const char	*p, *end, *semi;
	size_t		 n, i;

	if (len == 0 || line[0] != '@' ||
	    (end = memchr(line, ' ', len)) == NULL)
		return -1;
	for (p = line + 1; p < end; p += n + 1) {
		semi = memchr(p, ';', (size_t)(end - p));
		n = (size_t)((semi != NULL ? semi : end) - p);
		if (n <= 6 || memcmp(p, "label=", 6) != 0)
			continue;
		if (n - 6 >= outlen)
			return -1;
		for (i = 6; i < n; i++)
			if (!isalnum((unsigned char)p[i]) &&
			    strchr("-_.+/=", p[i]) == NULL)
				return -1;
		memcpy(out, p + 6, n - 6);
		out[n - 6] = '\0';
		return 0;
	}
	return -1;
}

static int
irc_on_line(struct conn *c, char *line, size_t len)
{
	struct irc_client	*cl = c->pstate;
	const struct irc_cmd	*row;
	struct irc_msg		 m;
	enum irc_parse_err	 err;
	const char		*label;
	char			 cmd[32], tag[65];
	size_t			 i;
	int			 rc;

	if (len == 0)
		return CONN_OK;
	err = irc_msg_parse_client(line, len, &m);
	switch (err) {
	case IRC_PARSE_OK:
		break;
	case IRC_PARSE_LINE_TOO_LONG:
	case IRC_PARSE_TAGS_TOO_LONG:
		irc_numeric(cl, ERR_INPUTTOOLONG);
		return CONN_OK;
	case IRC_PARSE_BAD_UTF8:
		/* UTF8ONLY: refuse with a standard reply. */
		guess_command(line, cmd, sizeof cmd);
		if (HASCAP(cl, CAP_LABELED_RESPONSE) &&
		    raw_label(line, len, tag, sizeof tag) == 0)
			cl->capture = evbuffer_new();
		irc_fail(cl, cmd, "INVALID_UTF8", NULL,
		    N_("Message rejected: it is not valid UTF-8"));
		if (cl->capture != NULL)
			irc_capture_finish(cl, tag);
		return CONN_OK;
	case IRC_PARSE_EMPTY:
		/* Only spaces: ignored, as an empty line is. */
		return CONN_OK;
	default:
		/*
		 * A NUL, a bare CR, malformed tags or no command: the line
		 * was not acted on, and the client must hear so
		 * (ERR_UNKNOWNERROR, which every client shows).
		 */
		log_debug("conn=%llu irc bad line: %s",
		    (unsigned long long)c->id, irc_parse_strerror(err));
		guess_command(line, cmd, sizeof cmd);
		if (err == IRC_PARSE_NUL && HASCAP(cl, CAP_LABELED_RESPONSE) &&
		    raw_label(line, len, tag, sizeof tag) == 0)
			cl->capture = evbuffer_new();
		irc_numeric(cl, ERR_UNKNOWNERROR, cmd,
		    err == IRC_PARSE_NUL ? "Message rejected: it contains a "
		    "NUL or a bare CR" : err == IRC_PARSE_BAD_TAGS ?
		    "Message rejected: malformed message tags" :
		    "Message rejected: no command");
		if (cl->capture != NULL)
			irc_capture_finish(cl, tag);
		return CONN_OK;
	}
	for (i = 0; m.command[i] != '\0'; i++)
		m.command[i] = (char)toupper((unsigned char)m.command[i]);
	/* The command word only: parameters may hold health data. */
	log_debug("conn=%llu irc command=%s params=%zu",
	    (unsigned long long)c->id, m.command, m.nparams);
	row = bsearch(m.command, irc_cmds, NCMDS, sizeof irc_cmds[0],
	    cmd_compare);
	/*
	 * labeled-response: every reply to a labeled command carries the
	 * label, errors for unknown commands included.
	 */
	label = irc_msg_tag(&m, "label", NULL);
	if (label != NULL && *label != '\0' &&
	    HASCAP(cl, CAP_LABELED_RESPONSE))
		cl->capture = evbuffer_new();
	else
		label = NULL;
	/* A line of an open draft/multiline batch is kept, not run. */
	if (irc_multiline_absorb(cl, &m)) {
		if (label != NULL)
			irc_capture_finish(cl, label);
		irc_msg_free(&m);
		return CONN_OK;
	}
	if (row == NULL) {
		if (!irc_is_registered(cl))
			irc_numeric(cl, ERR_NOTREGISTERED);
		else
			irc_numeric(cl, ERR_UNKNOWNCOMMAND, m.command);
	} else if ((row->flags & R_REG) && !irc_is_registered(cl))
		irc_numeric(cl, ERR_NOTREGISTERED);
	else if ((row->flags & R_OPER) && !(cl->flags & CL_OPER))
		irc_numeric(cl, ERR_NOPRIVILEGES);
	else if ((int)m.nparams < row->min_params)
		irc_numeric(cl, ERR_NEEDMOREPARAMS, row->name);
	else {
		if (row->cost > 0)
			conn_debit(c, row->cost);
		if (row->fn(cl, &m) == CONN_GONE) {
			irc_msg_free(&m);
			return CONN_GONE;
		}
	}
	if (label != NULL && cl->label_defer && cl->capture != NULL &&
	    evbuffer_get_length(cl->capture) == 0) {
		/* Answered later, with this label (irc_label_resume()). */
		evbuffer_free(cl->capture);
		cl->capture = NULL;
		free(cl->label_wait);
		cl->label_wait = xstrdup(label);
	} else if (label != NULL)
		irc_capture_finish(cl, label);
	cl->label_defer = 0;
	irc_msg_free(&m);
	rc = conn_is_closing(c) ? CONN_GONE : CONN_OK;
	return rc;
}

/* Connection life cycle. */

static int
irc_on_open(struct conn *c)
{
	struct irc_client	*cl;

	cl = xcalloc(1, sizeof *cl);
	cl->conn = c;
	cl->is = c->srv->irc;
	cl->signon = time(NULL);
	c->pstate = cl;
	return CONN_OK;
}

static int
irc_on_line_too_long(struct conn *c)
{
	irc_numeric(c->pstate, ERR_INPUTTOOLONG);
	return CONN_OK;
}

static int
irc_on_idle(struct conn *c)
{
	struct irc_client	*cl = c->pstate;

	if (!irc_is_registered(cl) || (cl->flags & CL_PING_SENT)) {
		irc_sendf(cl, "ERROR :Closing Link: %s (%s)", irc_nick(cl),
		    irc_is_registered(cl) ? "Ping timeout" :
		    "Registration timeout");
		irc_quit(cl, "Ping timeout");
		return irc_close(cl, "ping timeout");
	}
	cl->flags |= CL_PING_SENT;
	irc_sendf(cl, "PING :%s", irc_srvname(cl));
	conn_set_idle(c, c->srv->cf->idle_timeout);
	return CONN_OK;
}

static int
irc_on_flood(struct conn *c)
{
	struct irc_client	*cl = c->pstate;

	irc_sendf(cl, "ERROR :Closing Link: %s (Excess Flood)", irc_nick(cl));
	irc_quit(cl, "Excess Flood");
	return irc_close(cl, "excess flood");
}

static void
irc_on_shutdown(struct conn *c)
{
	struct irc_client	*cl = c->pstate;

	irc_sendf(cl, "ERROR :Server shutting down");
}

static void
irc_on_refuse(struct conn *c, const char *why)
{
	conn_printf(c, "ERROR :Closing Link: (%s)\r\n", why);
}

void
irc_whowas_add(struct irc_server *is, struct irc_client *cl)
{
	struct irc_whowas	*w = &is->whowas[is->whowas_next];

	free(w->nick);
	free(w->user);
	free(w->host);
	free(w->realname);
	free(w->account);
	w->nick = xstrdup(cl->nick);
	w->user = xstrdup(cl->user != NULL ? cl->user : "*");
	w->host = xstrdup(cl->host != NULL ? cl->host : "*");
	w->realname = xstrdup(cl->realname != NULL ? cl->realname : "");
	w->account = cl->account != NULL ? xstrdup(cl->account) : NULL;
	w->when = time(NULL);
	is->whowas_next = (is->whowas_next + 1) % IRC_WHOWAS_MAX;
}

/*
 * The client leaves: tell those sharing a channel, leave every channel,
 * free the nick.  Safe to call twice; the connection itself is closed
 * by the caller (or already gone).
 */
void
irc_quit(struct irc_client *cl, const char *reason)
{
	struct irc_server	*is = cl->is;
	struct irc_event	 ev;
	size_t			 i;

	if (cl->flags & CL_QUITTING)
		return;
	cl->flags |= CL_QUITTING;
	if (irc_is_registered(cl)) {
		irc_event_init(&ev, ":%s QUIT :%s", irc_prefix(cl), reason);
		ev.account = cl->account;
		irc_new_msgid(is, ev.msgid, sizeof ev.msgid);
		irc_event_common(&ev, cl, -1, 0);
		/*
		 * Kept in each room's history: the first row under the
		 * msgid everyone saw, the others (msgids are unique in the
		 * store) under their own.
		 */
		for (i = 0; i < cl->nchans; i++) {
			irc_history_event(cl->chans[i]->ch, cl, &ev, "QUIT",
			    ":%s", reason);
			if (cl->chans[i]->ch->history)
				ev.msgid[0] = '\0';
		}
		irc_event_free(&ev);
		irc_push_absent(cl);
		while (cl->nchans > 0)
			irc_channel_remove(cl->chans[cl->nchans - 1]);
		irc_whowas_add(is, cl);
		is->nusers--;
		if (cl->flags & CL_INVISIBLE)
			is->ninvisible--;
		if (cl->flags & CL_OPER)
			is->nopers--;
	}
	if (cl->nick[0] != '\0' && strmap_get(is->nicks, cl->fold) == cl) {
		if (irc_is_registered(cl))
			irc_monitor_notify(is, cl->nick, NULL);
	}
	irc_nick_unset(cl);
	irc_monitor_clear(cl);
	for (i = 0; i < cl->ninvites; i++)
		free(cl->invites[i]);
	free(cl->invites);
	cl->invites = NULL;
	cl->ninvites = 0;
}

void
irc_label_defer(struct irc_client *cl)
{
	cl->label_defer = 1;
}

void
irc_label_resume(struct irc_client *cl)
{
	if (cl->label_wait != NULL && cl->capture == NULL)
		cl->capture = evbuffer_new();
}

void
irc_label_done(struct irc_client *cl)
{
	if (cl->label_wait == NULL)
		return;
	irc_capture_finish(cl, cl->label_wait);
	free(cl->label_wait);
	cl->label_wait = NULL;
}

static void
irc_on_free(struct conn *c)
{
	struct irc_client	*cl = c->pstate;

	if (cl == NULL)
		return;
	irc_quit(cl, "Connection closed");
	if (cl->capture != NULL)
		evbuffer_free(cl->capture);
	free(cl->label_wait);
	irc_sasl_free(cl);
	irc_markers_free(cl);
	irc_multiline_free(cl);
	irc_metadata_free(cl);
	free(cl->chans);
	free(cl->user);
	free(cl->realname);
	free(cl->host);
	free(cl->account);
	free(cl->specialty);
	free(cl->pending_account);
	free(cl->reg_name);
	if (cl->pw_new != NULL)
		OPENSSL_cleanse(cl->pw_new, strlen(cl->pw_new));
	free(cl->pw_new);
	free(cl->away);
	free(cl->lang_acct);
	free(cl);
	c->pstate = NULL;
}

static void
irc_cloak_key(struct irc_server *is)
{
	struct store	*st = is->srv->store;
	char		*hex = NULL, buf[65];
	size_t		 i;

	if (store_state_get(st, "cloak_key", &hex) == STORE_OK &&
	    hex != NULL && strlen(hex) == 64) {
		for (i = 0; i < 32; i++) {
			unsigned int	v;

			sscanf(hex + i * 2, "%2x", &v);
			is->cloak_key[i] = (unsigned char)v;
		}
		free(hex);
		return;
	}
	free(hex);
	RAND_bytes(is->cloak_key, sizeof is->cloak_key);
	for (i = 0; i < 32; i++)
		snprintf(buf + i * 2, 3, "%02x", is->cloak_key[i]);
	if (store_state_set(st, "cloak_key", buf) != STORE_OK)
		log_warnx("irc: cannot save the cloak key; cloaks will change "
		    "at the next start");
}

struct irc_server *
irc_server_create(struct server *srv)
{
	struct irc_server	*is;
	struct tm		 tm;
	unsigned char		 rnd[5];
	static const char	 b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint64_t		 v;
	size_t			 i;

	is = xcalloc(1, sizeof *is);
	is->srv = srv;
	gmtime_r(&srv->started, &tm);
	strftime(is->created, sizeof is->created, "%Y-%m-%d %H:%M:%S UTC",
	    &tm);
	is->nicks = strmap_create();
	is->skels = strmap_create();
	is->chans = strmap_create();
	is->watchers = strmap_create();
	/* 40 random bits as 8 base32 letters: unique per run. */
	RAND_bytes(rnd, sizeof rnd);
	for (i = 0, v = 0; i < sizeof rnd; i++)
		v = v << 8 | rnd[i];
	for (i = 0; i < 8; i++)
		is->msgid_prefix[i] = b32[(v >> (5 * i)) & 31];
	is->msgid_prefix[8] = '\0';
	srv->irc = is;
	if (srv->store != NULL) {
		irc_cloak_key(is);
		irc_channels_load(is);
	}
	irc_mod_init(is);
	return is;
}

void
irc_server_free(struct irc_server *is)
{
	size_t	i;

	if (is == NULL)
		return;
	irc_mod_free();
	irc_batch_done(is->srv, 1);
	free(is->pend);
	irc_channels_free(is);
	strmap_free(is->chans);
	strmap_free(is->nicks);
	strmap_free(is->skels);
	strmap_free(is->watchers);
	for (i = 0; i < IRC_WHOWAS_MAX; i++) {
		free(is->whowas[i].nick);
		free(is->whowas[i].user);
		free(is->whowas[i].host);
		free(is->whowas[i].realname);
		free(is->whowas[i].account);
	}
	free(is);
}

static size_t
irc_max_line(struct server *srv)
{
	return srv->cf->irc_max_line;
}

const struct proto_ops irc_ops = {
	.name = "irc",
	.on_open = irc_on_open,
	.on_line = irc_on_line,
	.on_line_too_long = irc_on_line_too_long,
	.on_flood = irc_on_flood,
	.on_idle = irc_on_idle,
	.on_shutdown = irc_on_shutdown,
	.on_refuse = irc_on_refuse,
	.on_free = irc_on_free,
	.max_line = irc_max_line,
};
