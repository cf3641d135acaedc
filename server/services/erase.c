/*
 * erase.c -- a member deletes their account (see erase.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "article.h"
#include "erase.h"
#include "log.h"
#include "names.h"
#include "nntp-util.h"
#include "notify.h"
#include "peer.h"
#include "store-erase.h"
#include "store-chat.h"
#include "store-news.h"
#include "xmalloc.h"

#define FORMER_FROM	"Former member <former-member@invalid>"


int
erase_mode_parse(const char *s, int *mode)
{
	if (strcmp(s, "remove") == 0)
		*mode = ERASE_REMOVE;
	else if (strcmp(s, "pseudonymize") == 0 ||
	    strcmp(s, "pseudonymise") == 0)
		*mode = ERASE_PSEUDONYMIZE;
	else
		return -1;
	return 0;
}

struct art_copy {
	int64_t	 id;
	char	*msgid;
	char	*text;
	size_t	 len;
};

struct art_list {
	struct art_copy	*a;
	size_t		 n;
};

static int
collect(const struct news_art *a, void *arg)
{
	struct art_list	*l = arg;
	struct art_copy	*c;

	l->a = xreallocarray(l->a, l->n + 1, sizeof *l->a);
	c = &l->a[l->n++];
	c->id = a->id;
	c->msgid = xstrdup(a->msgid);
	c->len = a->len;
	c->text = xmalloc(a->len + 1);
	memcpy(c->text, a->text, a->len);
	c->text[a->len] = '\0';
	return 0;
}

/* Headers that name a person; From is replaced, the others dropped. */
static int
names_person(const char *h)
{
	static const char *const list[] = { "Sender", "Reply-To",
	    "Organization", "X-Hearth-Verified", "Mail-Copies-To",
	    "Author", "Approved", NULL };
	size_t	i;

	for (i = 0; list[i] != NULL; i++)
		if (strcasecmp(h, list[i]) == 0)
			return 1;
	return 0;
}

/*
 * Erasure: private conversations first (their keys and what was sent
 * to the member get the placeholder; see store_dm_erase()), then the
 * member's own lines, channel and private alike, are removed or
 * pseudonymized.
 */
static int
erase_chat(struct server *srv, const char *account, const char *placeholder,
    int mode)
{
	char	party[128], ph[128];

	store_dm_account_end(account, party, sizeof party);
	snprintf(ph, sizeof ph, "n:%s", placeholder);
	if (store_dm_erase(srv->store, party, account, ph, placeholder) !=
	    STORE_OK)
		return -1;
	return store_chat_erase(srv->store, account, placeholder,
	    mode == ERASE_REMOVE) == STORE_OK ? 0 : -1;
}

/* The article with its author replaced by the placeholder. */
static int
pseudonymize(struct store *st, struct art_copy *c)
{
	struct article	 a, b;
	struct evbuffer	*buf;
	char		 why[128], *text;
	size_t		 i, len;
	int		 rc;

	if (article_parse(c->text, c->len, &a, why, sizeof why) != 0)
		return store_news_wipe(st, c->id);
	buf = evbuffer_new();
	for (i = 0; i < a.nhdrs; i++) {
		if (names_person(a.hdrs[i].name))
			continue;
		if (strcasecmp(a.hdrs[i].name, "From") == 0)
			evbuffer_add_printf(buf, "From: " FORMER_FROM "\r\n");
		else
			evbuffer_add_printf(buf, "%s: %s\r\n", a.hdrs[i].name,
			    a.hdrs[i].value);
	}
	evbuffer_add(buf, "\r\n", 2);
	evbuffer_add(buf, a.body, a.body_len);
	article_free(&a);
	len = evbuffer_get_length(buf);
	text = xmalloc(len + 1);
	evbuffer_remove(buf, text, len);
	text[len] = '\0';
	evbuffer_free(buf);
	if (article_parse(text, len, &b, why, sizeof why) != 0) {
		free(text);
		return store_news_wipe(st, c->id);
	}
	rc = store_news_rewrite(st, c->id, text, len, b.header_len,
	    (int64_t)b.lines);
	article_free(&b);
	free(text);
	return rc;
}

int
member_erase(struct server *srv, const char *name, int mode,
    const char *actor, char *msg, size_t msglen)
{
	struct account	 acct;
	struct art_list	 l = { NULL, 0 };
	char		 placeholder[64], target[64];
	size_t		 i;
	int		 rc = STORE_OK, n, ncancels = 0;

	if (store_account_get(srv->store, name, &acct, NULL) != STORE_OK) {
		snprintf(msg, msglen, "No such account: %s", name);
		return -1;
	}
	snprintf(placeholder, sizeof placeholder, "former-member-%lld",
	    (long long)acct.id);
	snprintf(target, sizeof target, "account#%lld", (long long)acct.id);
	store_news_by_author_all(srv->store, acct.id, collect, &l);
	if (store_begin(srv->store) != STORE_OK) {
		snprintf(msg, msglen, "Database busy, try again");
		rc = STORE_ERROR;
		goto out;
	}
	/*
	 * Peers that took (or are about to take) an article get a cancel
	 * for it; one that ignores cancels keeps its copy.
	 */
	for (i = 0; i < l.n && rc == STORE_OK; i++) {
		n = peer_queue_cancel(srv, l.a[i].id, l.a[i].msgid,
		    "Withdrawn: its author's account was erased.");
		if (n < 0)
			rc = STORE_ERROR;
		else
			ncancels += n;
	}
	for (i = 0; i < l.n && rc == STORE_OK; i++)
		rc = mode == ERASE_REMOVE ? store_news_wipe(srv->store,
		    l.a[i].id) : pseudonymize(srv->store, &l.a[i]);
	if (rc == STORE_OK && erase_chat(srv, acct.name, placeholder,
	    mode) != 0)
		rc = STORE_ERROR;
	if (rc == STORE_OK)
		rc = store_erase_refs(srv->store, acct.name, placeholder,
		    acct.id);
	if (rc == STORE_OK)
		rc = store_audit(srv->store, names_casecmp(actor, acct.name) == 0 ?
		    placeholder : actor, "account.erase", target,
		    mode == ERASE_REMOVE ? "remove" : "pseudonymize");
	if (rc != STORE_OK || store_commit(srv->store) != STORE_OK) {
		store_rollback(srv->store);
		snprintf(msg, msglen, "Erasure failed; nothing was changed");
		rc = STORE_ERROR;
		goto out;
	}
	notify_content_changed(srv);
	log_info("erase: %s erased mode=%s articles=%zu", target,
	    mode == ERASE_REMOVE ? "remove" : "pseudonymize", l.n);
	snprintf(msg, msglen, "Account erased (%s): %zu article%s %s",
	    mode == ERASE_REMOVE ? "removed" : "pseudonymised", l.n,
	    l.n == 1 ? "" : "s", mode == ERASE_REMOVE ? "removed" :
	    "now by a former member");
	if (ncancels > 0) {
		size_t	used = strlen(msg);

		snprintf(msg + used, msglen - used, "; %d cancel%s queued for "
		    "the peers that received them (a peer that ignores "
		    "cancels keeps its copies)", ncancels, ncancels == 1 ?
		    "" : "s");
	}
out:
	for (i = 0; i < l.n; i++) {
		free(l.a[i].msgid);
		free(l.a[i].text);
	}
	free(l.a);
	account_clear(&acct);
	return rc == STORE_OK ? 0 : -1;
}
