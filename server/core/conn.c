/*
 * conn.c -- listeners and the connection layer.
 *
 * Every bufferevent of every protocol lives here: accepting, TLS
 * (implicit and STARTTLS), the line reader with a hard maximum length, the
 * output cap that drops a client which does not read, the idle timer, the
 * token-bucket rate limit with its receive-queue cap, the per-IP and total
 * limits and the deferred free.  Protocol modules see lines (or, for a
 * byte protocol, the input buffer) in and bytes out; this file names none
 * of them (the assembly registers their ops: conn_register_proto()).
 */
#include <sys/resource.h>
#ifdef __linux__
#include <sys/sendfile.h>
#endif
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/bufferevent_ssl.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <zlib.h>

#include "conn.h"
#include "log.h"
#include "ws.h"
#include "xmalloc.h"

/* The protocol of each listener kind (conn_register_proto()). */
static const struct proto_ops	*protos[PROTO_COUNT];
void
conn_register_proto(enum proto p, const struct proto_ops *ops)
{
	if ((unsigned)p < PROTO_COUNT)
		protos[p] = ops;
}
static const struct proto_ops *
proto_ops_of(enum proto p)
{
	if ((unsigned)p >= PROTO_COUNT || protos[p] == NULL)
		fatalx("no protocol registered for %s", proto_name(p));
	return protos[p];
}
/* A protocol's token bucket, or the server-wide one. */
static void
proto_rate(struct server *srv, const struct proto_ops *ops, double *per_sec,
    double *burst)
{
	if (ops->rate != NULL) {
		ops->rate(srv, per_sec, burst);
		return;
	}
	*per_sec = srv->cf->rate_per_sec;
	*burst = srv->cf->rate_burst;
}
/* Seconds a proxy has to send its PROXY header. */
#define PROXY_HEADER_SECONDS	10

/* Lines handled per read event before yielding to other clients. */
#define LINES_PER_EVENT		16
/* Seconds a closing connection may take to flush before it is dropped. */
#define CLOSE_FLUSH_SECONDS	10
/*
 * Writes per connection per flush: one writev reaches only as far as the
 * next body that goes by sendfile(), so pipelined responses take more.
 */
#define FLUSH_WRITES		16
/* Pieces of output looked at per write of a connection that sends files. */
#define FLUSH_IOVECS		32
/*
 * What libevent writes at once to a plain socket that was full
 * (bufferevent_set_max_single_write; its default is 16 KiB, four calls
 * for a 63 KB response): as much as the socket takes.
 */
#define MAX_SINGLE_WRITE	(1024 * 1024)
/* Write low-water mark that triggers on_drain for long replies. */
#define DRAIN_LOW_MARK		(32 * 1024)
/*
 * What one read event takes from a plain socket at most: libevent's
 * (EVBUFFER_MAX_READ), so the input grows, and the protocol is called,
 * in the same steps as when libevent read it (see sock_readcb()).
 */
#define SOCK_READ_MAX		4096

struct listener {
	struct server		*srv;
	enum proto		 proto;
	struct evconnlistener	*evl;
	struct event		*ev_retry;	/* re-enable after EMFILE */
	int			 fd;
	int			 port;
	char			 addr[INET6_ADDRSTRLEN + 2];
};

/* Out of descriptors: accepting pauses this long, and says so once. */
#define ACCEPT_PAUSE_MS		250
#define ACCEPT_LOG_SECONDS	10
static time_t		 accept_logged;
static unsigned long	 accept_failures;

/*
 * The global output cap (output_cap_total): every OUTPUT_SWEEP_MS the
 * output queued to all connections is summed; past the cap the largest
 * queues of clients that are not reading go first, until the total is
 * under the cap again.  Logged once per episode (until the total fell
 * under half the cap).
 */
#define OUTPUT_SWEEP_MS		250
/* A queue smaller than this is not an offender, whatever the total. */
#define OUTPUT_OFFENDER_MIN	(64 * 1024)
static struct event	*ev_sweep;
static int		 sweep_logged;
/*
 * The sum of each connection's output as seen at its last write: an
 * estimate (what drained since is not seen) that only errs high, kept
 * at no cost on the write path so a sweep can run as soon as it passes
 * the cap, at most once per loop iteration.
 */
static size_t		 out_est;
static struct timeval	 sweep_last;

/* Per-IP connection counts: a small chained hash table. */
#define IP_BUCKETS	4096
struct ip_entry {
	struct ip_entry	*next;
	unsigned int	 count;
	char		 ip[64];
};
struct ip_table {
	struct ip_entry	*b[IP_BUCKETS];
};

static char	*line_buf;
static size_t	 line_cap;

/*
 * Plain-text output is written by conn_flush() once per loop iteration,
 * not by the bufferevent: a fan-out to a thousand members then costs
 * one write per member and no epoll_ctl at all, instead of an add and
 * a delete of the write event for each.  Only a socket that is full
 * gets its write event (CONN_F_WBLOCKED) until libevent drained it.
 * TLS connections keep the bufferevent's own writing.
 */
static struct conn_list	 dirty_conns = TAILQ_HEAD_INITIALIZER(dirty_conns);
static struct event	*ev_flush;

/*
 * Group commit (store_batch_open()): from conn_hold() to the end of the
 * loop iteration no connection writes what it is given: each one it
 * reaches gets a staging buffer.  conn_release() then moves it to the
 * connection's output (the batch is durable) or cuts it back to what it
 * held before the hold (the commit failed), so no client sees a message
 * that a crash could lose.
 *
 * A staging buffer is a bare evbuffer: no callbacks, no lock.  Adding a
 * line to a bufferevent's own output runs libevent's output callbacks
 * each time (about a tenth of a fan-out delivery's instructions in user
 * space, issue 20); into the stage it is a copy, and the callbacks run
 * once per member and commit, at the move.  Emptied stages are kept for
 * the next hold (stage_pool), so a fan-out allocates none.
 */
/*
 * With the WAL sync thread (store.c) the commit at the end of the
 * iteration is not yet durable: its replies then wait in their staging
 * buffer until the
 * sync of their ticket is reported (conn_durable()).  While a ticket is
 * committed but not durable (dur_need > dur_done), anything written to
 * any connection waits for it as well, since it may show what that
 * commit stored: nothing leaves before what it could show is durable.
 */
static int		 holding;
struct held {
	struct conn	*c;
	size_t		 mark;	/* stage length before the hold */
};
static struct held	*held;
static size_t		 nheld, held_cap;
#define STAGE_POOL_MAX	4096
static struct evbuffer	*stage_pool[STAGE_POOL_MAX];
static size_t		 nstage_pool;
static struct evbuffer	*stage_get(void);
static void		 hold_add(struct conn *);
static void		 stage_put(struct evbuffer *);
/*
 * The fan-out copy.  A line fanned out to a room during a hold is the
 * same bytes for (nearly) every member: conn_write() copies it once
 * into this buffer, and each held connection notes only the range of
 * it that is its output (c->fan_off, c->fan_len), after what its stage
 * holds.  Lines fanned out one after another lie one after another
 * here, so a member's range grows with each line and reaches its
 * bufferevent in one copy per member and commit (hold_end()), instead
 * of a copy into its stage per line.  A write that does not continue a
 * connection's range first moves the range into its stage (fan_settle()).
 * Emptied when the hold ends (conn_release()).
 */
#define FAN_RECENT	4		/* entries matched against */
#define FAN_MAX_LINE	8192		/* longer writes: into the stage */
#define FAN_MAX		(16 << 20)	/* then into the stage */
static char		*fan;
static size_t		 fan_used, fan_cap;
static size_t		 fan_roff[FAN_RECENT], fan_rlen[FAN_RECENT];
static size_t		 fan_nrecent, fan_next;
static struct conn	**waiters;	/* CONN_F_SYNCWAIT */
static size_t		 nwait, wait_cap;
static uint64_t		 dur_need, dur_done;
static void		(*commit_hook)(void *, int);
static void		*commit_arg;
static void		(*sync_hook)(void *);
static void		*sync_arg;

static void	conn_readcb(struct bufferevent *, void *);
static void	conn_writecb(struct bufferevent *, void *);
static void	conn_eventcb(struct bufferevent *, short, void *);
static void	conn_free_later(struct conn *);
static void	conn_process_input(struct conn *);
static void	conn_process_bytes(struct conn *);
static void	listener_errorcb(struct evconnlistener *, void *);
static void	conn_mark_dirty(struct conn *);
static int	conn_write_files(struct conn *, struct evbuffer *);
static void	hold_forget(struct conn *);
static void	conn_flush_cb(evutil_socket_t, short, void *);
static void	conn_sweep_cb(evutil_socket_t, short, void *);
static size_t	conn_pending_output(struct conn *);
static void	sock_readcb(evutil_socket_t, short, void *);
static void	conn_read_on(struct conn *);
static void	conn_read_off(struct conn *);
static void	conn_read_handback(struct conn *);

struct ip_table *
ip_table_create(void)
{
	return xcalloc(1, sizeof(struct ip_table));
}

void
ip_table_free(struct ip_table *t)
{
	struct ip_entry	*e, *n;
	size_t		 i;

	if (t == NULL)
		return;
	for (i = 0; i < IP_BUCKETS; i++) {
		for (e = t->b[i]; e != NULL; e = n) {
			n = e->next;
			free(e);
		}
	}
	free(t);
}

static unsigned int
ip_hash(const char *s)
{
	unsigned int	h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % IP_BUCKETS;
}

/* Add DELTA to IP's count; returns the new count. */
static unsigned int
ip_table_add(struct ip_table *t, const char *ip, int delta)
{
	struct ip_entry	**pp, *e;
	unsigned int	  h = ip_hash(ip);

	for (pp = &t->b[h]; (e = *pp) != NULL; pp = &e->next)
		if (strcmp(e->ip, ip) == 0)
			break;
	if (e == NULL) {
		if (delta <= 0)
			return 0;
		e = xcalloc(1, sizeof *e);
		snprintf(e->ip, sizeof e->ip, "%s", ip);
		e->next = t->b[h];
		t->b[h] = e;
		pp = &t->b[h];
	}
	if (delta < 0 && e->count < (unsigned int)-delta)
		e->count = 0;
	else
		e->count = (unsigned int)((int)e->count + delta);
	if (e->count == 0) {
		unsigned int	count = 0;

		*pp = e->next;
		free(e);
		return count;
	}
	return e->count;
}

static int
sockaddr_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_UNIX)
		return 1;
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return 1;
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			return in6->sin6_addr.s6_addr[12] == 127;
	}
	return 0;
}

static void
sockaddr_ip(const struct sockaddr *sa, char *buf, size_t len)
{
	if (sa->sa_family == AF_UNIX) {
		snprintf(buf, len, "local");
		return;
	}
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, buf, (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, buf, (socklen_t)len);
	else
		snprintf(buf, len, "unknown");
}

static void	conn_start(struct listener *, evutil_socket_t,
		    const struct sockaddr *);

/*
 * A connection from a proxy_from address, waiting for its PROXY header
 * (v1 or v2) before anything else, TLS included.  Bytes are peeked and
 * only the header's own are consumed: what follows stays in the socket
 * for the TLS handshake or the protocol.
 */
static conn_proxy_fn	proxy_parser;

void
conn_set_proxy_parser(conn_proxy_fn fn)
{
	proxy_parser = fn;
}

struct proxy_wait {
	TAILQ_ENTRY(proxy_wait)	 entry;
	struct listener	*lst;
	evutil_socket_t	 fd;
	struct event	*ev;
	struct timeval	 deadline;
	size_t		 have;		/* header bytes consumed so far */
	unsigned char	 buf[CONN_PROXY_MAX];
};
static TAILQ_HEAD(, proxy_wait)	proxy_waits =
    TAILQ_HEAD_INITIALIZER(proxy_waits);

static void
proxy_wait_end(struct proxy_wait *pw, const char *why)
{
	if (why != NULL) {
		log_info("proxy: connection on %s refused: %s",
		    proto_name(pw->lst->proto), why);
		evutil_closesocket(pw->fd);
	}
	TAILQ_REMOVE(&proxy_waits, pw, entry);
	event_free(pw->ev);
	free(pw);
}

static void
proxy_readcb(evutil_socket_t fd, short what, void *arg)
{
	struct proxy_wait	*pw = arg;
	struct sockaddr_storage	 src;
	struct timeval		 now, left;
	ssize_t			 k;
	int			 r;

	if (what & EV_TIMEOUT) {
		proxy_wait_end(pw, "no PROXY header in time");
		return;
	}
	if (pw->lst->srv->shutting_down) {
		proxy_wait_end(pw, "shutting down");
		return;
	}
	k = recv(fd, pw->buf + pw->have, sizeof pw->buf - pw->have, MSG_PEEK);
	if (k == 0 || (k == -1 && errno != EAGAIN && errno != EINTR)) {
		proxy_wait_end(pw, "closed before its PROXY header");
		return;
	}
	if (k > 0) {
		r = proxy_parser(pw->buf, pw->have + (size_t)k, &src);
		if (r < 0) {
			proxy_wait_end(pw, "bad PROXY header");
			return;
		}
		/*
		 * Consume the header's bytes only; while it is incomplete
		 * every byte peeked belongs to it.
		 */
		k = r > 0 ? r - (ssize_t)pw->have : k;
		if (recv(fd, pw->buf + pw->have, (size_t)k, 0) != k) {
			proxy_wait_end(pw, "read error");
			return;
		}
		pw->have += (size_t)k;
		if (r > 0) {
			struct sockaddr_storage	peer;
			socklen_t		plen = sizeof peer;

			if (src.ss_family == AF_UNSPEC) {
				/* LOCAL or UNKNOWN: the proxy itself. */
				if (getpeername(fd, (struct sockaddr *)&peer,
				    &plen) != 0) {
					proxy_wait_end(pw, "no peer");
					return;
				}
			} else
				peer = src;
			conn_start(pw->lst, fd, (struct sockaddr *)&peer);
			proxy_wait_end(pw, NULL);
			return;
		}
	}
	event_base_gettimeofday_cached(pw->lst->srv->base, &now);
	if (!timercmp(&now, &pw->deadline, <)) {
		proxy_wait_end(pw, "no PROXY header in time");
		return;
	}
	timersub(&pw->deadline, &now, &left);
	event_add(pw->ev, &left);
}

/*
 * Accept one connection on any listener.  From a proxy_from address it
 * first waits for the PROXY header naming the real client; then
 * conn_start() applies the limits to that client, wraps the socket in a
 * (TLS) bufferevent and greets.
 */
static void
listener_acceptcb(struct evconnlistener *evl, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct listener		*lst = arg;
	struct server		*srv = lst->srv;
	struct proxy_wait	*pw;
	struct timeval		 tv = { PROXY_HEADER_SECONDS, 0 };
	int			 one = 1;

	(void)evl;
	(void)salen;
	if (srv->shutting_down) {
		evutil_closesocket(fd);
		return;
	}
	if (sa->sa_family != AF_UNIX)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	evutil_make_socket_nonblocking(fd);
	if (proxy_parser == NULL ||
	    !config_addr_in_list(srv->cf->proxy_from, sa)) {
		conn_start(lst, fd, sa);
		return;
	}
	pw = xcalloc(1, sizeof *pw);
	pw->lst = lst;
	pw->fd = fd;
	event_base_gettimeofday_cached(srv->base, &pw->deadline);
	timeradd(&pw->deadline, &tv, &pw->deadline);
	pw->ev = event_new(srv->base, fd, EV_READ, proxy_readcb, pw);
	event_add(pw->ev, &tv);
	TAILQ_INSERT_TAIL(&proxy_waits, pw, entry);
}

/* A connection with its client's address SA: limits, TLS, greeting. */
static void
conn_start(struct listener *lst, evutil_socket_t fd,
    const struct sockaddr *sa)
{
	struct server	*srv = lst->srv;
	struct conn	*c;
	SSL		*ssl;
	int		 refuse = 0;
	const char	*why = NULL;
	unsigned int	 n;
	double		 rate, burst;

	c = xcalloc(1, sizeof *c);
	c->id = ++srv->next_conn_id;
	c->srv = srv;
	c->lst = lst;
	c->proto = lst->proto;
	c->ops = proto_ops_of(lst->proto);
	c->fd = fd;
	c->connected = time(NULL);
	sockaddr_ip(sa, c->ip, sizeof c->ip);
	if (sockaddr_is_loopback(sa))
		c->flags |= CONN_F_LOOPBACK;
	proto_rate(srv, c->ops, &rate, &burst);
	c->tokens = burst;
	evutil_gettimeofday(&c->refill, NULL);
	c->idle_timeout = srv->cf->idle_timeout;
	c->max_line = c->ops->max_line(srv);

	if (proto_is_tls(lst->proto)) {
		if ((ssl = SSL_new(srv->tls_ctx)) == NULL) {
			log_warnx("conn=%llu TLS: SSL_new failed",
			    (unsigned long long)c->id);
			evutil_closesocket(fd);
			free(c);
			return;
		}
		c->bev = bufferevent_openssl_socket_new(srv->base, fd, ssl,
		    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
		c->flags |= CONN_F_TLS;
	} else
		c->bev = bufferevent_socket_new(srv->base, fd,
		    BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		log_warnx("conn=%llu cannot create bufferevent",
		    (unsigned long long)c->id);
		evutil_closesocket(fd);
		free(c);
		return;
	}
	if (c->flags & CONN_F_TLS)
		bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	bufferevent_setcb(c->bev, conn_readcb, conn_writecb, conn_eventcb, c);
	/*
	 * Plain text: conn_flush_cb() writes (see the top), so the
	 * write event a new bufferevent starts with is switched off, and
	 * sock_readcb() reads, so libevent's read stays off until a layer
	 * goes on (conn_read_handback()).
	 */
	if (c->flags & CONN_F_TLS) {
		bufferevent_setwatermark(c->bev, EV_READ, 0,
		    c->max_line + 16384);
		bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	} else {
		bufferevent_disable(c->bev, EV_WRITE);
		bufferevent_set_max_single_write(c->bev, MAX_SINGLE_WRITE);
		c->ev_read = event_new(srv->base, fd, EV_READ | EV_PERSIST,
		    sock_readcb, c);
		if (c->ev_read == NULL)
			fatalx("out of memory");
		c->flags |= CONN_F_OWNREAD;
		conn_read_on(c);
	}

	if (ev_sweep == NULL) {
		struct timeval	tv = { 0, OUTPUT_SWEEP_MS * 1000 };

		ev_sweep = event_new(srv->base, -1, EV_PERSIST, conn_sweep_cb,
		    srv);
		evtimer_add(ev_sweep, &tv);
	}
	TAILQ_INSERT_TAIL(&srv->conns, c, entry);
	srv->nconns[c->proto]++;
	srv->nconns_total++;
	n = ip_table_add(srv->ips, c->ip, 1);

	if (srv->nconns_total > (unsigned int)srv->cf->max_conns) {
		refuse = 1;
		why = "Server is full, try again later";
	} else if (n > (unsigned int)srv->cf->max_conns_per_ip) {
		refuse = 1;
		why = "Too many connections from your address";
	}
	/* The idle timer doubles as the flush deadline when closing. */
	c->ev_idle = NULL;
	log_debug("conn=%llu proto=%s accepted", (unsigned long long)c->id,
	    proto_name(c->proto));
	if (refuse) {
		log_info("conn=%llu proto=%s refused reason=\"%s\"",
		    (unsigned long long)c->id, proto_name(c->proto), why);
		if (c->ops->on_refuse != NULL)
			c->ops->on_refuse(c, why);
		conn_close(c, why);
		return;
	}
	conn_set_idle(c, c->idle_timeout);
	if (c->ops->on_open != NULL)
		c->ops->on_open(c);
}

static void
idle_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	(void)fd;
	(void)what;
	if (c->flags & CONN_F_FREED)
		return;
	if (c->flags & CONN_F_CLOSING) {
		/* Flush deadline passed: drop what is left. */
		conn_free_later(c);
		return;
	}
	if (c->ops->on_idle != NULL) {
		if (c->ops->on_idle(c) == CONN_GONE)
			return;
	} else
		conn_close(c, "idle timeout");
}

/* (Re)arm the idle timer for SECONDS from now; 0 disables it. */
void
conn_set_idle(struct conn *c, int seconds)
{
	struct timeval	tv = { seconds, 0 };

	if (c->ev_idle == NULL)
		c->ev_idle = evtimer_new(c->srv->base, idle_cb, c);
	c->idle_timeout = seconds;
	if (seconds > 0)
		evtimer_add(c->ev_idle, &tv);
	else
		evtimer_del(c->ev_idle);
}

void
conn_touch(struct conn *c)
{
	if (c->idle_timeout > 0 && !(c->flags & CONN_F_CLOSING))
		conn_set_idle(c, c->idle_timeout);
}

static void
resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	(void)fd;
	(void)what;
	if (c->flags & (CONN_F_FREED | CONN_F_CLOSING))
		return;
	c->flags &= ~CONN_F_PAUSED;
	conn_read_on(c);
	conn_process_input(c);
}

/* Run conn_process_input again after DELAY_US microseconds. */
static void
conn_schedule_resume(struct conn *c, long delay_us)
{
	struct timeval	tv = { delay_us / 1000000, delay_us % 1000000 };

	if (c->ev_resume == NULL)
		c->ev_resume = evtimer_new(c->srv->base, resume_cb, c);
	evtimer_add(c->ev_resume, &tv);
}

/*
 * Charge COST tokens.  The bucket refills at rate_per_second up to
 * rate_burst.  Returns 0 when the command may run now.
 */
int
conn_charge(struct conn *c, double cost)
{
	struct timeval	now, d;
	double		elapsed, rate, burst;

	proto_rate(c->srv, c->ops, &rate, &burst);
	event_base_gettimeofday_cached(c->srv->base, &now);
	timersub(&now, &c->refill, &d);
	elapsed = (double)d.tv_sec + (double)d.tv_usec / 1e6;
	if (elapsed > 0) {
		c->tokens += elapsed * rate;
		if (c->tokens > burst)
			c->tokens = burst;
		c->refill = now;
	}
	if (c->tokens < cost)
		return -1;
	c->tokens -= cost;
	return 0;
}

void
conn_debit(struct conn *c, double cost)
{
	c->tokens -= cost;
}

/*
 * Pause C's reading until its bucket holds NEED tokens again (the price
 * of the line that waits), and count the pause for the status report.
 */
static void
conn_wait_tokens(struct conn *c, double need)
{
	double	deficit = need - c->tokens, rate, burst;
	long	us;

	proto_rate(c->srv, c->ops, &rate, &burst);
	us = (long)(deficit / rate * 1e6);
	c->flags |= CONN_F_PAUSED;
	if ((unsigned)c->proto < PROTO_COUNT)
		c->srv->rate_waits[c->proto]++;
	conn_schedule_resume(c, us < 1000 ? 1000 : us);
}

/*
 * The price of the line LINE (LEN bytes, NUL-terminated): the
 * protocol's, else one token; never more than the bucket holds, so
 * every line can be paid for eventually.
 */
static double
conn_line_cost(struct conn *c, const char *line, size_t len)
{
	double	cost = 1, rate, burst;

	if (c->ops->line_cost != NULL) {
		cost = c->ops->line_cost(c, line, len);
		proto_rate(c->srv, c->ops, &rate, &burst);
		if (cost > burst)
			cost = burst;
		if (cost < 0)
			cost = 0;
	}
	return cost;
}

/*
 * A byte protocol: hand the input buffer to on_input, one message at a
 * time, at most LINES_PER_EVENT per call.  A message costs one token; a
 * call that took nothing (CONN_MORE) gets its token back.
 */
static void
conn_process_bytes(struct conn *c)
{
	struct evbuffer	*in;
	double		 rate, burst;
	int		 n = 0, rc;

	while (!(c->flags & (CONN_F_CLOSING | CONN_F_FREED | CONN_F_PAUSED |
	    CONN_F_HANDSHAKING | CONN_F_WAITING))) {
		in = bufferevent_get_input(c->bev);
		if (evbuffer_get_length(in) == 0)
			return;
		if (n++ >= LINES_PER_EVENT) {
			conn_schedule_resume(c, 0);
			return;
		}
		if (!(c->flags & CONN_F_FREE_LINES) &&
		    conn_charge(c, 1) != 0) {
			conn_wait_tokens(c, 1);
			return;
		}
		rc = c->ops->on_input(c, in);
		if (rc == CONN_GONE)
			return;
		if (c->ops->on_input == NULL) {
			/* Now a line protocol (conn_websocket()). */
			conn_schedule_resume(c, 0);
			return;
		}
		if (rc == CONN_MORE) {
			if (!(c->flags & CONN_F_FREE_LINES)) {
				proto_rate(c->srv, c->ops, &rate, &burst);
				c->tokens += 1;
				if (c->tokens > burst)
					c->tokens = burst;
			}
			return;
		}
	}
}

/*
 * Take complete lines from the input buffer and hand them to the
 * protocol, at most LINES_PER_EVENT per call so one busy client cannot
 * starve the others; the rest is handled on the next loop iteration.
 */
static void
conn_process_lines(struct conn *c)
{
	struct evbuffer		*in;
	struct evbuffer_ptr	 p;
	size_t			 eol_len, len, clen, avail;
	double			 cost;
	int			 n = 0, touched = 0;

	while (!(c->flags & (CONN_F_CLOSING | CONN_F_FREED | CONN_F_PAUSED |
	    CONN_F_HANDSHAKING | CONN_F_WAITING))) {
		in = bufferevent_get_input(c->bev);
		avail = evbuffer_get_length(in);
		if (avail == 0) {
			/* Every line before a WebSocket close was read. */
			if (c->ws != NULL && ws_finished(c->ws))
				conn_close(c, "WebSocket closed");
			return;
		}
		if (n++ >= LINES_PER_EVENT) {
			conn_schedule_resume(c, 0);
			return;
		}
		p = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_LF);
		if (p.pos == -1) {
			if (avail > c->max_line) {
				/* Drop the oversized line as it arrives. */
				evbuffer_drain(in, avail);
				if (!(c->flags & CONN_F_DISCARD)) {
					c->flags |= CONN_F_DISCARD;
					if (c->ops->on_line_too_long != NULL &&
					    c->ops->on_line_too_long(c) ==
					    CONN_GONE)
						return;
				}
			}
			return;
		}
		len = (size_t)p.pos;
		if (c->flags & CONN_F_DISCARD) {
			/* The tail of an oversized line. */
			evbuffer_drain(in, len + eol_len);
			c->flags &= ~CONN_F_DISCARD;
			continue;
		}
		if (len > c->max_line) {
			evbuffer_drain(in, len + eol_len);
			if (c->ops->on_line_too_long != NULL &&
			    c->ops->on_line_too_long(c) == CONN_GONE)
				return;
			continue;
		}
		if (len + 1 > line_cap) {
			line_cap = len + 1 < 4096 ? 4096 : len + 1;
			line_buf = xrealloc(line_buf, line_cap);
		}
		/*
		 * Copied, priced, and only taken from the buffer once paid:
		 * a line that must wait stays where it is.
		 */
		evbuffer_copyout(in, line_buf, len);
		clen = len;
		if (clen > 0 && line_buf[clen - 1] == '\r')
			clen--;
		line_buf[clen] = '\0';
		if (!(c->flags & CONN_F_FREE_LINES)) {
			cost = conn_line_cost(c, line_buf, clen);
			if (conn_charge(c, cost) != 0) {
				conn_wait_tokens(c, cost);
				return;
			}
		}
		evbuffer_drain(in, len + eol_len);
		len = clen;
		/*
		 * The idle timer restarts once per call, not per line: the
		 * lines of one read come in the same instant, and re-arming
		 * it was a timer-heap update per line of an article (issue
		 * 20).  A protocol that sets another timeout arms it itself.
		 */
		if (!touched) {
			conn_touch(c);
			touched = 1;
		}
		if (c->ops->on_line(c, line_buf, len) == CONN_GONE)
			return;
	}
}

/*
 * Hand C's input to the protocol.  Never re-entered: a STARTTLS
 * connection's TLS filter reads synchronously when its read is enabled
 * again, and libevent enables it from inside our own evbuffer_remove()
 * once the input fell below the high-water mark; the nested read
 * callback would take the following lines (overwriting line_buf) before
 * the current one is finished and its end of line drained, reordering
 * and splitting the command stream.  The outer loop sees the new bytes
 * on its next turn, so nothing waits.
 */
static void
conn_process_input(struct conn *c)
{
	if (c->flags & CONN_F_READING)
		return;
	c->flags |= CONN_F_READING;
	if (c->ops->on_input != NULL)
		conn_process_bytes(c);
	else
		conn_process_lines(c);
	c->flags &= ~CONN_F_READING;
	/* Reading stopped at the mark: on again once the input drained. */
	if (c->flags & CONN_F_RDFULL)
		conn_read_on(c);
}

/* The most input a connection holds (libevent's read high-water mark). */
static size_t
conn_read_mark(const struct conn *c)
{
	return c->max_line + 16384;
}

/*
 * Reading of C on: a plain socket's own event, unless closing, or the
 * input holds its mark already (CONN_F_RDFULL: conn_process_input()
 * comes back here once it drained); else the bufferevent's.
 */
static void
conn_read_on(struct conn *c)
{
	if (!(c->flags & CONN_F_OWNREAD)) {
		bufferevent_enable(c->bev, EV_READ);
		return;
	}
	if (c->flags & (CONN_F_CLOSING | CONN_F_FREED))
		return;
	if (evbuffer_get_length(bufferevent_get_input(c->bev)) >=
	    conn_read_mark(c)) {
		c->flags |= CONN_F_RDFULL;
		event_del(c->ev_read);
		return;
	}
	c->flags &= ~CONN_F_RDFULL;
	/* Already pending: libevent does nothing. */
	event_add(c->ev_read, NULL);
}

static void
conn_read_off(struct conn *c)
{
	if (c->flags & CONN_F_OWNREAD)
		event_del(c->ev_read);
	else
		bufferevent_disable(c->bev, EV_READ);
}

/*
 * A layer (TLS, WebSocket, COMPRESS) goes on over C's socket: libevent
 * reads it from now on, from where sock_readcb() left off (what it read
 * and nobody took is in the bufferevent's input, for the layer).
 */
static void
conn_read_handback(struct conn *c)
{
	if (!(c->flags & CONN_F_OWNREAD))
		return;
	event_free(c->ev_read);
	c->ev_read = NULL;
	c->flags &= ~(CONN_F_OWNREAD | CONN_F_RDFULL);
	bufferevent_setwatermark(c->bev, EV_READ, 0, conn_read_mark(c));
	bufferevent_enable(c->bev, EV_READ);
}

/*
 * A plain socket is readable.  libevent's own read (evbuffer_read())
 * asks the kernel how much is waiting (ioctl FIONREAD) before every
 * read: a system call per request on top of the read (issue 20).  This
 * is that read without it, and otherwise libevent's: at most
 * SOCK_READ_MAX bytes, never past the input's mark, the read callback
 * after every read that took something, reading stopped while the
 * input holds its mark, end of file or an error to the event callback.
 * Same steps, same semantics: the rate limit's flood check, a
 * protocol's pause and the output cap see the input grow exactly as
 * before (test_foundation's slow reader: a resume still pending from a
 * previous read's LINES_PER_EVENT budget runs after the read that
 * paused NNTP, so the pipelined commands go on until the output cap).
 */
static void
sock_readcb(evutil_socket_t fd, short what, void *arg)
{
	struct conn		*c = arg;
	struct evbuffer		*in = bufferevent_get_input(c->bev);
	struct evbuffer_iovec	 v[2];
	struct iovec		 iov[2];
	size_t			 len, mark = conn_read_mark(c), want, left;
	ssize_t			 n;
	int			 nv, i;

	(void)what;
	len = evbuffer_get_length(in);
	if (len >= mark) {
		c->flags |= CONN_F_RDFULL;
		event_del(c->ev_read);
		return;
	}
	want = mark - len;
	if (want > SOCK_READ_MAX)
		want = SOCK_READ_MAX;
	/* The end of a socket bufferevent's input is frozen (see flush). */
	evbuffer_unfreeze(in, 0);
	if ((nv = evbuffer_reserve_space(in, (ev_ssize_t)want, v, 2)) <= 0)
		fatalx("out of memory");
	for (i = 0, left = want; i < nv; i++) {
		if (v[i].iov_len > left)
			v[i].iov_len = left;
		left -= v[i].iov_len;
		iov[i].iov_base = v[i].iov_base;
		iov[i].iov_len = v[i].iov_len;
	}
	n = readv(fd, iov, nv);
	if (n > 0) {
		for (i = 0, left = (size_t)n; i < nv; i++) {
			if (v[i].iov_len > left)
				v[i].iov_len = left;
			left -= v[i].iov_len;
		}
		for (i = nv; i > 1 && v[i - 1].iov_len == 0; i--)
			;
		evbuffer_commit_space(in, v, i);
	} else
		evbuffer_commit_space(in, v, 0);
	evbuffer_freeze(in, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return;
	if (n <= 0) {
		conn_read_off(c);
		conn_eventcb(c->bev, BEV_EVENT_READING | (n == 0 ?
		    BEV_EVENT_EOF : BEV_EVENT_ERROR), c);
		return;
	}
	if (len + (size_t)n >= mark) {
		c->flags |= CONN_F_RDFULL;
		event_del(c->ev_read);
	}
	conn_readcb(c->bev, c);
}

static void
conn_readcb(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;
	size_t		 avail;

	(void)bev;
	if (c->flags & (CONN_F_CLOSING | CONN_F_FREED)) {
		evbuffer_drain(bufferevent_get_input(c->bev),
		    evbuffer_get_length(bufferevent_get_input(c->bev)));
		return;
	}
	if (c->flags & (CONN_F_PAUSED | CONN_F_WAITING)) {
		/*
		 * The client keeps sending while it is rate limited: once
		 * its receive queue is full it is flooding.
		 */
		avail = evbuffer_get_length(bufferevent_get_input(c->bev));
		if (avail >= c->max_line + 16384 && c->ops->on_flood != NULL)
			c->ops->on_flood(c);
		return;
	}
	conn_process_input(c);
}

/* Output queued in every layer (compression, TLS, socket). */
static size_t
conn_pending_output(struct conn *c)
{
	struct bufferevent	*u;
	size_t			 n = c->fan_len + (c->stage != NULL ?
				    evbuffer_get_length(c->stage) : 0);

	/* Called for every line queued: the common case goes straight. */
	if (!(c->flags & CONN_F_LAYERED))
		return n + evbuffer_get_length(bufferevent_get_output(c->bev));
	for (u = c->bev; u != NULL; u = bufferevent_get_underlying(u))
		n += evbuffer_get_length(bufferevent_get_output(u));
	return n;
}

static void
conn_writecb(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;

	(void)bev;
	if (c->flags & CONN_F_FREED)
		return;
	if (c->flags & CONN_F_CLOSING) {
		if (conn_pending_output(c) == 0)
			conn_free_later(c);
		return;
	}
	if ((c->flags & CONN_F_WBLOCKED) && conn_pending_output(c) == 0) {
		/* Drained: back to writing from conn_flush(). */
		c->flags &= ~CONN_F_WBLOCKED;
		bufferevent_disable(c->bev, EV_WRITE);
	}
	if (c->ops->on_drain != NULL)
		c->ops->on_drain(c);
}

static void
conn_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct conn	*c = arg;
	unsigned long	 e;

	(void)bev;
	if (c->flags & CONN_F_FREED)
		return;
	if (what & BEV_EVENT_CONNECTED) {
		/* TLS handshake done (STARTTLS or implicit). */
		if (c->flags & CONN_F_HANDSHAKING) {
			c->flags &= ~CONN_F_HANDSHAKING;
			if (c->ops->on_tls_ready != NULL)
				c->ops->on_tls_ready(c);
			conn_process_input(c);
		}
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		if ((c->flags & CONN_F_TLS) &&
		    (e = bufferevent_get_openssl_error(c->bev)) != 0)
			log_info("conn=%llu proto=%s TLS error: %s",
			    (unsigned long long)c->id, proto_name(c->proto),
			    ERR_reason_error_string(e));
		else
			log_debug("conn=%llu socket error",
			    (unsigned long long)c->id);
	}
	log_debug("conn=%llu proto=%s closed by peer",
	    (unsigned long long)c->id, proto_name(c->proto));
	conn_free_later(c);
}

/*
 * Free C now: protocol state, bufferevent, events, counters.  Only the
 * loop (conn_free_cb) and the final clean-up (conn_free_all) call it.
 */
static void
conn_destroy(struct conn *c)
{
	struct server	*srv = c->srv;

	if (c->wait_cancel != NULL)
		c->wait_cancel(c->wait_arg);
	c->wait_cancel = NULL;
	if (c->ops->on_free != NULL)
		c->ops->on_free(c);
	if (c->flags & CONN_F_DIRTY)
		TAILQ_REMOVE(&dirty_conns, c, dirty);
	if (c->flags & CONN_F_HELD) {
		hold_forget(c);
		if (c->stage != NULL)
			stage_put(c->stage);
		c->stage = NULL;
		c->fan_len = 0;
	}
	if (c->close_cb != NULL)
		evbuffer_remove_cb_entry(c->close_out, c->close_cb);
	/* Before the bufferevent closes the socket. */
	if (c->ev_read != NULL)
		event_free(c->ev_read);
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	if (c->ev_idle != NULL)
		event_free(c->ev_idle);
	if (c->ev_resume != NULL)
		event_free(c->ev_resume);
	if (c->ev_free != NULL)
		event_free(c->ev_free);
	out_est -= c->seen_out < out_est ? c->seen_out : out_est;
	TAILQ_REMOVE(&srv->conns, c, entry);
	srv->nconns[c->proto]--;
	srv->nconns_total--;
	ip_table_add(srv->ips, c->ip, -1);
	log_debug("conn=%llu freed", (unsigned long long)c->id);
	free(c);
}

/* At exit: free what the loop did not get to, and the flush event. */
void
conn_free_all(struct server *srv)
{
	struct conn	*c;

	while ((c = TAILQ_FIRST(&srv->conns)) != NULL)
		conn_destroy(c);
	while (!TAILQ_EMPTY(&proxy_waits))
		proxy_wait_end(TAILQ_FIRST(&proxy_waits), "shutting down");
	if (ev_flush != NULL) {
		event_free(ev_flush);
		ev_flush = NULL;
	}
	if (ev_sweep != NULL) {
		event_free(ev_sweep);
		ev_sweep = NULL;
	}
	free(held);
	held = NULL;
	nheld = held_cap = 0;
	holding = 0;
	free(waiters);
	waiters = NULL;
	nwait = wait_cap = 0;
	while (nstage_pool > 0)
		evbuffer_free(stage_pool[--nstage_pool]);
	free(fan);
	fan = NULL;
	fan_used = fan_cap = fan_nrecent = fan_next = 0;
}

static void
conn_free_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;
	struct server	*srv = c->srv;

	(void)fd;
	(void)what;
	conn_destroy(c);
	/* Shutting down and the last goodbye went out: leave the loop. */
	if (srv->shutting_down && srv->nconns_total == 0)
		event_base_loopexit(srv->base, NULL);
}

/* Schedule the free for the next loop iteration (STYLE: free later). */
static void
conn_free_later(struct conn *c)
{
	if (c->flags & CONN_F_FREED)
		return;
	c->flags |= CONN_F_FREED | CONN_F_CLOSING;
	conn_read_off(c);
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	c->ev_free = event_new(c->srv->base, -1, 0, conn_free_cb, c);
	event_active(c->ev_free, EV_TIMEOUT, 0);
}

/*
 * A closing layered connection (STARTTLS, COMPRESS): the bottom
 * (socket) buffer changed.  The filter's own write callback fires when
 * its output moved down a layer, not when the socket took the last
 * byte, so without this the free would wait for the flush deadline.
 */
static void
conn_close_drained(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct conn	*c = arg;

	(void)buf;
	if (info->n_deleted > 0 && (c->flags & CONN_F_CLOSING) &&
	    !(c->flags & CONN_F_FREED) && conn_pending_output(c) == 0)
		conn_free_later(c);
}

void
conn_close(struct conn *c, const char *reason)
{
	struct bufferevent	*u;

	if (c->flags & (CONN_F_CLOSING | CONN_F_FREED))
		return;
	log_debug("conn=%llu proto=%s closing reason=\"%s\"",
	    (unsigned long long)c->id, proto_name(c->proto),
	    reason != NULL ? reason : "");
	c->flags |= CONN_F_CLOSING;
	conn_read_off(c);
	/*
	 * A WebSocket says goodbye with a close frame, after what is
	 * queued (held output of a group commit would come after it: then
	 * the client sees the TCP close alone).
	 */
	if (c->ws != NULL && c->stage == NULL)
		ws_close(c->ws, c->srv->shutting_down ? WS_CLOSE_GOING_AWAY :
		    WS_CLOSE_NORMAL);
	if (conn_pending_output(c) == 0) {
		conn_free_later(c);
		return;
	}
	/* What is left goes out through libevent, then the free. */
	bufferevent_enable(c->bev, EV_WRITE);
	if ((c->flags & CONN_F_LAYERED) && c->close_cb == NULL) {
		for (u = c->bev; bufferevent_get_underlying(u) != NULL;
		    u = bufferevent_get_underlying(u))
			;
		c->close_out = bufferevent_get_output(u);
		c->close_cb = evbuffer_add_cb(c->close_out,
		    conn_close_drained, c);
	}
	/* Give the output CLOSE_FLUSH_SECONDS to drain, then drop it. */
	if (c->ev_idle == NULL)
		c->ev_idle = evtimer_new(c->srv->base, idle_cb, c);
	{
		struct timeval	tv = { CLOSE_FLUSH_SECONDS, 0 };

		evtimer_add(c->ev_idle, &tv);
	}
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
}

int
conn_is_closing(const struct conn *c)
{
	return (c->flags & (CONN_F_CLOSING | CONN_F_FREED)) != 0;
}

int
conn_is_tls(const struct conn *c)
{
	return (c->flags & CONN_F_TLS) != 0;
}

int
conn_is_loopback(const struct conn *c)
{
	return (c->flags & CONN_F_LOOPBACK) != 0;
}

int
conn_addr_in_list(const struct conn *c, const char *list)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*in4 = (struct sockaddr_in *)(void *)&ss;
	struct sockaddr_in6	*in6 = (struct sockaddr_in6 *)(void *)&ss;

	if (list == NULL)
		return 0;
	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, c->ip, &in4->sin_addr) == 1)
		ss.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, c->ip, &in6->sin6_addr) == 1)
		ss.ss_family = AF_INET6;
	else
		return 0;
	return config_addr_in_list(list, (struct sockaddr *)(void *)&ss);
}

size_t
conn_output_len(struct conn *c)
{
	return conn_pending_output(c);
}

static void
wait_add(struct conn *c)
{
	if (nwait == wait_cap) {
		wait_cap = wait_cap == 0 ? 64 : wait_cap * 2;
		waiters = xreallocarray(waiters, wait_cap, sizeof *waiters);
	}
	waiters[nwait++] = c;
	c->flags |= CONN_F_SYNCWAIT | CONN_F_HELD;
}

/* C goes away, or stops being held: out of both lists. */
static void
hold_forget(struct conn *c)
{
	size_t	i;

	if (c->flags & CONN_F_HOLDNOW)
		for (i = 0; i < nheld; i++)
			if (held[i].c == c)
				held[i].c = NULL;
	if (c->flags & CONN_F_SYNCWAIT)
		for (i = 0; i < nwait; i++)
			if (waiters[i] == c)
				waiters[i] = NULL;
	c->flags &= ~(CONN_F_HELD | CONN_F_HOLDNOW | CONN_F_SYNCWAIT);
}

/* Move C's range of the fan-out copy to the end of its stage. */
static void
fan_settle(struct conn *c)
{
	if (c->fan_len == 0)
		return;
	evbuffer_add(c->stage, fan + c->fan_off, c->fan_len);
	c->fan_len = 0;
}

/*
 * Where the LEN bytes at BUF are in the fan-out copy: one of the last
 * few entries when it holds the same bytes, else a new entry at its end;
 * (size_t)-1 when the copy is full.
 */
static size_t
fan_add(const void *buf, size_t len)
{
	size_t	i, j, off;

	/* The newest first: a room's fan-out repeats the last line added. */
	for (i = 0, j = fan_next; i < fan_nrecent; i++) {
		j = (j + FAN_RECENT - 1) % FAN_RECENT;
		if (fan_rlen[j] == len && memcmp(fan + fan_roff[j], buf,
		    len) == 0)
			return fan_roff[j];
	}
	if (fan_used + len > fan_cap) {
		if (fan_used + len > FAN_MAX)
			return (size_t)-1;
		while (fan_used + len > fan_cap)
			fan_cap = fan_cap == 0 ? 65536 : fan_cap * 2;
		fan = xrealloc(fan, fan_cap);
	}
	off = fan_used;
	memcpy(fan + off, buf, len);
	fan_used += len;
	fan_roff[fan_next] = off;
	fan_rlen[fan_next] = len;
	fan_next = (fan_next + 1) % FAN_RECENT;
	if (fan_nrecent < FAN_RECENT)
		fan_nrecent++;
	return off;
}

/* An empty staging buffer: one from the pool, else a new one. */
static struct evbuffer *
stage_get(void)
{
	struct evbuffer	*b;

	if (nstage_pool > 0)
		return stage_pool[--nstage_pool];
	if ((b = evbuffer_new()) == NULL)
		fatalx("out of memory");
	return b;
}

/* Give back staging buffer B, emptying it. */
static void
stage_put(struct evbuffer *b)
{
	evbuffer_drain(b, evbuffer_get_length(b));
	if (nstage_pool < STAGE_POOL_MAX)
		stage_pool[nstage_pool++] = b;
	else
		evbuffer_free(b);
}

/* Where output to C goes now: its bufferevent, or its staging buffer. */
static struct evbuffer *
out_buf(struct conn *c)
{
	if (!holding) {
		if (!(c->flags & CONN_F_HELD)) {
			if (dur_need <= dur_done)
				return bufferevent_get_output(c->bev);
			/* Committed, not yet durable: this may show it. */
			c->stage = stage_get();
			wait_add(c);
		}
		/* Held here means waiting for a sync. */
		c->hold_need = dur_need;
		return c->stage;
	}
	hold_add(c);
	/* Added to directly: after what its range of the copy holds. */
	fan_settle(c);
	return c->stage;
}

/* During a hold: C joins it (its stage takes its output) if not yet. */
static void
hold_add(struct conn *c)
{
	if (c->flags & CONN_F_HOLDNOW)
		return;
	if (nheld == held_cap) {
		held_cap = held_cap == 0 ? 64 : held_cap * 2;
		held = xreallocarray(held, held_cap, sizeof *held);
	}
	if (c->stage == NULL)
		c->stage = stage_get();
	held[nheld].c = c;
	held[nheld++].mark = evbuffer_get_length(c->stage);
	c->flags |= CONN_F_HELD | CONN_F_HOLDNOW;
}

void
conn_set_commit_hook(void (*fn)(void *, int), void *arg)
{
	commit_hook = fn;
	commit_arg = arg;
}

void
conn_set_sync_hook(void (*fn)(void *), void *arg)
{
	sync_hook = fn;
	sync_arg = arg;
}

void
conn_hold(struct server *srv)
{
	if (holding)
		return;
	holding = 1;
	if (ev_flush == NULL)
		ev_flush = event_new(srv->base, -1, 0, conn_flush_cb, NULL);
	event_active(ev_flush, EV_TIMEOUT, 0);
}

/* Cut C's staging buffer back to its first LEN bytes. */
static void
cut_stage(struct conn *c, size_t len)
{
	struct evbuffer	*keep;

	if (evbuffer_get_length(c->stage) <= len)
		return;
	keep = evbuffer_new();
	evbuffer_remove_buffer(c->stage, keep, len);
	evbuffer_drain(c->stage, evbuffer_get_length(c->stage));
	evbuffer_add_buffer(c->stage, keep);
	evbuffer_free(keep);
}

/* C's held output may go: into its bufferevent, flushed as usual. */
static void
hold_end(struct conn *c)
{
	struct evbuffer	*out;
	size_t		 fan_len = c->fan_len;

	c->flags &= ~(CONN_F_HELD | CONN_F_SYNCWAIT);
	c->fan_len = 0;
	if (c->stage == NULL)
		return;
	if (!(c->flags & CONN_F_FREED) &&
	    (fan_len > 0 || evbuffer_get_length(c->stage) > 0)) {
		out = bufferevent_get_output(c->bev);
		evbuffer_add_buffer(out, c->stage);
		if (fan_len > 0)
			evbuffer_add(out, fan + c->fan_off, fan_len);
		/* The output cap, once per member and commit (conn_write()). */
		if (!(c->flags & CONN_F_CLOSING))
			(void)conn_check_output(c);
		conn_mark_dirty(c);
	}
	stage_put(c->stage);
	c->stage = NULL;
}

/*
 * Release the waiters whose ticket is durable (all of them, their output
 * dropped, when !OK); one also held by this iteration's commit waits for
 * conn_release().
 */
static void
waiters_sweep(int ok)
{
	struct conn	*c;
	size_t		 i, n = 0;

	for (i = 0; i < nwait; i++) {
		if ((c = waiters[i]) == NULL)
			continue;
		if (c->flags & CONN_F_HOLDNOW) {
			waiters[n++] = c;
			continue;
		}
		if (!ok && c->stage != NULL) {
			c->fan_len = 0;
			evbuffer_drain(c->stage, evbuffer_get_length(c->stage));
		}
		if (ok && c->hold_need > dur_done) {
			waiters[n++] = c;
			continue;
		}
		hold_end(c);
	}
	nwait = n;
}

void
conn_release(int ok, uint64_t need)
{
	struct conn	*c;
	size_t		 i;

	holding = 0;
	if (need > dur_need)
		dur_need = need;
	for (i = 0; i < nheld; i++) {
		if ((c = held[i].c) == NULL)
			continue;
		c->flags &= ~CONN_F_HOLDNOW;
		if (!ok) {
			c->fan_len = 0;
			cut_stage(c, held[i].mark);
		}
		if (dur_need <= dur_done && !(c->flags & CONN_F_SYNCWAIT)) {
			hold_end(c);
			continue;
		}
		/* The fan-out copy is emptied below: keep it in the stage. */
		fan_settle(c);
		c->hold_need = dur_need;
		if (c->flags & CONN_F_SYNCWAIT)
			continue;
		/* Not durable yet: wait for the sync thread. */
		wait_add(c);
	}
	nheld = 0;
	fan_used = fan_nrecent = fan_next = 0;
	waiters_sweep(1);
}

void
conn_durable(uint64_t done, int ok)
{
	if (done > dur_done)
		dur_done = done;
	/* A failed sync: nothing committed is believed durable; stop. */
	if (!ok)
		dur_done = dur_need;
	waiters_sweep(ok);
}

/*
 * C is about to put a layer (TLS, COMPRESS, WebSocket) on its socket:
 * what is held for it was written for the layer below, so it must go
 * out first.  End this iteration's group commit now (as a transaction
 * starting in between would) and make everything durable (the sync
 * hook blocks for it); rare, and only while commits are in flight.
 */
static void
hold_unlayer(struct conn *c)
{
	if ((c->flags & CONN_F_HOLDNOW) && holding) {
		if (commit_hook != NULL)
			commit_hook(commit_arg, 1);
		else
			conn_release(1, 0);
	}
	if ((c->flags & CONN_F_SYNCWAIT) && sync_hook != NULL)
		sync_hook(sync_arg);
	if (c->flags & CONN_F_HELD) {
		/* The sync failed (its output is dropped) or no hook. */
		hold_forget(c);
		hold_end(c);
	}
}

struct evbuffer *
conn_output(struct conn *c)
{
	/*
	 * The caller adds to the buffer directly: queue the flush now (it
	 * runs after this callback), or the bytes would wait for the next
	 * conn_write().
	 */
	conn_mark_dirty(c);
	return out_buf(c);
}

static int
offender_cmp(const void *a, const void *b)
{
	const struct offender {
		struct conn	*c;
		size_t		 n;
	}		*x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : 0;
}

/*
 * The global output cap: sum what is queued to every connection; past
 * output_cap_total drop the largest queues of clients that are not
 * reading (a plain socket that is full, or a TLS or layered connection
 * with output left after its own writes) until the total is under the
 * cap.  Like the per-connection cap (Redis' client-output-buffer-limit,
 * ngircd's write buffer limit), but for the sum, so that many slow
 * readers cannot together take memory that one may not.
 */
static void
conn_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server	*srv = arg;
	struct offender {
		struct conn	*c;
		size_t		 n;
	}		*off = NULL;
	struct conn	*c;
	size_t		 total = 0, n, noff = 0, cap_off = 0, i, dropped = 0;
	size_t		 largest = 0, cap = srv->cf->output_cap_total;

	(void)fd;
	(void)what;
	event_base_gettimeofday_cached(srv->base, &sweep_last);
	TAILQ_FOREACH(c, &srv->conns, entry) {
		if (c->flags & CONN_F_FREED) {
			c->seen_out = 0;
			continue;
		}
		n = c->seen_out = conn_pending_output(c);
		total += n;
		if (n < OUTPUT_OFFENDER_MIN || (!(c->flags & CONN_F_WBLOCKED) &&
		    !(c->flags & (CONN_F_TLS | CONN_F_LAYERED))))
			continue;
		if (noff == cap_off) {
			cap_off = cap_off == 0 ? 16 : cap_off * 2;
			off = xreallocarray(off, cap_off, sizeof *off);
		}
		off[noff].c = c;
		off[noff++].n = n;
	}
	out_est = total;
	if (total <= cap) {
		if (total < cap / 2)
			sweep_logged = 0;
		free(off);
		return;
	}
	qsort(off, noff, sizeof *off, offender_cmp);
	for (i = 0; i < noff && total > cap; i++) {
		log_debug("conn=%llu proto=%s dropped: %zu bytes queued, "
		    "output_cap_total passed", (unsigned long long)off[i].c->id,
		    proto_name(off[i].c->proto), off[i].n);
		if (off[i].n > largest)
			largest = off[i].n;
		conn_free_later(off[i].c);
		off[i].c->seen_out = 0;
		total -= off[i].n;
		dropped++;
	}
	out_est = total;
	if (!sweep_logged) {
		log_warnx("output_cap_total of %zu bytes passed: dropped %zu "
		    "connection%s not reading (largest queue %zu bytes), %zu "
		    "bytes left queued", cap, dropped, dropped == 1 ? "" : "s",
		    largest, total);
		sweep_logged = 1;
	}
	free(off);
}

/*
 * Drop a client whose unsent output passed the cap: it is not reading,
 * and its queue must not grow without bound (ngircd WRITEBUFFER_MAX_LEN).
 */
int
conn_check_output(struct conn *c)
{
	struct timeval	now, d;
	size_t		n;

	if (c->flags & (CONN_F_FREED | CONN_F_CLOSING))
		return 1;
	n = conn_pending_output(c);
	out_est = out_est - (c->seen_out < out_est ? c->seen_out : out_est) +
	    n;
	c->seen_out = n;
	if (out_est > c->srv->cf->output_cap_total) {
		/* At most one sweep per loop iteration (cached time). */
		event_base_gettimeofday_cached(c->srv->base, &now);
		timersub(&now, &sweep_last, &d);
		if (d.tv_sec > 0 || d.tv_usec > 0) {
			conn_sweep_cb(-1, 0, c->srv);
			if (c->flags & CONN_F_FREED)
				return 1;
		}
	}
	if (n > c->srv->cf->output_cap) {
		log_info("conn=%llu proto=%s dropped: output cap of %zu bytes "
		    "reached (slow reader)", (unsigned long long)c->id,
		    proto_name(c->proto), c->srv->cf->output_cap);
		conn_free_later(c);
		return 1;
	}
	return 0;
}

void
conn_write(struct conn *c, const void *buf, size_t len)
{
	size_t	off;

	if (c->flags & (CONN_F_FREED | CONN_F_CLOSING))
		return;
	/*
	 * During a hold: into the fan-out copy (see there).  The output
	 * cap is checked when the held output reaches the bufferevent
	 * (hold_end()): once per member and commit, not per line; what
	 * one iteration can stage is bounded by what it reads.
	 */
	if (holding && len <= FAN_MAX_LINE &&
	    (off = fan_add(buf, len)) != (size_t)-1) {
		hold_add(c);
		if (c->fan_len > 0 && c->fan_off + c->fan_len == off)
			c->fan_len += len;
		else {
			fan_settle(c);
			c->fan_off = off;
			c->fan_len = len;
		}
		return;
	}
	evbuffer_add(out_buf(c), buf, len);
	if (conn_check_output(c) == 0)
		conn_mark_dirty(c);
}

void
conn_vprintf(struct conn *c, const char *fmt, va_list ap)
{
	if (c->flags & (CONN_F_FREED | CONN_F_CLOSING))
		return;
	evbuffer_add_vprintf(out_buf(c), fmt, ap);
	if (conn_check_output(c) == 0)
		conn_mark_dirty(c);
}

void
conn_printf(struct conn *c, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	conn_vprintf(c, fmt, ap);
	va_end(ap);
}

void
conn_want_drain(struct conn *c, int on)
{
	if (c->flags & CONN_F_FREED)
		return;
	if (on)
		c->flags |= CONN_F_WANTDRAIN;
	else
		c->flags &= ~CONN_F_WANTDRAIN;
	bufferevent_setwatermark(c->bev, EV_WRITE, on ? DRAIN_LOW_MARK : 0,
	    0);
	if (on)
		conn_mark_dirty(c);
}

/*
 * Write every plain connection's queued output, once per loop
 * iteration.  A socket that cannot take it all gets its write event
 * (CONN_F_WBLOCKED) and libevent writes the rest.  A connection that
 * asked for on_drain hears when its output fell below the low mark.
 */
static void
conn_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c;
	struct evbuffer	*out;
	int		 n, tries;

	(void)fd;
	(void)what;
	(void)arg;
	/* The group commit first: what it held may go out only if durable. */
	if (holding) {
		if (commit_hook != NULL)
			commit_hook(commit_arg, 0);
		else
			conn_release(1, 0);
	}
	while ((c = TAILQ_FIRST(&dirty_conns)) != NULL) {
		TAILQ_REMOVE(&dirty_conns, c, dirty);
		c->flags &= ~CONN_F_DIRTY;
		if (c->flags & (CONN_F_FREED | CONN_F_CLOSING))
			continue;
		out = bufferevent_get_output(c->bev);
		/* A filter's (COMPRESS, WebSocket) layer below writes. */
		if (!(c->flags & (CONN_F_WBLOCKED | CONN_F_LAYERED)) &&
		    evbuffer_get_length(out) > 0) {
			/*
			 * A socket bufferevent keeps the front of its output
			 * frozen against draining from outside; we are its
			 * only other writer, between its own writes.
			 */
			evbuffer_unfreeze(out, 1);
			errno = 0;
			/*
			 * Each write goes as far as the next file segment (a
			 * body sent with sendfile()) or the end: go on while
			 * the socket takes it, so a response is head and body
			 * now, not the body at the next write event.
			 */
			tries = 0;
			do
				n = (c->flags & CONN_F_FILES) ?
				    conn_write_files(c, out) :
				    evbuffer_write(out, c->fd);
			while (n > 0 && evbuffer_get_length(out) > 0 &&
			    ++tries < FLUSH_WRITES);
			evbuffer_freeze(out, 1);
			if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR) {
				log_debug("conn=%llu write error: %s",
				    (unsigned long long)c->id, strerror(errno));
				conn_free_later(c);
				continue;
			}
			if (evbuffer_get_length(out) > 0) {
				c->flags |= CONN_F_WBLOCKED;
				bufferevent_enable(c->bev, EV_WRITE);
			}
		}
		if ((c->flags & CONN_F_WANTDRAIN) &&
		    !(c->flags & CONN_F_WBLOCKED) &&
		    evbuffer_get_length(out) <= DRAIN_LOW_MARK &&
		    c->ops->on_drain != NULL)
			c->ops->on_drain(c);
	}
}

/* Queue C for conn_flush_cb() at the end of this loop iteration. */
static void
conn_mark_dirty(struct conn *c)
{
	if (c->flags & (CONN_F_DIRTY | CONN_F_FREED | CONN_F_TLS))
		return;
	if (ev_flush == NULL)
		ev_flush = event_new(c->srv->base, -1, 0, conn_flush_cb, NULL);
	if (TAILQ_EMPTY(&dirty_conns))
		event_active(ev_flush, EV_TIMEOUT, 0);
	c->flags |= CONN_F_DIRTY;
	TAILQ_INSERT_TAIL(&dirty_conns, c, dirty);
}

void
conn_set_max_line(struct conn *c, size_t max)
{
	if (max == 0)
		max = c->ops->max_line(c->srv);
	c->max_line = max;
	if (c->flags & CONN_F_FREED)
		return;
	if (c->flags & CONN_F_OWNREAD) {
		/* A higher mark: reading stopped at the old one goes on. */
		if (c->flags & CONN_F_RDFULL)
			conn_read_on(c);
	} else
		bufferevent_setwatermark(c->bev, EV_READ, 0, max + 16384);
}

void
conn_set_free_lines(struct conn *c, int on)
{
	if (on)
		c->flags |= CONN_F_FREE_LINES;
	else
		c->flags &= ~CONN_F_FREE_LINES;
}

void
conn_pause(struct conn *c)
{
	c->flags |= CONN_F_PAUSED;
}

void
conn_resume(struct conn *c)
{
	if (c->flags & (CONN_F_FREED | CONN_F_CLOSING))
		return;
	conn_schedule_resume(c, 0);
}

void
conn_wait(struct conn *c, void (*cancel)(void *), void *arg)
{
	c->flags |= CONN_F_WAITING;
	c->wait_cancel = cancel;
	c->wait_arg = arg;
}

/* The job is done: handle the input that waited, from the loop. */
void
conn_unwait(struct conn *c)
{
	c->flags &= ~CONN_F_WAITING;
	c->wait_cancel = NULL;
	c->wait_arg = NULL;
	if (c->flags & (CONN_F_FREED | CONN_F_CLOSING))
		return;
	if (!(c->flags & CONN_F_PAUSED))
		conn_schedule_resume(c, 0);
}

/*
 * Switch a plain connection to TLS.  The caller has queued its "go
 * ahead" reply (NNTP 382), which the underlying bufferevent still sends in
 * clear; everything after it is encrypted.  Input after the command line
 * is left for the TLS filter (RFC 4642 forbids pipelining past it).
 */
int
conn_starttls(struct conn *c)
{
	SSL			*ssl;
	struct bufferevent	*fb;

	if ((ssl = SSL_new(c->srv->tls_ctx)) == NULL)
		return -1;
	hold_unlayer(c);
	conn_read_handback(c);
	/*
	 * The "go ahead" reply is still queued in clear: libevent writes
	 * it on the socket's own bufferevent from now on.
	 */
	if (c->flags & CONN_F_DIRTY) {
		TAILQ_REMOVE(&dirty_conns, c, dirty);
		c->flags &= ~CONN_F_DIRTY;
	}
	c->flags &= ~CONN_F_WBLOCKED;
	bufferevent_enable(c->bev, EV_WRITE);
	fb = bufferevent_openssl_filter_new(c->srv->base, c->bev, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (fb == NULL) {
		SSL_free(ssl);
		return -1;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(fb, 1);
	c->bev = fb;
	c->flags |= CONN_F_TLS | CONN_F_HANDSHAKING | CONN_F_LAYERED;
	bufferevent_setcb(fb, conn_readcb, conn_writecb, conn_eventcb, c);
	bufferevent_setwatermark(fb, EV_READ, 0, c->max_line + 16384);
	bufferevent_enable(fb, EV_READ | EV_WRITE);
	return 0;
}

int
conn_websocket(struct conn *c, int binary, enum proto p)
{
	struct server		*srv = c->srv;
	const struct proto_ops	*ops = proto_ops_of(p);
	struct bufferevent	*under = c->bev, *fb;
	double			 rate, burst;

	if (c->flags & (CONN_F_CLOSING | CONN_F_FREED | CONN_F_LAYERED |
	    CONN_F_WAITING | CONN_F_HANDSHAKING))
		return -1;
	/* The 101 is HTTP, below the filter: it goes out first. */
	hold_unlayer(c);
	conn_read_handback(c);
	/*
	 * The 101 reply is queued in clear below the filter: libevent
	 * writes that layer from now on (as after STARTTLS).
	 */
	if (c->flags & CONN_F_DIRTY) {
		TAILQ_REMOVE(&dirty_conns, c, dirty);
		c->flags &= ~CONN_F_DIRTY;
	}
	c->flags &= ~(CONN_F_WBLOCKED | CONN_F_WANTDRAIN | CONN_F_FREE_LINES |
	    CONN_F_DISCARD | CONN_F_PAUSED);
	bufferevent_setwatermark(under, EV_WRITE, 0, 0);
	bufferevent_enable(under, EV_WRITE);
	if (c->ops->on_free != NULL)
		c->ops->on_free(c);
	c->pstate = NULL;
	srv->nconns[c->proto]--;
	c->proto = p;
	c->ops = ops;
	srv->nconns[p]++;
	c->max_line = ops->max_line(srv);
	/* A message may end in the CR LF the specification forbids. */
	if ((fb = ws_filter_new(c, under, binary, c->max_line + 2)) == NULL)
		return -1;
	c->bev = fb;
	c->flags |= CONN_F_LAYERED;
	bufferevent_setcb(fb, conn_readcb, conn_writecb, conn_eventcb, c);
	bufferevent_setwatermark(fb, EV_READ, 0, c->max_line + 16384);
	bufferevent_enable(fb, EV_READ | EV_WRITE);
	proto_rate(srv, ops, &rate, &burst);
	c->tokens = burst;
	evutil_gettimeofday(&c->refill, NULL);
	conn_set_idle(c, srv->cf->idle_timeout);
	log_debug("conn=%llu proto=%s over WebSocket (%s messages)",
	    (unsigned long long)c->id, proto_name(p), binary ? "binary" :
	    "text");
	if (ops->on_open != NULL && ops->on_open(c) == CONN_GONE)
		return 0;
	/* Frames the client sent right behind its request. */
	if (evbuffer_get_length(bufferevent_get_input(under)) > 0)
		bufferevent_trigger(under, EV_READ, BEV_TRIG_IGNORE_WATERMARKS |
		    BEV_TRIG_DEFER_CALLBACKS);
	return 0;
}

struct ssl_st *
conn_ssl(struct conn *c)
{
	struct bufferevent	*u;
	SSL			*ssl;

	if (!(c->flags & CONN_F_TLS))
		return NULL;
	for (u = c->bev; u != NULL; u = bufferevent_get_underlying(u))
		if ((ssl = bufferevent_openssl_get_ssl(u)) != NULL)
			return ssl;
	return NULL;
}

/* COMPRESS DEFLATE: one zlib stream each way (RFC 8054, raw deflate). */
struct conn_zlib {
	z_stream	in;
	z_stream	out;
};

static void
zlib_free(void *arg)
{
	struct conn_zlib	*z = arg;

	inflateEnd(&z->in);
	deflateEnd(&z->out);
	free(z);
}

/*
 * Run SRC through zlib into DST.  Output is flushed (Z_SYNC_FLUSH) each
 * time, so every reply reaches the client whole.
 */
static enum bufferevent_filter_result
zlib_run(z_stream *z, int deflating, struct evbuffer *src,
    struct evbuffer *dst)
{
	struct evbuffer_iovec	vin, vout;
	size_t			used;
	int			rc, n;

	for (;;) {
		n = evbuffer_peek(src, -1, NULL, &vin, 1);
		if (n == 0) {
			vin.iov_base = NULL;
			vin.iov_len = 0;
		}
		if (evbuffer_reserve_space(dst, 16384, &vout, 1) < 1)
			return BEV_ERROR;
		z->next_in = vin.iov_base;
		z->avail_in = (uInt)vin.iov_len;
		z->next_out = vout.iov_base;
		z->avail_out = (uInt)vout.iov_len;
		rc = deflating ? deflate(z, Z_SYNC_FLUSH) :
		    inflate(z, Z_SYNC_FLUSH);
		if (rc != Z_OK && rc != Z_BUF_ERROR)
			return BEV_ERROR;
		used = vin.iov_len - z->avail_in;
		evbuffer_drain(src, used);
		vout.iov_len -= z->avail_out;
		evbuffer_commit_space(dst, &vout, 1);
		/* Done when all input is used and output had room left. */
		if (evbuffer_get_length(src) == 0 && z->avail_out > 0)
			break;
		if (used == 0 && vout.iov_len == 0)
			break;
	}
	return BEV_OK;
}

static enum bufferevent_filter_result
zlib_input(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t lim,
    enum bufferevent_flush_mode mode, void *arg)
{
	struct conn_zlib	*z = arg;

	(void)lim;
	(void)mode;
	return zlib_run(&z->in, 0, src, dst);
}

static enum bufferevent_filter_result
zlib_output(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t lim,
    enum bufferevent_flush_mode mode, void *arg)
{
	struct conn_zlib	*z = arg;

	(void)lim;
	(void)mode;
	if (evbuffer_get_length(src) == 0)
		return BEV_OK;
	return zlib_run(&z->out, 1, src, dst);
}

int
conn_compress(struct conn *c)
{
	struct conn_zlib	*z;
	struct bufferevent	*fb;

	hold_unlayer(c);
	conn_read_handback(c);
	z = xcalloc(1, sizeof *z);
	if (inflateInit2(&z->in, -15) != Z_OK) {
		free(z);
		return -1;
	}
	if (deflateInit2(&z->out, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		inflateEnd(&z->in);
		free(z);
		return -1;
	}
	fb = bufferevent_filter_new(c->bev, zlib_input, zlib_output,
	    BEV_OPT_CLOSE_ON_FREE, zlib_free, z);
	if (fb == NULL) {
		zlib_free(z);
		return -1;
	}
	c->bev = fb;
	c->flags |= CONN_F_LAYERED;
	bufferevent_setcb(fb, conn_readcb, conn_writecb, conn_eventcb, c);
	bufferevent_setwatermark(fb, EV_READ, 0, c->max_line + 16384);
	bufferevent_enable(fb, EV_READ | EV_WRITE);
	return 0;
}

/* SHA-256 fingerprint of the client certificate as hex, or NULL. */
const char *
conn_peer_fingerprint(struct conn *c, char *buf, size_t len)
{
	SSL		*ssl;
	X509		*x;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen, i;

	if ((ssl = conn_ssl(c)) == NULL ||
	    (x = SSL_get0_peer_certificate(ssl)) == NULL)
		return NULL;
	if (X509_digest(x, EVP_sha256(), md, &mdlen) != 1 ||
	    len < mdlen * 2 + 1)
		return NULL;
	for (i = 0; i < mdlen; i++)
		snprintf(buf + i * 2, 3, "%02x", md[i]);
	return buf;
}

/* Tell every client the server is going down and close them all. */
void
conn_shutdown_all(struct server *srv)
{
	struct conn	*c, *n;

	for (c = TAILQ_FIRST(&srv->conns); c != NULL; c = n) {
		n = TAILQ_NEXT(c, entry);
		if (c->flags & (CONN_F_FREED | CONN_F_CLOSING))
			continue;
		if (c->ops->on_shutdown != NULL)
			c->ops->on_shutdown(c);
		conn_close(c, "server shutting down");
	}
}

/* Listeners. */

/*
 * The listen backlog: listen_backlog, or unset (0) the kernel's own
 * ceiling net.core.somaxconn (4096 on current kernels), which listen()
 * would cap a larger value to anyway.  A backlog shorter than a burst
 * of connections makes the kernel drop SYNs, and each dropped client
 * waits a second for its retransmission.
 */
static int
listen_backlog(const struct config *cf)
{
	FILE	*f;
	int	 n = 0;

	if (cf->listen_backlog > 0)
		return cf->listen_backlog;
	if ((f = fopen("/proc/sys/net/core/somaxconn", "re")) != NULL) {
		if (fscanf(f, "%d", &n) != 1)
			n = 0;
		fclose(f);
	}
	return n > 0 ? n : 4096;
}

static int
bind_socket(const struct addrinfo *ai, int backlog)
{
	int	fd, one = 1;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	/*
	 * Accepted sockets inherit TCP_NODELAY on Linux, so a reply written
	 * in two parts never waits on the client's delayed ACK.
	 */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, backlog) == -1) {
		int	saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/*
 * Open every socket the listen spec names (a host name may give IPv4
 * and IPv6).  Returns 0, or -1 after logging.
 */
int
listener_open(struct server *srv, const struct listen_spec *ls)
{
	struct addrinfo		 hints, *res, *ai;
	struct listener		*lst;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	const char		*host;
	int			 fd, rc, opened = 0, skipped = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	host = (strcmp(ls->addr, "*") == 0) ? NULL : ls->addr;
	if ((rc = getaddrinfo(host, ls->port, &hints, &res)) != 0) {
		log_warnx("listen %s=%s:%s: %s", proto_name(ls->proto),
		    ls->addr, ls->port, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = bind_socket(ai, listen_backlog(srv->cf))) ==
		    -1) {
			/*
			 * A machine without IPv6 cannot bind [::1]: say so
			 * and go on with the other listeners.
			 */
			if (ai->ai_family == AF_INET6 && (errno ==
			    EADDRNOTAVAIL || errno == EAFNOSUPPORT)) {
				log_warn("listen %s=%s:%s skipped",
				    proto_name(ls->proto), ls->addr, ls->port);
				skipped++;
				continue;
			}
			log_warn("listen %s=%s:%s", proto_name(ls->proto),
			    ls->addr, ls->port);
			continue;
		}
		lst = xcalloc(1, sizeof *lst);
		lst->srv = srv;
		lst->proto = ls->proto;
		lst->fd = fd;
		sslen = sizeof ss;
		getsockname(fd, (struct sockaddr *)&ss, &sslen);
		if (ss.ss_family == AF_INET6) {
			lst->port = ntohs(((struct sockaddr_in6 *)&ss)->
			    sin6_port);
			lst->addr[0] = '[';
			sockaddr_ip((struct sockaddr *)&ss, lst->addr + 1,
			    sizeof lst->addr - 2);
			strcat(lst->addr, "]");
		} else {
			lst->port = ntohs(((struct sockaddr_in *)&ss)->
			    sin_port);
			sockaddr_ip((struct sockaddr *)&ss, lst->addr,
			    sizeof lst->addr);
		}
		/* Backlog 0: listening already (-1 would listen(fd, 128)). */
		lst->evl = evconnlistener_new(srv->base, listener_acceptcb,
		    lst, LEV_OPT_CLOSE_ON_FREE, 0, fd);
		if (lst->evl == NULL) {
			log_warnx("listen %s: evconnlistener failed",
			    proto_name(ls->proto));
			close(fd);
			free(lst);
			continue;
		}
		evconnlistener_set_error_cb(lst->evl, listener_errorcb);
		srv->listeners = xreallocarray(srv->listeners,
		    srv->nlisteners + 1, sizeof *srv->listeners);
		srv->listeners[srv->nlisteners++] = lst;
		log_info("listening proto=%s addr=%s:%d", proto_name(lst->proto),
		    lst->addr, lst->port);
		opened++;
	}
	freeaddrinfo(res);
	return (opened > 0 || skipped > 0) ? 0 : -1;
}

/*
 * The admin socket: a Unix stream socket at PATH with MODE, served by the
 * admin protocol through the same connection layer.
 */
int
listener_open_unix(struct server *srv, const char *path, mode_t mode)
{
	struct sockaddr_un	 sun;
	struct listener		*lst;
	int			 fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		log_warnx("admin socket path too long: %s", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		log_warn("admin socket");
		return -1;
	}
	/* A stale socket from a crashed run is in the way: replace it. */
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1 ||
	    chmod(path, mode) == -1 || listen(fd, 16) == -1) {
		log_warn("admin socket %s", path);
		close(fd);
		return -1;
	}
	lst = xcalloc(1, sizeof *lst);
	lst->srv = srv;
	lst->proto = PROTO_ADMIN;
	lst->fd = fd;
	snprintf(lst->addr, sizeof lst->addr, "unix");
	lst->evl = evconnlistener_new(srv->base, listener_acceptcb, lst,
	    LEV_OPT_CLOSE_ON_FREE, 0, fd);
	if (lst->evl == NULL) {
		close(fd);
		free(lst);
		return -1;
	}
	evconnlistener_set_error_cb(lst->evl, listener_errorcb);
	srv->listeners = xreallocarray(srv->listeners, srv->nlisteners + 1,
	    sizeof *srv->listeners);
	srv->listeners[srv->nlisteners++] = lst;
	log_info("listening proto=admin path=%s", path);
	return 0;
}

static void
listener_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct listener	*lst = arg;

	(void)fd;
	(void)what;
	if (!lst->srv->shutting_down)
		evconnlistener_enable(lst->evl);
}

/*
 * accept() failed.  Out of descriptors (or memory) the pending
 * connection stays in the kernel's queue, so a level-triggered listener
 * would fail again at once, for ever: pause it for ACCEPT_PAUSE_MS
 * instead, and log once per ACCEPT_LOG_SECONDS with the count.  The
 * clients waiting in the backlog are accepted when descriptors free up.
 */
static void
listener_errorcb(struct evconnlistener *evl, void *arg)
{
	struct listener	*lst = arg;
	int		 err = EVUTIL_SOCKET_ERROR();
	struct timeval	 tv = { 0, ACCEPT_PAUSE_MS * 1000 };
	time_t		 now = time(NULL);

	accept_failures++;
	if (now - accept_logged >= ACCEPT_LOG_SECONDS) {
		log_warnx("accept on %s %s:%d failed (%lu time%s): %s%s",
		    proto_name(lst->proto), lst->addr, lst->port,
		    accept_failures, accept_failures == 1 ? "" : "s",
		    evutil_socket_error_to_string(err),
		    err == EMFILE || err == ENFILE ? "; pausing accepts" : "");
		accept_logged = now;
		accept_failures = 0;
	}
	if (err != EMFILE && err != ENFILE && err != ENOBUFS &&
	    err != ENOMEM)
		return;
	evconnlistener_disable(evl);
	if (lst->ev_retry == NULL)
		lst->ev_retry = evtimer_new(lst->srv->base, listener_retry_cb,
		    lst);
	evtimer_add(lst->ev_retry, &tv);
}

/* Stop accepting new connections (SIGTERM). */
void
listener_disable_all(struct server *srv)
{
	size_t	i;

	for (i = 0; i < srv->nlisteners; i++)
		if (srv->listeners[i]->evl != NULL)
			evconnlistener_disable(srv->listeners[i]->evl);
}

void
listeners_close(struct server *srv)
{
	size_t	i;

	for (i = 0; i < srv->nlisteners; i++) {
		if (srv->listeners[i]->evl != NULL)
			evconnlistener_free(srv->listeners[i]->evl);
		if (srv->listeners[i]->ev_retry != NULL)
			event_free(srv->listeners[i]->ev_retry);
		free(srv->listeners[i]);
	}
	free(srv->listeners);
	srv->listeners = NULL;
	srv->nlisteners = 0;
	free(line_buf);
	line_buf = NULL;
	line_cap = 0;
	if (ev_flush != NULL) {
		event_free(ev_flush);
		ev_flush = NULL;
	}
	TAILQ_INIT(&dirty_conns);
}

int
listener_port(struct listener *l)
{
	return l->port;
}

enum proto
listener_proto(struct listener *l)
{
	return l->proto;
}

const char *
listener_addr(struct listener *l)
{
	return l->addr;
}

/*
 * Bodies sent from files.  A protocol registers a sealed file and its
 * read-only mapping (conn_file_register()) and adds references to the
 * mapping to a plain connection's output (conn_add_file_ref()); the
 * flush then sends every piece of that output lying in a registered
 * mapping with sendfile() from the file, so the kernel takes the pages
 * by reference instead of copying them into the socket, and the bytes
 * before such a piece (a response's head) with MSG_MORE, so that head
 * and body leave in one packet rather than two (what nginx does only
 * with tcp_nopush, at the cost of two setsockopt calls per response).
 * What libevent writes itself (a socket that was full) it writes from
 * the mapping: the same bytes, copied.
 */
struct file_map {
	const char	*base;
	size_t		 len;
	int		 fd;
};
static struct file_map	file_maps[CONN_FD_FILES];
static size_t		nfile_maps;

int
conn_file_register(const void *map, size_t len, int fd)
{
#ifndef __linux__
	/* No sendfile() from any file to a socket here. */
	return -1;
#endif
	if (nfile_maps == CONN_FD_FILES || len == 0)
		return -1;
	file_maps[nfile_maps].base = map;
	file_maps[nfile_maps].len = len;
	file_maps[nfile_maps].fd = fd;
	nfile_maps++;
	return 0;
}

void
conn_file_unregister(const void *map)
{
	size_t	i;

	for (i = 0; i < nfile_maps; i++)
		if (file_maps[i].base == map) {
			file_maps[i] = file_maps[--nfile_maps];
			return;
		}
}

/* The registered file whose mapping holds P, or NULL. */
static const struct file_map *
file_map_of(const void *p)
{
	const char	*q = p;
	size_t		 i;

	for (i = 0; i < nfile_maps; i++)
		if (q >= file_maps[i].base &&
		    q < file_maps[i].base + file_maps[i].len)
			return &file_maps[i];
	return NULL;
}

int
conn_add_file_ref(struct conn *c, struct evbuffer *out, const void *data,
    size_t len, evbuffer_ref_cleanup_cb cleanup, void *arg)
{
	if (evbuffer_add_reference(out, data, len, cleanup, arg) != 0)
		return -1;
	if (!(c->flags & CONN_F_TLS))
		c->flags |= CONN_F_FILES;
	return 0;
}

/*
 * One write of plain connection C's output OUT (its front unfrozen),
 * which may hold pieces of registered files: the memory before the
 * first such piece in one sendmsg() (MSG_MORE when the piece follows),
 * or the piece itself with sendfile().  Drains what was written and
 * returns its length, 0 or -1 (errno) as evbuffer_write() does.
 */
static int
conn_write_files(struct conn *c, struct evbuffer *out)
{
	struct evbuffer_iovec	 v[FLUSH_IOVECS];
	struct iovec		 iov[FLUSH_IOVECS];
	struct msghdr		 m;
	const struct file_map	*f = NULL;
	off_t			 off;
	ssize_t			 n;
	int			 nv, i;

	nv = evbuffer_peek(out, -1, NULL, v, FLUSH_IOVECS);
	if (nv > FLUSH_IOVECS)
		nv = FLUSH_IOVECS;
	for (i = 0; i < nv; i++) {
		if (nfile_maps > 0 && (f = file_map_of(v[i].iov_base)) != NULL)
			break;
		iov[i].iov_base = v[i].iov_base;
		iov[i].iov_len = v[i].iov_len;
	}
	if (i == 0 && f != NULL) {
		off = (off_t)((const char *)v[0].iov_base - f->base);
#ifdef __linux__
		n = sendfile(c->fd, f->fd, &off, v[0].iov_len);
#else
		n = -1;	/* never: nothing is registered */
		errno = ENOSYS;
#endif
	} else if (i == 0)
		return 0;
	else {
		memset(&m, 0, sizeof m);
		m.msg_iov = iov;
		m.msg_iovlen = (size_t)i;
		n = sendmsg(c->fd, &m, MSG_NOSIGNAL | (f != NULL ? MSG_MORE :
		    0));
	}
	if (n > 0)
		evbuffer_drain(out, (size_t)n);
	return n > INT_MAX ? INT_MAX : (int)n;
}

/*
 * Descriptors the server needs besides its connections: standard
 * streams, the log, two sockets per listen line (a name may give IPv4
 * and IPv6) and the admin socket, the database with its WAL and shared
 * memory for the loop and again for the checkpointer thread, SQLite's
 * temporary files, the event base (epoll, signal and notify pipes),
 * files read on SIGHUP and exports, bodies sent from files
 * (CONN_FD_FILES), and a reserve so that running out
 * is met by the accept pause, not by a failed open() elsewhere.
 */
#define FD_FIXED	16	/* stdio, log, event base, urandom, SIGHUP */
#define FD_STORE	12	/* db, -wal, -shm twice; temp files */
#define FD_RESERVE	32

int
conn_fd_overhead(const struct config *cf)
{
	return FD_FIXED + FD_STORE + CONN_FD_FILES + FD_RESERVE +
	    2 * (int)cf->nlistens + 1;
}

/*
 * One descriptor budget for every listener: max_connections plus what
 * the server itself needs (conn_fd_overhead) must fit RLIMIT_NOFILE.
 * If the soft limit is too low it is raised, up to the hard limit (or
 * past it when privileged).  Returns 0 with what was done in MSG, or
 * -1 with the numbers and the remedy in MSG.
 */
int
conn_fd_budget(struct config *cf, char *msg, size_t len)
{
	struct rlimit	rl, want;
	rlim_t		need, soft;
	int		over = conn_fd_overhead(cf), fit;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		snprintf(msg, len, "getrlimit(RLIMIT_NOFILE): %s",
		    strerror(errno));
		return -1;
	}
	/*
	 * Not set: the default, or as many as the hard limit leaves room
	 * for (a small box keeps working; a set value is never cut).
	 */
	if (cf->max_conns == 0) {
		cf->max_conns = CONN_MAX_DEFAULT;
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max <
		    (rlim_t)CONN_MAX_DEFAULT + (rlim_t)over &&
		    (fit = (int)rl.rlim_max - over) >= 16) {
			want.rlim_cur = want.rlim_max = rl.rlim_max;
			if (setrlimit(RLIMIT_NOFILE, &want) != 0) {
				snprintf(msg, len, "setrlimit(RLIMIT_NOFILE): "
				    "%s", strerror(errno));
				return -1;
			}
			cf->max_conns = fit;
			snprintf(msg, len, "descriptor budget: max_connections "
			    "not set: %d, what RLIMIT_NOFILE %llu leaves after "
			    "%d for the server (%d wanted)", fit,
			    (unsigned long long)rl.rlim_max, over,
			    CONN_MAX_DEFAULT);
			return 0;
		}
	}
	need = (rlim_t)cf->max_conns + (rlim_t)over;
	soft = rl.rlim_cur;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		want.rlim_cur = need;
		want.rlim_max = rl.rlim_max != RLIM_INFINITY &&
		    rl.rlim_max < need ? need : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &want) != 0) {
			snprintf(msg, len, "max_connections = %d does not fit "
			    "the descriptor limit: it needs %llu descriptors "
			    "(%d connections + %d for %zu listen lines, the "
			    "admin socket, the database, its WAL and "
			    "checkpointer, the log and a reserve) but "
			    "RLIMIT_NOFILE allows %llu (soft %llu, hard %llu); "
			    "lower max_connections to at most %lld or raise "
			    "the hard limit (LimitNOFILE= in hearthd.service, "
			    "ulimit -Hn)", cf->max_conns,
			    (unsigned long long)need, cf->max_conns, over,
			    cf->nlistens, (unsigned long long)rl.rlim_max,
			    (unsigned long long)rl.rlim_cur,
			    (unsigned long long)rl.rlim_max,
			    (long long)rl.rlim_max - over);
			return -1;
		}
		snprintf(msg, len, "descriptor budget: raised RLIMIT_NOFILE "
		    "from %llu to %llu (max_connections %d + %d for the "
		    "server)", (unsigned long long)soft,
		    (unsigned long long)need, cf->max_conns, over);
		return 0;
	}
	snprintf(msg, len, "descriptor budget: %llu of RLIMIT_NOFILE %llu "
	    "(max_connections %d + %d for the server)",
	    (unsigned long long)need, (unsigned long long)soft, cf->max_conns,
	    over);
	return 0;
}
