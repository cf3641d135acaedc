/*
 * irc-v3.c -- the newer IRCv3 extensions a phone or a modern client
 * leans on: draft/read-marker (MARKREAD), draft/multiline (client
 * batches) and draft/metadata-2 (METADATA).
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
#include <stdarg.h>
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
#include "names.h"
#include "screen.h"
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
	    names_casecmp(to->account, ms->from->account) != 0)
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
		    N_("Missing parameters"));
		return CONN_OK;
	}
	if (marker_target(cl, m->params[0], fold, sizeof fold, show,
	    sizeof show) != 0) {
		irc_fail(cl, "MARKREAD", "INVALID_PARAMS", m->params[0],
		    N_("Invalid target"));
		return CONN_OK;
	}
	if (m->nparams < 2) {
		rc = marker_get(cl, fold, &cur);
		if (rc < 0) {
			irc_fail(cl, "MARKREAD", "INTERNAL_ERROR", show,
			    N_("The read timestamp could not be read"));
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
		    N_("Invalid timestamp"));
		return CONN_OK;
	}
	/* Never past the present (a message read cannot be later). */
	irc_time_now(NULL, 0, &now);
	if (ms > now)
		ms = now;
	rc = marker_get(cl, fold, &cur);
	if (rc < 0 || marker_set(cl, fold, ms, &now) != 0) {
		irc_fail(cl, "MARKREAD", "INTERNAL_ERROR", show,
		    N_("The read timestamp could not be set"));
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

/*
 * draft/multiline: a message of several lines (pasted text, a long
 * message) sent as a client batch,
 *
 *	BATCH +ref draft/multiline <target>
 *	@batch=ref PRIVMSG <target> :line
 *	@batch=ref;draft/multiline-concat PRIVMSG <target> :rest of it
 *	BATCH -ref
 *
 * is collected here and, once closed, delivered, screened, sanctioned
 * and stored as one message with one msgid (irc_message_multi() in
 * irc-user.c).  Limits: IRC_ML_MAX_BYTES of text (each line break one
 * byte) and IRC_ML_MAX_LINES lines; past them the batch is refused
 * with FAIL BATCH MULTILINE_MAX_BYTES / MULTILINE_MAX_LINES and the
 * rest of it is swallowed up to its end, so that none of its lines
 * goes out as a message of its own.
 */

/* A stored text longer than this is cut into concatenated lines. */
#define ML_CHUNK	400

static int
batch_ref_valid(const char *ref)
{
	size_t	n = strlen(ref);

	if (n == 0 || n >= sizeof ((struct irc_mline *)0)->ref)
		return 0;
	for (; *ref != '\0'; ref++)
		if (!isalnum((unsigned char)*ref) && strchr("-_.+/=", *ref) ==
		    NULL)
			return 0;
	return 1;
}

void
irc_mtext_clear(struct irc_mtext *mt)
{
	size_t	i;

	for (i = 0; i < mt->n; i++)
		free(mt->lines[i]);
	free(mt->lines);
	free(mt->concat);
	free(mt->text);
	memset(mt, 0, sizeof *mt);
}

static void
mtext_add(struct irc_mtext *mt, const char *s, size_t len, int concat)
{
	mt->lines = xreallocarray(mt->lines, mt->n + 1, sizeof *mt->lines);
	mt->concat = xreallocarray(mt->concat, mt->n + 1,
	    sizeof *mt->concat);
	mt->lines[mt->n] = xstrndup(s, len);
	mt->concat[mt->n] = concat != 0;
	mt->n++;
}

/* The whole message: lines joined by LF, concatenated ones directly. */
static void
mtext_join(struct irc_mtext *mt)
{
	size_t	i, len = 0;
	char	*p;

	for (i = 0; i < mt->n; i++)
		len += strlen(mt->lines[i]) + 1;
	free(mt->text);
	mt->text = p = xmalloc(len + 1);
	for (i = 0; i < mt->n; i++) {
		if (i > 0 && !mt->concat[i])
			*p++ = '\n';
		len = strlen(mt->lines[i]);
		memcpy(p, mt->lines[i], len);
		p += len;
	}
	*p = '\0';
}

/*
 * Where to cut S (LEN > ML_CHUNK bytes): after the last space within
 * the chunk, else at a UTF-8 character boundary.
 */
static size_t
chunk_end(const char *s, size_t len)
{
	size_t	n = len < ML_CHUNK ? len : ML_CHUNK, i;

	if (n == len)
		return n;
	for (i = n; i > ML_CHUNK / 2; i--)
		if (s[i - 1] == ' ')
			return i;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n > 0 ? n : ML_CHUNK;
}

int
irc_mtext_split(const char *text, struct irc_mtext *mt)
{
	const char	*p, *nl;
	size_t		 len, cut;
	int		 concat;

	memset(mt, 0, sizeof *mt);
	if (strchr(text, '\n') == NULL && strlen(text) <= ML_CHUNK)
		return 0;
	for (p = text; ; p = nl + 1) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		concat = 0;
		do {
			cut = chunk_end(p, len);
			mtext_add(mt, p, cut, concat);
			p += cut;
			len -= cut;
			concat = 1;
		} while (len > 0);
		if (nl == NULL)
			break;
	}
	mt->text = xstrdup(text);
	return 1;
}

void
irc_textev_init(struct irc_textev *tv, struct irc_server *is,
    const char *source, const char *cmd, const char *target,
    const struct irc_mtext *mt, const char *msgid, int64_t ms,
    const char *account, const char *ctags, int bot, const char *outer)
{
	struct irc_event	*ev;
	size_t			 i;

	memset(tv, 0, sizeof *tv);
	irc_new_batch(is, tv->ref, sizeof tv->ref);
	/* A concatenated line carries its tag after the batch reference. */
	snprintf(tv->cref, sizeof tv->cref, "%s;draft/multiline-concat",
	    tv->ref);
	irc_event_init(&tv->open, ":%s BATCH +%s draft/multiline %s", source,
	    tv->ref, target);
	irc_event_init(&tv->close, ":%s BATCH -%s", source, tv->ref);
	tv->in = xcalloc(mt->n, sizeof *tv->in);
	tv->fb = xcalloc(mt->n, sizeof *tv->fb);
	for (i = 0; i < mt->n; i++) {
		ev = &tv->in[i];
		irc_event_init(ev, ":%s %s %s :%s", source, cmd, target,
		    mt->lines[i]);
		ev->batch = mt->concat[i] ? tv->cref : tv->ref;
		/* No blank line for a client that would not expect one. */
		if (mt->lines[i][0] == '\0')
			continue;
		ev = &tv->fb[tv->nfb++];
		irc_event_init(ev, ":%s %s %s :%s", source, cmd, target,
		    mt->lines[i]);
		ev->account = account;
		ev->ctags = ctags;
		ev->bot = bot;
		ev->batch = outer;
		/* One message: its id on its first line only. */
		if (tv->nfb == 1)
			snprintf(ev->msgid, sizeof ev->msgid, "%s", msgid);
	}
	tv->n = mt->n;
	snprintf(tv->open.msgid, sizeof tv->open.msgid, "%s", msgid);
	tv->open.account = account;
	tv->open.ctags = ctags;
	tv->open.bot = bot;
	tv->open.batch = tv->close.batch = outer;
	/* Every line has the message's own time. */
	irc_time_format(ms, tv->open.time, sizeof tv->open.time);
	tv->open.ms = ms;
	for (i = 0; i < tv->n; i++) {
		memcpy(tv->in[i].time, tv->open.time, sizeof tv->open.time);
		tv->in[i].ms = ms;
	}
	for (i = 0; i < tv->nfb; i++) {
		memcpy(tv->fb[i].time, tv->open.time, sizeof tv->open.time);
		tv->fb[i].ms = ms;
	}
	memcpy(tv->close.time, tv->open.time, sizeof tv->open.time);
}

void
irc_textev_send(struct irc_textev *tv, struct irc_client *to,
    int unlabeled)
{
	void	(*send)(struct irc_event *, struct irc_client *);
	size_t	  i;

	send = unlabeled ? irc_event_send_unlabeled : irc_event_send;
	if (HASCAP(to, CAP_MULTILINE) && HASCAP(to, CAP_BATCH)) {
		send(&tv->open, to);
		for (i = 0; i < tv->n; i++)
			send(&tv->in[i], to);
		send(&tv->close, to);
	} else
		for (i = 0; i < tv->nfb; i++)
			send(&tv->fb[i], to);
}

void
irc_textev_free(struct irc_textev *tv)
{
	size_t	i;

	for (i = 0; i < tv->n; i++) {
		irc_event_free(&tv->in[i]);
		if (i < tv->nfb)
			irc_event_free(&tv->fb[i]);
	}
	free(tv->in);
	free(tv->fb);
	irc_event_free(&tv->open);
	irc_event_free(&tv->close);
	memset(tv, 0, sizeof *tv);
}

void
irc_multiline_free(struct irc_client *cl)
{
	struct irc_mline	*ml = cl->mline;

	if (ml == NULL)
		return;
	irc_mtext_clear(&ml->mt);
	free(ml->target);
	free(ml->cmd);
	free(ml->ctags);
	free(ml->label);
	free(ml);
	cl->mline = NULL;
}

/*
 * Refuse the open batch: FAIL BATCH CODE [CTX] (none for a NOTICE
 * batch: no automatic reply to a NOTICE), then swallow its remaining
 * lines.
 */
static void
ml_fail(struct irc_client *cl, const char *code, const char *ctx,
    const char *desc)
{
	struct irc_mline	*ml = cl->mline;

	if (ml == NULL || ml->failed)
		return;
	if (ml->cmd == NULL || strcmp(ml->cmd, "NOTICE") != 0)
		irc_fail(cl, "BATCH", code, ctx, desc);
	ml->failed = 1;
	irc_mtext_clear(&ml->mt);
}

/* Take one PRIVMSG/NOTICE of the open batch. */
static void
ml_add(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_mline	*ml = cl->mline;
	const char		*text;
	char			 a[IRC_CHANLEN + 2], b[IRC_CHANLEN + 2];
	char			 ctx[2 * IRC_CHANLEN + 8];
	int			 concat = 0;

	if (ml->failed)
		return;
	if (m->nparams < 2) {
		ml_fail(cl, "MULTILINE_INVALID", NULL,
		    "Invalid multiline batch");
		return;
	}
	irc_casefold(IRC_CASEMAP, ml->target, a, sizeof a);
	irc_casefold(IRC_CASEMAP, m->params[0], b, sizeof b);
	if (strcmp(a, b) != 0) {
		snprintf(ctx, sizeof ctx, "%s %s", ml->target, m->params[0]);
		ml_fail(cl, "MULTILINE_INVALID_TARGET", ctx,
		    "Invalid multiline target");
		return;
	}
	if (ml->cmd == NULL)
		ml->cmd = xstrdup(m->command);
	else if (strcmp(ml->cmd, m->command) != 0) {
		ml_fail(cl, "MULTILINE_INVALID", NULL,
		    "PRIVMSG and NOTICE mixed in one batch");
		return;
	}
	text = m->params[1];
	irc_msg_tag(m, "draft/multiline-concat", &concat);
	if (concat && *text == '\0') {
		ml_fail(cl, "MULTILINE_INVALID", NULL,
		    "A blank line cannot be concatenated");
		return;
	}
	if (ml->mt.n == 0)
		concat = 0;
	ml->bytes += strlen(text) + (ml->mt.n > 0 && !concat ? 1 : 0);
	if (ml->mt.n + 1 > IRC_ML_MAX_LINES) {
		snprintf(ctx, sizeof ctx, "%d", IRC_ML_MAX_LINES);
		ml_fail(cl, "MULTILINE_MAX_LINES", ctx,
		    "Multiline batch max-lines exceeded");
		return;
	}
	if (ml->bytes > IRC_ML_MAX_BYTES) {
		snprintf(ctx, sizeof ctx, "%d", IRC_ML_MAX_BYTES);
		ml_fail(cl, "MULTILINE_MAX_BYTES", ctx,
		    "Multiline batch max-bytes exceeded");
		return;
	}
	mtext_add(&ml->mt, text, strlen(text), concat);
}

int
irc_multiline_absorb(struct irc_client *cl, struct irc_msg *m)
{
	const char	*ref = irc_msg_tag(m, "batch", NULL);
	int		 msg = strcmp(m->command, "PRIVMSG") == 0 ||
			    strcmp(m->command, "NOTICE") == 0;

	if (cl->mline == NULL) {
		/* A message of a batch that is not open goes nowhere. */
		if (ref == NULL || (!msg && strcmp(m->command, "TAGMSG") != 0))
			return 0;
		if (strcmp(m->command, "NOTICE") != 0)
			irc_fail(cl, "BATCH", "MULTILINE_INVALID", NULL,
			    N_("No such batch is open"));
		return 1;
	}
	if (strcmp(m->command, "BATCH") == 0 ||
	    strcmp(m->command, "PING") == 0 || strcmp(m->command, "PONG") == 0)
		return 0;
	if (msg && ref != NULL && strcmp(ref, cl->mline->ref) == 0) {
		ml_add(cl, m);
		return 1;
	}
	/*
	 * Anything else ends the batch as invalid (multiline: only its
	 * messages may come while it is open); a message is dropped, any
	 * other command still runs.
	 */
	ml_fail(cl, "MULTILINE_INVALID", NULL, "Invalid multiline batch");
	irc_multiline_free(cl);
	return msg || strcmp(m->command, "TAGMSG") == 0;
}

/*
 * BATCH +ref draft/multiline <target> opens a batch; BATCH -ref closes
 * it and sends the message.  The label of the opening line (if any)
 * labels the echo.
 */
int
cmd_batch(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_mline	*ml;
	const char		*p = m->params[0], *label;
	int			 ok = 1;
	size_t			 i;

	if ((p[0] != '+' && p[0] != '-') || !batch_ref_valid(p + 1)) {
		irc_fail(cl, "BATCH", "INVALID_REFTAG", p,
		    N_("Invalid batch reference tag"));
		irc_multiline_free(cl);
		return CONN_OK;
	}
	if (p[0] == '+') {
		if (cl->mline != NULL || m->nparams < 3 ||
		    strcmp(m->params[1], "draft/multiline") != 0 ||
		    !HASCAP(cl, CAP_MULTILINE) ||
		    (strchr("#@+", m->params[2][0]) == NULL &&
		    !irc_nick_valid(m->params[2], IRC_NICKLEN)) ||
		    strchr(m->params[2], ',') != NULL ||
		    strlen(m->params[2]) > IRC_CHANLEN) {
			irc_fail(cl, "BATCH", "MULTILINE_INVALID", NULL,
			    N_("Invalid multiline batch"));
			irc_multiline_free(cl);
			return CONN_OK;
		}
		ml = cl->mline = xcalloc(1, sizeof *ml);
		snprintf(ml->ref, sizeof ml->ref, "%s", p + 1);
		ml->target = xstrdup(m->params[2]);
		ml->ctags = irc_client_tags(m);
		/* The echo carries the label: no ACK for this line. */
		label = irc_msg_tag(m, "label", NULL);
		if (cl->capture != NULL && label != NULL) {
			ml->label = xstrdup(label);
			evbuffer_free(cl->capture);
			cl->capture = NULL;
		}
		return CONN_OK;
	}
	if ((ml = cl->mline) == NULL || strcmp(ml->ref, p + 1) != 0) {
		irc_fail(cl, "BATCH", "MULTILINE_INVALID", NULL,
		    N_("No such batch is open"));
		irc_multiline_free(cl);
		return CONN_OK;
	}
	cl->mline = NULL;
	if (ml->failed)
		ok = 0;
	else {
		/* Not a message of blank lines only. */
		for (i = 0; i < ml->mt.n && ml->mt.lines[i][0] == '\0'; i++)
			;
		if (i == ml->mt.n) {
			cl->mline = ml;
			ml_fail(cl, "MULTILINE_INVALID", NULL,
			    "A multiline message cannot be empty");
			cl->mline = NULL;
			ok = 0;
		}
	}
	if (ok) {
		mtext_join(&ml->mt);
		if (ml->label != NULL && cl->capture == NULL)
			cl->capture = evbuffer_new();
		irc_message_multi(cl, ml->cmd, ml->target, &ml->mt, ml->ctags);
		if (ml->label != NULL && !conn_is_closing(cl->conn))
			irc_capture_finish(cl, ml->label);
	}
	cl->mline = ml;
	irc_multiline_free(cl);
	return CONN_OK;
}

/*
 * draft/metadata-2: a small profile beside the nick -- display-name,
 * avatar (an https URL), pronouns, status, nothing else, so that no
 * free-form key can carry what other members could track someone by.
 * A logged-in member's values are the account's (store-ircv3.c), the
 * same on every connection; a guest's live as long as its connection.
 * A value is screened as the member's words are (screen.c,
 * SCREEN_PROFILE: no role claimed that the member lacks, a new member's
 * links, the safety net) and a mute silences it too.  Those sharing a
 * channel who subscribed to the key hear a change as METADATA; a
 * joiner gets the members' values in a metadata batch.
 */

static const struct meta_key {
	const char	*name;
	size_t		 max;		/* bytes of a value */
} meta_keys[IRC_META_NKEYS] = {
	{ "avatar", 256 },
	{ "display-name", 64 },
	{ "pronouns", 32 },
	{ "status", 128 },
};

#define META_KEY_MAX	64

struct meta_vals {
	char	*v[IRC_META_NKEYS];
};

/* KEY folded to lower case into OUT; -1 when not a valid key name. */
static int
meta_key_fold(const char *key, char *out, size_t len)
{
	size_t	i;

	if (key[0] == '\0' || key[0] == ':' || strlen(key) >= len)
		return -1;
	for (i = 0; key[i] != '\0'; i++) {
		if (!isalnum((unsigned char)key[i]) &&
		    strchr("_.:-", key[i]) == NULL)
			return -1;
		out[i] = (char)tolower((unsigned char)key[i]);
	}
	out[i] = '\0';
	return 0;
}

/* The index of an allowed (folded) key, or -1. */
static int
meta_key_index(const char *key)
{
	int	i;

	for (i = 0; i < IRC_META_NKEYS; i++)
		if (strcmp(meta_keys[i].name, key) == 0)
			return i;
	return -1;
}

static void
meta_vals_cb(const char *key, const char *value, void *arg)
{
	struct meta_vals	*mv = arg;
	int			 i = meta_key_index(key);

	if (i >= 0 && mv->v[i] == NULL)
		mv->v[i] = xstrdup(value);
}

/* The values CL shows (caller clears MV). */
static void
meta_get(struct irc_client *cl, struct meta_vals *mv)
{
	int	i;

	memset(mv, 0, sizeof *mv);
	if (cl->account != NULL) {
		store_metadata_list(cl->is->srv->store, cl->account,
		    meta_vals_cb, mv);
		return;
	}
	for (i = 0; i < IRC_META_NKEYS; i++)
		if (cl->meta[i] != NULL)
			mv->v[i] = xstrdup(cl->meta[i]);
}

static void
meta_vals_clear(struct meta_vals *mv)
{
	int	i;

	for (i = 0; i < IRC_META_NKEYS; i++)
		free(mv->v[i]);
	memset(mv, 0, sizeof *mv);
}

static int
meta_subscribed(struct irc_client *cl, const char *key)
{
	size_t	i;

	for (i = 0; i < cl->nmsubs; i++)
		if (strcmp(cl->msubs[i], key) == 0)
			return 1;
	return 0;
}

void
irc_metadata_free(struct irc_client *cl)
{
	size_t	i;

	for (i = 0; i < IRC_META_NKEYS; i++) {
		free(cl->meta[i]);
		cl->meta[i] = NULL;
	}
	for (i = 0; i < cl->nmsubs; i++)
		free(cl->msubs[i]);
	free(cl->msubs);
	cl->msubs = NULL;
	cl->nmsubs = 0;
}

/* A numeric to CL, inside batch REF when not NULL. */
static void
mnum(struct irc_client *cl, const char *ref, const char *num,
    const char *fmt, ...)
{
	char	body[IRC_LINE_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	if (ref != NULL)
		irc_sendf(cl, "@batch=%s :%s %s %s %s", ref, irc_srvname(cl),
		    num, irc_nick(cl), body);
	else
		irc_sendf(cl, ":%s %s %s %s", irc_srvname(cl), num,
		    irc_nick(cl), body);
}

/* FAIL METADATA CODE CTX :DESC, inside batch REF when not NULL. */
static void
mfail(struct irc_client *cl, const char *ref, const char *code,
    const char *ctx, const char *desc)
{
	if (ref == NULL)
		irc_fail(cl, "METADATA", code, ctx, desc);
	else
		irc_sendf(cl, "@batch=%s :%s FAIL METADATA %s %s :%s", ref,
		    irc_srvname(cl), code, ctx, desc);
}

/* Open a metadata batch about TARGET when CL has batch: REF or NULL. */
static const char *
mbatch_start(struct irc_client *cl, const char *target, char *ref,
    size_t len)
{
	if (!HASCAP(cl, CAP_BATCH))
		return NULL;
	irc_new_batch(cl->is, ref, len);
	irc_batch_start(cl, ref, "metadata", target);
	return ref;
}

static void
mbatch_end(struct irc_client *cl, const char *ref)
{
	if (ref != NULL)
		irc_batch_end(cl, ref);
}

/* METADATA NICK KEY * :VALUE to TO for each of MV's keys it follows. */
static void
meta_tell(struct irc_client *to, const char *ref, const char *nick,
    const struct meta_vals *mv)
{
	int	i;

	for (i = 0; i < IRC_META_NKEYS; i++) {
		if (mv->v[i] == NULL || !meta_subscribed(to, meta_keys[i].name))
			continue;
		if (ref != NULL)
			irc_sendf(to, "@batch=%s :%s METADATA %s %s * :%s", ref,
			    irc_srvname(to), nick, meta_keys[i].name,
			    mv->v[i]);
		else
			irc_sendf(to, ":%s METADATA %s %s * :%s",
			    irc_srvname(to), nick, meta_keys[i].name,
			    mv->v[i]);
	}
}

/* After registration: the client's own values, as a metadata batch. */
void
irc_metadata_welcome(struct irc_client *cl)
{
	struct meta_vals	 mv;
	const char		*ref;
	char			 rb[24];
	int			 i;

	if (!HASCAP(cl, CAP_METADATA))
		return;
	meta_get(cl, &mv);
	ref = mbatch_start(cl, cl->nick, rb, sizeof rb);
	for (i = 0; i < IRC_META_NKEYS; i++)
		if (mv.v[i] != NULL)
			mnum(cl, ref, RPL_KEYVALUE, cl->nick,
			    meta_keys[i].name, mv.v[i]);
	mbatch_end(cl, ref);
	meta_vals_clear(&mv);
}

/*
 * CL joined CH: it gets the members' values it follows (a metadata
 * batch), the members who follow keys get CL's.
 */
void
irc_metadata_join(struct irc_client *cl, struct irc_channel *ch)
{
	struct irc_client	*to;
	struct meta_vals	 mine, mv;
	const char		*ref;
	char			 rb[24];
	size_t			 i;

	if (HASCAP(cl, CAP_METADATA) && cl->nmsubs > 0) {
		ref = mbatch_start(cl, ch->name, rb, sizeof rb);
		for (i = 0; i < ch->nmembers; i++) {
			if ((to = ch->members[i]->cl) == cl)
				continue;
			meta_get(to, &mv);
			meta_tell(cl, ref, to->nick, &mv);
			meta_vals_clear(&mv);
		}
		mbatch_end(cl, ref);
	}
	/* Read CL's values only when someone here follows any. */
	for (i = 0; i < ch->nmembers; i++) {
		to = ch->members[i]->cl;
		if (to != cl && HASCAP(to, CAP_METADATA) && to->nmsubs > 0)
			break;
	}
	if (i == ch->nmembers)
		return;
	meta_get(cl, &mine);
	for (; i < ch->nmembers; i++) {
		to = ch->members[i]->cl;
		if (to != cl && HASCAP(to, CAP_METADATA) && to->nmsubs > 0)
			meta_tell(to, NULL, cl->nick, &mine);
	}
	meta_vals_clear(&mine);
}

struct meta_change {
	struct irc_client	*from;		/* who made it: not told */
	const char		*key;
	const char		*value;		/* NULL: deleted */
};

/* Tell those following KEY of X (sharing a channel, X itself). */
static void
meta_notify_one(struct irc_client *x, struct meta_change *mc)
{
	uint32_t		 mark = irc_next_mark(x->is);
	struct irc_channel	*ch;
	struct irc_client	*to;
	size_t			 i, j;

	mc->from->mark = mark;
	for (i = 0; i <= x->nchans; i++) {
		for (j = 0; j < (i < x->nchans ? x->chans[i]->ch->nmembers :
		    1); j++) {
			if (i < x->nchans) {
				ch = x->chans[i]->ch;
				to = ch->members[j]->cl;
			} else
				to = x;
			if (to->mark == mark)
				continue;
			to->mark = mark;
			if (!HASCAP(to, CAP_METADATA) ||
			    !meta_subscribed(to, mc->key))
				continue;
			if (mc->value != NULL)
				irc_sendf(to, ":%s METADATA %s %s * :%s",
				    irc_srvname(to), x->nick, mc->key,
				    mc->value);
			else
				irc_sendf(to, ":%s METADATA %s %s *",
				    irc_srvname(to), x->nick, mc->key);
		}
	}
}

static void
meta_notify_cb(const char *k, void *value, void *arg)
{
	struct irc_client	*x = value;
	struct meta_change	*mc = arg;

	(void)k;
	if (irc_is_registered(x) && x->account != NULL &&
	    names_casecmp(x->account, mc->from->account) == 0)
		meta_notify_one(x, mc);
}

/* CL's KEY became VALUE (NULL: deleted): every connection it shows on. */
static void
meta_notify(struct irc_client *cl, const char *key, const char *value)
{
	struct meta_change	mc = { cl, key, value };

	if (cl->account == NULL)
		meta_notify_one(cl, &mc);
	else
		strmap_foreach(cl->is->nicks, meta_notify_cb, &mc);
}

/* Store KEY (index I) = VALUE (NULL: delete) for CL. 0 or -1. */
static int
meta_put(struct irc_client *cl, int i, const char *value)
{
	int	rc;

	if (cl->account != NULL) {
		rc = store_metadata_set(cl->is->srv->store, cl->account,
		    meta_keys[i].name, value);
		return rc == STORE_ERROR ? -1 : 0;
	}
	free(cl->meta[i]);
	cl->meta[i] = value != NULL ? xstrdup(value) : NULL;
	return 0;
}

/* Why VALUE cannot be KEY (index I), or NULL. */
static const char *
meta_value_bad(int i, const char *value)
{
	const unsigned char	*p;

	if (strlen(value) > meta_keys[i].max)
		return "Value too long";
	for (p = (const unsigned char *)value; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return "Control characters are not allowed";
	if (i == 0 && (strncmp(value, "https://", 8) != 0 || value[8] == '\0' ||
	    strchr(value, ' ') != NULL))
		return "An avatar is an https:// address";
	return NULL;
}

/* METADATA <self> SET <key> [<value>]. */
static void
meta_set(struct irc_client *cl, const char *target, struct irc_msg *m)
{
	struct screen_verdict	 v;
	struct meta_vals	 mv;
	const char		*value, *why;
	char			 key[META_KEY_MAX], ctx[IRC_NICKLEN + 80];
	int			 i, had;

	if (m->nparams < 3) {
		irc_fail(cl, "METADATA", "NEED_MORE_PARAMS", "SET",
		    N_("Missing parameters"));
		return;
	}
	if (meta_key_fold(m->params[2], key, sizeof key) != 0) {
		irc_fail(cl, "METADATA", "INVALID_KEY", m->params[2],
		    N_("Invalid key"));
		return;
	}
	snprintf(ctx, sizeof ctx, "%s %s", target, key);
	if ((i = meta_key_index(key)) < 0) {
		irc_fail(cl, "METADATA", "KEY_NO_PERMISSION", ctx, N_("Only "
		    "display-name, avatar, pronouns and status can be set"));
		return;
	}
	value = m->nparams > 3 && m->params[3][0] != '\0' ? m->params[3] :
	    NULL;
	meta_get(cl, &mv);
	had = mv.v[i] != NULL;
	meta_vals_clear(&mv);
	if (value == NULL) {
		if (!had) {
			mnum(cl, NULL, ERR_KEYNOTSET, target, key);
			return;
		}
		if (meta_put(cl, i, NULL) != 0) {
			irc_fail(cl, "METADATA", "INTERNAL_ERROR", ctx,
			    N_("The value could not be removed"));
			return;
		}
		mnum(cl, NULL, RPL_KEYVALUE_NONE, target, key);
		meta_notify(cl, key, NULL);
		return;
	}
	if ((why = meta_value_bad(i, value)) != NULL) {
		irc_fail(cl, "METADATA", "INVALID_VALUE", ctx, why);
		return;
	}
	/* What a member may not say, they may not show either. */
	if (irc_mod_muted(cl, NULL)) {
		irc_fail(cl, "METADATA", "KEY_NO_PERMISSION", ctx,
		    N_("You are muted by the moderators for now"));
		return;
	}
	if (irc_mod_screen_profile(cl, meta_keys[i].name, value, &v) ==
	    SCREEN_REFUSE) {
		if (v.flags & SCREEN_F_FLOOD) {
			snprintf(ctx, sizeof ctx, "%s %s *", target, key);
			irc_fail(cl, "METADATA", "RATE_LIMITED", ctx,
			    v.reason);
		} else
			irc_fail(cl, "METADATA", "INVALID_VALUE", ctx,
			    v.reason[0] != '\0' ? v.reason :
			    "This value is not allowed");
		return;
	}
	if (meta_put(cl, i, value) != 0) {
		irc_fail(cl, "METADATA", "INTERNAL_ERROR", ctx,
		    N_("The value could not be stored"));
		return;
	}
	mnum(cl, NULL, RPL_KEYVALUE, target, key, value);
	meta_notify(cl, key, value);
}

/* METADATA * SUB|UNSUB <key>...: one reply line of the keys taken. */
static void
meta_sub(struct irc_client *cl, struct irc_msg *m, int sub)
{
	char	key[META_KEY_MAX], ok[IRC_LINE_MAX];
	size_t	i, j, len = 0;

	ok[0] = '\0';
	for (i = 2; i < m->nparams; i++) {
		if (meta_key_fold(m->params[i], key, sizeof key) != 0) {
			irc_fail(cl, "METADATA", "INVALID_KEY", m->params[i],
			    N_("Invalid key"));
			continue;
		}
		if (sub && !meta_subscribed(cl, key)) {
			if (cl->nmsubs >= IRC_META_MAXSUBS) {
				irc_fail(cl, "METADATA", "TOO_MANY_SUBS", key,
				    N_("Too many subscriptions"));
				break;
			}
			cl->msubs = xreallocarray(cl->msubs, cl->nmsubs + 1,
			    sizeof *cl->msubs);
			cl->msubs[cl->nmsubs++] = xstrdup(key);
		} else if (!sub) {
			for (j = 0; j < cl->nmsubs; j++)
				if (strcmp(cl->msubs[j], key) == 0) {
					free(cl->msubs[j]);
					cl->msubs[j] = cl->msubs[--cl->nmsubs];
					break;
				}
		}
		if (len + strlen(key) + 2 < sizeof ok)
			len += (size_t)snprintf(ok + len, sizeof ok - len,
			    "%s%s", len > 0 ? " " : "", key);
	}
	if (len > 0 && sub)
		mnum(cl, NULL, RPL_METADATASUBOK, ok);
	else if (len > 0)
		mnum(cl, NULL, RPL_METADATAUNSUBOK, ok);
}

/*
 * METADATA <target> GET|LIST|SET|CLEAR|SUB|UNSUB|SUBS|SYNC [...]
 * (draft/metadata-2).  TARGET "*" is oneself; only one's own values may
 * be set; a channel has none here.
 */
int
cmd_metadata(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_client	*who = NULL;
	struct irc_channel	*ch = NULL;
	struct meta_vals	 mv;
	const char		*target = m->params[0], *ref;
	char			 sub[16], key[META_KEY_MAX], rb[24];
	char			 ctx[IRC_NICKLEN + 80];
	size_t			 i;
	int			 k;

	snprintf(sub, sizeof sub, "%s", m->params[1]);
	for (i = 0; sub[i] != '\0'; i++)
		sub[i] = (char)toupper((unsigned char)sub[i]);
	if (strcmp(sub, "SUB") == 0 || strcmp(sub, "UNSUB") == 0) {
		meta_sub(cl, m, strcmp(sub, "SUB") == 0);
		return CONN_OK;
	}
	if (strcmp(sub, "SUBS") == 0) {
		char	list[IRC_LINE_MAX];
		size_t	len = 0;

		list[0] = '\0';
		for (i = 0; i < cl->nmsubs; i++)
			len += (size_t)snprintf(list + len, sizeof list - len,
			    "%s%s", len > 0 ? " " : "", cl->msubs[i]);
		if (len > 0)
			mnum(cl, NULL, RPL_METADATASUBS, list);
		return CONN_OK;
	}
	if (strcmp(sub, "GET") != 0 && strcmp(sub, "LIST") != 0 &&
	    strcmp(sub, "SET") != 0 && strcmp(sub, "CLEAR") != 0 &&
	    strcmp(sub, "SYNC") != 0) {
		irc_fail(cl, "METADATA", "INVALID_SUBCOMMAND", m->params[1],
		    N_("Invalid subcommand"));
		return CONN_OK;
	}
	/* The target: oneself, a member by nick, or a channel one sees. */
	if (strcmp(target, "*") == 0)
		who = cl;
	else if (target[0] == '#') {
		ch = irc_channel_find(cl->is, target);
		if (ch != NULL && !irc_channel_visible(ch, cl))
			ch = NULL;
	} else if ((who = irc_find_nick(cl->is, target)) != NULL &&
	    !irc_is_registered(who))
		who = NULL;
	if (who == NULL && ch == NULL) {
		irc_fail(cl, "METADATA", "INVALID_TARGET", target,
		    N_("Invalid target"));
		return CONN_OK;
	}
	if (strcmp(sub, "SET") == 0 || strcmp(sub, "CLEAR") == 0) {
		if (who != cl) {
			snprintf(ctx, sizeof ctx, "%s %s", target,
			    strcmp(sub, "SET") == 0 && m->nparams > 2 ?
			    m->params[2] : "*");
			irc_fail(cl, "METADATA", "KEY_NO_PERMISSION", ctx,
			    N_("You may only change your own metadata"));
			return CONN_OK;
		}
		if (strcmp(sub, "SET") == 0) {
			meta_set(cl, target, m);
			return CONN_OK;
		}
		/* CLEAR: each value goes, as by SET without one. */
		meta_get(cl, &mv);
		ref = mbatch_start(cl, target, rb, sizeof rb);
		for (k = 0; k < IRC_META_NKEYS; k++) {
			if (mv.v[k] == NULL)
				continue;
			if (meta_put(cl, k, NULL) != 0)
				continue;
			mnum(cl, ref, RPL_KEYVALUE_NONE, target,
			    meta_keys[k].name);
			meta_notify(cl, meta_keys[k].name, NULL);
		}
		mbatch_end(cl, ref);
		meta_vals_clear(&mv);
		return CONN_OK;
	}
	memset(&mv, 0, sizeof mv);
	if (who != NULL)
		meta_get(who, &mv);
	if (strcmp(sub, "SYNC") == 0) {
		ref = mbatch_start(cl, target, rb, sizeof rb);
		if (who != NULL)
			meta_tell(cl, ref, who->nick, &mv);
		else
			for (i = 0; i < ch->nmembers; i++) {
				struct meta_vals	one;

				meta_get(ch->members[i]->cl, &one);
				meta_tell(cl, ref, ch->members[i]->cl->nick,
				    &one);
				meta_vals_clear(&one);
			}
		mbatch_end(cl, ref);
	} else if (strcmp(sub, "LIST") == 0) {
		ref = mbatch_start(cl, target, rb, sizeof rb);
		for (k = 0; k < IRC_META_NKEYS; k++)
			if (mv.v[k] != NULL)
				mnum(cl, ref, RPL_KEYVALUE, target,
				    meta_keys[k].name, mv.v[k]);
		mbatch_end(cl, ref);
	} else {
		/* GET: each key in order. */
		ref = mbatch_start(cl, target, rb, sizeof rb);
		for (i = 2; i < m->nparams; i++) {
			if (meta_key_fold(m->params[i], key, sizeof key) !=
			    0) {
				mfail(cl, ref, "INVALID_KEY", m->params[i],
				    "Invalid key");
				continue;
			}
			k = meta_key_index(key);
			if (k >= 0 && mv.v[k] != NULL)
				mnum(cl, ref, RPL_KEYVALUE, target, key,
				    mv.v[k]);
			else
				mnum(cl, ref, ERR_NOMATCHINGKEY, target, key);
		}
		mbatch_end(cl, ref);
	}
	meta_vals_clear(&mv);
	return CONN_OK;
}
