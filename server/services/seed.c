/*
 * seed.c -- create the default groups and rooms from etc/ files.
 *
 * groups.conf, one group a line:
 *	NAME  STATUS  VISIBILITY  DESCRIPTION...
 * STATUS is open, moderated or readonly; VISIBILITY public, members or
 * private.  rooms.conf, one room a line:
 *	#NAME  HISTORY  MODES  TOPIC...
 * HISTORY is on or off; MODES like +nt.  Blank lines and lines whose
 * first word is "#" alone (a '#' followed by a space) are comments.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seed.h"
#include "store-chat.h"
#include "xmalloc.h"

/* Split off the next whitespace-delimited word; NULL at end. */
static char *
next_word(char **p)
{
	char	*s = *p, *w;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return NULL;
	w = s;
	while (*s != '\0' && !isspace((unsigned char)*s))
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*p = s;
	return w;
}

static char *
rest(char *p)
{
	char	*e;

	while (isspace((unsigned char)*p))
		p++;
	e = p + strlen(p);
	while (e > p && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return p;
}

static int
is_comment(const char *line)
{
	while (isspace((unsigned char)*line))
		line++;
	return *line == '\0' || (line[0] == '#' && (line[1] == '\0' ||
	    isspace((unsigned char)line[1])));
}

static int
group_name_ok(const char *s)
{
	const char	*p;

	if (*s == '\0' || *s == '.' || s[strlen(s) - 1] == '.' ||
	    strstr(s, "..") != NULL || strlen(s) > 200)
		return 0;
	for (p = s; *p != '\0'; p++) {
		unsigned char	ch = (unsigned char)*p;

		if (!(islower(ch) || isdigit(ch) || ch == '.' || ch == '-' ||
		    ch == '+' || ch == '_'))
			return 0;
	}
	return 1;
}

static int
room_name_ok(const char *s)
{
	size_t	n = strlen(s);

	if (n < 2 || n > 50 || s[0] != '#')
		return 0;
	return strpbrk(s, ",\a :") == NULL;
}

typedef int (*seed_line_fn)(struct store *, char *, char *, size_t);

static int
group_line(struct store *st, char *p, char *why, size_t len)
{
	char	*name, *status, *vis, *desc;

	name = next_word(&p);
	status = next_word(&p);
	vis = next_word(&p);
	if (name == NULL || status == NULL || vis == NULL) {
		snprintf(why, len, "expected NAME STATUS VISIBILITY "
		    "DESCRIPTION");
		return -1;
	}
	desc = rest(p);
	if (!group_name_ok(name)) {
		snprintf(why, len, "invalid group name \"%s\"", name);
		return -1;
	}
	if (strcmp(status, "open") != 0 && strcmp(status, "moderated") != 0 &&
	    strcmp(status, "readonly") != 0) {
		snprintf(why, len, "status must be open, moderated or "
		    "readonly, not \"%s\"", status);
		return -1;
	}
	if (strcmp(vis, "public") != 0 && strcmp(vis, "members") != 0 &&
	    strcmp(vis, "private") != 0) {
		snprintf(why, len, "visibility must be public, members or "
		    "private, not \"%s\"", vis);
		return -1;
	}
	if (store_group_seed(st, name, status, vis, desc) != STORE_OK) {
		snprintf(why, len, "database error: %s", store_errmsg(st));
		return -1;
	}
	return 0;
}

static int
room_line(struct store *st, char *p, char *why, size_t len)
{
	char	*name, *hist, *modes, *topic;
	int	 history;

	name = next_word(&p);
	hist = next_word(&p);
	modes = next_word(&p);
	if (name == NULL || hist == NULL || modes == NULL) {
		snprintf(why, len, "expected #NAME HISTORY MODES TOPIC");
		return -1;
	}
	topic = rest(p);
	if (!room_name_ok(name)) {
		snprintf(why, len, "invalid room name \"%s\"", name);
		return -1;
	}
	if (strcmp(hist, "on") == 0)
		history = 1;
	else if (strcmp(hist, "off") == 0)
		history = 0;
	else {
		snprintf(why, len, "history must be on or off, not \"%s\"",
		    hist);
		return -1;
	}
	if (modes[0] != '+' || strspn(modes + 1, "imnstRM") !=
	    strlen(modes + 1)) {
		snprintf(why, len, "modes must look like +nt (from imnstRM), "
		    "not \"%s\"", modes);
		return -1;
	}
	if (strlen(topic) > 390) {
		snprintf(why, len, "topic longer than 390 bytes");
		return -1;
	}
	if (store_room_seed(st, name, history, modes, topic) != STORE_OK ||
	    (*topic != '\0' && store_room_topic_unevent(st, name, topic) !=
	    STORE_OK)) {
		snprintf(why, len, "database error: %s", store_errmsg(st));
		return -1;
	}
	return 0;
}

static int
seed_file(struct store *st, const char *file, seed_line_fn fn, char *err,
    size_t errlen)
{
	FILE	*f;
	char	*line = NULL, why[256];
	size_t	 cap = 0;
	int	 lineno = 0, n = 0, rc = -1;

	if ((f = fopen(file, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	if (store_begin(st) != STORE_OK) {
		snprintf(err, errlen, "%s: database busy", file);
		fclose(f);
		return -1;
	}
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		if (is_comment(line))
			continue;
		if (fn(st, line, why, sizeof why) != 0) {
			snprintf(err, errlen, "%s:%d: %s", file, lineno, why);
			goto out;
		}
		n++;
	}
	if (store_commit(st) != STORE_OK) {
		snprintf(err, errlen, "%s: commit failed", file);
		goto out;
	}
	rc = n;
out:
	if (rc < 0)
		store_rollback(st);
	free(line);
	fclose(f);
	return rc;
}

int
seed_groups(struct store *st, const char *file, char *err, size_t errlen)
{
	return seed_file(st, file, group_line, err, errlen);
}

int
seed_rooms(struct store *st, const char *file, char *err, size_t errlen)
{
	return seed_file(st, file, room_line, err, errlen);
}
