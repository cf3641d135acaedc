/*
 * export.c -- everything stored about a member (see export.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export.h"
#include "feed.h"
#include "store.h"
#include "store-chat.h"
#include "store-access.h"
#include "store-ircv3.h"
#include "store-modq.h"
#include "store-news.h"
#include "store-notice.h"
#include "store-webpush.h"
#include "xmalloc.h"


void
json_add_string(struct evbuffer *b, const char *s, size_t len)
{
	char	*clean = feed_clean_text(s, len);
	const unsigned char *p;

	evbuffer_add(b, "\"", 1);
	for (p = (const unsigned char *)clean; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			evbuffer_add_printf(b, "\\%c", *p);
		else if (*p == '\n')
			evbuffer_add(b, "\\n", 2);
		else if (*p == '\r')
			evbuffer_add(b, "\\r", 2);
		else if (*p == '\t')
			evbuffer_add(b, "\\t", 2);
		else if (*p < 0x20)
			evbuffer_add_printf(b, "\\u%04x", *p);
		else
			evbuffer_add(b, p, 1);
	}
	evbuffer_add(b, "\"", 1);
	free(clean);
}

static void
json_kv(struct evbuffer *b, const char *k, const char *v, int comma)
{
	json_add_string(b, k, strlen(k));
	evbuffer_add(b, ": ", 2);
	if (v == NULL)
		evbuffer_add(b, "null", 4);
	else
		json_add_string(b, v, strlen(v));
	if (comma)
		evbuffer_add(b, ", ", 2);
}

static void
iso(time_t t, char *buf, size_t len)
{
	feed_time_rfc3339(t, buf, len);
}

struct rows_ctx {
	struct evbuffer	*b;
	int		 n;
};

/* One profile value (IRC metadata) into the "profile" object. */
static void
export_meta(const char *key, const char *value, void *arg)
{
	struct rows_ctx	*rc = arg;

	if (rc->n++ > 0)
		evbuffer_add(rc->b, ", ", 2);
	json_kv(rc->b, key, value, 0);
}

static void
json_row(int n, const char *const *names, const char *const *vals,
    void *arg)
{
	struct rows_ctx	*rc = arg;
	int		 i;

	evbuffer_add_printf(rc->b, "%s\n    {", rc->n++ ? "," : "");
	for (i = 0; i < n; i++)
		json_kv(rc->b, names[i], vals[i], i + 1 < n);
	evbuffer_add(rc->b, "}", 1);
}

static const char *const status_names[] = { "published", "held",
    "cancelled", "rejected", "hidden" };

struct art_ctx {
	struct evbuffer	*json;
	struct evbuffer	*mbox;
	int		 n;
};

struct export_ctx {
	struct evbuffer	*json;
	int		 n;
	struct server	*srv;
};

static void
export_one(const struct chat_msg *m, void *arg)
{
	struct export_ctx	*ec = arg;
	char			 when[32];
	time_t			 t = (time_t)(m->time / 1000);
	struct tm		 tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	evbuffer_add_printf(ec->json, "%s\n    {\"msgid\": ", ec->n++ ? "," :
	    "");
	json_add_string(ec->json, m->msgid, strlen(m->msgid));
	evbuffer_add_printf(ec->json, ", \"time\": \"%s\", \"room\": ", when);
	json_add_string(ec->json, m->target, strlen(m->target));
	evbuffer_add_printf(ec->json, ", \"text\": ");
	json_add_string(ec->json, m->text, strlen(m->text));
	evbuffer_add(ec->json, "}", 1);
}

/* One private message, sent or received: who, to whom, when, what. */
static void
export_dm(const struct chat_msg *m, void *arg)
{
	struct export_ctx	*ec = arg;
	char			 when[32];
	time_t			 t = (time_t)(m->time / 1000);
	struct tm		 tm;
	size_t			 n = strcspn(m->source, "!");
	const char		*to = m->shown != NULL ? m->shown : "";

	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	evbuffer_add_printf(ec->json, "%s\n    {\"msgid\": ", ec->n++ ? "," :
	    "");
	json_add_string(ec->json, m->msgid, strlen(m->msgid));
	evbuffer_add_printf(ec->json, ", \"time\": \"%s\", \"from\": ", when);
	json_add_string(ec->json, m->source, n);
	evbuffer_add_printf(ec->json, ", \"to\": ");
	json_add_string(ec->json, to, strlen(to));
	evbuffer_add_printf(ec->json, ", \"command\": ");
	json_add_string(ec->json, m->command, strlen(m->command));
	evbuffer_add_printf(ec->json, ", \"text\": ");
	json_add_string(ec->json, m->text, strlen(m->text));
	evbuffer_add(ec->json, "}", 1);
}

static void
export_conv(const char *conv, const char *peer, void *arg)
{
	struct export_ctx	*ec = arg;

	(void)peer;
	store_chat_range(ec->srv->store, conv, INT64_MIN, 0, INT64_MAX, 0, 0,
	    -1, export_dm, ec);
}

/*
 * The chat part of a member's export (see export.h): their room lines,
 * then their private conversations, both directions, one after another.
 */
static void
export_chat(struct server *srv, const char *account, struct evbuffer *json)
{
	struct export_ctx	ec = { json, 0, srv };
	char			party[128];

	evbuffer_add_printf(json, ",\n  \"chat_messages\": [");
	store_chat_by_account(srv->store, account, export_one, &ec);
	evbuffer_add_printf(json, "%s]", ec.n ? "\n  " : "");
	ec.n = 0;
	store_dm_account_end(account, party, sizeof party);
	evbuffer_add_printf(json, ",\n  \"private_messages\": [");
	store_dm_convs(srv->store, party, export_conv, &ec);
	evbuffer_add_printf(json, "%s]", ec.n ? "\n  " : "");
}

/* One article: metadata into the JSON, the text into the mbox. */
static int
export_article(const struct news_art *a, void *arg)
{
	struct art_ctx	*ac = arg;
	char		 when[32], from_date[64];
	const char	*p = a->text, *end = a->text + a->len, *nl, *q;
	time_t		 t = (time_t)a->posted;
	struct tm	 tm;

	iso(t, when, sizeof when);
	evbuffer_add_printf(ac->json, "%s\n    {", ac->n++ ? "," : "");
	json_kv(ac->json, "message_id", a->msgid, 1);
	json_kv(ac->json, "posted", when, 1);
	json_kv(ac->json, "state", status_names[a->status >= 0 &&
	    a->status < 5 ? a->status : 3], 1);
	json_kv(ac->json, "groups", a->xref, 0);
	evbuffer_add(ac->json, "}", 1);

	/* mboxrd: "From " separator, CR LF to LF, >From quoting. */
	gmtime_r(&t, &tm);
	strftime(from_date, sizeof from_date, "%a %b %e %H:%M:%S %Y", &tm);
	evbuffer_add_printf(ac->mbox, "From hearth-export %s\n", from_date);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		q = p;
		while (q < nl && *q == '>')
			q++;
		if ((size_t)(nl - q) >= 5 && memcmp(q, "From ", 5) == 0)
			evbuffer_add(ac->mbox, ">", 1);
		evbuffer_add(ac->mbox, p, (size_t)(nl - p) -
		    (nl > p && nl[-1] == '\r' ? 1 : 0));
		evbuffer_add(ac->mbox, "\n", 1);
		p = nl < end ? nl + 1 : end;
	}
	evbuffer_add(ac->mbox, "\n", 1);
	return 0;
}

int
export_member(struct server *srv, const char *name, struct evbuffer *json,
    struct evbuffer *mbox)
{
	struct account	 a;
	struct rows_ctx	 rc;
	struct art_ctx	 ac;
	char		 when[32];

	if (store_account_get(srv->store, name, &a, NULL) != STORE_OK)
		return STORE_NOTFOUND;
	evbuffer_add_printf(json, "{\n  \"format\": \"hearth-export-1\",\n");
	iso(time(NULL), when, sizeof when);
	evbuffer_add_printf(json, "  \"exported\": \"%s\",\n", when);
	evbuffer_add_printf(json, "  \"server\": ");
	json_add_string(json, srv->cf->server_name,
	    strlen(srv->cf->server_name));
	evbuffer_add_printf(json, ",\n  \"account\": {");
	json_kv(json, "name", a.name, 1);
	json_kv(json, "role", a.role, 1);
	json_kv(json, "specialty", a.specialty, 1);
	json_kv(json, "status", a.status, 1);
	{
		/* The language they chose (null: the server's default). */
		char	lang[32];

		if (store_account_lang_get(srv->store, a.name, lang,
		    sizeof lang) != STORE_OK)
			lang[0] = '\0';
		json_kv(json, "language", lang[0] != '\0' ? lang : NULL, 1);
	}
	iso((time_t)a.created, when, sizeof when);
	json_kv(json, "created", when, 1);
	evbuffer_add_printf(json, "\"probation\": %d},\n", a.probation);

	evbuffer_add_printf(json, "  \"articles\": [");
	memset(&ac, 0, sizeof ac);
	ac.json = json;
	ac.mbox = mbox;
	store_news_by_author_all(srv->store, a.id, export_article, &ac);
	evbuffer_add_printf(json, "%s],\n", ac.n ? "\n  " : "");

	evbuffer_add_printf(json, "  \"reports_filed\": [");
	rc.b = json;
	rc.n = 0;
	store_reports_by(srv->store, a.name, json_row, &rc);
	evbuffer_add_printf(json, "%s],\n", rc.n ? "\n  " : "");

	evbuffer_add_printf(json, "  \"private_groups\": [");
	rc.n = 0;
	store_group_access_of(srv->store, a.id, json_row, &rc);
	evbuffer_add_printf(json, "%s],\n", rc.n ? "\n  " : "");

	/* Which feed tokens exist, never the tokens (only hashes are kept). */
	evbuffer_add_printf(json, "  \"feed_tokens\": [");
	rc.n = 0;
	store_feed_token_list(srv->store, a.id, json_row, &rc);
	evbuffer_add_printf(json, "%s],\n", rc.n ? "\n  " : "");

	/* What the server told them (their hearth.inbox). */
	evbuffer_add_printf(json, "  \"notices\": [");
	rc.n = 0;
	store_notice_list(srv->store, a.id, json_row, &rc);
	evbuffer_add_printf(json, "%s],\n", rc.n ? "\n  " : "");

	/* Their push subscriptions: endpoints, never the keys. */
	evbuffer_add_printf(json, "  \"webpush_subscriptions\": [");
	rc.n = 0;
	store_webpush_list(srv->store, a.id, json_row, &rc);
	evbuffer_add_printf(json, "%s],\n", rc.n ? "\n  " : "");
	/* What they show beside their name on IRC (draft/metadata-2). */
	evbuffer_add_printf(json, "  \"profile\": {");
	rc.n = 0;
	store_metadata_list(srv->store, a.name, export_meta, &rc);
	evbuffer_add_printf(json, "},\n");

	evbuffer_add_printf(json, "  \"sign_ins\": [");
	rc.n = 0;
	store_logins_of(srv->store, a.name, json_row, &rc);
	evbuffer_add_printf(json, "%s]", rc.n ? "\n  " : "");
	export_chat(srv, a.name, json);
	evbuffer_add_printf(json, "\n}\n");
	account_clear(&a);
	return STORE_OK;
}
