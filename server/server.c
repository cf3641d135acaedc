/*
 * server.c -- daemon life cycle: set-up, signals, reload, shutdown.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "account.h"
#include "admin.h"
#include "auth.h"
#include "admin-protocol.h"
#include "conn.h"
#include "i18n.h"
#include "events.h"
#include "forum.h"
#include "history.h"
#include "hearth.h"
#include "http.h"
#include "irc.h"
#include "log.h"
#include "modq.h"
#include "notify.h"
#include "nntp.h"
#include "nntp-feed.h"
#include "peer.h"
#include "pidfile.h"
#include "proxy.h"
#include "seed.h"
#include "store.h"
#include "tls.h"
#include "webpush.h"
#include "xmalloc.h"

/* Which protocol serves which kind of listener. */
static void
register_protocols(void)
{
	conn_register_proto(PROTO_NNTP, &nntp_ops);
	conn_register_proto(PROTO_NNTPS, &nntp_ops);
	conn_register_proto(PROTO_IRC, &irc_ops);
	conn_register_proto(PROTO_IRCS, &irc_ops);
	conn_register_proto(PROTO_HTTP, &http_ops);
	conn_register_proto(PROTO_HTTPS, &http_ops);
	/* The handshake is HTTP's (http-ws.c); then they are IRC's. */
	conn_register_proto(PROTO_WS, &http_ops);
	conn_register_proto(PROTO_WSS, &http_ops);
	conn_register_proto(PROTO_ADMINS, &admin_ops);
	conn_register_proto(PROTO_ADMIN, &admin_ops);
}

/* Something feeds or pages show has changed: drop cached copies. */
static void
content_changed(struct server *srv, struct notify_msg *m, void *arg)
{
	(void)m;
	(void)arg;
	srv->content_version++;
}

static int
mkdir_p(const char *path, mode_t mode)
{
	char	*p, *s;
	int	 rc = 0;

	s = xstrdup(path);
	for (p = s + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(s, 0755) == -1 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	if (rc == 0 && mkdir(s, mode) == -1 && errno != EEXIST)
		rc = -1;
	free(s);
	return rc;
}

/*
 * Load the configured certificate, or make (once) and load a
 * self-signed one under the state directory.
 */
static SSL_CTX *
server_tls(struct server *srv)
{
	char		 err[512], *cert, *key, *dir;
	SSL_CTX		*ctx;

	if (srv->cf->tls_cert != NULL) {
		cert = xstrdup(srv->cf->tls_cert);
		key = xstrdup(srv->cf->tls_key != NULL ? srv->cf->tls_key :
		    srv->cf->tls_cert);
	} else {
		dir = server_state_path(srv, "tls");
		if (mkdir_p(dir, 0700) != 0) {
			log_warn("cannot create %s", dir);
			free(dir);
			return NULL;
		}
		free(dir);
		cert = server_state_path(srv, "tls/cert.pem");
		key = server_state_path(srv, "tls/key.pem");
		if (access(cert, R_OK) != 0 || access(key, R_OK) != 0) {
			if (tls_make_self_signed(cert, key,
			    srv->cf->server_name, err, sizeof err) != 0) {
				log_warnx("self-signed certificate: %s", err);
				free(cert);
				free(key);
				return NULL;
			}
			log_info("no tls_cert configured: made a self-signed "
			    "certificate %s for %s", cert,
			    srv->cf->server_name);
		}
	}
	ctx = tls_ctx_create(cert, key, err, sizeof err);
	if (ctx == NULL)
		log_warnx("TLS: %s", err);
	free(cert);
	free(key);
	return ctx;
}

static void
write_ports_file(struct server *srv)
{
	char	*path, *tmp;
	FILE	*f;
	size_t	 i;

	path = server_state_path(srv, "ports");
	xasprintf(&tmp, "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		log_warn("%s", tmp);
		goto out;
	}
	for (i = 0; i < srv->nlisteners; i++) {
		if (listener_proto(srv->listeners[i]) == PROTO_ADMIN)
			continue;
		fprintf(f, "%s %s %d\n",
		    proto_name(listener_proto(srv->listeners[i])),
		    listener_addr(srv->listeners[i]),
		    listener_port(srv->listeners[i]));
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		log_warn("%s", path);
out:
	free(tmp);
	free(path);
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server	*srv = arg;

	(void)what;
	if (sig == SIGHUP) {
		log_info("SIGHUP: reloading configuration");
		server_reload(srv);
		return;
	}
	log_info("%s: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	server_shutdown(srv);
}

static void
chown_state(struct server *srv, const char *name, uid_t uid, gid_t gid)
{
	char	*p = server_state_path(srv, name);

	if (chown(p, uid, gid) == -1 && errno != ENOENT)
		log_warn("chown %s", p);
	free(p);
}

/*
 * Started as root with "user" set: hand the state directory and every
 * file in it to that user, then drop to it for good.
 */
static int
drop_privileges(struct server *srv)
{
	struct passwd	*pw;
	const char	*files[] = { "", "tls", "tls/cert.pem", "tls/key.pem",
	    "ports", "secret.key", "vapid.pem" };
	const char	*suffixes[] = { "", "-wal", "-shm", "-journal" };
	char		*p;
	size_t		 i;

	if (geteuid() != 0 || srv->cf->user == NULL)
		return 0;
	if ((pw = getpwnam(srv->cf->user)) == NULL) {
		log_warnx("user %s does not exist", srv->cf->user);
		return -1;
	}
	for (i = 0; i < sizeof files / sizeof files[0]; i++)
		chown_state(srv, files[i], pw->pw_uid, pw->pw_gid);
	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		xasprintf(&p, "%s%s", srv->cf->database, suffixes[i]);
		chown_state(srv, p, pw->pw_uid, pw->pw_gid);
		free(p);
	}
	chown_state(srv, srv->cf->admin_socket, pw->pw_uid, pw->pw_gid);
	if (srv->pidfile != NULL && chown(srv->pidfile, pw->pw_uid,
	    pw->pw_gid) == -1)
		log_warn("chown %s", srv->pidfile);
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1) {
		log_warn("cannot drop privileges to %s", pw->pw_name);
		return -1;
	}
	if (setuid(0) == 0) {
		log_warnx("privileges could be regained; refusing to run");
		return -1;
	}
	/*
	 * Changing ids resets the dumpable flag to fs.suid_dumpable, which
	 * may be 1 or 2: turn it off again (and keep RLIMIT_CORE at 0).
	 */
	if (prctl(PR_SET_DUMPABLE, 0) == -1) {
		log_warn("prctl PR_SET_DUMPABLE");
		return -1;
	}
	log_info("dropped privileges to user=%s", pw->pw_name);
	return 0;
}

_Static_assert(PROXY_MAX == CONN_PROXY_MAX, "PROXY header sizes");

/* conn.c's PROXY header parser: parse/proxy.c. */
static int
server_proxy_parse(const unsigned char *buf, size_t len,
    struct sockaddr_storage *src)
{
	struct proxy_hdr	h;
	int			r;

	r = proxy_parse(buf, len > CONN_PROXY_MAX ? CONN_PROXY_MAX : len, &h);
	if (r > 0) {
		memset(src, 0, sizeof *src);
		if (h.family == AF_UNSPEC)
			src->ss_family = AF_UNSPEC;
		else
			memcpy(src, &h.src, h.srclen);
	}
	return r > 0 ? r : r == PROXY_MORE ? 0 : -1;
}

/*
 * End of a loop iteration with a group commit open: commit, then send
 * or drop what the connections held, then tell IRC how it went.
 */
static void
server_commit(void *arg, int force)
{
	struct server	*srv = arg;
	uint64_t	 need = 0;
	int		 ok;

	/*
	 * A sync is running: whatever this batch holds would wait for the
	 * sync after it anyway, so the batch stays open and is committed
	 * when that sync ends (server_sync_cb()), with everything stored
	 * meanwhile.  Fewer commits: shared pages (index leaves, a group's
	 * counter) go to the WAL once for many posts.
	 */
	if (!force && !srv->shutting_down &&
	    store_batch_may_wait(srv->store)) {
		srv->commit_deferred = 1;
		return;
	}
	srv->commit_deferred = 0;
	ok = store_batch_close(srv->store, &need) == STORE_OK;
	if (!ok)
		log_warnx("group commit failed: the replies it held are "
		    "dropped and the senders told");
	conn_release(ok, need);
	irc_batch_done(srv, ok);
	nntp_batch_done(srv, ok, need);
}

/*
 * The WAL sync thread synced up to ticket DONE (OK), or a sync failed:
 * then the held replies are dropped, the posters told, and hearthd
 * stops, since no later sync could be believed (see store.c).
 */
static void
server_synced(struct server *srv, uint64_t done, int ok)
{
	conn_durable(done, ok);
	nntp_sync_done(srv, done, ok);
	if (!ok) {
		log_warnx("the WAL could not be synced to disk: replies "
		    "waiting for it are dropped (posters are told), and "
		    "hearthd stops; check the disk, then start it again");
		server_shutdown(srv);
	}
}

static void
server_sync_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server	*srv = arg;
	char		 buf[64];
	uint64_t	 done;
	int		 ok;

	(void)what;
	while (read(fd, buf, sizeof buf) > 0)
		;
	ok = store_sync_poll(srv->store, &done) == 0;
	server_synced(srv, done, ok);
	/* The batch left open while that sync ran: commit it now. */
	if (srv->commit_deferred)
		server_commit(srv, 0);
}

/* conn.c's sync hook: everything committed durable before returning. */
static void
server_sync_now(void *arg)
{
	struct server	*srv = arg;
	uint64_t	 done;
	int		 ok;

	ok = store_sync_now(srv->store, &done) == 0;
	server_synced(srv, done, ok);
}

/*
 * With database_sync_full, group commits are synced by a thread (see
 * store.c), which wakes the loop through a pipe.  Without it (or when
 * the thread cannot start) they are synced on the loop, as before.
 */
static void
server_syncer_start(struct server *srv)
{
	if (!srv->cf->db_sync_full)
		return;
	if (pipe2(srv->sync_pipe, O_NONBLOCK | O_CLOEXEC) == -1) {
		log_warn("pipe");
		srv->sync_pipe[0] = srv->sync_pipe[1] = -1;
		return;
	}
	srv->ev_sync = event_new(srv->base, srv->sync_pipe[0],
	    EV_READ | EV_PERSIST, server_sync_cb, srv);
	if (srv->ev_sync == NULL || event_add(srv->ev_sync, NULL) != 0 ||
	    store_syncer_start(srv->store, srv->sync_pipe[1]) != 0) {
		log_warnx("group commits are synced on the event loop");
		return;
	}
	conn_set_sync_hook(server_sync_now, srv);
}

/*
 * Become the one hearthd of the state directory before touching
 * anything in it: lock the pidfile (naming a live owner's pid when it
 * is taken) and the directory itself, then write our pid.  A second
 * hearthd stops here and, since srv->pidfile stays NULL, removes
 * nothing of the first's on its way out.
 */
static int
server_lock_state(struct server *srv)
{
	char	 err[512], *path;
	int	 fd, dfd;

	path = srv->cf->pidfile != NULL ? xstrdup(srv->cf->pidfile) :
	    server_state_path(srv, "hearthd.pid");
	if ((fd = pidfile_lock(path, err, sizeof err)) == -1) {
		log_error("%s", err);
		free(path);
		return -1;
	}
	if ((dfd = statedir_lock(srv->state_dir, err, sizeof err)) == -1) {
		log_error("%s", err);
		close(fd);
		free(path);
		return -1;
	}
	if (pidfile_write(fd) != 0)
		log_warn("cannot write %s", path);
	srv->pidfile = path;
	srv->pidfile_fd = fd;
	srv->state_lock_fd = dfd;
	return 0;
}

/* After daemon(): the pidfile gets the pid that will keep running. */
void
server_detached(struct server *srv)
{
	if (srv->pidfile != NULL && pidfile_write(srv->pidfile_fd) != 0)
		log_warn("cannot write %s", srv->pidfile);
}

/*
 * The catalogues from locale_dir and the operator's language.  Without
 * them every text is English: said in the log, never fatal.
 */
static void
server_i18n(const struct config *cf)
{
	char	err[512];
	int	n;

	if ((n = i18n_load(cf->locale_dir, err, sizeof err)) < 0)
		log_warnx("translations not loaded, texts stay English: %s",
		    err);
	else
		log_info("translations: %d catalogues from %s (%s)", n,
		    cf->locale_dir, i18n_languages());
	i18n_set_default(cf->language);
	if (i18n_lang(cf->language) == NULL)
		log_warnx("language = %s: no catalogue for it in %s, texts "
		    "stay English", cf->language, cf->locale_dir);
}

int
server_init(struct server *srv, struct config *cf, const char *cfile)
{
	char		 err[512], *path;
	struct rlimit	 rl = { 0, 0 };
	struct event_config	*ecf;
	size_t		 i;
	int		 n;

	srv->cf = cf;
	srv->sync_pipe[0] = srv->sync_pipe[1] = -1;
	srv->config_file = cfile != NULL ? xstrdup(cfile) : NULL;
	srv->started = time(NULL);
	TAILQ_INIT(&srv->conns);
	srv->ips = ip_table_create();

	/* Memory holds health data: never write it to a core file. */
	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Past a file-size limit a write must fail (EFBIG: the post gets a
	 * temporary error), not kill the server with a core-dumping signal.
	 */
	signal(SIGXFSZ, SIG_IGN);
	umask(0077);

	srv->state_dir = xstrdup(cf->state_dir);
	srv->pidfile_fd = srv->state_lock_fd = -1;
	if (mkdir_p(srv->state_dir, 0700) != 0) {
		log_warn("cannot create state directory %s", srv->state_dir);
		return -1;
	}
	if (server_lock_state(srv) != 0)
		return -1;
	/* It holds health data and keys: nobody else may look inside. */
	if (chmod(srv->state_dir, 0700) != 0)
		log_warn("chmod 0700 %s", srv->state_dir);
	/*
	 * The epoll changelist folds the add/delete of a write event that
	 * one loop iteration makes into one epoll_ctl, or none: fan-out
	 * to many connections otherwise costs two syscalls per write.
	 */
	if ((ecf = event_config_new()) != NULL) {
		event_config_set_flag(ecf, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
		srv->base = event_base_new_with_config(ecf);
		event_config_free(ecf);
	}
	if (srv->base == NULL && (srv->base = event_base_new()) == NULL) {
		log_warnx("event_base_new failed");
		return -1;
	}
	if ((srv->tls_ctx = server_tls(srv)) == NULL)
		return -1;

	path = server_state_path(srv, cf->database);
	srv->store = store_open(path, cf->db_sync_full, 0, err, sizeof err);
	free(path);
	if (srv->store == NULL) {
		log_error("%s", err);
		return -1;
	}
	store_chat_sync(srv->store, cf->chat_sync_full);
	conn_set_commit_hook(server_commit, srv);
	conn_set_proxy_parser(server_proxy_parse);
	server_i18n(cf);
	if (cf->groups_file != NULL) {
		if ((n = seed_groups(srv->store, cf->groups_file, err,
		    sizeof err)) < 0) {
			log_error("%s", err);
			return -1;
		}
		log_info("seeded groups from %s", cf->groups_file);
	}
	if (cf->rooms_file != NULL) {
		if ((n = seed_rooms(srv->store, cf->rooms_file, err,
		    sizeof err)) < 0) {
			log_error("%s", err);
			return -1;
		}
		log_info("seeded rooms from %s", cf->rooms_file);
	}
	account_set_cost(cf->scrypt_log2n);
	if (auth_init(srv, err, sizeof err) != 0) {
		log_error("%s", err);
		return -1;
	}
	if (modq_init(srv, err, sizeof err) != 0) {
		log_error("%s", err);
		return -1;
	}
	if (webpush_init(srv, err, sizeof err) != 0) {
		log_error("%s", err);
		return -1;
	}
	if (peer_init(srv, cf->peers_file, err, sizeof err) != 0) {
		log_error("%s", err);
		return -1;
	}
	if (nntp_feed_init(srv, err, sizeof err) != 0) {
		log_error("%s", err);
		return -1;
	}
	history_init(srv);
	forum_init(srv);
	notify_subscribe(NOTIFY_CONTENT_CHANGED, content_changed, NULL);
	events_init(srv);
	srv->irc = irc_server_create(srv);
	http_init(srv);
	register_protocols();

	for (i = 0; i < cf->nlistens; i++) {
		if (listener_open(srv, &cf->listens[i]) != 0) {
			log_error("cannot listen on %s=%s:%s",
			    proto_name(cf->listens[i].proto),
			    cf->listens[i].addr, cf->listens[i].port);
			return -1;
		}
	}
	path = server_state_path(srv, cf->admin_socket);
	n = listener_open_unix(srv, path, 0660);
	free(path);
	if (n != 0)
		return -1;
	write_ports_file(srv);

	srv->ev_term = evsignal_new(srv->base, SIGTERM, signal_cb, srv);
	srv->ev_int = evsignal_new(srv->base, SIGINT, signal_cb, srv);
	srv->ev_hup = evsignal_new(srv->base, SIGHUP, signal_cb, srv);
	evsignal_add(srv->ev_term, NULL);
	evsignal_add(srv->ev_int, NULL);
	evsignal_add(srv->ev_hup, NULL);

	if (drop_privileges(srv) != 0)
		return -1;
	log_info("hearthd %s ready state_dir=%s", PACKAGE_VERSION,
	    srv->state_dir);
	return 0;
}

/*
 * SIGHUP: read the config file again and load the TLS certificate again.
 * Established connections stay; listeners and the state directory keep
 * their start-up values (a restart changes those).  A bad file is
 * reported and the running configuration kept.
 */
int
server_reload(struct server *srv)
{
	struct config	*ncf, *old;
	SSL_CTX		*ctx;
	char		 err[1024];

	ncf = config_default();
	if (srv->config_file != NULL &&
	    config_load(ncf, srv->config_file, err, sizeof err) != 0) {
		log_warnx("reload failed, keeping the running configuration: "
		    "%s", err);
		config_free(ncf);
		return -1;
	}
	/* The listeners stay: only max_connections may change the need. */
	if (conn_fd_budget(ncf, err, sizeof err) != 0) {
		log_warnx("reload failed, keeping the running configuration: "
		    "%s", err);
		config_free(ncf);
		return -1;
	}
	/* What cannot change without a restart is carried over. */
	free(ncf->pidfile);
	ncf->pidfile = srv->cf->pidfile != NULL ?
	    xstrdup(srv->cf->pidfile) : NULL;
	free(ncf->log_target);
	ncf->log_target = srv->cf->log_target != NULL ?
	    xstrdup(srv->cf->log_target) : NULL;
	free(ncf->state_dir);
	ncf->state_dir = xstrdup(srv->cf->state_dir);
	free(ncf->database);
	ncf->database = xstrdup(srv->cf->database);
	free(ncf->admin_socket);
	ncf->admin_socket = xstrdup(srv->cf->admin_socket);
	/* TZ is read by every thread: it is set once, at start-up. */
	if ((ncf->timezone == NULL) != (srv->cf->timezone == NULL) ||
	    (ncf->timezone != NULL &&
	    strcmp(ncf->timezone, srv->cf->timezone) != 0))
		log_warnx("reload: the timezone changes at the next restart");
	free(ncf->timezone);
	ncf->timezone = srv->cf->timezone != NULL ?
	    xstrdup(srv->cf->timezone) : NULL;
	old = srv->cf;
	srv->cf = ncf;
	if ((ctx = server_tls(srv)) == NULL) {
		log_warnx("reload: TLS certificate not reloaded, keeping "
		    "the old one");
		srv->cf = old;
		config_free(ncf);
		return -1;
	}
	/* Open TLS sessions hold their own reference to the old context. */
	SSL_CTX_free(srv->tls_ctx);
	srv->tls_ctx = ctx;
	log_set_level((enum log_level)ncf->log_level);
	log_reopen();
	server_i18n(ncf);
	account_set_cost(ncf->scrypt_log2n);
	/* Push turned on: its key and client now (off: simply unused). */
	if (webpush_init(srv, err, sizeof err) != 0)
		log_warnx("reload: web push not started: %s", err);
	irc_config_changed(srv, old);
	config_free(old);
	log_info("configuration and TLS certificate reloaded");
	return 0;
}

int
server_run(struct server *srv)
{
	/* After the fork into the background: threads do not survive it. */
	if (store_checkpointer_start(srv->store) != 0)
		log_warnx("WAL checkpoints stay on the event loop");
	server_syncer_start(srv);
	auth_start(srv);
	event_base_dispatch(srv->base);
	return 0;
}

void
server_shutdown(struct server *srv)
{
	struct timeval	tv = { 2, 0 };

	if (srv->shutting_down)
		return;
	srv->shutting_down = 1;
	listener_disable_all(srv);
	conn_shutdown_all(srv);
	if (srv->nconns_total == 0) {
		event_base_loopexit(srv->base, NULL);
		return;
	}
	/* Let goodbyes flush, then leave the loop whatever is left. */
	event_base_loopexit(srv->base, &tv);
}

void
server_free(struct server *srv)
{
	char		*p;

	conn_free_all(srv);
	http_free(srv);
	listeners_close(srv);
	/* Only the owner of the state directory removes its socket. */
	if (srv->cf != NULL && srv->state_dir != NULL && srv->pidfile != NULL) {
		p = server_state_path(srv, srv->cf->admin_socket);
		unlink(p);
		free(p);
	}
	irc_server_free(srv->irc);
	nntp_feed_free(srv);
	peer_shutdown(srv);
	if (srv->store != NULL) {
		events_free(srv);
		modq_free(srv);
		history_free(srv);
		forum_free(srv);
		auth_free(srv);
		webpush_free(srv);
	}
	/* Syncs what is left, then ends the sync thread. */
	store_close(srv->store);
	if (srv->ev_sync != NULL)
		event_free(srv->ev_sync);
	if (srv->sync_pipe[0] > 0) {
		close(srv->sync_pipe[0]);
		close(srv->sync_pipe[1]);
	}
	if (srv->tls_ctx != NULL)
		SSL_CTX_free(srv->tls_ctx);
	if (srv->ev_term != NULL)
		event_free(srv->ev_term);
	if (srv->ev_int != NULL)
		event_free(srv->ev_int);
	if (srv->ev_hup != NULL)
		event_free(srv->ev_hup);
	if (srv->base != NULL)
		event_base_free(srv->base);
	ip_table_free(srv->ips);
	account_cleanup();
	notify_reset();
	if (srv->pidfile != NULL) {
		pidfile_release(srv->pidfile, srv->pidfile_fd);
		close(srv->state_lock_fd);
		free(srv->pidfile);
	}
	free(srv->state_dir);
	free(srv->config_file);
	config_free(srv->cf);
	i18n_free();
}
