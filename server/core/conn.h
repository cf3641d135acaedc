/*
 * conn.h -- the connection layer shared by every line protocol.
 *
 * conn.c owns every bufferevent: plain or TLS, STARTTLS, the line reader
 * with its hard maximum, the output cap, the idle timer, the token bucket
 * and the deferred free.  Protocol code only sees lines (or, for a byte
 * protocol such as HTTP, the input buffer) in and bytes out.
 *
 * Handlers return CONN_OK, or CONN_GONE once they have called
 * conn_close(); nothing may touch the connection after CONN_GONE.
 */
#ifndef HEARTH_CONN_H
#define HEARTH_CONN_H

#include <sys/socket.h>
#include <sys/types.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/bufferevent.h>
#include <event2/buffer.h>

#include "hearth.h"

#define CONN_OK		0
#define CONN_GONE	1
#define CONN_MORE	2	/* on_input: wait for more bytes */

struct proto_ops {
	const char	*name;
	/* Send the greeting; may refuse the connection. */
	int		(*on_open)(struct conn *);
	/* One line, without its CR LF, NUL-terminated (len excludes it). */
	int		(*on_line)(struct conn *, char *line, size_t len);
	/*
	 * Byte protocols (HTTP) set this instead of on_line: take at most
	 * one message (a request) from IN and return CONN_OK, or CONN_MORE
	 * to wait for more bytes (nothing taken), or CONN_GONE.  Each
	 * message costs one rate token; the idle timer is the protocol's
	 * (conn_set_idle), never reset by arriving bytes.
	 */
	int		(*on_input)(struct conn *, struct evbuffer *in);
	/* A line longer than conn->max_line arrived; it is discarded. */
	int		(*on_line_too_long)(struct conn *);
	/* Rate limit exceeded hard: answer or close. */
	int		(*on_flood)(struct conn *);
	/* The output buffer drained: produce more of a long reply. */
	int		(*on_drain)(struct conn *);
	/* Idle timer fired; return CONN_GONE after closing. */
	int		(*on_idle)(struct conn *);
	/* The server is shutting down: say goodbye (no close). */
	void		(*on_shutdown)(struct conn *);
	/* The connection is going away; free protocol state. */
	void		(*on_free)(struct conn *);
	/* The TLS handshake on a STARTTLS connection completed. */
	void		(*on_tls_ready)(struct conn *);
	/* Connection refused (limits): write the protocol's goodbye. */
	void		(*on_refuse)(struct conn *, const char *why);
	/* The longest line (or, for a byte protocol, request) it takes. */
	size_t		(*max_line)(struct server *);
	/* Its token bucket: refill per second and size (NULL: the
	 * server-wide rate_per_sec and rate_burst). */
	void		(*rate)(struct server *, double *per_sec,
			    double *burst);
	/*
	 * What one line costs from that bucket (NULL: one token), asked
	 * before the line is taken: so a protocol can price its commands,
	 * a pipelined read at a fraction of a token and anything else at
	 * one.  LINE is NUL-terminated without its CR LF and must not be
	 * changed; the line is handed to on_line only once it is paid.
	 */
	double		(*line_cost)(struct conn *, const char *line,
			    size_t len);
};

/*
 * The protocol that serves listeners of kind P (the assembly registers
 * one per kind before listening; core names none).
 */
void	 conn_register_proto(enum proto p, const struct proto_ops *);

#define CONN_F_CLOSING		0x01	/* flush then free */
#define CONN_F_FREED		0x02	/* freed, awaiting deferred free */
#define CONN_F_DISCARD		0x04	/* dropping an oversized line */
#define CONN_F_PAUSED		0x08	/* reading paused by rate limit */
#define CONN_F_TLS		0x10	/* traffic is encrypted */
#define CONN_F_LOOPBACK		0x20	/* peer is on loopback */
#define CONN_F_HANDSHAKING	0x40	/* STARTTLS handshake under way */
#define CONN_F_FREE_LINES	0x400	/* lines cost no rate tokens */
#define CONN_F_DIRTY		0x80	/* output queued, flush pending */
#define CONN_F_WANTDRAIN	0x100	/* on_drain wanted (long replies) */
#define CONN_F_WBLOCKED		0x200	/* socket full: libevent writes */
#define CONN_F_HELD		0x800	/* output held for a group commit */
#define CONN_F_LAYERED		0x1000	/* c->bev is a filter on another */
#define CONN_F_READING		0x2000	/* conn_process_input running */
#define CONN_F_WAITING		0x4000	/* input held for an async job */
#define CONN_F_HOLDNOW		0x8000	/* held by this iteration's commit */
#define CONN_F_SYNCWAIT		0x10000	/* held until a WAL sync */
#define CONN_F_FILES		0x40000	/* output may hold file pieces */
#define CONN_F_OWNREAD		0x20000	/* conn.c reads the socket (ev_read) */
#define CONN_F_RDFULL		0x80000	/* ... stopped at the input's mark */

struct conn {
	uint64_t		 id;
	struct server		*srv;
	struct listener		*lst;
	enum proto		 proto;
	const struct proto_ops	*ops;
	struct bufferevent	*bev;
	int			 fd;
	int			 flags;
	char			 ip[64];	/* never shown to other users */
	time_t			 connected;
	size_t			 max_line;	/* current line cap */
	double			 tokens;
	struct timeval		 refill;
	struct event		*ev_idle;
	struct event		*ev_resume;
	struct event		*ev_free;
	struct event		*ev_read;	/* CONN_F_OWNREAD */
	int			 idle_timeout;
	void			*pstate;	/* protocol state */
	TAILQ_ENTRY(conn)	 entry;
	TAILQ_ENTRY(conn)	 dirty;		/* conn.c flush list */
	struct evbuffer		*stage;		/* output held for a commit */
	uint64_t		 hold_need;	/* ... until this sync ticket */
	size_t			 fan_off;	/* held output after the stage: */
	size_t			 fan_len;	/* ... a range of the fan-out copy */
	struct evbuffer		*close_out;	/* layered: bottom output */
	struct evbuffer_cb_entry *close_cb;	/* watches it while closing */
	size_t			 seen_out;	/* output at its last write */
	void			(*wait_cancel)(void *);	/* conn_wait() */
	void			*wait_arg;
	struct conn_ws		*ws;		/* WebSocket framing (ws.c) */
};

/*
 * The PROXY protocol: connections from a proxy_from address send a
 * header naming the client first.  The parser (parse/proxy.c, plugged in
 * by the assembly) returns the header's length and the client's address
 * in SRC (AF_UNSPEC: keep the connection's own), 0 when more bytes are
 * needed, -1 when it is no header.  It never looks past CONN_PROXY_MAX.
 */
#define CONN_PROXY_MAX	(16 + 4096)
typedef int	(*conn_proxy_fn)(const unsigned char *, size_t,
		    struct sockaddr_storage *src);
void	 conn_set_proxy_parser(conn_proxy_fn);

struct listener;

int	 listener_open(struct server *, const struct listen_spec *);
int	 listener_open_unix(struct server *, const char *path, mode_t mode);
void	 listeners_close(struct server *);
void	 listener_disable_all(struct server *);
/* Bound port of listener I, for the ports file. */
int	 listener_port(struct listener *);
enum proto listener_proto(struct listener *);
const char *listener_addr(struct listener *);

void	 conn_write(struct conn *, const void *, size_t);
void	 conn_printf(struct conn *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 conn_vprintf(struct conn *, const char *, va_list);
struct evbuffer *conn_output(struct conn *);
/*
 * Group commit: after conn_hold(), output to every connection is held
 * until the end of the loop iteration, where the commit hook runs and
 * calls conn_release(1, NEED) to send it once sync ticket NEED is
 * durable, or conn_release(0, NEED) to drop it.  Output written while
 * a ticket is committed but not yet durable waits for that ticket too;
 * conn_durable(DONE, 1) says tickets up to DONE are durable,
 * conn_durable(DONE, 0) that a sync failed (all held output dropped).
 * The sync hook makes everything committed durable before it returns
 * (a connection changing layers, STARTTLS, COMPRESS, WebSocket, cannot
 * keep output held across the change).
 */
void	 conn_hold(struct server *);
void	 conn_release(int ok, uint64_t need);
/*
 * The commit hook may leave the group commit open past this iteration
 * (while a sync runs): what is held stays in its stage, and output goes
 * on being held, until conn_release().
 */
void	 conn_durable(uint64_t done, int ok);
/* The hook's FORCE: commit now (a layer change), no leaving it open. */
void	 conn_set_commit_hook(void (*)(void *, int force), void *);
void	 conn_set_sync_hook(void (*)(void *), void *);
/* 1 when the output buffer passed its cap (and the conn is closing). */
int	 conn_check_output(struct conn *);
size_t	 conn_output_len(struct conn *);
/* Mark for closing: flush what is queued, then free from the loop. */
void	 conn_close(struct conn *, const char *reason);
int	 conn_is_closing(const struct conn *);
int	 conn_is_tls(const struct conn *);
int	 conn_is_loopback(const struct conn *);
/* Is C's client address (the PROXY one, if any) in LIST (addr[/bits])? */
int	 conn_addr_in_list(const struct conn *, const char *list);
/*
 * Compress both directions with raw DEFLATE (RFC 8054), after the reply
 * that says so was queued.  0 on success.
 */
int	 conn_compress(struct conn *);
/*
 * IRC over WebSocket: after the 101 reply to the opening handshake was
 * queued, frame C's traffic as WebSocket messages (ws.h; BINARY for
 * binary.ircv3.net) and hand C to the protocol of kind P as if it had
 * just connected, with P's line cap, rate and idle timer.  The old
 * protocol's state is freed first.  0 on success.
 */
int	 conn_websocket(struct conn *, int binary, enum proto p);
/* Upgrade a plain connection to TLS (after the "go ahead" reply). */
int	 conn_starttls(struct conn *);
/* Charge COST tokens from the bucket; 0 if allowed, -1 if exhausted. */
int	 conn_charge(struct conn *, double cost);
/*
 * Take COST more tokens for an expensive command.  The bucket may go
 * below zero: the next lines then wait until it refills.
 */
void	 conn_debit(struct conn *, double cost);
void	 conn_set_idle(struct conn *, int seconds);
void	 conn_touch(struct conn *);
/* Stop/resume processing input (e.g. while waiting on storage). */
void	 conn_pause(struct conn *);
void	 conn_resume(struct conn *);
/*
 * Hold input while an asynchronous job (a password check on a worker)
 * runs for C: no further line or message is handled until conn_unwait().
 * Should C be freed meanwhile, CANCEL(ARG) runs first, so the job's
 * result never touches a freed connection.
 */
void	 conn_wait(struct conn *, void (*cancel)(void *), void *arg);
void	 conn_unwait(struct conn *);
/* Ask for on_drain when the output buffer empties below the low mark. */
void	 conn_want_drain(struct conn *, int);
/*
 * Change the line cap (e.g. for article data after NNTP POST); the read
 * high-water mark follows it.  0 restores the protocol's default.
 */
void	 conn_set_max_line(struct conn *, size_t);
/* When on, lines cost no rate tokens (data after a rate-charged command). */
void	 conn_set_free_lines(struct conn *, int);
void	 conn_shutdown_all(struct server *);
void	 conn_free_all(struct server *);
const char *conn_peer_fingerprint(struct conn *, char *buf, size_t len);
struct ssl_st *conn_ssl(struct conn *);

/*
 * The descriptor budget: max_connections plus conn_fd_overhead() must
 * fit RLIMIT_NOFILE, whose soft limit is raised when it can be; an
 * unset max_connections becomes CONN_MAX_DEFAULT or what the limit
 * allows.  0 with what was done in MSG, or -1 with the numbers and the
 * remedy.
 */
#define CONN_MAX_DEFAULT	16384
/*
 * Descriptors a protocol may hold for bodies it sends with sendfile()
 * (HTTP's cached documents as memfds), part of the overhead.
 */
#define CONN_FD_FILES		16
/*
 * A sealed file (FD, never written again) and its read-only mapping MAP
 * of LEN bytes: while registered, the bytes of MAP that a plain
 * connection's output references (conn_add_file_ref()) leave with
 * sendfile() from FD, the bytes before them in the same packet.  At most
 * CONN_FD_FILES at once: -1 past that.  Unregister before unmapping.
 */
int	 conn_file_register(const void *map, size_t len, int fd);
void	 conn_file_unregister(const void *map);
/*
 * Add a reference to LEN bytes at DATA (in a registered mapping, or
 * anywhere) to OUT, C's output or a buffer moved to it later; CLEANUP
 * as for evbuffer_add_reference().  0, or -1 (nothing added).
 */
int	 conn_add_file_ref(struct conn *, struct evbuffer *, const void *data,
	    size_t len, evbuffer_ref_cleanup_cb cleanup, void *arg);
int	 conn_fd_budget(struct config *, char *msg, size_t len);
int	 conn_fd_overhead(const struct config *);

struct ip_table *ip_table_create(void);
void	 ip_table_free(struct ip_table *);

#endif
