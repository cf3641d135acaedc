/*
 * main.c -- hearthd's main(): options, then the server.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "hearth.h"
#include "conn.h"
#include "log.h"
#include "xmalloc.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: hearthd [-f FILE] [--state-dir DIR] [--listen PROTO=ADDR:PORT]...\n"
"               [--foreground] [--debug] [--check-config]\n"
"\n"
"Hearth community server: NNTP support groups, IRC meetup rooms and\n"
"HTTP feeds, all over TLS, stored in SQLite.\n"
"\n"
"  -f, --config FILE      read FILE (see etc/hearthd.conf); relative paths\n"
"                         in it resolve against its folder\n"
"  -s, --state-dir DIR    keep the database, certificate, ports file and\n"
"                         admin socket in DIR (overrides state_dir)\n"
"  -l, --listen SPEC      PROTO=ADDR:PORT with PROTO one of nntp, nntps,\n"
"                         irc, ircs, http, https, admins (remote hearthmod\n"
"                         over TLS); repeatable; when given, only these\n"
"                         listeners open (port 0: any free one, written\n"
"                         to DIR/ports)\n"
"  -F, --foreground       stay in the foreground (default: detach once\n"
"                         the ports are bound, then log to syslog)\n"
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
		{ "foreground", no_argument, NULL, 'F' },
		{ "debug", no_argument, NULL, 'd' },
		{ "check-config", no_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct server	 srv;
	struct config	*cf;
	const char	*cfile = NULL, *state = NULL;
	char		**listens = NULL, err[1024];
	size_t		 nlistens = 0, i;
	int		 ch, foreground = 0, debug = 0, check = 0, rc;

	while ((ch = getopt_long(argc, argv, "f:s:l:FdnVh", longopts, NULL))
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
	if (conn_fd_budget(cf, err, sizeof err) != 0) {
		fprintf(stderr, "hearthd: %s\n", err);
		config_free(cf);
		return 1;
	}
	if (check) {
		printf("%s: configuration OK (%s)\n", cfile != NULL ? cfile :
		    "(defaults)", err);
		config_free(cf);
		return 0;
	}
	log_init(debug ? LOG_LEVEL_DEBUG : (enum log_level)cf->log_level,
	    cf->log_syslog);
	log_info("%s", err);

	memset(&srv, 0, sizeof srv);
	if (server_init(&srv, cf, cfile) != 0) {
		log_error("start-up failed");
		server_free(&srv);
		return 1;
	}
	if (!foreground) {
		/* Ports are bound and errors reported: go to background. */
		if (!srv.cf->log_syslog)
			log_init((enum log_level)srv.cf->log_level, 1);
		if (daemon(1, 0) != 0 || event_reinit(srv.base) != 0) {
			log_error("cannot daemonize");
			server_free(&srv);
			return 1;
		}
	}
	rc = server_run(&srv);
	log_info("hearthd stopped");
	server_free(&srv);
	return rc;
}
