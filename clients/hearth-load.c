/*
 * hearth-load.c -- NNTP load generator for the Hearth benchmark.
 *
 *   hearth-load [-h host] [-p port] [-u user -w password] MODE ...
 *
 *   post N GROUP [SIZE [C]] POST N articles of about SIZE bytes over one
 *                           connection (or N/C over each of C), one at a
 *                           time (each waits for its 240, which hearthd
 *                           sends after COMMIT); with C > 1 the clock
 *                           starts once all C have signed in
 *   article GROUP N DEPTH   ARTICLE 1..N over one connection with DEPTH
 *                           commands in flight
 *   over GROUP LO-HI        one OVER LO-HI, timed to its last line
 *   readers GROUP N C DEPTH SECONDS
 *                           C connections, each looping ARTICLE over 1..N
 *                           with DEPTH in flight, for SECONDS; the clock
 *                           starts once all C have signed in and selected
 *                           GROUP, so connection set-up and AUTHINFO
 *                           (slow on purpose on any server) stay out of
 *                           the figure
 *
 * Works against any RFC 3977 server (hearthd, INN's nnrpd).  Prints one
 * line "key=value ..." with the figures.  Uses libevent only (one loop,
 * no threads), like the server.
 */
#include <sys/time.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/util.h>

enum mode { M_POST, M_ARTICLE, M_OVER, M_READERS };

/* One connection's state. */
struct lconn {
	struct bufferevent	*bev;
	int			 stage;		/* 0 greet, 1 user, 2 pass, */
						/* 4 group, 5 run */
	int			 in_multi;	/* inside a dot-terminated block */
	long			 inflight;
	long			 next;		/* next article number to ask */
	long			 done;
	long			 lines;		/* lines of the current block */
	int			 posting;	/* waiting for 340 (1) or 240 (2) */
};

static struct event_base	*base;
static enum mode		 mode;
static const char		*host = "127.0.0.1", *user, *pass;
static int			 port = 119;
static const char		*group;
static long			 total, depth = 1, nconns = 1, size = 1500;
static long			 over_lo, over_hi;
static double			 seconds, t0;
static long			 completed, errors, over_lines;
static int			 running, stopping;
static struct lconn		**lcs;
static long			 ready;		/* readers past GROUP */
static char			*article_body;

static void	stop_cb(evutil_socket_t, short, void *);

static double
now(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void
finish(void)
{
	if (--running <= 0)
		event_base_loopexit(base, NULL);
}

/* Queue commands while fewer than DEPTH are in flight. */
static void
fill(struct lconn *lc)
{
	struct evbuffer	*out = bufferevent_get_output(lc->bev);

	if (mode == M_POST) {
		if (lc->posting == 0 && lc->next <= total / nconns) {
			evbuffer_add_printf(out, "POST\r\n");
			lc->posting = 1;
		}
		return;
	}
	if (mode == M_OVER) {
		if (lc->inflight == 0 && lc->done == 0) {
			evbuffer_add_printf(out, "OVER %ld-%ld\r\n", over_lo,
			    over_hi);
			lc->inflight = 1;
			t0 = now();
		}
		return;
	}
	while (lc->inflight < depth && !stopping) {
		if (mode == M_ARTICLE && lc->next > total)
			break;
		if (mode == M_READERS && lc->next > total)
			lc->next = 1;
		evbuffer_add_printf(out, "ARTICLE %ld\r\n", lc->next++);
		lc->inflight++;
	}
}

static void
send_article(struct lconn *lc)
{
	evbuffer_add_printf(bufferevent_get_output(lc->bev),
	    "From: Load <load@example.org>\r\nNewsgroups: %s\r\n"
	    "Subject: Load test article %ld\r\n\r\n%s.\r\n", group, lc->next,
	    article_body);
}

/* A whole reply (status line, and block when multi-line) arrived. */
static void
reply_done(struct lconn *lc)
{
	lc->done++;
	completed++;
	if (mode == M_OVER) {
		printf("over_lines=%ld over_seconds=%.4f\n", over_lines,
		    now() - t0);
		bufferevent_free(lc->bev);
		lc->bev = NULL;
		finish();
		return;
	}
	lc->inflight--;
	if (mode == M_ARTICLE && lc->done == total) {
		bufferevent_free(lc->bev);
		lc->bev = NULL;
		finish();
		return;
	}
	fill(lc);
}

/*
 * Every reader is signed in and in its group: start the clock and the
 * SECONDS timer, then let all of them ask at once.
 */
static void
start_readers(void)
{
	struct event	*ev;
	struct timeval	 tv;
	long		 i;

	t0 = now();
	ev = evtimer_new(base, stop_cb, NULL);
	tv.tv_sec = (long)seconds;
	tv.tv_usec = (long)((seconds - (double)tv.tv_sec) * 1e6);
	evtimer_add(ev, &tv);
	for (i = 0; i < nconns; i++)
		fill(lcs[i]);
}

static void
on_line(struct lconn *lc, const char *line)
{
	int	code;
	long	i;

	if (lc->in_multi) {
		if (strcmp(line, ".") == 0) {
			lc->in_multi = 0;
			reply_done(lc);
		} else if (mode == M_OVER)
			over_lines++;
		return;
	}
	code = atoi(line);
	switch (lc->stage) {
	case 0:
		if (code != 200 && code != 201)
			goto bad;
		if (user != NULL) {
			evbuffer_add_printf(bufferevent_get_output(lc->bev),
			    "AUTHINFO USER %s\r\n", user);
			lc->stage = 1;
			return;
		}
		lc->stage = 3;
		goto start;
	case 1:
		if (code != 381)
			goto bad;
		evbuffer_add_printf(bufferevent_get_output(lc->bev),
		    "AUTHINFO PASS %s\r\n", pass);
		lc->stage = 2;
		return;
	case 2:
		if (code != 281)
			goto bad;
		lc->stage = 3;
		goto start;
	case 4:
		if (code != 211)
			goto bad;
		lc->stage = 5;
		if (mode == M_READERS) {
			if (++ready == nconns)
				start_readers();
			return;
		}
		if (t0 == 0)
			t0 = now();
		fill(lc);
		return;
	}
	if (mode == M_POST) {
		if (lc->posting == 1 && code == 340) {
			send_article(lc);
			lc->posting = 2;
		} else if (lc->posting == 2 && code == 240) {
			lc->posting = 0;
			lc->next++;
			completed++;
			if (lc->next > total / nconns) {
				bufferevent_free(lc->bev);
				lc->bev = NULL;
				finish();
				return;
			}
			fill(lc);
		} else
			goto bad;
		return;
	}
	if (code == 220 || code == 224) {
		lc->in_multi = 1;
		return;
	}
	errors++;
	reply_done(lc);
	return;
start:
	if (mode == M_POST) {
		lc->stage = 5;
		if (nconns > 1) {
			/* Everyone signed in first: then all post at once. */
			if (++ready == nconns) {
				t0 = now();
				for (i = 0; i < nconns; i++)
					fill(lcs[i]);
			}
			return;
		}
		if (t0 == 0)
			t0 = now();
		fill(lc);
		return;
	}
	/* Select the group, then start (stage 4 waits for its 211). */
	evbuffer_add_printf(bufferevent_get_output(lc->bev), "GROUP %s\r\n",
	    group);
	lc->stage = 4;
	return;
bad:
	fprintf(stderr, "unexpected reply: %s\n", line);
	exit(1);
}

static void
readcb(struct bufferevent *bev, void *arg)
{
	struct lconn	*lc = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	char		*line;
	size_t		 n;

	while (lc->bev != NULL &&
	    (line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF)) != NULL) {
		on_line(lc, line);
		free(line);
	}
}

static void
eventcb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)arg;
	if (what & (BEV_EVENT_ERROR | BEV_EVENT_EOF)) {
		fprintf(stderr, "connection lost\n");
		exit(1);
	}
}

static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	stopping = 1;
	event_base_loopexit(base, NULL);
}

static struct lconn *
lconn_new(void)
{
	struct lconn		*lc = calloc(1, sizeof *lc);
	struct sockaddr_in	 sin;
	int			 one = 1;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	if (evutil_inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		fprintf(stderr, "host must be an IPv4 address\n");
		exit(1);
	}
	lc->next = 1;
	lc->bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(lc->bev, readcb, NULL, eventcb, lc);
	bufferevent_enable(lc->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(lc->bev, (struct sockaddr *)&sin,
	    sizeof sin) != 0) {
		perror("connect");
		exit(1);
	}
	setsockopt(bufferevent_getfd(lc->bev), IPPROTO_TCP, TCP_NODELAY,
	    &one, sizeof one);
	return lc;
}

static void
usage(void)
{
	fprintf(stderr, "usage: hearth-load [-h host] [-p port] [-u user "
	    "-w password]\n"
	    "  post N GROUP [SIZE [CONNS]] | article GROUP N DEPTH |\n"
	    "  over GROUP LO-HI | readers GROUP N CONNS DEPTH SECONDS\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	double		  el;
	long		  i;
	int		  ch;
	char		 *p;

	while ((ch = getopt(argc, argv, "h:p:u:w:")) != -1) {
		switch (ch) {
		case 'h': host = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'u': user = optarg; break;
		case 'w': pass = optarg; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (strcmp(argv[0], "post") == 0 && argc >= 3) {
		mode = M_POST;
		total = atol(argv[1]);
		group = argv[2];
		if (argc > 3)
			size = atol(argv[3]);
		if (argc > 4 && (nconns = atol(argv[4])) < 1)
			usage();
	} else if (strcmp(argv[0], "article") == 0 && argc == 4) {
		mode = M_ARTICLE;
		group = argv[1];
		total = atol(argv[2]);
		depth = atol(argv[3]);
	} else if (strcmp(argv[0], "over") == 0 && argc == 3) {
		mode = M_OVER;
		group = argv[1];
		over_lo = strtol(argv[2], &p, 10);
		over_hi = *p == '-' ? atol(p + 1) : over_lo;
	} else if (strcmp(argv[0], "readers") == 0 && argc == 6) {
		mode = M_READERS;
		group = argv[1];
		total = atol(argv[2]);
		nconns = atol(argv[3]);
		depth = atol(argv[4]);
		seconds = atof(argv[5]);
	} else
		usage();

	/* A body of about SIZE bytes: lines of plain text. */
	article_body = calloc(1, (size_t)size + 128);
	while ((long)strlen(article_body) < size)
		strcat(article_body, "Living with it one day at a time; thank "
		    "you all for the kind words.\r\n");

	base = event_base_new();
	lcs = calloc((size_t)nconns, sizeof *lcs);
	running = (int)nconns;
	for (i = 0; i < nconns; i++)
		lcs[i] = lconn_new();
	event_base_dispatch(base);
	el = now() - t0;
	switch (mode) {
	case M_POST:
		printf("posted=%ld seconds=%.3f per_second=%.1f\n", completed,
		    el, (double)completed / el);
		break;
	case M_ARTICLE:
		printf("articles=%ld depth=%ld errors=%ld seconds=%.3f "
		    "per_second=%.1f\n", completed, depth, errors, el,
		    (double)completed / el);
		break;
	case M_READERS:
		printf("readers=%ld depth=%ld articles=%ld errors=%ld "
		    "seconds=%.3f per_second=%.1f\n", nconns, depth, completed,
		    errors, el, (double)completed / el);
		break;
	case M_OVER:
		break;
	}
	return 0;
}
