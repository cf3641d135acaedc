/*
 * nntp-feed.c -- the outgoing feeder: Hearth as the client of another
 * news server (issue 17).
 *
 * Per peer (services/peer.c) one connection, plain or TLS (the peer's
 * certificate verified against the system store or peer_ca_file, and
 * its name), opened when the peer's queue has rows and it is not
 * paused.  After the greeting: AUTHINFO USER/PASS when configured (RFC
 * 4643 §2.3), CAPABILITIES (RFC 3977 §5.2), then
 *
 *  - streaming (RFC 4644), when STREAMING is advertised or MODE STREAM
 *    answers 203: up to peer_window CHECKs outstanding, pipelined; 238
 *    sends TAKETHIS with the article, 239 it was taken, 438 the peer
 *    has it, 439 it was refused (both final), 431 try later;
 *  - else IHAVE (RFC 3977 §6.3.2), one at a time: 335 send it, then
 *    235 taken, 436 try later, 437 refused; 435 not wanted, 436 later.
 *
 * NNTP answers pipelined commands in order (RFC 3977 §3.5), so the
 * commands sent wait in one FIFO and each answer belongs to its head.
 * "Try later" and a lost connection make the peer back off (1 s, then
 * doubling to peer_backoff_max) and start again from its oldest queued
 * row, so a peer that was away gets everything it missed in order.
 * Rows end in the store (peer_done) as their answers come; a row whose
 * answer never came is offered again, and the peer's 438/435 makes that
 * harmless.  Articles go dot-stuffed with CRLF line ends (§3.1.1).
 */
#include <sys/queue.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <arpa/inet.h>

#include "config.h"
#include "log.h"
#include "nntp-feed.h"
#include "notify.h"
#include "peer.h"
#include "xmalloc.h"

/* How long an answer may take before the connection counts as lost. */
#define FEED_ANSWER_TIMEOUT	120
/* An idle connection is closed after this long (the peer would). */
#define FEED_IDLE_TIMEOUT	300
/* How often every peer's queue is looked at without a notice. */
#define FEED_POLL_SECONDS	5

enum phase {
	F_CONNECT,		/* connecting, TLS handshake */
	F_GREETING,
	F_CAPS,			/* CAPABILITIES sent */
	F_CAPLIST,		/* its 101 list */
	F_USER,
	F_PASS,
	F_MODE,			/* MODE STREAM sent */
	F_READY
};

enum cmd_kind { C_CHECK, C_TAKETHIS, C_IHAVE, C_IHAVE_TEXT, C_QUIT };

struct cmd {
	TAILQ_ENTRY(cmd)	 entry;
	enum cmd_kind		 kind;
	int64_t			 qid;
	char			*msgid;
	char			*text;		/* until TAKETHIS/335 sends it */
	size_t			 len;
};
TAILQ_HEAD(cmd_list, cmd);

struct feed {
	struct nntp_feeder	*fd;
	struct peer		*p;
	struct bufferevent	*bev;
	struct event		*retry;
	enum phase		 phase;
	int			 caps_streaming;
	int			 caps_ihave;
	int			 caps_failed;
	int			 backoff;	/* seconds, 0: none yet */
	int			 defer;		/* a "try later" this session */
	int64_t			 after;		/* last queue row taken */
	struct cmd_list		 cmds;
	int			 ncmds;
};

struct nntp_feeder {
	struct server		*srv;
	struct evdns_base	*dns;
	SSL_CTX			*ctx;
	struct event		*poll;		/* periodic and kicked */
};

static void	feed_sync(struct nntp_feeder *);
static void	feed_pump(struct feed *);

static void
cmd_free(struct cmd *c)
{
	free(c->msgid);
	free(c->text);
	free(c);
}

static void
cmds_clear(struct feed *f)
{
	struct cmd	*c;

	while ((c = TAILQ_FIRST(&f->cmds)) != NULL) {
		TAILQ_REMOVE(&f->cmds, c, entry);
		cmd_free(c);
	}
	f->ncmds = 0;
}

/* Drop the connection (no backoff decided here). */
static void
feed_close(struct feed *f)
{
	if (f->bev != NULL) {
		bufferevent_free(f->bev);
		f->bev = NULL;
	}
	cmds_clear(f);
	f->phase = F_CONNECT;
	f->defer = 0;
	f->after = 0;
}

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct feed	*f = arg;

	(void)fd;
	(void)what;
	if (f->p->state == PEER_BACKOFF)
		f->p->state = PEER_IDLE;
	feed_sync(f->fd);
}

/*
 * Close and wait before trying again: 1 s, doubling up to
 * peer_backoff_max.  WHY is kept for hearthmod peer show.
 */
static void
feed_backoff(struct feed *f, const char *why)
{
	struct server	*srv = f->fd->srv;
	struct timeval	 tv = { 0, 0 };

	feed_close(f);
	if (why != NULL) {
		snprintf(f->p->last_error, sizeof f->p->last_error, "%s", why);
		log_info("feed: peer=%s %s", f->p->name, why);
	}
	f->backoff = f->backoff == 0 ? 1 : f->backoff * 2;
	if (f->backoff > srv->cf->peer_backoff_max)
		f->backoff = srv->cf->peer_backoff_max;
	f->p->state = PEER_BACKOFF;
	f->p->next_try = time(NULL) + f->backoff;
	tv.tv_sec = f->backoff;
	evtimer_add(f->retry, &tv);
}

static void
feed_free(struct feed *f)
{
	feed_close(f);
	if (f->retry != NULL)
		event_free(f->retry);
	f->p->feed = NULL;
	free(f);
}

/* Command CMD with its argument ARG (or none) on one line. */
static void
send_line(struct feed *f, const char *cmd, const char *arg)
{
	evbuffer_add_printf(bufferevent_get_output(f->bev), "%s%s%s\r\n",
	    cmd, arg != NULL ? " " : "", arg != NULL ? arg : "");
}

/*
 * TEXT as a multi-line data block: each line ending CRLF (a bare LF
 * gets its CR), a line starting with "." doubled (RFC 3977 §3.1.1),
 * then the terminating ".".
 */
static void
send_text(struct feed *f, const char *text, size_t len)
{
	struct evbuffer	*out = bufferevent_get_output(f->bev);
	const char	*p = text, *end = text + len, *nl;
	size_t		 n;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > 0 && p[0] == '.')
			evbuffer_add(out, ".", 1);
		evbuffer_add(out, p, n);
		evbuffer_add(out, "\r\n", 2);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	evbuffer_add(out, ".\r\n", 3);
}

static struct cmd *
cmd_push(struct feed *f, enum cmd_kind kind, int64_t qid, const char *msgid,
    char *text, size_t len)
{
	struct cmd	*c = xcalloc(1, sizeof *c);

	c->kind = kind;
	c->qid = qid;
	c->msgid = xstrdup(msgid);
	c->text = text;
	c->len = len;
	TAILQ_INSERT_TAIL(&f->cmds, c, entry);
	f->ncmds++;
	return c;
}

static void
set_timeout(struct feed *f)
{
	struct timeval	tv = { f->ncmds > 0 ? FEED_ANSWER_TIMEOUT :
			    FEED_IDLE_TIMEOUT, 0 };

	bufferevent_set_timeouts(f->bev, &tv, NULL);
}

struct take {
	struct feed	*f;
	int		 n;
	int		 failed;
};

/* Offer queue row R (CHECK, or IHAVE); an article gone is dropped. */
static int
take_row(const struct peer_qrow *r, void *arg)
{
	struct take	*t = arg;
	struct feed	*f = t->f;
	struct server	*srv = f->fd->srv;
	char		*text;
	size_t		 len;
	int		 rc;

	f->after = r->id;
	if ((rc = peer_article(srv, f->p, r, &text, &len)) < 0) {
		t->failed = 1;
		return 1;
	}
	if (rc > 0)
		return 0;	/* hidden or cancelled since: never sent */
	f->p->offered++;
	t->n++;
	if (f->p->streaming) {
		cmd_push(f, C_CHECK, r->id, r->msgid, text, len);
		send_line(f, "CHECK", r->msgid);
	} else {
		cmd_push(f, C_IHAVE, r->id, r->msgid, text, len);
		send_line(f, "IHAVE", r->msgid);
		return 1;	/* one at a time */
	}
	return 0;
}

/* Offer what the queue holds, up to the window. */
static void
feed_pump(struct feed *f)
{
	struct server	*srv = f->fd->srv;
	struct take	 t;
	int		 room, rc;

	if (f->bev == NULL || f->phase != F_READY || f->defer)
		return;
	for (;;) {
		room = f->p->streaming ? srv->cf->peer_window - f->ncmds :
		    (f->ncmds == 0 ? 1 : 0);
		if (room <= 0)
			break;
		memset(&t, 0, sizeof t);
		t.f = f;
		rc = peer_next(srv, f->p, f->after, room, take_row, &t);
		if (rc < 0 || t.failed) {
			feed_backoff(f, "storage error reading the queue");
			return;
		}
		if (rc == 0 || (!f->p->streaming && t.n > 0))
			break;
	}
	set_timeout(f);
}

/* The answer LINE to the head command, in F_READY. */
static int
answer(struct feed *f, const char *line)
{
	struct server	*srv = f->fd->srv;
	struct cmd	*c = TAILQ_FIRST(&f->cmds);
	int		 code = atoi(line);
	const char	*state = NULL;
	char		 why[200];

	if (c == NULL) {
		snprintf(why, sizeof why, "answer to nothing: %.100s", line);
		feed_backoff(f, why);
		return -1;
	}
	TAILQ_REMOVE(&f->cmds, c, entry);
	f->ncmds--;
	switch (c->kind) {
	case C_CHECK:
		/* RFC 4644 §2.4: 238 send it, 431 later, 438 not wanted. */
		if (code == 238) {
			cmd_push(f, C_TAKETHIS, c->qid, c->msgid, NULL, 0);
			send_line(f, "TAKETHIS", c->msgid);
			send_text(f, c->text, c->len);
		} else if (code == 431) {
			f->p->deferred++;
			f->defer = 1;
		} else if (code == 438)
			state = PQ_DUPLICATE;
		else
			goto unexpected;
		break;
	case C_TAKETHIS:
		/* §2.5: 239 taken, 439 refused; neither is retried. */
		if (code == 239)
			state = PQ_ACCEPTED;
		else if (code == 439)
			state = PQ_REFUSED;
		else
			goto unexpected;
		break;
	case C_IHAVE:
		/* RFC 3977 §6.3.2: 335 send, 435 not wanted, 436 later. */
		if (code == 335) {
			cmd_push(f, C_IHAVE_TEXT, c->qid, c->msgid, NULL, 0);
			send_text(f, c->text, c->len);
		} else if (code == 435)
			state = PQ_DUPLICATE;
		else if (code == 436) {
			f->p->deferred++;
			f->defer = 1;
		} else
			goto unexpected;
		break;
	case C_IHAVE_TEXT:
		/* 235 taken, 436 failed (later), 437 refused. */
		if (code == 235)
			state = PQ_ACCEPTED;
		else if (code == 437)
			state = PQ_REFUSED;
		else if (code == 436) {
			f->p->deferred++;
			f->defer = 1;
		} else
			goto unexpected;
		break;
	case C_QUIT:
		break;
	}
	if (state != NULL) {
		if (peer_done(srv, c->qid, state) != 0)
			log_warnx("feed: peer=%s queue row %lld not ended",
			    f->p->name, (long long)c->qid);
		if (strcmp(state, PQ_ACCEPTED) == 0) {
			f->backoff = 0;
			f->p->last_error[0] = '\0';
		} else if (strcmp(state, PQ_REFUSED) == 0)
			log_info("feed: peer=%s refused msgid=%s: %.100s",
			    f->p->name, c->msgid, line);
	}
	cmd_free(c);
	if (f->defer) {
		/* Wait for what is outstanding, then back off. */
		if (f->ncmds == 0) {
			snprintf(why, sizeof why, "peer asked to try later: "
			    "%.100s", line);
			feed_backoff(f, why);
			return -1;
		}
		return 0;
	}
	feed_pump(f);
	return 0;
unexpected:
	snprintf(why, sizeof why, "unexpected answer to %s: %.100s",
	    c->kind == C_CHECK ? "CHECK" : c->kind == C_TAKETHIS ?
	    "TAKETHIS" : "IHAVE", line);
	cmd_free(c);
	feed_backoff(f, why);
	return -1;
}

/* After the capabilities (and sign-in): the mode of transfer. */
static void
choose_mode(struct feed *f)
{
	if (f->caps_streaming || f->caps_failed) {
		/* RFC 4644 §2.3; an old server without CAPABILITIES may
		 * still know MODE STREAM. */
		f->phase = F_MODE;
		send_line(f, "MODE STREAM", NULL);
		return;
	}
	f->p->streaming = 0;
	f->phase = F_READY;
	f->p->state = PEER_CONNECTED;
	log_info("feed: peer=%s connected (IHAVE)", f->p->name);
	feed_pump(f);
}

/*
 * Signed in (or no sign-in configured): ask what the peer offers now
 * (RFC 4643 §2.3.2: the capabilities may change after AUTHINFO; a
 * Hearth or INN peer lists IHAVE and STREAMING only to a peer).
 */
static void
ask_caps(struct feed *f)
{
	f->phase = F_CAPS;
	send_line(f, "CAPABILITIES", NULL);
}

/* One line from the peer; -1 when the connection was dropped. */
static int
feed_line(struct feed *f, const char *line)
{
	int	code = atoi(line);
	char	why[200];

	switch (f->phase) {
	case F_CONNECT:
	case F_GREETING:
		if (code != 200 && code != 201) {
			snprintf(why, sizeof why, "greeting: %.100s", line);
			feed_backoff(f, why);
			return -1;
		}
		if (f->p->user != NULL) {
			f->phase = F_USER;
			send_line(f, "AUTHINFO USER", f->p->user);
		} else
			ask_caps(f);
		return 0;
	case F_CAPS:
		if (code == 101) {
			f->phase = F_CAPLIST;
			return 0;
		}
		f->caps_failed = 1;
		choose_mode(f);
		return 0;
	case F_CAPLIST:
		if (strcmp(line, ".") == 0) {
			choose_mode(f);
			return 0;
		}
		if (strncasecmp(line, "STREAMING", 9) == 0 &&
		    (line[9] == '\0' || line[9] == ' '))
			f->caps_streaming = 1;
		else if (strncasecmp(line, "IHAVE", 5) == 0 &&
		    (line[5] == '\0' || line[5] == ' '))
			f->caps_ihave = 1;
		return 0;
	case F_USER:
		if (code == 381) {
			f->phase = F_PASS;
			send_line(f, "AUTHINFO PASS", f->p->pass);
			return 0;
		}
		if (code == 281) {
			ask_caps(f);
			return 0;
		}
		snprintf(why, sizeof why, "sign-in refused: %.100s", line);
		feed_backoff(f, why);
		return -1;
	case F_PASS:
		if (code == 281) {
			ask_caps(f);
			return 0;
		}
		snprintf(why, sizeof why, "sign-in refused: %.100s", line);
		feed_backoff(f, why);
		return -1;
	case F_MODE:
		f->p->streaming = code == 203;
		if (!f->p->streaming && f->caps_failed == 0 &&
		    !f->caps_ihave) {
			feed_backoff(f, "the peer offers neither STREAMING "
			    "nor IHAVE");
			return -1;
		}
		f->phase = F_READY;
		f->p->state = PEER_CONNECTED;
		log_info("feed: peer=%s connected (%s)", f->p->name,
		    f->p->streaming ? "streaming" : "IHAVE");
		feed_pump(f);
		return f->bev != NULL ? 0 : -1;
	case F_READY:
		return answer(f, line);
	}
	return 0;
}

static void
feed_read(struct bufferevent *bev, void *arg)
{
	struct feed	*f = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	char		*line;
	size_t		 n;

	while (f->bev != NULL && (line = evbuffer_readln(in, &n,
	    EVBUFFER_EOL_CRLF)) != NULL) {
		int rc = feed_line(f, line);

		free(line);
		if (rc < 0)
			return;
	}
	/* A line that never ends is not NNTP. */
	if (f->bev != NULL && evbuffer_get_length(in) > 65536)
		feed_backoff(f, "overlong line from the peer");
}

static void
feed_event(struct bufferevent *bev, short what, void *arg)
{
	struct feed	*f = arg;
	char		 why[200], ssl[120];
	unsigned long	 e;
	int		 dnserr, saved = errno;

	if (what & BEV_EVENT_CONNECTED) {
		f->phase = F_GREETING;
		set_timeout(f);
		return;
	}
	if ((what & BEV_EVENT_TIMEOUT) && f->ncmds == 0 &&
	    f->phase == F_READY) {
		/* Idle: let go; the next article connects again. */
		feed_close(f);
		f->p->state = PEER_IDLE;
		return;
	}
	if ((what & BEV_EVENT_EOF) && f->ncmds == 0 && f->phase == F_READY) {
		feed_close(f);
		f->p->state = PEER_IDLE;
		feed_sync(f->fd);
		return;
	}
	ssl[0] = '\0';
	if ((e = bufferevent_get_openssl_error(bev)) != 0)
		ERR_error_string_n(e, ssl, sizeof ssl);
	else if ((dnserr = bufferevent_socket_get_dns_error(bev)) != 0)
		snprintf(ssl, sizeof ssl, "%s", evutil_gai_strerror(dnserr));
	else if ((what & BEV_EVENT_ERROR) && saved != 0)
		snprintf(ssl, sizeof ssl, "%s", strerror(saved));
	snprintf(why, sizeof why, "connection %s%s%s",
	    (what & BEV_EVENT_TIMEOUT) ? "timed out" :
	    (what & BEV_EVENT_EOF) ? "closed by the peer" : "failed",
	    ssl[0] != '\0' ? ": " : "", ssl);
	feed_backoff(f, why);
}

/* Is HOST an address literal (no certificate name to check)? */
static int
literal(const char *host)
{
	unsigned char	buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1;
}

static void
feed_connect(struct feed *f)
{
	struct nntp_feeder	*fd = f->fd;
	struct peer		*p = f->p;
	SSL			*ssl;

	feed_close(f);
	f->caps_streaming = f->caps_ihave = f->caps_failed = 0;
	if (p->tls) {
		if ((ssl = SSL_new(fd->ctx)) == NULL) {
			feed_backoff(f, "no TLS session");
			return;
		}
		/* The peer's certificate must name the host we dialled. */
		if (literal(p->host))
			X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
			    p->host);
		else {
			SSL_set_tlsext_host_name(ssl, p->host);
			SSL_set1_host(ssl, p->host);
		}
		f->bev = bufferevent_openssl_socket_new(fd->srv->base, -1, ssl,
		    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE |
		    BEV_OPT_DEFER_CALLBACKS);
		if (f->bev == NULL)
			SSL_free(ssl);
	} else
		f->bev = bufferevent_socket_new(fd->srv->base, -1,
		    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (f->bev == NULL) {
		feed_backoff(f, "cannot make a connection");
		return;
	}
	bufferevent_setcb(f->bev, feed_read, NULL, feed_event, f);
	bufferevent_enable(f->bev, EV_READ | EV_WRITE);
	f->phase = F_CONNECT;
	p->state = PEER_CONNECTING;
	set_timeout(f);
	if (bufferevent_socket_connect_hostname(f->bev, fd->dns, AF_UNSPEC,
	    p->host, atoi(p->port)) != 0 && f->bev != NULL)
		feed_backoff(f, "cannot connect");
}

static int
any_row(const struct peer_qrow *r, void *arg)
{
	(void)r;
	*(int *)arg = 1;
	return 1;
}

/*
 * Bring every feed in line with its peer: removed ones freed, paused
 * ones closed, the others connected when they have something queued
 * (and not backing off), or pumped when connected.
 */
static void
feed_sync(struct nntp_feeder *fd)
{
	struct server	*srv = fd->srv;
	struct peer	*p;
	struct feed	*f;
	size_t		 i;
	int		 have;

	if (srv->peers == NULL || srv->shutting_down)
		return;
	for (i = srv->peers->n; i-- > 0;) {
		p = srv->peers->v[i];
		f = p->feed;
		if (p->removed) {
			if (f != NULL)
				feed_free(f);
			log_info("feed: peer=%s let go", p->name);
			peer_release(srv, p);
			continue;
		}
		if (f == NULL) {
			f = xcalloc(1, sizeof *f);
			f->fd = fd;
			f->p = p;
			TAILQ_INIT(&f->cmds);
			f->retry = evtimer_new(srv->base, retry_cb, f);
			p->feed = f;
		}
		if (p->paused) {
			if (p->state != PEER_PAUSED) {
				feed_close(f);
				evtimer_del(f->retry);
				p->state = PEER_PAUSED;
			}
			continue;
		}
		if (p->state == PEER_PAUSED) {
			p->state = PEER_IDLE;
			f->backoff = 0;
		}
		if (f->bev != NULL) {
			feed_pump(f);
			continue;
		}
		if (p->state == PEER_BACKOFF)
			continue;
		have = 0;
		if (peer_next(srv, p, 0, 1, any_row, &have) > 0 && have)
			feed_connect(f);
	}
}

static void
poll_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	feed_sync(arg);
}

/* Rows were queued or a peer changed: look again soon (not inside the
 * publishing transaction). */
static void
on_peer(struct server *srv, struct notify_msg *m, void *arg)
{
	struct nntp_feeder	*fd = arg;

	(void)srv;
	(void)m;
	event_active(fd->poll, EV_TIMEOUT, 0);
}

int
nntp_feed_init(struct server *srv, char *err, size_t errlen)
{
	struct nntp_feeder	*fd;
	struct timeval		 tv = { FEED_POLL_SECONDS, 0 };
	const char		*ca = srv->cf->peer_ca_file;

	fd = xcalloc(1, sizeof *fd);
	fd->srv = srv;
	srv->feeder = fd;
	if ((fd->dns = evdns_base_new(srv->base,
	    EVDNS_BASE_INITIALIZE_NAMESERVERS)) == NULL &&
	    (fd->dns = evdns_base_new(srv->base, 0)) == NULL) {
		snprintf(err, errlen, "feed: no resolver");
		return -1;
	}
	evdns_base_load_hosts(fd->dns, NULL);
	if ((fd->ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(fd->ctx, TLS1_2_VERSION) != 1) {
		snprintf(err, errlen, "feed: no TLS client context");
		return -1;
	}
	SSL_CTX_set_verify(fd->ctx, SSL_VERIFY_PEER, NULL);
	if (ca != NULL ? SSL_CTX_load_verify_file(fd->ctx, ca) != 1 :
	    SSL_CTX_set_default_verify_paths(fd->ctx) != 1) {
		snprintf(err, errlen, "peer_ca_file %s: no certificates could "
		    "be read", ca != NULL ? ca : "(system)");
		return -1;
	}
	fd->poll = event_new(srv->base, -1, EV_PERSIST, poll_cb, fd);
	event_add(fd->poll, &tv);
	notify_subscribe(NOTIFY_PEER, on_peer, fd);
	/* Whatever was queued before a restart goes out now. */
	event_active(fd->poll, EV_TIMEOUT, 0);
	return 0;
}

void
nntp_feed_free(struct server *srv)
{
	struct nntp_feeder	*fd = srv->feeder;
	size_t			 i;

	if (fd == NULL)
		return;
	for (i = 0; srv->peers != NULL && i < srv->peers->n; i++)
		if (srv->peers->v[i]->feed != NULL)
			feed_free(srv->peers->v[i]->feed);
	if (fd->poll != NULL)
		event_free(fd->poll);
	if (fd->dns != NULL)
		evdns_base_free(fd->dns, 0);
	if (fd->ctx != NULL)
		SSL_CTX_free(fd->ctx);
	free(fd);
	srv->feeder = NULL;
}
