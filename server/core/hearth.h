/*
 * hearth.h -- the daemon's shared state.
 *
 * One process, one event_base.  struct server holds everything that lives
 * as long as the daemon: configuration, TLS context, storage, listeners
 * and the list of connections.
 */
#ifndef HEARTH_H
#define HEARTH_H

#include <sys/queue.h>
#include <sys/types.h>
#include <stdint.h>
#include <time.h>

#include <event2/event.h>
#include <openssl/ssl.h>

#include "config.h"

#define HEARTH_VERSION	PACKAGE_VERSION

struct conn;
struct store;
struct listener;
struct http_server;
struct admin;
struct nntp_server;
struct irc_server;
struct peers;
struct nntp_feeder;

TAILQ_HEAD(conn_list, conn);

struct server {
	struct event_base	*base;
	struct config		*cf;
	char			*config_file;	/* for SIGHUP reload */
	char			*state_dir;	/* absolute or as given */
	SSL_CTX			*tls_ctx;
	struct store		*store;
	struct admin		*admin;
	struct http_server	*http;
	struct irc_server	*irc;
	struct peers		*peers;		/* services/peer.c */
	struct nntp_feeder	*feeder;	/* nntp/nntp-feed.c */
	time_t			 started;
	uint64_t		 next_conn_id;

	struct listener		**listeners;
	size_t			 nlisteners;

	struct conn_list	 conns;
	unsigned int		 nconns[PROTO_COUNT];
	unsigned int		 nconns_total;
	/* Times a connection's reading paused for its token bucket. */
	uint64_t		 rate_waits[PROTO_COUNT];
	struct ip_table		*ips;

	struct event		*ev_term;
	struct event		*ev_int;
	struct event		*ev_hup;
	struct event		*ev_sync;	/* the WAL sync thread's pipe */
	int			 sync_pipe[2];
	int			 commit_deferred;	/* until the sync ends */
	int			 shutting_down;
	/* Bumped on every change that feeds and pages show. */
	uint64_t		 content_version;

	/*
	 * The locks that make us the one hearthd of this state directory
	 * (pidfile.h); pidfile is NULL until both are held, and nothing
	 * in the state directory is removed at exit without them.
	 */
	char			*pidfile;
	int			 pidfile_fd;
	int			 state_lock_fd;

	/* Command-line overrides, reapplied on reload. */
	char			**override_listens;
	size_t			 noverride_listens;
	char			*override_state_dir;
};

/* server.c */
int	 server_init(struct server *, struct config *, const char *cfile);
int	 server_run(struct server *);
void	 server_shutdown(struct server *);
void	 server_free(struct server *);
int	 server_reload(struct server *);
void	 server_detached(struct server *);

/* A path under the state directory (xmalloc'd). */
static inline char *
server_state_path(struct server *srv, const char *name)
{
	return config_path(srv->state_dir, name);
}

#endif
