/*
 * peer.c -- outgoing Usenet feeds: the peers, the queueing rule and
 * what never leaves this node (see peer.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "auth.h"
#include "config.h"
#include "history.h"
#include "log.h"
#include "notify.h"
#include "nntp-util.h"
#include "peer.h"
#include "sasl.h"
#include "store-news.h"
#include "wildmat.h"
#include "xmalloc.h"

static void
peer_free(struct peer *p)
{
	if (p == NULL)
		return;
	free(p->name);
	free(p->host);
	free(p->port);
	free(p->path_id);
	free(p->groups);
	free(p->user);
	free(p->pass);
	free(p->source);
	free(p);
}

/* Is the literal address HOST loopback, RFC 1918, link-local or ULA? */
static int
private_literal(const char *host)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;
	uint32_t	 v;

	if (inet_pton(AF_INET, host, &a4) == 1) {
		v = ntohl(a4.s_addr);
		return (v >> 24) == 127 || (v >> 24) == 10 ||
		    (v >> 20) == (172u << 4 | 1) || (v >> 16) == (192u << 8 |
		    168) || (v >> 16) == (169u << 8 | 254);
	}
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ||
		    IN6_IS_ADDR_LINKLOCAL(&a6) ||
		    (a6.s6_addr[0] & 0xfe) == 0xfc;
	return 0;
}

static int
name_ok(const char *s)
{
	size_t	i;

	if (s[0] == '\0' || strlen(s) > 64)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("._-", s[i]) ==
		    NULL)
			return 0;
	return 1;
}

/* A value without controls or spaces (it goes on an NNTP line). */
static int
word_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

/*
 * Words NAME HOST:PORT [options] into *ROW (pointing into ARGV, and
 * into BUF for host and port).  0, or -1 with ERR.
 */
static int
parse_words(int argc, char **argv, struct peer_row *row, char *buf,
    size_t buflen, char *err, size_t errlen)
{
	char		*colon, *end;
	long		 port;
	long long	 size;
	int		 i, plain = 0;

	memset(row, 0, sizeof *row);
	if (argc < 2) {
		snprintf(err, errlen, "need NAME HOST:PORT [options]");
		return -1;
	}
	if (!name_ok(argv[0])) {
		snprintf(err, errlen, "peer name \"%.64s\": letters, digits, "
		    "'.', '_' and '-' only", argv[0]);
		return -1;
	}
	row->name = argv[0];
	snprintf(buf, buflen, "%s", argv[1]);
	if (buf[0] == '[') {
		if ((end = strchr(buf, ']')) == NULL || end[1] != ':') {
			snprintf(err, errlen, "address \"%.100s\": [IPv6]:PORT",
			    argv[1]);
			return -1;
		}
		*end = '\0';
		row->host = buf + 1;
		colon = end + 1;
	} else {
		if ((colon = strrchr(buf, ':')) == NULL) {
			snprintf(err, errlen, "address \"%.100s\": HOST:PORT",
			    argv[1]);
			return -1;
		}
		*colon = '\0';
		row->host = buf;
	}
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (row->host[0] == '\0' || !word_ok(row->host) || *end != '\0' ||
	    end == colon + 1 || port < 1 || port > 65535) {
		snprintf(err, errlen, "address \"%.100s\": HOST:PORT",
		    argv[1]);
		return -1;
	}
	row->port = (int)port;
	row->tls = 1;
	row->path_id = row->name;
	row->groups = "*";
	row->max_size = PEER_DEFAULT_MAX_SIZE;
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "tls") == 0)
			plain = 0;
		else if (strcmp(a, "plain") == 0)
			plain = 1;
		else if (strncmp(a, "path=", 5) == 0 && a[5] != '\0' &&
		    word_ok(a + 5) && strchr(a + 5, '!') == NULL)
			row->path_id = a + 5;
		else if (strncmp(a, "groups=", 7) == 0 && a[7] != '\0' &&
		    word_ok(a + 7) && wildmat_valid(a + 7))
			row->groups = a + 7;
		else if (strncmp(a, "user=", 5) == 0 && a[5] != '\0' &&
		    word_ok(a + 5))
			row->user = a + 5;
		else if (strncmp(a, "pass=", 5) == 0 && a[5] != '\0' &&
		    word_ok(a + 5))
			row->pass = a + 5;
		else if (strncmp(a, "maxsize=", 8) == 0 &&
		    (size = strtoll(a + 8, &end, 10)) >= 512 && *end == '\0' &&
		    size <= (64LL << 20))
			row->max_size = size;
		else {
			snprintf(err, errlen, "peer %s: bad option \"%.60s\" "
			    "(tls, plain, path=ID, groups=WILDMAT, user=U, "
			    "pass=P, maxsize=BYTES)", row->name, a);
			return -1;
		}
	}
	if ((row->user == NULL) != (row->pass == NULL)) {
		snprintf(err, errlen, "peer %s: user= and pass= go together",
		    row->name);
		return -1;
	}
	/* Articles and a password in clear only on a private network. */
	if (plain && !private_literal(row->host)) {
		snprintf(err, errlen, "peer %s: plain (no TLS) only to a "
		    "private address written as such (10.x, 172.16-31.x, "
		    "192.168.x, 127.x, fc00::/7, fe80::/10), not %.100s",
		    row->name, row->host);
		return -1;
	}
	row->tls = !plain;
	return 0;
}

/* Split LINE into at most MAX words at blanks; the count. */
static int
split_line(char *line, char **argv, int max)
{
	int	n = 0;
	char	*p = line;

	while (n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '\n' || *p == '#')
			break;
		argv[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		if (*p == '\0')
			break;
		*p++ = '\0';
	}
	return n;
}

typedef int (*row_fn)(const struct peer_row *, void *);

/* Each peer of FILE to FN; 0, or -1 with ERR naming the line. */
static int
read_file(const char *file, row_fn fn, void *arg, char *err, size_t errlen)
{
	FILE		*f;
	char		 line[2048], buf[512], why[300], *argv[16];
	struct peer_row	 row;
	int		 argc, lineno = 0, rc = 0;

	if ((f = fopen(file, "r")) == NULL) {
		snprintf(err, errlen, "peers_file %s: %s", file,
		    strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if ((argc = split_line(line, argv, 16)) == 0)
			continue;
		if (parse_words(argc, argv, &row, buf, sizeof buf, why,
		    sizeof why) != 0) {
			snprintf(err, errlen, "%s:%d: %s", file, lineno, why);
			rc = -1;
			break;
		}
		row.source = "conf";
		if (fn != NULL && fn(&row, arg) != 0) {
			snprintf(err, errlen, "%s:%d: cannot store peer %s",
			    file, lineno, row.name);
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

int
peer_check_file(const char *file, char *err, size_t errlen)
{
	return read_file(file, NULL, NULL, err, errlen);
}

static int
put_row(const struct peer_row *row, void *arg)
{
	return store_peer_put(arg, row) == STORE_OK ? 0 : -1;
}

static struct peer *
peer_from_row(const struct peer_row *r)
{
	struct peer	*p = xcalloc(1, sizeof *p);

	p->name = xstrdup(r->name);
	p->host = xstrdup(r->host);
	xasprintf(&p->port, "%d", r->port);
	p->tls = r->tls;
	p->path_id = xstrdup(r->path_id);
	p->groups = xstrdup(r->groups);
	p->user = r->user != NULL ? xstrdup(r->user) : NULL;
	p->pass = r->pass != NULL ? xstrdup(r->pass) : NULL;
	p->max_size = r->max_size;
	p->paused = r->paused;
	p->source = xstrdup(r->source != NULL ? r->source : "admin");
	p->state = p->paused ? PEER_PAUSED : PEER_IDLE;
	return p;
}

static int
load_row(const struct peer_row *r, void *arg)
{
	struct peers	*ps = arg;

	ps->v = xreallocarray(ps->v, ps->n + 1, sizeof *ps->v);
	ps->v[ps->n++] = peer_from_row(r);
	return 0;
}

int
peer_init(struct server *srv, const char *file, char *err, size_t errlen)
{
	srv->peers = xcalloc(1, sizeof *srv->peers);
	if (file != NULL) {
		if (store_begin(srv->store) != STORE_OK) {
			snprintf(err, errlen, "peers: database busy");
			return -1;
		}
		if (read_file(file, put_row, srv->store, err, errlen) != 0 ||
		    store_commit(srv->store) != STORE_OK) {
			store_rollback(srv->store);
			return -1;
		}
	}
	if (store_peer_list(srv->store, load_row, srv->peers) != STORE_OK) {
		snprintf(err, errlen, "peers: cannot read the peers");
		return -1;
	}
	if (srv->peers->n > 0)
		log_info("peers: %zu outgoing feed%s", srv->peers->n,
		    srv->peers->n == 1 ? "" : "s");
	return 0;
}

void
peer_shutdown(struct server *srv)
{
	size_t	i;

	if (srv->peers == NULL)
		return;
	for (i = 0; i < srv->peers->n; i++)
		peer_free(srv->peers->v[i]);
	free(srv->peers->v);
	free(srv->peers);
	srv->peers = NULL;
}

struct peer *
peer_find(struct server *srv, const char *name)
{
	size_t	i;

	if (srv->peers == NULL)
		return NULL;
	for (i = 0; i < srv->peers->n; i++)
		if (!srv->peers->v[i]->removed &&
		    strcmp(srv->peers->v[i]->name, name) == 0)
			return srv->peers->v[i];
	return NULL;
}

const char *
peer_state_name(const struct peer *p)
{
	switch (p->state) {
	case PEER_IDLE:
		return "idle";
	case PEER_CONNECTING:
		return "connecting";
	case PEER_CONNECTED:
		return "connected";
	case PEER_BACKOFF:
		return "backing-off";
	case PEER_PAUSED:
		return "paused";
	}
	return "?";
}

static void
announce(struct server *srv, const char *action, const char *name)
{
	struct notify_msg	m;

	memset(&m, 0, sizeof m);
	m.kind = NOTIFY_PEER;
	m.action = action;
	m.target = name;
	notify_publish(srv, &m);
}

int
peer_add(struct server *srv, int argc, char **argv, char *msg,
    size_t msglen)
{
	struct peer_row	 row;
	struct peer	*old, *p;
	char		 buf[512];

	if (parse_words(argc, argv, &row, buf, sizeof buf, msg, msglen) != 0)
		return -1;
	row.source = "admin";
	old = peer_find(srv, row.name);
	row.paused = old != NULL ? old->paused : 0;
	if (store_peer_put(srv->store, &row) != STORE_OK) {
		snprintf(msg, msglen, "Database error");
		return -1;
	}
	p = peer_from_row(&row);
	if (old != NULL) {
		/* The feeder sees the old one removed and the new one. */
		old->removed = 1;
		p->generation = old->generation + 1;
	}
	srv->peers->v = xreallocarray(srv->peers->v, srv->peers->n + 1,
	    sizeof *srv->peers->v);
	srv->peers->v[srv->peers->n++] = p;
	announce(srv, "changed", p->name);
	snprintf(msg, msglen, "Peer %s %s (%s:%s, %s)", p->name, old != NULL ?
	    "changed" : "added", p->host, p->port, p->tls ? "TLS" :
	    "plain");
	return 0;
}

int
peer_remove(struct server *srv, const char *name)
{
	struct peer	*p;
	int		 rc;

	if ((p = peer_find(srv, name)) == NULL)
		return 1;
	if ((rc = store_peer_delete(srv->store, name)) == STORE_NOTFOUND)
		return 1;
	if (rc != STORE_OK)
		return -1;
	p->removed = 1;
	announce(srv, "changed", name);
	return 0;
}

int
peer_pause(struct server *srv, const char *name, int paused)
{
	struct peer	*p;

	if ((p = peer_find(srv, name)) == NULL)
		return 1;
	if (store_peer_set_paused(srv->store, name, paused) != STORE_OK)
		return -1;
	p->paused = paused;
	announce(srv, "changed", name);
	return 0;
}

void
peer_release(struct server *srv, struct peer *p)
{
	size_t	i;

	for (i = 0; i < srv->peers->n; i++) {
		if (srv->peers->v[i] != p)
			continue;
		memmove(&srv->peers->v[i], &srv->peers->v[i + 1],
		    (srv->peers->n - i - 1) * sizeof *srv->peers->v);
		srv->peers->n--;
		break;
	}
	peer_free(p);
}

/* Is GROUP one that never leaves: a system group? */
static int
system_group(struct server *srv, const char *g)
{
	const struct config	*cf = srv->cf;

	return strncmp(g, "hearth.", 7) == 0 || strcmp(g, "hearth") == 0 ||
	    (cf->queue_group != NULL && strcmp(g, cf->queue_group) == 0) ||
	    (cf->inbox_group != NULL && strcmp(g, cf->inbox_group) == 0) ||
	    (cf->report_group != NULL && strcmp(g, cf->report_group) == 0) ||
	    (cf->announce_group != NULL && strcmp(g, cf->announce_group) == 0);
}

static int
group_public(const struct news_group *g, void *arg)
{
	*(int *)arg = g->visibility == NG_PUBLIC;
	return 0;
}

/*
 * May an article numbered in the groups of XREF ("group:num ...")
 * leave this node?  Only when every one is public and not a system
 * group: a crosspost that touches a members-only or private group
 * stays here (its Newsgroups would name the private group).
 */
static int
xref_public(struct server *srv, const char *xref)
{
	char	*copy, *tok, *save, *colon;
	int	 ok = 1, pub, any = 0;

	copy = xstrdup(xref != NULL ? xref : "");
	for (tok = strtok_r(copy, " ", &save); tok != NULL && ok;
	    tok = strtok_r(NULL, " ", &save)) {
		if ((colon = strrchr(tok, ':')) == NULL)
			continue;
		*colon = '\0';
		any = 1;
		pub = 0;
		if (system_group(srv, tok) || store_news_group_get(srv->store,
		    tok, group_public, &pub) != STORE_OK || !pub)
			ok = 0;
	}
	free(copy);
	return ok && any;
}

/* Is ID one of the '!'-separated elements of PATH (RFC 5536 §3.1.5)? */
static int
path_holds(const char *path, const char *id)
{
	size_t		 n = strlen(id);
	const char	*p = path, *e;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strcspn(p, "! \t");
		if ((size_t)(e - p) == n && strncasecmp(p, id, n) == 0)
			return 1;
		p = e;
		while (*p == '!' || *p == ' ' || *p == '\t')
			p++;
	}
	return 0;
}

/* Does one of GROUPS (a Newsgroups value) match wildmat list PAT? */
static int
groups_match(const char *groups, const char *pat)
{
	char	**v;
	size_t	  n, i;
	int	  hit = 0;

	n = nntp_split_groups(groups, &v);
	for (i = 0; i < n; i++) {
		if (!hit && wildmat_list_match(v[i], pat))
			hit = 1;
		free(v[i]);
	}
	free(v);
	return hit;
}

struct art_head {
	int64_t	 id;
	int	 status;
	int64_t	 bytes;
	char	*xref;
	char	*newsgroups;
	char	*path;
	int	 found;
};

static int
head_cb(const struct news_art *a, void *arg)
{
	struct art_head	*h = arg;

	h->found = 1;
	h->id = a->id;
	h->status = a->status;
	h->bytes = a->bytes;
	h->xref = xstrdup(a->xref != NULL ? a->xref : "");
	if (a->text != NULL) {
		h->newsgroups = nntp_header_field(a->text, a->header_len,
		    "Newsgroups");
		h->path = nntp_header_field(a->text, a->header_len, "Path");
	}
	return 0;
}

static void
head_free(struct art_head *h)
{
	free(h->xref);
	free(h->newsgroups);
	free(h->path);
}

static int
get_head(struct server *srv, const char *msgid, struct art_head *h)
{
	memset(h, 0, sizeof *h);
	if (store_news_by_msgid(srv->store, msgid, STORE_NNTP_TEXT |
	    STORE_NNTP_HEADER, head_cb, h) == STORE_ERROR)
		return -1;
	return h->found ? 0 : 1;
}

/* Would peer P take an article of BYTES, NEWSGROUPS and PATH? */
static int
peer_takes(const struct peer *p, int64_t bytes, const char *newsgroups,
    const char *path)
{
	if (p->removed || newsgroups == NULL)
		return 0;
	if (bytes > p->max_size)
		return 0;
	if (path != NULL && path_holds(path, p->path_id))
		return 0;
	return groups_match(newsgroups, p->groups);
}

/* Would peer P take the article H? */
static int
peer_wants(const struct peer *p, const struct art_head *h)
{
	return peer_takes(p, h->bytes, h->newsgroups, h->path);
}

int
peer_queue_article(struct server *srv, const char *msgid)
{
	struct art_head	 h;
	size_t		 i;
	int		 n = 0, rc;

	if (srv->peers == NULL || srv->peers->n == 0)
		return 0;
	if ((rc = get_head(srv, msgid, &h)) != 0) {
		head_free(&h);
		return rc < 0 ? -1 : 0;
	}
	if (h.status == ART_OK && xref_public(srv, h.xref)) {
		for (i = 0; i < srv->peers->n; i++) {
			if (!peer_wants(srv->peers->v[i], &h))
				continue;
			if (store_peer_enqueue(srv->store,
			    srv->peers->v[i]->name, h.id, msgid, NULL, 0,
			    (int64_t)time(NULL)) != STORE_OK) {
				head_free(&h);
				return -1;
			}
			n++;
		}
	}
	head_free(&h);
	if (n > 0)
		announce(srv, "queued", NULL);
	return n;
}

/*
 * Cancel-Lock (RFC 8315), so that a peer that checks cancels (INN's
 * default docancels: require-auth) takes ours.  §4: the c-key of
 * MSGID is base64(HMAC-SHA256(sec, MSGID)), sec derived from the
 * server's secret.key; §2.2: the c-lock is base64(SHA256(c-key)) over
 * the c-key's base64 text.  Nothing is stored: both are made again
 * from the message-id.  Callers free.
 */
static char *
cancel_key(struct server *srv, const char *msgid)
{
	unsigned char	sec[32], md[32];
	unsigned int	len = sizeof md;

	auth_derived_key(srv, "cancel-lock", sec);
	HMAC(EVP_sha256(), sec, sizeof sec, (const unsigned char *)msgid,
	    strlen(msgid), md, &len);
	return base64_encode(md, sizeof md);
}

static char *
cancel_lock(struct server *srv, const char *msgid)
{
	unsigned char	 md[SHA256_DIGEST_LENGTH];
	char		*key = cancel_key(srv, msgid);

	SHA256((const unsigned char *)key, strlen(key), md);
	free(key);
	return base64_encode(md, sizeof md);
}

struct cancel_ctx {
	struct server	*srv;
	const char	*msgid;
	const char	*text;
	size_t		 len;
	int		 n;
	int		 failed;
};

static int
cancel_one(const char *peer, void *arg)
{
	struct cancel_ctx	*cx = arg;

	if (store_peer_enqueue(cx->srv->store, peer, 0, cx->msgid, cx->text,
	    cx->len, (int64_t)time(NULL)) != STORE_OK) {
		cx->failed = 1;
		return 1;
	}
	cx->n++;
	return 0;
}

/*
 * The cancel control article for MSGID (RFC 5537 §5.3, RFC 5536 §3.2.3):
 * posted to the article's groups, from the server.  Caller frees.
 */
static char *
cancel_text(struct server *srv, const char *msgid, const char *newsgroups,
    int64_t id, const char *why, char **cid)
{
	char		*t, date[64], *key = cancel_key(srv, msgid);
	time_t		 now = time(NULL);
	struct tm	 tm;
	static unsigned	 seq;

	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	xasprintf(cid, "<cancel.%lld.%lld.%u@%s>", (long long)id,
	    (long long)now, seq++, srv->cf->server_name);
	/*
	 * Injected here (RFC 5537 §3.2.1): a peer honours a cancel that was
	 * injected at the article's own site (see peer_may_replace in
	 * nntp-post.c), which is this one's path identity before ".POSTED".
	 */
	xasprintf(&t, "Path: %s!.POSTED!not-for-mail\r\n"
	    "From: Hearth <news@%s>\r\n"
	    "Newsgroups: %s\r\n"
	    "Subject: cmsg cancel %s\r\n"
	    "Control: cancel %s\r\n"
	    "Cancel-Key: sha256:%s\r\n"
	    "Message-ID: %s\r\n"
	    "Date: %s\r\n"
	    "Injection-Date: %s\r\n"
	    "\r\n"
	    "%s\r\n",
	    config_path_identity(srv->cf), srv->cf->server_name, newsgroups,
	    msgid, msgid, key, *cid, date, date, why);
	free(key);
	return t;
}

int
peer_queue_cancel(struct server *srv, int64_t id, const char *msgid,
    const char *why)
{
	struct art_head		 h;
	struct cancel_ctx	 cx;
	char			*cid = NULL, *text;

	if (srv->peers == NULL)
		return 0;
	if (get_head(srv, msgid, &h) < 0) {
		head_free(&h);
		return -1;
	}
	memset(&cx, 0, sizeof cx);
	cx.srv = srv;
	text = cancel_text(srv, msgid, h.newsgroups != NULL ? h.newsgroups :
	    "junk", id, why, &cid);
	cx.msgid = cid;
	cx.text = text;
	cx.len = strlen(text);
	if (store_peer_article_peers(srv->store, id, cancel_one, &cx) !=
	    STORE_OK || cx.failed ||
	    store_peer_drop_article(srv->store, id, (int64_t)time(NULL)) !=
	    STORE_OK)
		cx.n = -1;
	free(text);
	free(cid);
	head_free(&h);
	if (cx.n > 0)
		announce(srv, "queued", NULL);
	return cx.n;
}

int
peer_cancel_article(struct server *srv, int64_t id, const char *msgid,
    const char *actor, const char *reason)
{
	struct store	*st = srv->store;

	if (store_begin(st) != STORE_OK)
		return STORE_ERROR;
	if (peer_queue_cancel(srv, id, msgid, reason) < 0 ||
	    store_news_cancel(st, id, actor, reason) != STORE_OK ||
	    store_commit(st) != STORE_OK) {
		store_rollback(st);
		return STORE_ERROR;
	}
	return STORE_OK;
}

/*
 * May a control article posted to NEWSGROUPS leave this node?  Not when
 * one of its groups is a system group or a group here that is not
 * public (members-only, private): a cancel names its target's groups,
 * and those never leave.  Groups not carried here do not stop it (a
 * relay passes on what it does not carry, as INN does).  -1 on a
 * storage error.
 */
static int
groups_public(struct server *srv, const char *newsgroups)
{
	char	**v;
	size_t	  n, i;
	int	  ok = 1, pub, rc;

	n = nntp_split_groups(newsgroups, &v);
	for (i = 0; i < n; i++) {
		pub = 0;
		if (ok == 1 && system_group(srv, v[i]))
			ok = 0;
		else if (ok == 1 && (rc = store_news_group_get(srv->store, v[i],
		    group_public, &pub)) == STORE_ERROR)
			ok = -1;
		else if (ok == 1 && rc == STORE_OK && !pub)
			ok = 0;
		free(v[i]);
	}
	free(v);
	return n > 0 ? ok : 0;
}

/*
 * Inside the caller's transaction: queue the control article IN->text
 * for every peer that would take an article of its Newsgroups, Path
 * and size (peer_wants, as a relayed article is queued).  The number of
 * peers, or -1.
 */
static int
queue_control(struct server *srv, const struct peer_cancel_in *in)
{
	size_t		 i;
	int		 n = 0, pub;

	if (srv->peers == NULL || in->newsgroups == NULL)
		return 0;
	if ((pub = groups_public(srv, in->newsgroups)) <= 0)
		return pub;
	for (i = 0; i < srv->peers->n; i++) {
		if (!peer_takes(srv->peers->v[i], (int64_t)in->len,
		    in->newsgroups, in->path))
			continue;
		if (store_peer_enqueue(srv->store, srv->peers->v[i]->name, 0,
		    in->cid, in->text, in->len, (int64_t)time(NULL)) !=
		    STORE_OK)
			return -1;
		n++;
	}
	return n;
}

int
peer_relay_cancel(struct server *srv, const struct peer_cancel_in *in)
{
	struct store	*st = srv->store;
	int		 n;

	if (store_begin(st) != STORE_OK)
		return STORE_ERROR;
	if (in->target_id != 0 && (store_news_cancel(st, in->target_id,
	    in->actor, "cancelled by its site") != STORE_OK ||
	    store_peer_drop_article(st, in->target_id, (int64_t)time(NULL)) !=
	    STORE_OK))
		goto fail;
	if (in->remember && history_remember(srv, in->target, "cancelled") !=
	    0)
		goto fail;
	if (history_remember(srv, in->cid, "control") != 0)
		goto fail;
	if ((n = queue_control(srv, in)) < 0)
		goto fail;
	if (store_commit(st) != STORE_OK)
		goto fail;
	if (n > 0)
		announce(srv, "queued", NULL);
	return STORE_OK;
fail:
	store_rollback(st);
	return STORE_ERROR;
}

int
peer_next(struct server *srv, struct peer *p, int64_t after, int limit,
    store_peer_q_cb cb, void *arg)
{
	return store_peer_next(srv->store, p->name, after, limit, cb, arg);
}

struct art_text {
	int64_t	 author_id;
	int	 found, status;
	char	*text;
	size_t	 len, header_len;
	char	*xref;
};

static int
group_moderated(const struct news_group *g, void *arg)
{
	*(int *)arg = g->status == NG_MODERATED;
	return 0;
}

/* Is one of the groups of XREF moderated here? */
static int
xref_moderated(struct server *srv, const char *xref)
{
	char	*copy, *tok, *save, *colon;
	int	 mod = 0, m;

	copy = xstrdup(xref != NULL ? xref : "");
	for (tok = strtok_r(copy, " ", &save); tok != NULL && !mod;
	    tok = strtok_r(NULL, " ", &save)) {
		if ((colon = strrchr(tok, ':')) == NULL)
			continue;
		*colon = '\0';
		m = 0;
		if (store_news_group_get(srv->store, tok, group_moderated,
		    &m) == STORE_OK && m)
			mod = 1;
	}
	free(copy);
	return mod;
}

static int
text_cb(const struct news_art *a, void *arg)
{
	struct art_text	*t = arg;

	t->found = 1;
	t->status = a->status;
	t->author_id = a->author_id;
	if (a->text != NULL) {
		t->text = xmalloc(a->len + 1);
		memcpy(t->text, a->text, a->len);
		t->text[a->len] = '\0';
		t->len = a->len;
		t->header_len = a->header_len;
	}
	t->xref = xstrdup(a->xref != NULL ? a->xref : "");
	return 0;
}

/*
 * The fields an article gains as it leaves (the copy here is not
 * changed), after its Path line:
 *  - Approved:, when it was published here in a moderated group (a
 *    moderator approved it, or a verified doctor wrote it), so the other
 *    sites do not hold it again (RFC 5537 §3.5, RFC 5536 §3.2.1);
 *  - for an article posted here, Cancel-Lock (unless the poster's
 *    newsreader set one) and, when it supersedes one, the Cancel-Key
 *    that opens the old one's lock (RFC 8315 §3).
 */
static void
add_fields(struct server *srv, struct art_text *t, const char *msgid)
{
	char	*add = xstrdup(""), *v = NULL, *n, *s, *old, *with;
	size_t	 alen, at = 0;

	if (xref_moderated(srv, t->xref)) {
		if ((v = nntp_header_field(t->text, t->header_len,
		    "Approved")) == NULL) {
			xasprintf(&n, "%sApproved: moderators@%s\r\n", add,
			    srv->cf->server_name);
			free(add);
			add = n;
		}
		free(v);
	}
	if (t->author_id != 0) {
		if ((v = nntp_header_field(t->text, t->header_len,
		    "Cancel-Lock")) == NULL) {
			s = cancel_lock(srv, msgid);
			xasprintf(&n, "%sCancel-Lock: sha256:%s\r\n", add, s);
			free(s);
			free(add);
			add = n;
		} else
			free(v);
		if ((v = nntp_header_field(t->text, t->header_len,
		    "Supersedes")) != NULL && (old = strchr(v, '<')) != NULL) {
			old[strcspn(old, " \t,")] = '\0';
			s = cancel_key(srv, old);
			xasprintf(&n, "%sCancel-Key: sha256:%s\r\n", add, s);
			free(s);
			free(add);
			add = n;
		}
		free(v);
	}
	if ((alen = strlen(add)) == 0) {
		free(add);
		return;
	}
	/* After the Path line when it comes first (it always does here). */
	if (strncasecmp(t->text, "Path:", 5) == 0 &&
	    (v = strstr(t->text, "\r\n")) != NULL)
		at = (size_t)(v - t->text) + 2;
	with = xmalloc(t->len + alen + 1);
	memcpy(with, t->text, at);
	memcpy(with + at, add, alen);
	memcpy(with + at + alen, t->text + at, t->len - at + 1);
	free(add);
	free(t->text);
	t->text = with;
	t->len += alen;
	t->header_len += alen;
}

int
peer_article(struct server *srv, struct peer *p, const struct peer_qrow *r,
    char **text, size_t *len)
{
	struct art_text	 t;

	*text = NULL;
	*len = 0;
	if (r->article_id == 0) {
		/* A control article the server wrote. */
		*text = xmalloc(r->len + 1);
		memcpy(*text, r->text != NULL ? r->text : "", r->len);
		(*text)[r->len] = '\0';
		*len = r->len;
		return 0;
	}
	memset(&t, 0, sizeof t);
	if (store_news_by_msgid(srv->store, r->msgid, STORE_NNTP_TEXT,
	    text_cb, &t) == STORE_ERROR)
		return -1;
	/* Hidden, cancelled or gone since it was queued: never sent. */
	if (!t.found || t.status != ART_OK || t.text == NULL ||
	    (int64_t)t.len > p->max_size) {
		free(t.text);
		free(t.xref);
		return peer_done(srv, r->id, PQ_DROPPED) == STORE_OK ? 1 : -1;
	}
	add_fields(srv, &t, r->msgid);
	free(t.xref);
	*text = t.text;
	*len = t.len;
	return 0;
}

int
peer_done(struct server *srv, int64_t qid, const char *state)
{
	return store_peer_done(srv->store, qid, state, (int64_t)time(NULL));
}
