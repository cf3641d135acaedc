/*
 * hearthmod.c -- the moderators' and operators' tool.
 *
 * It talks to hearthd with the admin protocol (server/parse/admin-protocol.h):
 * locally over the Unix admin socket (as the operator), or remotely over
 * TLS with --connect HOST:PORT --user NAME as a moderator or admin
 * account.  Commands are rows of hm_cmds[]; list replies print as
 * aligned columns, or as JSON with --json.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "admin-protocol.h"
#include "modcmd.h"
#include "xmalloc.h"

#define DEFAULT_SOCKET	"var/hearthd.sock"
#define MAX_WORDS	ADMIN_MAX_WORDS

/* The connection: a Unix socket, or TLS over TCP. */
struct hm {
	int	 fd;
	SSL_CTX	*ctx;
	SSL	*ssl;
	char	 buf[8192];
	size_t	 len;
};

/*
 * Flags that become key=value words for the server: those of hm_cmds[]
 * (O_*), then the options of the moderation table not among them
 * (flags_init()); a flag the two share, like --duration, is one flag.
 */
enum { O_TITLE, O_STARTS, O_DURATION, O_ROOM, O_GROUP, O_CAPACITY,
    O_FACILITATOR, O_DESCRIPTION, O_MODE, O_LABEL, O_COUNT };
#define MAX_FLAGS	(O_COUNT + MODCMD_NOPTS)
static const char	*opt_keys[MAX_FLAGS] = { "title", "starts",
    "duration", "room", "group", "capacity", "facilitator", "description",
    "mode", "label" };
static const char	*opts[MAX_FLAGS];
static int		 nflags = O_COUNT;

static const char	*password_file;
static const char	*output_dir;
static const char	*role_opt;
static const char	*specialty_opt;
static int		 json;

/*
 * The server-side words a command turns into: account, group and event
 * management.  The moderation commands are rows of the table the
 * server's front ends share (modcmd.h), compiled in: their usage, arity
 * and options are checked here from it.
 */
struct hm_cmd {
	const char	*name;
	const char	*sub;
	int		 min_args;	/* positional, after name and sub */
	int		 max_args;
	unsigned int	 options;	/* bit per O_* accepted */
	int		 password;	/* append a password word */
	const char	*usage;
};

#define B(x)	(1u << (x))
static const struct hm_cmd hm_cmds[] = {
	{ "status", NULL, 0, 0, 0, 0, "status" },
	{ "account", "add", 1, 1, 0, 1,
	  "account add NAME [--role R] [--password-file FILE]" },
	{ "account", "list", 0, 0, 0, 0, "account list" },
	{ "account", "passwd", 1, 1, 0, 1,
	  "account passwd NAME [--password-file FILE]" },
	{ "account", "role", 2, 2, 0, 0,
	  "account role NAME ROLE [--specialty TEXT]" },
	{ "account", "cert", 2, 3, 0, 0,
	  "account cert add|del NAME FINGERPRINT | account cert list NAME\n"
	  "                (client certificates for SASL EXTERNAL)" },
	{ "account", "verify-doctor", 1, 1, 0, 0,
	  "account verify-doctor NAME --specialty TEXT" },
	{ "account", "export", 1, 1, 0, 0,
	  "account export NAME --output DIR   (member.json + articles.mbox)" },
	{ "account", "erase", 1, 1, B(O_MODE), 0,
	  "account erase NAME [--mode remove|pseudonymize]" },
	{ "account", "probation", 2, 2, 0, 0,
	  "account probation NAME N   (hold their next N posts; 0: none)" },
	{ "account", "lang", 2, 2, 0, 0,
	  "account lang NAME ru|en|default   (the language they read)" },
	{ "account", "feed-token", 2, 3, B(O_LABEL), 0,
	  "account feed-token NAME new [--label L] | list | revoke ID|all" },
	{ "group", "list", 0, 0, 0, 0, "group list" },
	{ "backup", NULL, 0, 0, 0, 0,
	  "backup --output DIR   (a new directory: database, secret.key, tls/,\n"
	  "                INFO, MANIFEST; over the admin socket only)" },
	{ "group", "access", 2, 3, 0, 0,
	  "group access add|remove GROUP ACCOUNT | list GROUP   "
	  "(private groups)" },
	{ "event", "add", 0, 0, B(O_TITLE) | B(O_STARTS) | B(O_DURATION) |
	  B(O_ROOM) | B(O_GROUP) | B(O_CAPACITY) | B(O_FACILITATOR) |
	  B(O_DESCRIPTION), 0,
	  "event add --title T --starts TIME --duration D --room #ROOM "
	  "[--group G] [--capacity N] [--facilitator NAME] "
	  "[--description TEXT]" },
	{ "event", "list", 0, 0, 0, 0, "event list" },
	{ "event", "cancel", 1, 1, 0, 0, "event cancel ID" },
	{ "peer", "add", 2, 10, 0, 0,
	  "peer add NAME HOST:PORT [tls|plain] [path=ID] [groups=WILDMAT]\n"
	  "                [user=U pass=-] [maxsize=BYTES]   (an outgoing feed;\n"
	  "                pass=- reads the password like --password-file)" },
	{ "peer", "list", 0, 0, 0, 0, "peer list" },
	{ "peer", "show", 1, 1, 0, 0,
	  "peer show NAME   (queue, last success, counters, state)" },
	{ "peer", "pause", 1, 1, 0, 0, "peer pause NAME" },
	{ "peer", "resume", 1, 1, 0, 0, "peer resume NAME" },
	{ "peer", "remove", 1, 1, 0, 0, "peer remove NAME" },
};
#undef B

static void
usage(FILE *f)
{
	char	u[256];
	size_t	i;

	fprintf(f,
"usage: hearthmod [--socket PATH | --connect HOST:PORT --user NAME\n"
"                 [--ca FILE | --insecure]] [--json] COMMAND [ARGS]\n"
"\n"
"Talks to hearthd: over its Unix admin socket as the operator (default\n"
"%s, or $HEARTH_SOCKET), or over TLS (the \"admins\" listener) as a\n"
"moderator or admin account.  Passwords are read from the terminal or\n"
"from the first line of --password-file FILE ('-': standard input).\n"
"Times look like 2026-12-01T18:00Z; durations like 30m, 12h, 7d.\n"
"\n"
"Commands:\n", DEFAULT_SOCKET);
	for (i = 0; i < sizeof hm_cmds / sizeof hm_cmds[0]; i++)
		fprintf(f, "  %s\n", hm_cmds[i].usage);
	fprintf(f, "  help\n\nModeration (moderators and admins):\n");
	for (i = 0; i < modcmd_count; i++) {
		if (!(modcmd_table[i].fronts & MODCMD_F_ADMIN))
			continue;
		modcmd_usage(&modcmd_table[i], MODCMD_S_CLI, u, sizeof u);
		fprintf(f, "  %s\n      %s%s\n", u, modcmd_table[i].help,
		    modcmd_table[i].role == MODCMD_ROLE_ADMIN ?
		    " (admins)" : "");
	}
	fprintf(f,
"\n"
"The queue holds crisis flags, reports, held posts and sign-ups, most\n"
"urgent first; every action lands in the audit log (see \"log\").\n");
}

/* Add the moderation options to the flags. */
static void
flags_init(void)
{
	const char	*name;
	int		 i, o;

	for (o = 0; o < MODCMD_NOPTS; o++) {
		name = modcmd_opt_name((enum modcmd_opt)o);
		for (i = 0; i < nflags; i++)
			if (strcmp(opt_keys[i], name) == 0)
				break;
		if (i == nflags)
			opt_keys[nflags++] = name;
	}
}

/*
 * The flags moderation command MOD takes: a bit per flag whose name is
 * one of the row's options.
 */
static unsigned int
mod_options(const struct modcmd *mod)
{
	unsigned int	bits = 0;
	int		i, o;

	for (i = 0; i < nflags; i++)
		for (o = 0; o < MODCMD_NOPTS; o++)
			if ((mod->opts & (1u << o)) && strcmp(opt_keys[i],
			    modcmd_opt_name((enum modcmd_opt)o)) == 0)
				bits |= 1u << i;
	return bits;
}

/*
 * Check moderation command MOD with its positional ARGS and the flags
 * given, as the server will: 0, 2 for a usage error, 1 for a bad value.
 */
static int
mod_check(const struct modcmd *mod, int nargs, char **args)
{
	struct modcmd_call	 mc;
	char			*v[MAX_WORDS + MAX_FLAGS], err[300];
	char			*kv[MAX_FLAGS];
	int			 n = 0, i, rc;

	for (i = 0; i < nargs && n < MAX_WORDS; i++)
		v[n++] = args[i];
	for (i = 0; i < nflags; i++) {
		kv[i] = NULL;
		if (opts[i] != NULL) {
			xasprintf(&kv[i], "%s=%s", opt_keys[i], opts[i]);
			v[n++] = kv[i];
		}
	}
	rc = modcmd_parse_words(mod, n, v, MODCMD_S_CLI, &mc, err,
	    sizeof err);
	for (i = 0; i < nflags; i++)
		free(kv[i]);
	if (rc == MODCMD_EUSAGE) {
		modcmd_usage(mod, MODCMD_S_CLI, err, sizeof err);
		fprintf(stderr, "usage: hearthmod %s\n", err);
		return 2;
	}
	if (rc != MODCMD_OK) {
		fprintf(stderr, "hearthmod: %s\n", err);
		return 1;
	}
	return 0;
}

static int
hm_write(struct hm *hm, const char *s, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if (hm->ssl != NULL) {
			int	r = SSL_write(hm->ssl, s, (int)n);

			if (r <= 0)
				return -1;
			w = r;
		} else if ((w = write(hm->fd, s, n)) <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One line without CR LF into LINE (xmalloc'd); NULL at EOF. */
static char *
hm_line(struct hm *hm)
{
	char	*nl, *line;
	ssize_t	 r;
	size_t	 n;

	for (;;) {
		if ((nl = memchr(hm->buf, '\n', hm->len)) != NULL) {
			n = (size_t)(nl - hm->buf);
			line = xstrndup(hm->buf, n);
			if (n > 0 && line[n - 1] == '\r')
				line[n - 1] = '\0';
			memmove(hm->buf, nl + 1, hm->len - n - 1);
			hm->len -= n + 1;
			return line;
		}
		if (hm->len == sizeof hm->buf)
			return NULL;
		if (hm->ssl != NULL) {
			int	rr = SSL_read(hm->ssl, hm->buf + hm->len,
				    (int)(sizeof hm->buf - hm->len));

			r = rr;
		} else
			r = read(hm->fd, hm->buf + hm->len,
			    sizeof hm->buf - hm->len);
		if (r <= 0)
			return NULL;
		hm->len += (size_t)r;
	}
}

static int
hm_connect_unix(struct hm *hm, const char *path)
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
	return 0;
}

/*
 * TLS to HOST:PORT.  The certificate is verified against the system CAs
 * (or --ca FILE) and the host name, unless --insecure.
 */
static int
hm_connect_tls(struct hm *hm, const char *hostport, const char *ca,
    int insecure)
{
	struct addrinfo	 hints, *res, *ai;
	char		*host, *port, *colon;
	int		 rc;

	host = xstrdup(hostport);
	if (host[0] == '[' && (colon = strstr(host, "]:")) != NULL) {
		*colon = '\0';
		port = colon + 2;
		memmove(host, host + 1, strlen(host));
	} else if ((colon = strrchr(host, ':')) != NULL) {
		*colon = '\0';
		port = colon + 1;
	} else {
		fprintf(stderr, "hearthmod: --connect wants HOST:PORT\n");
		free(host);
		return -1;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		fprintf(stderr, "hearthmod: %s: %s\n", hostport,
		    gai_strerror(rc));
		free(host);
		return -1;
	}
	hm->fd = -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((hm->fd = socket(ai->ai_family, ai->ai_socktype,
		    ai->ai_protocol)) == -1)
			continue;
		if (connect(hm->fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(hm->fd);
		hm->fd = -1;
	}
	freeaddrinfo(res);
	if (hm->fd == -1) {
		fprintf(stderr, "hearthmod: cannot connect to %s: %s\n",
		    hostport, strerror(errno));
		free(host);
		return -1;
	}
	hm->ctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_min_proto_version(hm->ctx, TLS1_2_VERSION);
	if (!insecure) {
		SSL_CTX_set_verify(hm->ctx, SSL_VERIFY_PEER, NULL);
		if ((ca != NULL ? SSL_CTX_load_verify_locations(hm->ctx, ca,
		    NULL) : SSL_CTX_set_default_verify_paths(hm->ctx)) != 1) {
			fprintf(stderr, "hearthmod: cannot load CA %s\n",
			    ca != NULL ? ca : "(system)");
			free(host);
			return -1;
		}
	}
	hm->ssl = SSL_new(hm->ctx);
	SSL_set_fd(hm->ssl, hm->fd);
	SSL_set_tlsext_host_name(hm->ssl, host);
	if (!insecure)
		SSL_set1_host(hm->ssl, host);
	if (SSL_connect(hm->ssl) != 1) {
		unsigned long	e = ERR_get_error();

		fprintf(stderr, "hearthmod: TLS with %s failed: %s%s\n",
		    hostport, e != 0 ? ERR_reason_error_string(e) : "error",
		    insecure ? "" : " (self-signed? give --ca FILE, or "
		    "--insecure on a trusted network)");
		free(host);
		return -1;
	}
	free(host);
	return 0;
}

/* Read a password: --password-file, or twice from the terminal. */
static char *
read_password(const char *prompt, int confirm)
{
	char		*a = NULL, *b = NULL;
	size_t		 ca = 0, cb = 0;
	FILE		*f;
	struct termios	 t, saved;
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
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "hearthmod: no terminal to ask for the "
		    "password: use --password-file\n");
		return NULL;
	}
	tcgetattr(STDIN_FILENO, &saved);
	t = saved;
	t.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
	fprintf(stderr, "%s: ", prompt);
	n = getline(&a, &ca, stdin);
	if (confirm && n > 0) {
		fprintf(stderr, "\nAgain: ");
		n = getline(&b, &cb, stdin);
	}
	fprintf(stderr, "\n");
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	if (n <= 0 || a == NULL) {
		free(a);
		free(b);
		return NULL;
	}
	a[strcspn(a, "\r\n")] = '\0';
	if (confirm) {
		b[strcspn(b, "\r\n")] = '\0';
		if (strcmp(a, b) != 0) {
			fprintf(stderr, "hearthmod: the passwords differ\n");
			free(a);
			free(b);
			return NULL;
		}
	}
	free(b);
	return a;
}

static void
json_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char	ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch == '\n')
			printf("\\n");
		else if (ch == '\t')
			printf("\\t");
		else if (ch == '\r')
			printf("\\r");
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

/*
 * Write the "=file NAME" sections of a 210 block into OUTPUT_DIR, which
 * must exist.  0, or 1 after saying what failed.
 */
static int
write_files(char **lines, size_t n)
{
	FILE	*f = NULL;
	char	*path;
	size_t	 k;
	int	 rc = 0;

	for (k = 0; k < n; k++) {
		if (strncmp(lines[k], "=file ", 6) == 0) {
			if (f != NULL && fclose(f) != 0)
				rc = 1;
			if (strchr(lines[k] + 6, '/') != NULL) {
				fprintf(stderr, "hearthmod: bad file name\n");
				return 1;
			}
			xasprintf(&path, "%s/%s", output_dir, lines[k] + 6);
			if ((f = fopen(path, "w")) == NULL) {
				fprintf(stderr, "hearthmod: %s: %s\n", path,
				    strerror(errno));
				free(path);
				return 1;
			}
			printf("%s\n", path);
			free(path);
			continue;
		}
		if (f != NULL)
			fprintf(f, "%s\n", lines[k]);
	}
	if (f != NULL && fclose(f) != 0)
		rc = 1;
	return rc;
}

/* Undo the table escapes (\t \n \r \\) in place. */
static void
unescape(char *s)
{
	char	*r = s, *w = s;

	while (*r != '\0') {
		if (r[0] == '\\' && r[1] != '\0') {
			*w++ = r[1] == 't' ? '\t' : r[1] == 'n' ? '\n' :
			    r[1] == 'r' ? '\r' : r[1];
			r += 2;
		} else
			*w++ = *r++;
	}
	*w = '\0';
}

static int
split_tabs(char *line, char **f, int max)
{
	int	n = 0;

	f[n++] = line;
	while (n < max && (line = strchr(line, '\t')) != NULL) {
		*line++ = '\0';
		f[n++] = line;
	}
	return n;
}

/*
 * Print a 210 block.  Lines are "#header", tab rows, "[section]" titles
 * or plain text; tables print as columns, or as JSON with --json.
 */
static void
print_block(char **lines, size_t n)
{
	char	*hdr[32], *row[32];
	int	 nh = 0, nr, i, first_row = 1, in_array = 0, sections = 0;
	size_t	 k;

	if (json) {
		for (k = 0; k < n; k++)
			if (lines[k][0] == '[')
				sections = 1;
		printf(sections ? "{" : "[");
		for (k = 0; k < n; k++) {
			char	*l = lines[k];

			if (l[0] == '[') {
				if (in_array)
					printf("]");
				printf("%s", first_row ? "" : ",");
				l[strlen(l) - 1] = '\0';
				json_string(l + 1);
				printf(":[");
				in_array = 1;
				first_row = 1;
				nh = 0;
			} else if (l[0] == '#') {
				nh = split_tabs(l + 1, hdr, 32);
				for (i = 0; i < nh; i++)
					unescape(hdr[i]);
			} else if (nh > 0) {
				nr = split_tabs(l, row, 32);
				printf("%s{", first_row ? "" : ",");
				for (i = 0; i < nr && i < nh; i++) {
					unescape(row[i]);
					json_string(hdr[i]);
					putchar(':');
					json_string(row[i]);
					if (i + 1 < nr && i + 1 < nh)
						putchar(',');
				}
				printf("}");
				first_row = 0;
			} else {
				char	*colon = strstr(l, ": ");

				/* "key: value" lines of a show. */
				if (colon != NULL) {
					*colon = '\0';
					printf("%s", first_row ? "" : ",");
					json_string(l);
					putchar(':');
					json_string(colon + 2);
					first_row = 0;
				}
			}
		}
		if (in_array)
			printf("]");
		printf(sections ? "}\n" : "]\n");
		return;
	}
	for (k = 0; k < n; k++) {
		char	*l = lines[k];

		if (l[0] == '#') {
			nh = split_tabs(l + 1, hdr, 32);
			for (i = 0; i < nh; i++)
				printf("%s%s", i ? "\t" : "", hdr[i]);
			printf("\n");
		} else if (l[0] == '[')
			printf("\n%s\n", l);
		else if (nh > 0) {
			nr = split_tabs(l, row, 32);
			for (i = 0; i < nr; i++) {
				unescape(row[i]);
				printf("%s%s", i ? "\t" : "", row[i]);
			}
			printf("\n");
		} else
			printf("%s\n", l);
	}
}

/*
 * Send WORDS; print the reply (success lines only when not QUIET).
 * Exit status: 0 for 2xx, else 1.
 */
static int
hm_request(struct hm *hm, int nwords, const char **words, int quiet)
{
	char	*line, *enc, **block = NULL;
	size_t	 nblock = 0, k;
	int	 i, rc = 1;

	for (i = 0; i < nwords; i++) {
		enc = admin_encode(words[i]);
		if ((i > 0 && hm_write(hm, " ", 1) != 0) ||
		    hm_write(hm, enc, strlen(enc)) != 0) {
			free(enc);
			fprintf(stderr, "hearthmod: write failed\n");
			return 1;
		}
		free(enc);
	}
	if (hm_write(hm, "\r\n", 2) != 0)
		return 1;
	if ((line = hm_line(hm)) == NULL) {
		fprintf(stderr, "hearthmod: hearthd closed the connection\n");
		return 1;
	}
	if (strncmp(line, "210", 3) == 0) {
		char	*l;

		while ((l = hm_line(hm)) != NULL) {
			if (strcmp(l, ".") == 0) {
				free(l);
				rc = 0;
				break;
			}
			if (l[0] == '.')
				memmove(l, l + 1, strlen(l));
			block = xreallocarray(block, nblock + 1,
			    sizeof *block);
			block[nblock++] = l;
		}
		if (output_dir != NULL)
			rc = write_files(block, nblock);
		else
			print_block(block, nblock);
		for (k = 0; k < nblock; k++)
			free(block[k]);
		free(block);
	} else if (line[0] == '2') {
		if (quiet)
			;
		else if (json) {
			printf("{\"ok\":true,\"message\":");
			json_string(line + (strlen(line) > 4 ? 4 : 0));
			printf("}\n");
		} else
			printf("%s\n", line + (strlen(line) > 4 ? 4 : 0));
		rc = 0;
	} else
		fprintf(stderr, "hearthmod: %s\n", line + (strlen(line) > 4 ?
		    4 : 0));
	free(line);
	return rc;
}

static void
hm_close(struct hm *hm)
{
	if (hm->ssl != NULL) {
		SSL_shutdown(hm->ssl);
		SSL_free(hm->ssl);
	}
	if (hm->ctx != NULL)
		SSL_CTX_free(hm->ctx);
	close(hm->fd);
}

int
main(int argc, char **argv)
{
	static const struct option base_opts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "connect", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "ca", required_argument, NULL, 'C' },
		{ "insecure", no_argument, NULL, 'k' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "role", required_argument, NULL, 'r' },
		{ "specialty", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
	};
#define NBASE	(sizeof base_opts / sizeof base_opts[0])
	struct option	 longopts[NBASE + MAX_FLAGS + 1];
	const char	*sock = getenv("HEARTH_SOCKET"), *remote = NULL;
	const char	*user = NULL, *ca = NULL;
	const char	*words[MAX_WORDS + 4];
	char		*kv[MAX_FLAGS], *pw = NULL, *line, *backup_dir = NULL;
	const struct hm_cmd *cmd = NULL;
	const struct modcmd *mod = NULL;
	struct hm_cmd	 modrow = { NULL, NULL, 0, MAX_WORDS, 0, 0, NULL };
	char		 modusage[256];
	struct hm	 hm;
	size_t		 i;
	int		 ch, nargs, skip, rc, nw = 0, insecure = 0;

	if (sock == NULL)
		sock = DEFAULT_SOCKET;
	flags_init();
	memcpy(longopts, base_opts, sizeof base_opts);
	memset(longopts + NBASE, 0, sizeof longopts - sizeof base_opts);
	for (i = 0; i < (size_t)nflags; i++) {
		longopts[NBASE + i].name = opt_keys[i];
		longopts[NBASE + i].has_arg = required_argument;
		longopts[NBASE + i].val = 1000 + (int)i;
	}
	while ((ch = getopt_long(argc, argv, "S:c:u:C:kp:r:s:jo:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'S':
			sock = optarg;
			break;
		case 'c':
			remote = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'C':
			ca = optarg;
			break;
		case 'k':
			insecure = 1;
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
		case 'j':
			json = 1;
			break;
		case 'o':
			output_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			if (ch >= 1000 && ch < 1000 + nflags) {
				opts[ch - 1000] = optarg;
				break;
			}
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
	if (strcmp(argv[0], "help") == 0 && argc == 1) {
		usage(stdout);
		return 0;
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
	if (cmd == NULL && (mod = modcmd_find(argv[0], MODCMD_F_ADMIN)) !=
	    NULL && strcmp(mod->name, argv[0]) == 0) {
		/* A moderation command: the shared table says what it takes. */
		modrow.name = mod->name;
		modrow.options = mod_options(mod);
		modcmd_usage(mod, MODCMD_S_CLI, modusage, sizeof modusage);
		modrow.usage = modusage;
		cmd = &modrow;
	}
	if (cmd == NULL) {
		fprintf(stderr, "hearthmod: unknown command (see "
		    "hearthmod --help)\n");
		return 2;
	}
	skip = cmd->sub != NULL ? 2 : 1;
	nargs = argc - skip;
	if (mod == NULL && (nargs < cmd->min_args ||
	    nargs > cmd->max_args)) {
		fprintf(stderr, "usage: hearthmod %s\n", cmd->usage);
		return 2;
	}
	for (i = 0; i < (size_t)nflags; i++) {
		if (opts[i] != NULL && !(cmd->options & (1u << i))) {
			fprintf(stderr, "hearthmod: --%s does not go with %s\n",
			    opt_keys[i], argv[0]);
			return 2;
		}
	}
	if (mod != NULL && (rc = mod_check(mod, nargs, argv + skip)) != 0)
		return rc;
	if (role_opt != NULL && strcmp(cmd->usage, hm_cmds[1].usage) != 0) {
		fprintf(stderr, "hearthmod: --role goes with account add\n");
		return 2;
	}
	if (strcmp(argv[0], "account") == 0 &&
	    strcmp(argv[1], "verify-doctor") == 0 && specialty_opt == NULL) {
		fprintf(stderr, "usage: hearthmod %s\n", cmd->usage);
		return 2;
	}
	if (((strcmp(argv[0], "account") == 0 && argc > 1 &&
	    strcmp(argv[1], "export") == 0) ||
	    strcmp(argv[0], "backup") == 0) != (output_dir != NULL)) {
		fprintf(stderr, "hearthmod: account export and backup need "
		    "--output DIR (and only they take one)\n");
		return 2;
	}
	if (remote != NULL && user == NULL) {
		fprintf(stderr, "hearthmod: --connect needs --user NAME\n");
		return 2;
	}

	/* Build the request words before connecting (password prompts). */
	words[nw++] = cmd->name;
	if (cmd->sub != NULL)
		words[nw++] = cmd->sub;
	for (i = 0; i < (size_t)nargs; i++) {
		words[nw] = argv[skip + i];
		/*
		 * A peer's password: "pass=-" reads it (from
		 * --password-file or the terminal) rather than leaving it
		 * in the process arguments for any local user to see.
		 */
		if (strcmp(cmd->name, "peer") == 0 && pw == NULL &&
		    strcmp(words[nw], "pass=-") == 0) {
			char	*p;

			if ((p = read_password("The peer's password", 0)) ==
			    NULL)
				return 1;
			xasprintf(&pw, "pass=%s", p);
			OPENSSL_cleanse(p, strlen(p));
			free(p);
			words[nw] = pw;
		}
		nw++;
	}
	if (strcmp(cmd->name, "backup") == 0) {
		/* hearthd writes it: give it an absolute path. */
		if (output_dir[0] == '/')
			backup_dir = xstrdup(output_dir);
		else {
			char	cwd[4096];

			if (getcwd(cwd, sizeof cwd) == NULL) {
				fprintf(stderr, "hearthmod: getcwd: %s\n",
				    strerror(errno));
				return 1;
			}
			xasprintf(&backup_dir, "%s/%s", cwd, output_dir);
		}
		words[nw++] = backup_dir;
		output_dir = NULL;	/* the reply is one line */
	}
	if (cmd->password) {
		if ((pw = read_password("New password", 1)) == NULL)
			return 1;
		words[nw++] = pw;
	}
	if (strcmp(cmd->name, "account") == 0 && strcmp(cmd->sub, "add") == 0)
		words[nw++] = role_opt != NULL ? role_opt : "member";
	if (specialty_opt != NULL)
		words[nw++] = specialty_opt;
	for (i = 0; i < (size_t)nflags; i++) {
		kv[i] = NULL;
		if (opts[i] == NULL)
			continue;
		xasprintf(&kv[i], "%s=%s", opt_keys[i], opts[i]);
		words[nw++] = kv[i];
	}

	memset(&hm, 0, sizeof hm);
	rc = remote != NULL ? hm_connect_tls(&hm, remote, ca, insecure) :
	    hm_connect_unix(&hm, sock);
	if (rc != 0) {
		rc = 1;
		goto out;
	}
	line = hm_line(&hm);
	if (line == NULL || line[0] != '2') {
		fprintf(stderr, "hearthmod: unexpected greeting: %s\n",
		    line != NULL ? line : "(none)");
		free(line);
		hm_close(&hm);
		rc = 1;
		goto out;
	}
	free(line);
	if (remote != NULL) {
		const char	*aw[3];
		char		*apw;

		/* The moderator's own password (not a new one). */
		if ((apw = read_password("Password", 0)) == NULL) {
			hm_close(&hm);
			rc = 1;
			goto out;
		}
		aw[0] = "auth";
		aw[1] = user;
		aw[2] = apw;
		rc = hm_request(&hm, 3, aw, 1);
		free(apw);
		if (rc != 0) {
			hm_close(&hm);
			goto out;
		}
	}
	rc = hm_request(&hm, nw, words, 0);
	hm_close(&hm);
out:
	for (i = 0; i < (size_t)nflags; i++)
		free(kv[i]);
	free(pw);
	free(backup_dir);
	return rc;
}
