/*
 * hearthmod.c -- the moderators' and operators' tool.
 *
 * It talks to a running hearthd over the admin socket (see
 * server/admin-protocol.h).  Commands are rows of hm_cmds[].
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "admin-protocol.h"
#include "xmalloc.h"

#define DEFAULT_SOCKET	"var/hearthd.sock"

struct hm {
	int	 fd;
	FILE	*in;
	FILE	*out;
};

struct hm_cmd {
	const char	*name;
	const char	*sub;
	int		(*fn)(struct hm *, int, char **);
	int		 min_args;	/* after name and sub */
	int		 max_args;
	const char	*usage;
};

static const char	*password_file;
static const char	*role_opt;

static void
usage(FILE *f)
{
	fprintf(f,
"usage: hearthmod [--socket PATH] COMMAND [ARGS]\n"
"\n"
"Talks to a running hearthd over its admin socket (default\n"
"%s, or $HEARTH_SOCKET).\n"
"\n"
"Commands:\n"
"  status                          uptime, connections, database size\n"
"  account add NAME [--role R]     create an account (R: member, doctor,\n"
"                                  moderator, admin; default member)\n"
"  account list                    list accounts\n"
"  account passwd NAME             set a new password\n"
"  account role NAME ROLE [--specialty TEXT]\n"
"                                  change an account's role\n"
"  event add --title T --starts TIME --duration D --room #ROOM\n"
"            [--group G] [--capacity N] [--facilitator NAME]\n"
"            [--description TEXT]\n"
"                                  schedule an event; TIME like\n"
"                                  2026-12-01T18:00Z or ...T18:00+01:00,\n"
"                                  D like 90m, 1h30m or 2h\n"
"  event list                      upcoming events\n"
"  event cancel ID                 cancel an event\n"
"\n"
"Passwords are read from the terminal, or from the first line of the\n"
"file given with --password-file FILE ('-' for standard input).\n",
	    DEFAULT_SOCKET);
}

static int
hm_connect(struct hm *hm, const char *path)
{
	struct sockaddr_un	sun;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		fprintf(stderr, "hearthmod: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((hm->fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
		perror("hearthmod: socket");
		return -1;
	}
	if (connect(hm->fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		fprintf(stderr, "hearthmod: cannot reach hearthd at %s: %s\n"
		    "hearthmod: is hearthd running? (start it with "
		    "./quickstart run, or give --socket)\n", path,
		    strerror(errno));
		close(hm->fd);
		return -1;
	}
	hm->in = fdopen(hm->fd, "r");
	hm->out = fdopen(dup(hm->fd), "w");
	if (hm->in == NULL || hm->out == NULL) {
		perror("hearthmod: fdopen");
		return -1;
	}
	return 0;
}

/* Read one reply line, CR LF stripped.  Returns NULL at EOF. */
static char *
hm_line(struct hm *hm, char **buf, size_t *cap)
{
	ssize_t	n;

	if ((n = getline(buf, cap, hm->in)) <= 0)
		return NULL;
	while (n > 0 && ((*buf)[n - 1] == '\n' || (*buf)[n - 1] == '\r'))
		(*buf)[--n] = '\0';
	return *buf;
}

/*
 * Send a request of NWORDS words and print the reply.  Returns the exit
 * status: 0 for 2xx, 1 otherwise.
 */
static int
hm_request(struct hm *hm, int nwords, const char **words)
{
	char	*buf = NULL, *enc, *line;
	size_t	 cap = 0;
	int	 i, rc = 1;

	for (i = 0; i < nwords; i++) {
		enc = admin_encode(words[i]);
		fprintf(hm->out, "%s%s", i > 0 ? " " : "", enc);
		free(enc);
	}
	fprintf(hm->out, "\r\n");
	fflush(hm->out);
	if ((line = hm_line(hm, &buf, &cap)) == NULL) {
		fprintf(stderr, "hearthmod: hearthd closed the connection\n");
		goto out;
	}
	if (strncmp(line, "210", 3) == 0) {
		while ((line = hm_line(hm, &buf, &cap)) != NULL) {
			if (strcmp(line, ".") == 0)
				break;
			printf("%s\n", line[0] == '.' ? line + 1 : line);
		}
		rc = line != NULL ? 0 : 1;
	} else if (line[0] == '2') {
		printf("%s\n", line + (strlen(line) > 4 ? 4 : 0));
		rc = 0;
	} else
		fprintf(stderr, "hearthmod: %s\n", line + (strlen(line) > 4 ?
		    4 : 0));
out:
	free(buf);
	return rc;
}

/* Read a password: --password-file, or twice from the terminal. */
static char *
read_password(void)
{
	char		*a = NULL, *b = NULL;
	size_t		 ca = 0, cb = 0;
	FILE		*f;
	struct termios	 t, saved;
	int		 tty;
	ssize_t		 n;

	if (password_file != NULL) {
		f = strcmp(password_file, "-") == 0 ? stdin :
		    fopen(password_file, "r");
		if (f == NULL) {
			fprintf(stderr, "hearthmod: %s: %s\n", password_file,
			    strerror(errno));
			return NULL;
		}
		n = getline(&a, &ca, f);
		if (f != stdin)
			fclose(f);
		if (n <= 0) {
			fprintf(stderr, "hearthmod: no password in %s\n",
			    password_file);
			free(a);
			return NULL;
		}
		a[strcspn(a, "\r\n")] = '\0';
		return a;
	}
	tty = isatty(STDIN_FILENO);
	if (!tty) {
		fprintf(stderr, "hearthmod: no terminal to ask for the "
		    "password: use --password-file\n");
		return NULL;
	}
	tcgetattr(STDIN_FILENO, &saved);
	t = saved;
	t.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
	fprintf(stderr, "Password: ");
	n = getline(&a, &ca, stdin);
	fprintf(stderr, "\nAgain: ");
	if (n > 0)
		n = getline(&b, &cb, stdin);
	fprintf(stderr, "\n");
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	if (n <= 0 || a == NULL || b == NULL) {
		free(a);
		free(b);
		return NULL;
	}
	a[strcspn(a, "\r\n")] = '\0';
	b[strcspn(b, "\r\n")] = '\0';
	if (strcmp(a, b) != 0) {
		fprintf(stderr, "hearthmod: the passwords differ\n");
		free(a);
		free(b);
		return NULL;
	}
	free(b);
	return a;
}

static int
cmd_status(struct hm *hm, int argc, char **argv)
{
	const char	*w[] = { "status" };

	(void)argc;
	(void)argv;
	return hm_request(hm, 1, w);
}

static int
cmd_account_add(struct hm *hm, int argc, char **argv)
{
	const char	*w[5];
	char		*pw;
	int		 rc;

	(void)argc;
	if ((pw = read_password()) == NULL)
		return 1;
	w[0] = "account";
	w[1] = "add";
	w[2] = argv[0];
	w[3] = pw;
	w[4] = role_opt != NULL ? role_opt : "member";
	rc = hm_request(hm, 5, w);
	free(pw);
	return rc;
}

static int
cmd_account_list(struct hm *hm, int argc, char **argv)
{
	const char	*w[] = { "account", "list" };

	(void)argc;
	(void)argv;
	return hm_request(hm, 2, w);
}

static int
cmd_account_passwd(struct hm *hm, int argc, char **argv)
{
	const char	*w[4];
	char		*pw;
	int		 rc;

	(void)argc;
	if ((pw = read_password()) == NULL)
		return 1;
	w[0] = "account";
	w[1] = "passwd";
	w[2] = argv[0];
	w[3] = pw;
	rc = hm_request(hm, 4, w);
	free(pw);
	return rc;
}

static const char	*specialty_opt;

static int
cmd_account_role(struct hm *hm, int argc, char **argv)
{
	const char	*w[5] = { "account", "role", argv[0], argv[1], NULL };

	(void)argc;
	w[4] = specialty_opt;
	return hm_request(hm, specialty_opt != NULL ? 5 : 4, w);
}

/* Event fields given as options, sent as key=value words. */
static const char	*ev_opts[8];
static const char *const ev_keys[8] = { "title", "starts", "duration",
    "room", "group", "capacity", "facilitator", "description" };

static int
cmd_event_add(struct hm *hm, int argc, char **argv)
{
	const char	*w[10];
	char		*kv[8];
	int		 i, n = 2, rc;

	(void)argc;
	(void)argv;
	w[0] = "event";
	w[1] = "add";
	for (i = 0; i < 8; i++) {
		kv[i] = NULL;
		if (ev_opts[i] == NULL)
			continue;
		xasprintf(&kv[i], "%s=%s", ev_keys[i], ev_opts[i]);
		w[n++] = kv[i];
	}
	rc = hm_request(hm, n, w);
	for (i = 0; i < 8; i++)
		free(kv[i]);
	return rc;
}

static int
cmd_event_list(struct hm *hm, int argc, char **argv)
{
	const char	*w[] = { "event", "list" };

	(void)argc;
	(void)argv;
	return hm_request(hm, 2, w);
}

static int
cmd_event_cancel(struct hm *hm, int argc, char **argv)
{
	const char	*w[] = { "event", "cancel", argv[0] };

	(void)argc;
	return hm_request(hm, 3, w);
}

static const struct hm_cmd hm_cmds[] = {
	{ "status", NULL, cmd_status, 0, 0, "status" },
	{ "account", "add", cmd_account_add, 1, 1,
	  "account add NAME [--role ROLE] [--password-file FILE]" },
	{ "account", "list", cmd_account_list, 0, 0, "account list" },
	{ "account", "passwd", cmd_account_passwd, 1, 1,
	  "account passwd NAME [--password-file FILE]" },
	{ "account", "role", cmd_account_role, 2, 2,
	  "account role NAME ROLE [--specialty TEXT]" },
	{ "event", "add", cmd_event_add, 0, 0,
	  "event add --title T --starts TIME --duration D --room #ROOM "
	  "[--group G] [--capacity N] [--facilitator NAME] "
	  "[--description TEXT]" },
	{ "event", "list", cmd_event_list, 0, 0, "event list" },
	{ "event", "cancel", cmd_event_cancel, 1, 1, "event cancel ID" },
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "role", required_argument, NULL, 'r' },
		{ "specialty", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "title", required_argument, NULL, 1000 },
		{ "starts", required_argument, NULL, 1001 },
		{ "duration", required_argument, NULL, 1002 },
		{ "room", required_argument, NULL, 1003 },
		{ "group", required_argument, NULL, 1004 },
		{ "capacity", required_argument, NULL, 1005 },
		{ "facilitator", required_argument, NULL, 1006 },
		{ "description", required_argument, NULL, 1007 },
		{ NULL, 0, NULL, 0 }
	};
	const char	*sock = getenv("HEARTH_SOCKET");
	const struct hm_cmd *cmd = NULL;
	struct hm	 hm;
	size_t		 i;
	int		 ch, nargs, skip, rc;

	if (sock == NULL)
		sock = DEFAULT_SOCKET;
	while ((ch = getopt_long(argc, argv, "S:p:r:s:h", longopts, NULL))
	    != -1) {
		switch (ch) {
		case 'S':
			sock = optarg;
			break;
		case 'p':
			password_file = optarg;
			break;
		case 'r':
			role_opt = optarg;
			break;
		case 's':
			specialty_opt = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 1000: case 1001: case 1002: case 1003:
		case 1004: case 1005: case 1006: case 1007:
			ev_opts[ch - 1000] = optarg;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	/* GNU getopt permutes: options may follow the command words. */
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < sizeof hm_cmds / sizeof hm_cmds[0]; i++) {
		if (strcmp(hm_cmds[i].name, argv[0]) != 0)
			continue;
		if (hm_cmds[i].sub != NULL && (argc < 2 ||
		    strcmp(hm_cmds[i].sub, argv[1]) != 0))
			continue;
		cmd = &hm_cmds[i];
		break;
	}
	if (cmd == NULL) {
		fprintf(stderr, "hearthmod: unknown command\n");
		usage(stderr);
		return 2;
	}
	skip = cmd->sub != NULL ? 2 : 1;
	nargs = argc - skip;
	if (nargs < cmd->min_args || nargs > cmd->max_args) {
		fprintf(stderr, "usage: hearthmod %s\n", cmd->usage);
		return 2;
	}
	for (i = 0; i < 8; i++) {
		if (ev_opts[i] != NULL && cmd->fn != cmd_event_add) {
			fprintf(stderr, "hearthmod: --%s goes with event add\n",
			    ev_keys[i]);
			return 2;
		}
	}
	if (role_opt != NULL && cmd->fn != cmd_account_add) {
		fprintf(stderr, "hearthmod: --role goes with account add\n");
		return 2;
	}
	if (hm_connect(&hm, sock) != 0)
		return 1;
	{
		char	*buf = NULL, *line;
		size_t	 cap = 0;

		line = hm_line(&hm, &buf, &cap);
		if (line == NULL || strncmp(line, "200", 3) != 0) {
			fprintf(stderr, "hearthmod: unexpected greeting from "
			    "%s\n", sock);
			free(buf);
			return 1;
		}
		free(buf);
	}
	rc = cmd->fn(&hm, nargs, argv + skip);
	fclose(hm.in);
	fclose(hm.out);
	return rc;
}
