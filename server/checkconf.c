/*
 * checkconf.c -- hearthd --check-config: everything start-up needs, checked
 * without starting.
 *
 * Each check runs the code start-up runs where it can (tls_ctx_create,
 * seed_groups and seed_rooms into a throw-away in-memory store,
 * safety_load, getaddrinfo), so a file that stops hearthd from starting
 * fails the check too.  Every problem is reported, each with the config
 * file and line of the key at fault.  What is not checked: that the
 * ports are free and that no other hearthd holds the state directory
 * (the check is run beside a live server before a reload).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "checkconf.h"
#include "config.h"
#include "erase.h"
#include "log.h"
#include "peer.h"
#include "safety.h"
#include "seed.h"
#include "store.h"
#include "tls.h"
#include "webpush.h"
#include "xmalloc.h"

struct check {
	const struct config	*cf;
	int			 problems;
	int			 warnings;
};

/* "file:line: " of KEY, or "file: " when it was not in the file. */
static void
where(const struct check *ck, const char *key, int line, char *buf,
    size_t len)
{
	if (line == 0 && key != NULL)
		line = config_key_line(ck->cf, key);
	if (ck->cf->path == NULL)
		snprintf(buf, len, "(defaults): ");
	else if (line > 0)
		snprintf(buf, len, "%s:%d: ", ck->cf->path, line);
	else
		snprintf(buf, len, "%s: ", ck->cf->path);
}

static void	problem(struct check *, const char *, int, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
static void	warning(struct check *, const char *, int, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

static void
problem(struct check *ck, const char *key, int line, const char *fmt, ...)
{
	char	at[1100];
	va_list	ap;

	where(ck, key, line, at, sizeof at);
	fprintf(stderr, "hearthd: %s", at);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	ck->problems++;
}

static void
warning(struct check *ck, const char *key, int line, const char *fmt, ...)
{
	char	at[1100];
	va_list	ap;

	where(ck, key, line, at, sizeof at);
	fprintf(stderr, "hearthd: %swarning: ", at);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	ck->warnings++;
}

/* A file start-up reads: it must exist and be readable. */
static int
check_readable(struct check *ck, const char *key, const char *path)
{
	struct stat	st;

	if (stat(path, &st) == -1 || access(path, R_OK) == -1) {
		problem(ck, key, 0, "%s %s: %s", key, path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		problem(ck, key, 0, "%s %s: is a directory", key, path);
		return -1;
	}
	return 0;
}

/*
 * The state directory: an existing one must be a directory we can
 * write and search; a missing one must be creatable (its nearest
 * existing parent writable).  Files hearthd reads back from it must be
 * readable, and a certificate it made earlier must still load.
 */
static void
check_state_dir(struct check *ck)
{
	const struct config	*cf = ck->cf;
	struct stat		 st;
	char			*p, *slash, *path, err[512];
	SSL_CTX			*ctx;
	struct sockaddr_un	 sun;
	size_t			 i;
	const char		*names[] = { "secret.key" };

	if (stat(cf->state_dir, &st) == -1) {
		if (errno != ENOENT) {
			problem(ck, "state_dir", 0, "state directory %s: %s",
			    cf->state_dir, strerror(errno));
			return;
		}
		/* Will be made: find the first parent that exists. */
		p = xstrdup(cf->state_dir);
		while ((slash = strrchr(p, '/')) != NULL) {
			*(slash == p ? slash + 1 : slash) = '\0';
			if (stat(p, &st) == 0)
				break;
			if (slash == p)
				break;
		}
		if (slash == NULL) {
			free(p);
			p = xstrdup(".");
		}
		if (access(p, W_OK | X_OK) == -1)
			problem(ck, "state_dir", 0, "state directory %s cannot "
			    "be created: %s: %s", cf->state_dir, p,
			    strerror(errno));
		free(p);
	} else if (!S_ISDIR(st.st_mode)) {
		problem(ck, "state_dir", 0, "state directory %s is not a "
		    "directory", cf->state_dir);
		return;
	} else if (access(cf->state_dir, R_OK | W_OK | X_OK) == -1) {
		problem(ck, "state_dir", 0, "state directory %s: %s",
		    cf->state_dir, strerror(errno));
		return;
	}

	path = config_path(cf->state_dir, cf->database);
	if (access(path, F_OK) == 0 && access(path, R_OK | W_OK) == -1)
		problem(ck, "database", 0, "database %s: %s", path,
		    strerror(errno));
	free(path);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		path = config_path(cf->state_dir, names[i]);
		if (access(path, F_OK) == 0 && access(path, R_OK) == -1)
			problem(ck, "state_dir", 0, "%s: %s", path,
			    strerror(errno));
		free(path);
	}
	path = config_path(cf->state_dir, cf->admin_socket);
	if (strlen(path) >= sizeof sun.sun_path)
		problem(ck, "admin_socket", 0, "admin socket path %s is longer "
		    "than %zu bytes", path, sizeof sun.sun_path - 1);
	free(path);

	/* Without tls_cert: a self-signed pair made earlier is reused. */
	if (cf->tls_cert == NULL) {
		char	*cert = config_path(cf->state_dir, "tls/cert.pem");
		char	*key = config_path(cf->state_dir, "tls/key.pem");

		if (access(cert, F_OK) == 0 && access(key, F_OK) == 0) {
			if ((ctx = tls_ctx_create(cert, key, err,
			    sizeof err)) == NULL)
				problem(ck, "state_dir", 0, "self-signed "
				    "certificate: %s", err);
			else
				SSL_CTX_free(ctx);
		}
		free(cert);
		free(key);
	}
}

/* Does PATH hold a PEM private key? */
static int
key_parses(const char *path)
{
	FILE		*f;
	EVP_PKEY	*pk;

	if ((f = fopen(path, "r")) == NULL)
		return 0;
	pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	ERR_clear_error();
	if (pk == NULL)
		return 0;
	EVP_PKEY_free(pk);
	return 1;
}

/* tls_cert and tls_key: readable, parsed, and a matching pair. */
static void
check_tls(struct check *ck)
{
	const struct config	*cf = ck->cf;
	const char		*key;
	char			 err[512];
	SSL_CTX			*ctx;

	if (cf->tls_cert == NULL) {
		if (cf->tls_key != NULL)
			warning(ck, "tls_key", 0, "tls_key without tls_cert is "
			    "ignored (a self-signed certificate is used)");
		return;
	}
	key = cf->tls_key != NULL ? cf->tls_key : cf->tls_cert;
	if (check_readable(ck, "tls_cert", cf->tls_cert) != 0 ||
	    check_readable(ck, cf->tls_key != NULL ? "tls_key" : "tls_cert",
	    key) != 0)
		return;
	if ((ctx = tls_ctx_create(cf->tls_cert, key, err, sizeof err))
	    == NULL) {
		/* OpenSSL refuses a key that parses but is not the pair's. */
		if (strstr(err, "private key") != NULL && key_parses(key))
			snprintf(err, sizeof err, "key %s does not match "
			    "certificate %s", key, cf->tls_cert);
		/* Name the line of the file that did not load. */
		problem(ck, strstr(err, "certificate") != NULL &&
		    strstr(err, "does not match") == NULL ? "tls_cert" :
		    (cf->tls_key != NULL ? "tls_key" : "tls_cert"), 0,
		    "TLS: %s", err);
		return;
	}
	SSL_CTX_free(ctx);
}

/* groups_file, rooms_file and crisis_phrases_file, parsed as start-up does. */
static void
check_files(struct check *ck)
{
	const struct config	*cf = ck->cf;
	struct store		*st = NULL;
	struct safety		*sf;
	char			 err[1024];
	const char		*key = NULL;
	int			 groups_ok, rooms_ok;

	groups_ok = cf->groups_file != NULL &&
	    check_readable(ck, "groups_file", cf->groups_file) == 0;
	rooms_ok = cf->rooms_file != NULL &&
	    check_readable(ck, "rooms_file", cf->rooms_file) == 0;
	/* Seeded into a store of its own, as start-up seeds the real one. */
	if (groups_ok || rooms_ok) {
		st = store_open(":memory:", 0, 0, err, sizeof err);
		if (st == NULL)
			problem(ck, NULL, 0, "in-memory store: %s", err);
	}
	if (st != NULL && groups_ok &&
	    seed_groups(st, cf->groups_file, err, sizeof err) < 0)
		problem(ck, "groups_file", 0, "groups_file: %s", err);
	if (st != NULL && rooms_ok &&
	    seed_rooms(st, cf->rooms_file, err, sizeof err) < 0)
		problem(ck, "rooms_file", 0, "rooms_file: %s", err);
	store_close(st);

	/* Web push: what webpush_init() would refuse at start. */
	if (webpush_check_config(cf, cf->state_dir, &key, err, sizeof err) !=
	    0)
		problem(ck, key, 0, "%s", err);

	if (cf->crisis_phrases_file != NULL &&
	    check_readable(ck, "crisis_phrases_file",
	    cf->crisis_phrases_file) == 0) {
		if ((sf = safety_load(cf->crisis_phrases_file, err,
		    sizeof err)) == NULL)
			problem(ck, "crisis_phrases_file", 0,
			    "crisis_phrases_file: %s", err);
		else
			safety_free(sf);
	}

	/* The outgoing feeds, each line as start-up reads it. */
	if (cf->peers_file != NULL && check_readable(ck, "peers_file",
	    cf->peers_file) == 0 && peer_check_file(cf->peers_file, err,
	    sizeof err) != 0)
		problem(ck, "peers_file", 0, "%s", err);
	if (cf->peer_ca_file != NULL && check_readable(ck, "peer_ca_file",
	    cf->peer_ca_file) == 0) {
		SSL_CTX	*ctx = SSL_CTX_new(TLS_client_method());

		if (ctx == NULL || SSL_CTX_load_verify_file(ctx,
		    cf->peer_ca_file) != 1)
			problem(ck, "peer_ca_file", 0, "peer_ca_file %s: no "
			    "certificates could be read", cf->peer_ca_file);
		SSL_CTX_free(ctx);
	}
}

struct bound {
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 family;
	unsigned short		 port;
	int			 wildcard;
	size_t			 spec;		/* index in cf->listens */
};

static void
bound_of(const struct addrinfo *ai, struct bound *b)
{
	memset(b, 0, sizeof *b);
	memcpy(&b->ss, ai->ai_addr, ai->ai_addrlen);
	b->len = ai->ai_addrlen;
	b->family = ai->ai_family;
	if (ai->ai_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ai->ai_addr;

		b->port = ntohs(s4->sin_port);
		b->wildcard = s4->sin_addr.s_addr == htonl(INADDR_ANY);
	} else if (ai->ai_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ai->ai_addr;

		b->port = ntohs(s6->sin6_port);
		b->wildcard = IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr);
	}
}

/* Would binding A and B (same family, same fixed port) collide? */
static int
bound_collide(const struct bound *a, const struct bound *b)
{
	if (a->family != b->family || a->port != b->port || a->port == 0)
		return 0;
	if (a->wildcard || b->wildcard)
		return 1;
	if (a->family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)&a->ss)->
		    sin_addr.s_addr ==
		    ((const struct sockaddr_in *)(const void *)&b->ss)->
		    sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)(const void *)&a->ss)->
	    sin6_addr, &((const struct sockaddr_in6 *)(const void *)&b->ss)->
	    sin6_addr, sizeof(struct in6_addr)) == 0;
}

/* Every listener resolves, and no two would take the same address. */
static void
check_listens(struct check *ck)
{
	const struct config	*cf = ck->cf;
	struct addrinfo		 hints, *res, *ai;
	struct bound		*b = NULL;
	size_t			 nb = 0, i, j;
	int			 rc;

	if (cf->nlistens == 0)
		warning(ck, NULL, 0, "no listen line: only the admin socket "
		    "is served");
	for (i = 0; i < cf->nlistens; i++) {
		const struct listen_spec *ls = &cf->listens[i];

		memset(&hints, 0, sizeof hints);
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_PASSIVE;
		rc = getaddrinfo(strcmp(ls->addr, "*") == 0 ? NULL : ls->addr,
		    ls->port, &hints, &res);
		if (rc != 0) {
			problem(ck, "listen", ls->line, "listen %s=%s:%s: %s",
			    proto_name(ls->proto), ls->addr, ls->port,
			    gai_strerror(rc));
			continue;
		}
		for (ai = res; ai != NULL; ai = ai->ai_next) {
			b = xreallocarray(b, nb + 1, sizeof *b);
			bound_of(ai, &b[nb]);
			b[nb].spec = i;
			for (j = 0; j < nb; j++) {
				const struct listen_spec *o;
				char	 on[32] = "";

				if (b[j].spec == i ||
				    !bound_collide(&b[j], &b[nb]))
					continue;
				o = &cf->listens[b[j].spec];
				if (o->line > 0)
					snprintf(on, sizeof on, " (line %d)",
					    o->line);
				problem(ck, "listen", ls->line, "listen %s=%s:%s "
				    "collides with %s=%s:%s%s: both take "
				    "port %s", proto_name(ls->proto),
				    ls->addr, ls->port, proto_name(o->proto),
				    o->addr, o->port, on, ls->port);
				break;
			}
			nb++;
		}
		freeaddrinfo(res);
	}
	free(b);
}

static void
check_misc(struct check *ck, const char *log_target, int log_explicit)
{
	const struct config	*cf = ck->cf;
	int			 mode;
	char			*dir, *slash;

	if (cf->user != NULL && getpwnam(cf->user) == NULL)
		problem(ck, "user", 0, "user %s does not exist", cf->user);
	if (erase_mode_parse(cf->erasure_mode, &mode) != 0)
		problem(ck, "erasure_mode", 0, "erasure_mode \"%s\" is not "
		    "one hearthd knows", cf->erasure_mode);
	if (strcmp(log_target, "syslog") == 0) {
		if (log_explicit && !log_syslog_reachable())
			problem(ck, cf->log_target != NULL ? "log" :
			    "log_syslog", 0, "syslog is unreachable (nothing "
			    "listens on /dev/log): log lines would be lost");
	} else if (strcmp(log_target, "stderr") != 0) {
		if (access(log_target, F_OK) == 0) {
			if (access(log_target, W_OK) == -1)
				problem(ck, "log", 0, "log file %s: %s",
				    log_target, strerror(errno));
		} else {
			dir = xstrdup(log_target);
			if ((slash = strrchr(dir, '/')) != NULL)
				*(slash == dir ? slash + 1 : slash) = '\0';
			else {
				free(dir);
				dir = xstrdup(".");
			}
			if (access(dir, W_OK | X_OK) == -1)
				problem(ck, "log", 0, "log file %s cannot be "
				    "created: %s: %s", log_target, dir,
				    strerror(errno));
			free(dir);
		}
	}
}

int
server_check_config(const struct config *cf, const char *log_target,
    int log_explicit)
{
	struct check	ck = { cf, 0, 0 };

	check_state_dir(&ck);
	check_tls(&ck);
	check_files(&ck);
	check_listens(&ck);
	check_misc(&ck, log_target, log_explicit);
	return ck.problems;
}
