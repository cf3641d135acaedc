/*
 * hearth-ircload.c -- an IRC load generator for the benchmark (make
 * bench).  One process, one libevent loop, many connections, plain or
 * TLS.  It measures the server from the outside and reads the server's
 * CPU time and RSS from /proc/<pid> so that figures are per server
 * CPU-second.
 *
 * Modes:
 *   fanout  N members join one channel; S of them send.  Phase 1 runs
 *           at saturation (each sender keeps W messages in flight, a
 *           message leaving flight when the last member got it);
 *           phase 2 sends R messages a second in all.  The last member
 *           acknowledges for the senders, so no IRCv3 is needed and
 *           ngircd or InspIRCd can be measured the same way.  Every PRIVMSG
 *           received carries its send time: latency p50/p99.  In the
 *           rate phase each line's deliveries are also followed one by
 *           one (see LINE BREAKDOWN below): send to first member, first
 *           to last, latency by delivery order, and what the slowest
 *           1 % of deliveries had in common.
 *   storm   C registrations, P connecting at once: registrations per
 *           second and per server CPU-second.
 *   idle    C registered connections held open: server RSS growth per
 *           connection.
 *
 * With --websocket every connection is IRC over WebSocket instead (the
 * IRCv3 specification, text.ircv3.net): an HTTP upgrade first, then
 * one masked text frame per line out and one line per frame in,
 * through a bufferevent filter of its own (no library: the client side
 * of RFC 6455 framing is a few lines), so the same scenarios measure
 * the server's WebSocket transport beside plain IRC.
 *
 * Output is "key=value" lines for the bench script.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#define HIST_US		1000000		/* 1 us buckets up to 1 s */

struct lconn {
	struct bufferevent	*bev;
	int			 idx;
	int			 state;		/* ST_* */
	int			 sender;
	int			 inflight;
	uint64_t		 seq;
	struct event		*ev_raw;	/* --stamps: our own reads */
	uint64_t		 kstamp;	/* arrival of the last read */
};

/*
 * LINE BREAKDOWN (rate phase).  For every line sent, when its first and
 * last member got it and how many did, so that a slow delivery can be
 * told apart: a whole line late (every member's copy: the server's loop
 * stalled, or the line waited before its fan-out started) or the end
 * of a line's fan-out (the server writes to members one after another;
 * the last waits for the writes before it).  With --stamps (plain IRC
 * only) the members' sockets also report when each line ARRIVED in the
 * kernel (SO_TIMESTAMPNS: on loopback, the moment of the server's write
 * to that member), which takes this client's own reading out of it.
 */
struct linerec {
	uint64_t	sent;			/* the t= stamp */
	uint64_t	first, last;		/* our reading */
	uint64_t	kfirst, klast;		/* kernel arrival (--stamps) */
	uint32_t	n;
};
#define ORDER_GROUPS	10	/* delivery order in tenths of the room */

#define ST_CONNECTING	0
#define ST_HANDSHAKE	4	/* WebSocket: waiting for the 101 */
#define ST_REGISTERING	1
#define ST_JOINING	2
#define ST_READY	3

static struct event_base	*base;
static SSL_CTX			*ssl_ctx;
static struct sockaddr_in	 addr;
static int			 use_tls;
static pid_t			 server_pid;
static const char		*mode = "fanout";
static int			 nmembers = 100, nsenders = 1, window = 8;
static int			 nconns = 2000, parallel = 100;
static double			 sat_seconds = 5, rate = 100, rate_seconds = 5;
static const char		*channel = "#bench";
static const char		*ws_path;	/* --websocket PATH */

static struct lconn		**conns;
static int			 nopen, nregistered, njoined, nstarted;
static uint64_t			 deliveries, echoes;
static uint32_t			*hist;
static uint64_t			 hist_over, hist_n;
static int			 phase;		/* 0 setup, 1 sat, 2 rate */
static int			 sending;
static struct event		*ev_tick;
static struct linerec		**lrec;		/* per sender, rate phase */
static uint64_t			*lrec_base, *lrec_cap;
static uint32_t			*ohist[ORDER_GROUPS];	/* latency by order */
static uint64_t			 ohist_n[ORDER_GROUPS];
static int			 use_stamps;
static const char		*lines_path;	/* --lines FILE */
static int64_t			 real_minus_mono;	/* ns */

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double
now_s(void)
{
	return (double)now_ns() / 1e9;
}

/* Server CPU seconds (user + system) from /proc/<pid>/stat. */
static double
server_cpu(void)
{
	char		 path[64], buf[1024], *p;
	FILE		*f;
	unsigned long	 ut = 0, st = 0;
	int		 i;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)server_pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) == NULL) {
		fclose(f);
		return 0;
	}
	fclose(f);
	/* Fields after the command name, which ends with ')'. */
	p = strrchr(buf, ')');
	for (i = 0; p != NULL && i < 12; i++)
		p = strchr(p + 1, ' ');
	if (p != NULL)
		sscanf(p, " %lu %lu", &ut, &st);
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static long
server_rss_kb(void)
{
	char	 path[64], line[256];
	FILE	*f;
	long	 kb = 0;

	snprintf(path, sizeof path, "/proc/%d/status", (int)server_pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = atol(line + 6);
	fclose(f);
	return kb;
}

static void
hist_add(uint64_t ns)
{
	uint64_t	us = ns / 1000;

	hist_n++;
	if (us >= HIST_US)
		hist_over++;
	else
		hist[us]++;
}

static double
hist_pct(double pct)
{
	uint64_t	want = (uint64_t)((double)hist_n * pct), sum = 0;
	size_t		i;

	if (hist_n == 0)
		return 0;
	for (i = 0; i < HIST_US; i++) {
		sum += hist[i];
		if (sum > want)
			return (double)i / 1000.0;
	}
	return 1000.0;
}

static void
hist_reset(void)
{
	memset(hist, 0, HIST_US * sizeof *hist);
	hist_n = hist_over = 0;
}

/* The PCT point of one of the order histograms (1 us buckets), in ms. */
static double
ohist_pct(int g, double pct)
{
	uint64_t	want = (uint64_t)((double)ohist_n[g] * pct), sum = 0;
	size_t		i;

	if (ohist_n[g] == 0)
		return 0;
	for (i = 0; i < HIST_US; i++) {
		sum += ohist[g][i];
		if (sum > want)
			return (double)i / 1000.0;
	}
	return 1000.0;
}

/* The record of line N of sender S in the rate phase (grown on demand). */
static struct linerec *
line_rec(int s, uint64_t n)
{
	uint64_t	i, cap;

	if (s < 0 || s >= nsenders || n < lrec_base[s])
		return NULL;
	i = n - lrec_base[s];
	if (i >= lrec_cap[s]) {
		cap = lrec_cap[s] ? lrec_cap[s] : 1024;
		while (cap <= i)
			cap *= 2;
		lrec[s] = realloc(lrec[s], cap * sizeof **lrec);
		if (lrec[s] == NULL) {
			fprintf(stderr, "hearth-ircload: out of memory\n");
			exit(2);
		}
		memset(lrec[s] + lrec_cap[s], 0, (cap - lrec_cap[s]) *
		    sizeof **lrec);
		lrec_cap[s] = cap;
	}
	return &lrec[s][i];
}

/* One delivery of a line in the rate phase, received at NOW. */
static void
line_delivered(struct lconn *lc, const char *line, size_t len, uint64_t sent,
    uint64_t now)
{
	struct linerec	*r;
	const char	*p;
	uint64_t	 us, k;
	int		 g;

	if ((p = memmem(line, len, " s=", 3)) == NULL)
		return;
	g = atoi(p + 3);
	if ((p = memmem(line, len, " n=", 3)) == NULL ||
	    (r = line_rec(g, strtoull(p + 3, NULL, 10))) == NULL)
		return;
	r->sent = sent;
	if (r->n == 0 || now < r->first)
		r->first = now;
	if (now > r->last)
		r->last = now;
	if (lc->kstamp != 0) {
		k = lc->kstamp;
		if (r->kfirst == 0 || k < r->kfirst)
			r->kfirst = k;
		if (k > r->klast)
			r->klast = k;
	}
	/* Order: the how-manieth member of this line to get it. */
	g = nmembers > 1 ? (int)((uint64_t)r->n * ORDER_GROUPS /
	    (uint64_t)(nmembers - 1)) : 0;
	if (g >= ORDER_GROUPS)
		g = ORDER_GROUPS - 1;
	r->n++;
	us = (now - sent) / 1000;
	ohist_n[g]++;
	ohist[g][us < HIST_US ? us : HIST_US - 1]++;
}

static void conn_start(int);

/* A cheap generator for the frames' masking keys (xorshift32). */
static uint32_t
mask_key(void)
{
	static uint32_t	x = 2463534242u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/* Our lines out: each one masked text frame, without its CR LF. */
static enum bufferevent_filter_result
ws_out(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t lim,
    enum bufferevent_flush_mode flush, void *arg)
{
	struct evbuffer_ptr	 p;
	unsigned char		 head[8], *line, *buf;
	uint32_t		 k;
	size_t			 eol, len, n, h, i;
	int			 took = 0;

	(void)lim;
	(void)flush;
	(void)arg;
	for (;;) {
		p = evbuffer_search_eol(src, NULL, &eol, EVBUFFER_EOL_LF);
		if (p.pos == -1)
			break;
		len = (size_t)p.pos;
		line = evbuffer_pullup(src, (ev_ssize_t)(len + eol));
		n = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
		head[0] = 0x81;
		if (n < 126) {
			head[1] = 0x80 | (unsigned char)n;
			h = 2;
		} else {
			head[1] = 0x80 | 126;
			head[2] = (unsigned char)(n >> 8);
			head[3] = (unsigned char)n;
			h = 4;
		}
		k = mask_key();
		memcpy(head + h, &k, 4);
		h += 4;
		if ((buf = malloc(h + n)) == NULL)
			return BEV_ERROR;
		memcpy(buf, head, h);
		for (i = 0; i < n; i++)
			buf[h + i] = line[i] ^ head[h - 4 + (i & 3)];
		evbuffer_add(dst, buf, h + n);
		free(buf);
		evbuffer_drain(src, len + eol);
		took = 1;
	}
	return took || evbuffer_get_length(src) == 0 ? BEV_OK : BEV_NEED_MORE;
}

/* The server's frames in (unmasked): each message a line. */
static enum bufferevent_filter_result
ws_in(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t lim,
    enum bufferevent_flush_mode flush, void *arg)
{
	unsigned char	*b;
	size_t		 avail, h, n;
	int		 took = 0;

	(void)lim;
	(void)flush;
	(void)arg;
	while ((avail = evbuffer_get_length(src)) >= 2) {
		b = evbuffer_pullup(src, avail < 10 ? (ev_ssize_t)avail : 10);
		n = b[1] & 0x7f;
		h = 2;
		if (n == 126) {
			if (avail < 4)
				break;
			n = (size_t)b[2] << 8 | b[3];
			h = 4;
		} else if (n == 127) {
			if (avail < 10)
				break;
			n = (size_t)b[6] << 24 | (size_t)b[7] << 16 |
			    (size_t)b[8] << 8 | b[9];
			h = 10;
		}
		if (avail < h + n)
			break;
		if ((b[0] & 0x0f) == 1 || (b[0] & 0x0f) == 2) {
			b = evbuffer_pullup(src, (ev_ssize_t)(h + n));
			evbuffer_add(dst, b + h, n);
			evbuffer_add(dst, "\r\n", 2);
		}
		evbuffer_drain(src, h + n);
		took = 1;
	}
	return took || evbuffer_get_length(src) == 0 ? BEV_OK : BEV_NEED_MORE;
}

static void	readcb(struct bufferevent *, void *);
static void	eventcb(struct bufferevent *, short, void *);

/*
 * --stamps: a member's socket is read here with recvmsg(), whose
 * SCM_TIMESTAMPNS says when the data arrived (CLOCK_REALTIME, turned
 * into this process's CLOCK_MONOTONIC); the bytes then go through the
 * bufferevent's input and readcb() as usual.
 */
static void
raw_readcb(evutil_socket_t fd, short what, void *arg)
{
	struct lconn	*lc = arg;
	static char	 buf[65536];
	union {
		struct cmsghdr	h;
		char		b[CMSG_SPACE(sizeof(struct timespec))];
	}		 cm;
	struct iovec	 iov = { buf, sizeof buf };
	struct msghdr	 msg;
	struct cmsghdr	*c;
	struct timespec	 ts;
	ssize_t		 n;

	(void)what;
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.b;
	msg.msg_controllen = sizeof cm.b;
	n = recvmsg(fd, &msg, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		fprintf(stderr, "hearth-ircload: connection %d lost (%s)\n",
		    lc->idx, n == 0 ? "closed" : strerror(errno));
		exit(2);
	}
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(&ts, CMSG_DATA(c), sizeof ts);
			lc->kstamp = (uint64_t)ts.tv_sec * 1000000000ull +
			    (uint64_t)ts.tv_nsec - (uint64_t)real_minus_mono;
		}
	evbuffer_add(bufferevent_get_input(lc->bev), buf, (size_t)n);
	readcb(lc->bev, lc);
}

/* The 101 arrived: frame everything from now on, then register. */
static void
ws_ready(struct lconn *lc)
{
	struct bufferevent	*fb;
	char			 buf[256];
	int			 n;

	fb = bufferevent_filter_new(lc->bev, ws_in, ws_out,
	    BEV_OPT_CLOSE_ON_FREE, NULL, lc);
	if (fb == NULL) {
		fprintf(stderr, "hearth-ircload: filter failed\n");
		exit(2);
	}
	lc->bev = fb;
	bufferevent_setcb(fb, readcb, NULL, eventcb, lc);
	bufferevent_enable(fb, EV_READ | EV_WRITE);
	lc->state = ST_REGISTERING;
	n = snprintf(buf, sizeof buf, "NICK l%d\r\nUSER l 0 * :load\r\n",
	    lc->idx);
	bufferevent_write(lc->bev, buf, (size_t)n);
}

static void
send_msg(struct lconn *lc)
{
	char	buf[256];
	int	n;

	n = snprintf(buf, sizeof buf, "PRIVMSG %s :t=%llu s=%d n=%llu "
	    "a message of ordinary length for a support room\r\n", channel,
	    (unsigned long long)now_ns(), lc->idx,
	    (unsigned long long)lc->seq++);
	bufferevent_write(lc->bev, buf, (size_t)n);
	lc->inflight++;
}

static void
fill_window(struct lconn *lc)
{
	while (sending && phase == 1 && lc->inflight < window)
		send_msg(lc);
}

static void
on_line(struct lconn *lc, char *line, size_t len)
{
	char		*p;
	uint64_t	 t;

	/* Never NULL; said so for GCC, whose -Wnonnull under -fsanitize
	 * otherwise sees a NULL line on a path that does not exist. */
	if (line == NULL)
		return;
	if (len > 8 && (p = memmem(line, len, " PRIVMSG ", 9)) != NULL) {
		deliveries++;
		if ((p = memmem(line, len, ":t=", 3)) != NULL) {
			uint64_t	now = now_ns();

			t = strtoull(p + 3, NULL, 10);
			if (phase > 0)
				hist_add(now - t);
			if (phase == 2)
				line_delivered(lc, line, len, t, now);
		}
		/*
		 * The last member (never a sender) acknowledges: a message
		 * it received leaves its sender's window.  No echo-message
		 * needed, so any server can be measured the same way.
		 */
		if (lc->idx == nmembers - 1 &&
		    (p = memmem(line, len, " s=", 3)) != NULL) {
			struct lconn	*s = conns[atoi(p + 3)];

			echoes++;
			s->inflight--;
			fill_window(s);
		}
		return;
	}
	if (memmem(line, len, "PING ", 5) == line) {
		line[1] = 'O';
		bufferevent_write(lc->bev, line, len);
		bufferevent_write(lc->bev, "\r\n", 2);
		return;
	}
	if (lc->state == ST_REGISTERING && (memmem(line, len, " 376 ", 5) ||
	    memmem(line, len, " 422 ", 5))) {
		lc->state = ST_JOINING;
		nregistered++;
		if (strcmp(mode, "fanout") == 0) {
			bufferevent_write(lc->bev, "JOIN ", 5);
			bufferevent_write(lc->bev, channel, strlen(channel));
			bufferevent_write(lc->bev, "\r\n", 2);
		} else {
			lc->state = ST_READY;
			if (nstarted < nconns)
				conn_start(nstarted++);
		}
		return;
	}
	if (lc->state == ST_JOINING && memmem(line, len, " 366 ", 5)) {
		lc->state = ST_READY;
		njoined++;
		if (nstarted < nmembers)
			conn_start(nstarted++);
	}
}

/* Lines are handled in place: no allocation per line. */
static void
readcb(struct bufferevent *bev, void *arg)
{
	struct lconn	*lc = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	size_t		 avail = evbuffer_get_length(in), used = 0, len;
	char		*data, *nl;

	if (avail == 0)
		return;
	data = (char *)evbuffer_pullup(in, -1);
	if (data == NULL)
		return;
	if (lc->state == ST_HANDSHAKE) {
		char	*end = memmem(data, avail, "\r\n\r\n", 4);

		if (end == NULL)
			return;
		if (avail < 12 || memcmp(data + 9, "101", 3) != 0) {
			fprintf(stderr, "hearth-ircload: WebSocket refused: "
			    "%.*s\n", (int)(strcspn(data, "\r")), data);
			exit(2);
		}
		evbuffer_drain(in, (size_t)(end + 4 - data));
		ws_ready(lc);
		return;
	}
	while (used < avail && (nl = memchr(data + used, '\n',
	    avail - used)) != NULL) {
		len = (size_t)(nl - (data + used));
		if (len > 0 && data[used + len - 1] == '\r')
			len--;
		on_line(lc, data + used, len);
		used = (size_t)(nl - data) + 1;
	}
	evbuffer_drain(in, used);
}

static void
eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct lconn	*lc = arg;
	char		 buf[256];
	int		 n, one = 1;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		setsockopt(bufferevent_getfd(lc->bev), IPPROTO_TCP,
		    TCP_NODELAY, &one, sizeof one);
		nopen++;
		if (use_stamps && ws_path == NULL && !use_tls) {
			evutil_socket_t	fd = bufferevent_getfd(lc->bev);

			setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one,
			    sizeof one);
			bufferevent_disable(lc->bev, EV_READ);
			lc->ev_raw = event_new(base, fd, EV_READ | EV_PERSIST,
			    raw_readcb, lc);
			event_add(lc->ev_raw, NULL);
		}
		if (ws_path != NULL) {
			/* A fixed key: the server only checks its form. */
			lc->state = ST_HANDSHAKE;
			n = snprintf(buf, sizeof buf, "GET %s HTTP/1.1\r\n"
			    "Host: 127.0.0.1\r\nUpgrade: websocket\r\n"
			    "Connection: Upgrade\r\nSec-WebSocket-Key: "
			    "dGhlIHNhbXBsZSBub25jZQ==\r\n"
			    "Sec-WebSocket-Version: 13\r\n"
			    "Sec-WebSocket-Protocol: text.ircv3.net\r\n\r\n",
			    ws_path);
			bufferevent_write(lc->bev, buf, (size_t)n);
			return;
		}
		lc->state = ST_REGISTERING;
		n = snprintf(buf, sizeof buf, "NICK l%d\r\nUSER l 0 * :load"
		    "\r\n", lc->idx);
		bufferevent_write(lc->bev, buf, (size_t)n);
		return;
	}
	fprintf(stderr, "hearth-ircload: connection %d lost (%s)\n", lc->idx,
	    (what & BEV_EVENT_EOF) ? "closed" : strerror(errno));
	exit(2);
}

static void
conn_start(int i)
{
	struct lconn	*lc;
	SSL		*ssl;

	lc = calloc(1, sizeof *lc);
	lc->idx = i;
	lc->sender = (strcmp(mode, "fanout") == 0 && i < nsenders);
	if (use_tls) {
		ssl = SSL_new(ssl_ctx);
		lc->bev = bufferevent_openssl_socket_new(base, -1, ssl,
		    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	} else
		lc->bev = bufferevent_socket_new(base, -1,
		    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(lc->bev, readcb, NULL, eventcb, lc);
	bufferevent_enable(lc->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(lc->bev, (struct sockaddr *)&addr,
	    sizeof addr) != 0) {
		fprintf(stderr, "hearth-ircload: connect failed\n");
		exit(2);
	}
	conns[i] = lc;
}

static void
run_until(int (*done)(void), double timeout)
{
	double		 end = now_s() + timeout;
	struct timeval	 tv = { 0, 2000 };

	while (!done() && now_s() < end) {
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
	if (!done()) {
		fprintf(stderr, "hearth-ircload: timed out (open=%d "
		    "registered=%d joined=%d)\n", nopen, nregistered, njoined);
		exit(3);
	}
}

static int
all_joined(void)
{
	return njoined == nmembers;
}

static int
all_registered(void)
{
	return nregistered == nconns;
}

static uint64_t	expect_deliveries;

static int
drained(void)
{
	return deliveries >= expect_deliveries;
}

static int
flight_empty(void)
{
	int	i;

	for (i = 0; i < nsenders; i++)
		if (conns[i]->inflight > 0)
			return 0;
	return 1;
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	static double	 credit;
	static int	 next;
	static double	 last;
	double		 t = now_s();

	(void)fd;
	(void)what;
	(void)arg;
	if (!sending || phase != 2)
		return;
	if (last == 0)
		last = t;
	credit += (t - last) * rate;
	last = t;
	while (credit >= 1) {
		send_msg(conns[next]);
		next = (next + 1) % nsenders;
		credit -= 1;
	}
}

static void
report_fanout(const char *name, uint64_t d0, double t0, double c0)
{
	double	el = now_s() - t0, cpu = server_cpu() - c0;
	uint64_t d = deliveries - d0;

	printf("%s.deliveries=%llu\n", name, (unsigned long long)d);
	printf("%s.seconds=%.3f\n", name, el);
	printf("%s.server_cpu_seconds=%.2f\n", name, cpu);
	printf("%s.deliveries_per_second=%.0f\n", name, (double)d / el);
	printf("%s.deliveries_per_cpu_second=%.0f\n", name,
	    cpu > 0 ? (double)d / cpu : 0);
	printf("%s.latency_p50_ms=%.3f\n", name, hist_pct(0.50));
	printf("%s.latency_p99_ms=%.3f\n", name, hist_pct(0.99));
	fflush(stdout);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The PCT point of N sorted values (ns), in ms. */
static double
pct_ms(const uint64_t *v, size_t n, double pct)
{
	size_t	i;

	if (n == 0)
		return 0;
	i = (size_t)((double)n * pct);
	return (double)v[i < n ? i : n - 1] / 1e6;
}

/* Print p50/p99/max of N values as NAME_p50_ms and so on. */
static void
print_dist(const char *name, uint64_t *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_u64);
	printf("rate.%s_p50_ms=%.3f\n", name, pct_ms(v, n, 0.50));
	printf("rate.%s_p99_ms=%.3f\n", name, pct_ms(v, n, 0.99));
	printf("rate.%s_max_ms=%.3f\n", name, n ? (double)v[n - 1] / 1e6 : 0);
}

/*
 * The rate phase's line breakdown (see LINE BREAKDOWN): per line, send
 * to first member (line_first), send to last (line_last), first to last
 * (line_spread); latency by delivery order (order0: the first tenth of
 * the members to get a line ... order9: the last tenth); and the lines
 * holding a delivery slower than the p99 of all deliveries (slow_*): if
 * their first member was already late the whole line waited (a stall),
 * if only their spread is long it was the fan-out.  With --stamps the
 * same from the kernel's arrival times (k*), and this client's own lag
 * between arrival and reading (client_lag).
 */
static void
report_lines(double t0)
{
	uint64_t	*first, *last, *spread, *sfirst, *sspread, *kfirst;
	uint64_t	*kspread, *klag, p99;
	size_t		 n = 0, ns = 0, nk = 0, nat = 0, cap = 0, i;
	int		 s, g, partial = 0;
	char		 at[512];

	for (s = 0; s < nsenders; s++)
		cap += lrec_cap[s];
	first = calloc(cap + 1, sizeof *first);
	last = calloc(cap + 1, sizeof *last);
	spread = calloc(cap + 1, sizeof *spread);
	sfirst = calloc(cap + 1, sizeof *sfirst);
	sspread = calloc(cap + 1, sizeof *sspread);
	kfirst = calloc(cap + 1, sizeof *kfirst);
	kspread = calloc(cap + 1, sizeof *kspread);
	klag = calloc(cap + 1, sizeof *klag);
	p99 = (uint64_t)(hist_pct(0.99) * 1e6);
	at[0] = '\0';
	for (s = 0; s < nsenders; s++)
		for (i = 0; i < lrec_cap[s]; i++) {
			struct linerec	*r = &lrec[s][i];

			if (r->n == 0)
				continue;
			if (r->n < (uint32_t)(nmembers - 1))
				partial++;
			first[n] = r->first - r->sent;
			last[n] = r->last - r->sent;
			spread[n] = r->last - r->first;
			n++;
			if (r->kfirst != 0) {
				kfirst[nk] = r->kfirst > r->sent ?
				    r->kfirst - r->sent : 0;
				kspread[nk] = r->klast - r->kfirst;
				klag[nk] = r->last > r->klast ?
				    r->last - r->klast : 0;
				nk++;
			}
			/* Slower than p99 (1 us buckets: round up). */
			if (r->last - r->sent >= p99 + 1000) {
				sfirst[ns] = r->first - r->sent;
				sspread[ns] = r->last - r->first;
				ns++;
				if (nat < 24 && strlen(at) < sizeof at - 16) {
					snprintf(at + strlen(at), sizeof at -
					    strlen(at), "%s%.2f", nat ? "," : "",
					    (double)r->sent / 1e9 - t0);
					nat++;
				}
			}
		}
	if (lines_path != NULL) {
		FILE	*f = fopen(lines_path, "w");

		if (f == NULL) {
			perror(lines_path);
			exit(2);
		}
		fprintf(f, "# sender sent(monotonic s) first_ms last_ms "
		    "kfirst_ms klast_ms (kernel arrival; 0: no stamps)\n");
		for (s = 0; s < nsenders; s++)
			for (i = 0; i < lrec_cap[s]; i++) {
				struct linerec	*r = &lrec[s][i];

				if (r->n == 0)
					continue;
				fprintf(f, "%d %.6f %.3f %.3f %.3f %.3f\n", s,
				    (double)r->sent / 1e9,
				    (double)(r->first - r->sent) / 1e6,
				    (double)(r->last - r->sent) / 1e6,
				    r->kfirst ? ((double)r->kfirst -
				    (double)r->sent) / 1e6 : 0,
				    r->klast ? ((double)r->klast -
				    (double)r->sent) / 1e6 : 0);
			}
		fclose(f);
	}
	printf("rate.lines=%zu\n", n);
	printf("rate.lines_partial=%d\n", partial);
	print_dist("line_first", first, n);
	print_dist("line_last", last, n);
	print_dist("line_spread", spread, n);
	for (g = 0; g < ORDER_GROUPS; g++) {
		printf("rate.order%d_p50_ms=%.3f\n", g, ohist_pct(g, 0.50));
		printf("rate.order%d_p99_ms=%.3f\n", g, ohist_pct(g, 0.99));
	}
	printf("rate.slow_lines=%zu\n", ns);
	print_dist("slow_first", sfirst, ns);
	print_dist("slow_spread", sspread, ns);
	printf("rate.slow_at_s=%s\n", at);
	if (nk > 0) {
		print_dist("kline_first", kfirst, nk);
		print_dist("kline_spread", kspread, nk);
		print_dist("client_lag", klag, nk);
	}
	free(first);
	free(last);
	free(spread);
	free(sfirst);
	free(sspread);
	free(kfirst);
	free(kspread);
	free(klag);
}

static void
mode_fanout(void)
{
	double		 t0, c0, end;
	uint64_t	 d0, msgs;
	struct timeval	 tv = { 0, 1000 };
	int		 i;

	conn_start(nstarted++);
	for (i = 1; i < parallel && nstarted < nmembers; i++)
		conn_start(nstarted++);
	run_until(all_joined, 120);

	/* Saturation: closed loop, W messages in flight per sender. */
	hist_reset();
	phase = 1;
	sending = 1;
	d0 = deliveries;
	t0 = now_s();
	c0 = server_cpu();
	for (i = 0; i < nsenders; i++)
		fill_window(conns[i]);
	end = t0 + sat_seconds;
	while (now_s() < end) {
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
	sending = 0;
	run_until(flight_empty, 60);
	msgs = 0;
	for (i = 0; i < nsenders; i++)
		msgs += conns[i]->seq;
	expect_deliveries = d0 + msgs * (uint64_t)(nmembers - 1);
	run_until(drained, 60);
	report_fanout("saturation", d0, t0, c0);
	printf("saturation.messages=%llu\n", (unsigned long long)msgs);

	/* Below saturation: RATE messages a second in all. */
	hist_reset();
	lrec = calloc((size_t)nsenders, sizeof *lrec);
	lrec_base = calloc((size_t)nsenders, sizeof *lrec_base);
	lrec_cap = calloc((size_t)nsenders, sizeof *lrec_cap);
	for (i = 0; i < ORDER_GROUPS; i++)
		ohist[i] = calloc(HIST_US, sizeof **ohist);
	phase = 2;
	sending = 1;
	d0 = deliveries;
	msgs = 0;
	for (i = 0; i < nsenders; i++) {
		msgs += conns[i]->seq;
		lrec_base[i] = conns[i]->seq;
	}
	t0 = now_s();
	c0 = server_cpu();
	ev_tick = event_new(base, -1, EV_PERSIST, tick_cb, NULL);
	{
		struct timeval	tk = { 0, 1000 };

		event_add(ev_tick, &tk);
	}
	end = t0 + rate_seconds;
	while (now_s() < end) {
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
	sending = 0;
	event_del(ev_tick);
	{
		uint64_t	m2 = 0;

		for (i = 0; i < nsenders; i++)
			m2 += conns[i]->seq;
		expect_deliveries = d0 + (m2 - msgs) *
		    (uint64_t)(nmembers - 1);
	}
	run_until(drained, 60);
	report_fanout("rate", d0, t0, c0);
	printf("rate.messages_per_second=%.0f\n", rate);
	report_lines(t0);
}

static void
mode_storm(void)
{
	double	t0 = now_s(), c0 = server_cpu(), el, cpu;
	int	i;

	for (i = 0; i < parallel && nstarted < nconns; i++)
		conn_start(nstarted++);
	run_until(all_registered, 300);
	el = now_s() - t0;
	cpu = server_cpu() - c0;
	printf("storm.registrations=%d\n", nconns);
	printf("storm.seconds=%.3f\n", el);
	printf("storm.server_cpu_seconds=%.2f\n", cpu);
	printf("storm.registrations_per_second=%.0f\n", nconns / el);
	printf("storm.registrations_per_cpu_second=%.0f\n",
	    cpu > 0 ? nconns / cpu : 0);
}

static void
mode_idle(void)
{
	long	rss0 = server_rss_kb(), rss1;
	int	i;

	for (i = 0; i < parallel && nstarted < nconns; i++)
		conn_start(nstarted++);
	run_until(all_registered, 600);
	/* Let the server settle (freed handshake buffers and so on). */
	{
		struct timeval	tv = { 1, 0 };

		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
	rss1 = server_rss_kb();
	printf("idle.%s.connections=%d\n", use_tls ? "tls" : "plain", nconns);
	printf("idle.%s.rss_before_kb=%ld\n", use_tls ? "tls" : "plain", rss0);
	printf("idle.%s.rss_after_kb=%ld\n", use_tls ? "tls" : "plain", rss1);
	printf("idle.%s.bytes_per_connection=%.0f\n", use_tls ? "tls" :
	    "plain", (double)(rss1 - rss0) * 1024.0 / nconns);
}

static void
usage(void)
{
	fprintf(stderr, "usage: hearth-ircload --port P --server-pid PID "
	    "[--tls] [--mode fanout|storm|idle] [--members N] [--senders S] "
	    "[--window W] [--seconds T] [--rate R] [--conns C] "
	    "[--parallel P] [--saturation-seconds T]\n"
	    "    [--websocket PATH] [--stamps] [--lines FILE]\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "server-pid", required_argument, NULL, 'P' },
		{ "tls", no_argument, NULL, 't' },
		{ "mode", required_argument, NULL, 'm' },
		{ "members", required_argument, NULL, 'n' },
		{ "senders", required_argument, NULL, 's' },
		{ "window", required_argument, NULL, 'w' },
		{ "seconds", required_argument, NULL, 'T' },
		{ "rate", required_argument, NULL, 'r' },
		{ "conns", required_argument, NULL, 'c' },
		{ "parallel", required_argument, NULL, 'j' },
		{ "saturation-seconds", required_argument, NULL, 'S' },
		{ "websocket", required_argument, NULL, 'W' },
		{ "stamps", no_argument, NULL, 'K' },
		{ "lines", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 }
	};
	struct rlimit	rl;
	int		ch, port = 0;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			port = atoi(optarg);
			break;
		case 'P':
			server_pid = (pid_t)atoi(optarg);
			break;
		case 't':
			use_tls = 1;
			break;
		case 'm':
			mode = optarg;
			break;
		case 'n':
			nmembers = atoi(optarg);
			break;
		case 's':
			nsenders = atoi(optarg);
			break;
		case 'w':
			window = atoi(optarg);
			break;
		case 'T':
			sat_seconds = rate_seconds = atof(optarg);
			break;
		case 'r':
			rate = atof(optarg);
			break;
		case 'c':
			nconns = atoi(optarg);
			break;
		case 'j':
			parallel = atoi(optarg);
			break;
		case 'S':	/* after --seconds: the saturation phase alone */
			sat_seconds = atof(optarg);
			break;
		case 'W':
			ws_path = optarg;
			break;
		case 'K':
			use_stamps = 1;
			break;
		case 'L':
			lines_path = optarg;
			break;
		default:
			usage();
		}
	}
	if (port == 0 || server_pid == 0)
		usage();
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	base = event_base_new();
	if (use_tls) {
		ssl_ctx = SSL_CTX_new(TLS_client_method());
		SSL_CTX_set_verify(ssl_ctx, SSL_VERIFY_NONE, NULL);
	}
	hist = calloc(HIST_US, sizeof *hist);
	{
		struct timespec	rt;
		uint64_t	m;

		m = now_ns();
		clock_gettime(CLOCK_REALTIME, &rt);
		real_minus_mono = (int64_t)((uint64_t)rt.tv_sec *
		    1000000000ull + (uint64_t)rt.tv_nsec) - (int64_t)m;
	}
	if (strcmp(mode, "fanout") == 0) {
		conns = calloc((size_t)nmembers, sizeof *conns);
		mode_fanout();
	} else if (strcmp(mode, "storm") == 0 || strcmp(mode, "idle") == 0) {
		conns = calloc((size_t)nconns, sizeof *conns);
		nmembers = nconns;
		if (strcmp(mode, "storm") == 0)
			mode_storm();
		else
			mode_idle();
	} else
		usage();
	fflush(stdout);
	/* Connections close with the process. */
	_exit(0);
}
