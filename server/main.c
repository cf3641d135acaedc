/*
 * main.c -- hearthd's main(): options, then the server.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "checkconf.h"
#include "hearth.h"
#include "conn.h"
#include "log.h"
#include "tz.h"
#include "xmalloc.h"

/*
 * Go to the background: fork, and let the parent exit only once the
 * child has its own session, its pidfile written and standard streams
 * on /dev/null, so that whoever started hearthd finds the right pid in
 * the pidfile as soon as hearthd returns.  The pidfile's lock is held
 * by the descriptor both share, and stays with the child.
 */
static int
detach(struct server *srv)
{
	int	p[2], fd;
	pid_t	pid;
	char	c = 0;

	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	if ((pid = fork()) == -1)
		return -1;
	if (pid > 0) {
		ssize_t	n;

		close(p[1]);
		do
			n = read(p[0], &c, 1);
		while (n == -1 && errno == EINTR);
		/* No byte: the child died before it was ready. */
		_exit(n == 1 && c == 'r' ? 0 : 1);
	}
	close(p[0]);
	if (setsid() == -1)
		return -1;
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(fd, STDIN_FILENO);
		(void)dup2(fd, STDOUT_FILENO);
		(void)dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	if (event_reinit(srv->base) != 0)
		return -1;
	server_detached(srv);
	c = 'r';
	(void)!write(p[1], &c, 1);
	close(p[1]);
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f,
"usage: hearthd [-f FILE] [--state-dir DIR] [--listen PROTO=ADDR:PORT]...\n"
"               [--pidfile FILE] [--foreground] [--debug] [--check-config]\n"
"\n"
"Hearth community server: NNTP support groups, IRC meetup rooms and\n"
"HTTP feeds, all over TLS, stored in SQLite.\n"
"\n"
"  -f, --config FILE      read FILE (see etc/hearthd.conf); relative paths\n"
"                         in it resolve against its folder\n"
"  -s, --state-dir DIR    keep the database, certificate, ports file and\n"
"                         admin socket in DIR (overrides state_dir)\n"
"  -l, --listen SPEC      PROTO=ADDR:PORT with PROTO one of nntp, nntps,\n"
"                         irc, ircs, http, https, websocket, websockets\n"
"                         (IRC over WebSocket), admins (remote hearthmod\n"
"                         over TLS); repeatable; when given, only these\n"
"                         listeners open (port 0: any free one, written\n"
"                         to DIR/ports)\n"
"  -p, --pidfile FILE     write the pid to FILE, locked while hearthd runs\n"
"                         (overrides pidfile; default DIR/hearthd.pid); a\n"
"                         second hearthd on the same state directory\n"
"                         refuses to start\n"
"  -F, --foreground       stay in the foreground (default: detach once\n"
"                         the ports are bound; then log goes to syslog\n"
"                         unless the config's \"log\" says otherwise)\n"
"  -d, --debug            log at debug level\n"
"  -n, --check-config     validate the configuration and exit\n"
"  -V, --version          print the version and exit\n"
"  -h, --help             print this help and exit\n"
"\n"
"Signals: SIGTERM or SIGINT stop cleanly; SIGHUP reloads the\n"
"configuration and the TLS certificate.\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "listen", required_argument, NULL, 'l' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "foreground", no_argument, NULL, 'F' },
		{ "debug", no_argument, NULL, 'd' },
		{ "check-config", no_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct server	 srv;
	struct config	*cf;
	const char	*cfile = NULL, *state = NULL, *pidfile = NULL, *target;
	char		**listens = NULL, err[512], budget[1024];
	size_t		 nlistens = 0, i;
	int		 ch, foreground = 0, debug = 0, check = 0, rc;
	enum log_level	 level;

	while ((ch = getopt_long(argc, argv, "f:s:l:p:FdnVh", longopts, NULL))
	    != -1) {
		switch (ch) {
		case 'f':
			cfile = optarg;
			break;
		case 's':
			state = optarg;
			break;
		case 'l':
			listens = xreallocarray(listens, nlistens + 1,
			    sizeof *listens);
			listens[nlistens++] = optarg;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'F':
			foreground = 1;
			break;
		case 'd':
			debug = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 'V':
			printf("hearthd %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	cf = config_default();
	if (cfile != NULL && config_load(cf, cfile, err, sizeof err) != 0) {
		fprintf(stderr, "hearthd: %s\n", err);
		config_free(cf);
		free(listens);
		return 1;
	}
	if (nlistens > 0) {
		config_clear_listens(cf);
		for (i = 0; i < nlistens; i++) {
			if (config_add_listen(cf, listens[i], err,
			    sizeof err) != 0) {
				fprintf(stderr, "hearthd: --listen: %s\n", err);
				config_free(cf);
				free(listens);
				return 1;
			}
		}
	}
	free(listens);
	if (state != NULL) {
		free(cf->state_dir);
		cf->state_dir = xstrdup(state);
	}
	if (pidfile != NULL) {
		free(cf->pidfile);
		cf->pidfile = xstrdup(pidfile);
	}
	target = config_log_target(cf, foreground);
	if (strcmp(target, "stderr") == 0 && !foreground && !check) {
		fprintf(stderr, "hearthd: log = stderr needs --foreground "
		    "(once detached, standard error goes nowhere); use "
		    "log = syslog or log = FILE\n");
		config_free(cf);
		return 1;
	}
	if (conn_fd_budget(cf, budget, sizeof budget) != 0) {
		fprintf(stderr, "hearthd: %s\n", budget);
		config_free(cf);
		return 1;
	}
	if (check) {
		int	problems;

		/* The in-memory store's migrations are not news. */
		log_set_level(LOG_LEVEL_ERROR);
		problems = server_check_config(cf, target,
		    (cf->log_target != NULL && cf->log_target[0] != '\0') ||
		    cf->log_syslog);
		if (problems > 0) {
			fprintf(stderr, "%s: %d problem%s: hearthd would not "
			    "start\n", cfile != NULL ? cfile : "(defaults)",
			    problems, problems == 1 ? "" : "s");
			config_free(cf);
			return 1;
		}
		printf("%s: configuration OK (%s)\n", cfile != NULL ? cfile :
		    "(defaults)", budget);
		config_free(cf);
		return 0;
	}
	level = debug ? LOG_LEVEL_DEBUG : (enum log_level)cf->log_level;
	if (strcmp(target, "syslog") == 0) {
		if (!log_syslog_reachable()) {
			fprintf(stderr, "hearthd: syslog is unreachable (nothing "
			    "listens on /dev/log), so log lines would be lost; "
			    "start a syslog daemon, or set log = FILE, or "
			    "log = stderr with --foreground\n");
			config_free(cf);
			return 1;
		}
		/* Detached: start-up errors still go to the terminal. */
		log_init(level, foreground);
	} else if (strcmp(target, "stderr") == 0) {
		log_init(level, 0);
	} else {
		log_init(level, 0);
		if (log_init_file(level, target, err, sizeof err) != 0) {
			fprintf(stderr, "hearthd: %s\n", err);
			config_free(cf);
			return 1;
		}
	}
	log_info("%s", budget);
	/* Once, before any thread: localtime_r() reads it everywhere. */
	tz_apply(cf->timezone);
	if (cf->timezone != NULL)
		log_info("times shown in %s", cf->timezone);

	memset(&srv, 0, sizeof srv);
	if (server_init(&srv, cf, cfile) != 0) {
		log_error("start-up failed");
		if (strcmp(target, "syslog") != 0 &&
		    strcmp(target, "stderr") != 0)
			fprintf(stderr, "hearthd: start-up failed; see %s\n",
			    target);
		server_free(&srv);
		return 1;
	}
	if (!foreground) {
		/* Ports are bound and errors reported: go to background. */
		if (strcmp(target, "syslog") == 0)
			log_init(level, 1);
		if (detach(&srv) != 0) {
			log_warn("cannot go to the background");
			server_free(&srv);
			return 1;
		}
	}
	rc = server_run(&srv);
	log_info("hearthd stopped");
	server_free(&srv);
	return rc;
}
