/*
 * irc-msg.c -- parse and serialize IRC protocol lines, IRCv3 tags included.
 *
 * Wire format (modern.ircdocs.horse, IRCv3 message-tags):
 *
 *	['@' <tags> SPACE] [':' <source> SPACE] <command> <params>
 *
 * Tags are unescaped on parse and escaped on serialize. The parser is
 * lenient about runs of spaces and strict about limits, NUL bytes and
 * UTF-8; the serializer writes a line that parses back to the same struct.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irc-msg.h"
#include "utf8.h"
#include "xmalloc.h"

/* Output cursor for irc_msg_serialize(): counts what would be written. */
struct irc_wbuf {
	char	*buf;
	size_t	 size;
	size_t	 len;
};

static int
irc_is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/*
 * Check a tag key: ['+'] [vendor '/'] name. The vendor is a hostname
 * (letters, digits, '-', '.'); the name is letters, digits and '-'.
 * Neither part may be empty.
 */
static int
irc_tag_key_valid(const char *key, size_t len)
{
	const char	*slash;
	size_t		 i, start, namestart;

	start = 0;
	if (len > 0 && key[0] == '+')
		start = 1;
	if (start == len)
		return 0;

	slash = memchr(key + start, '/', len - start);
	namestart = start;
	if (slash != NULL) {
		namestart = (size_t)(slash - key) + 1;
		if (namestart - 1 == start || namestart == len)
			return 0;
		for (i = start; i < namestart - 1; i++) {
			if (!irc_is_alnum((unsigned char)key[i]) &&
			    key[i] != '-' && key[i] != '.')
				return 0;
		}
	}
	for (i = namestart; i < len; i++) {
		if (!irc_is_alnum((unsigned char)key[i]) && key[i] != '-')
			return 0;
	}
	return 1;
}

/*
 * Unescape len bytes of a tag value: "\:" is ';', "\s" a space, "\\" a
 * backslash, "\r" and "\n" CR and LF. Any other escaped character stands
 * for itself and a lone backslash at the end is dropped. The result is
 * never longer than the input. The caller frees it.
 */
static char *
irc_tag_unescape_n(const char *s, size_t len)
{
	char	*out, *o;
	size_t	 i;

	o = out = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (s[i] != '\\') {
			*o++ = s[i];
			continue;
		}
		if (++i == len)
			break;
		switch (s[i]) {
		case ':':
			*o++ = ';';
			break;
		case 's':
			*o++ = ' ';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 'n':
			*o++ = '\n';
			break;
		default:	/* '\\' and unknown escapes alike */
			*o++ = s[i];
			break;
		}
	}
	*o = '\0';
	return out;
}

/* Unescape a NUL-terminated tag value. The caller frees the result. */
char *
irc_tag_unescape(const char *value)
{
	return irc_tag_unescape_n(value, strlen(value));
}

/* Return the escape letter for c, or 0 if c is written as is. */
static int
irc_tag_escape_char(int c)
{
	switch (c) {
	case ';':
		return ':';
	case ' ':
		return 's';
	case '\\':
		return '\\';
	case '\r':
		return 'r';
	case '\n':
		return 'n';
	}
	return 0;
}

/* Escape a tag value for the wire. The caller frees the result. */
char *
irc_tag_escape(const char *value)
{
	char		*out, *o;
	const char	*p;
	int		 e;

	o = out = xmalloc(strlen(value) * 2 + 1);
	for (p = value; *p != '\0'; p++) {
		if ((e = irc_tag_escape_char((unsigned char)*p)) != 0) {
			*o++ = '\\';
			*o++ = (char)e;
		} else
			*o++ = *p;
	}
	*o = '\0';
	return out;
}

/*
 * Parse the tag data between '@' and the separating space into m->tags.
 * Items are separated by ';'; empty items are skipped, but at least one
 * tag must be present. Duplicate keys are all kept, in order; the last
 * one wins in irc_msg_tag().
 */
static enum irc_parse_err
irc_msg_parse_tags(const char *s, size_t len, struct irc_msg *m)
{
	const char	*p, *end, *item_end, *eq;
	struct irc_tag	*t;
	size_t		 n;

	n = 1;
	for (p = s; p < s + len; p++) {
		if (*p == ';')
			n++;
	}
	m->tags = xcalloc(n, sizeof *m->tags);

	end = s + len;
	for (p = s; p < end; p = item_end + 1) {
		if ((item_end = memchr(p, ';', end - p)) == NULL)
			item_end = end;
		if (item_end == p)
			continue;
		if ((eq = memchr(p, '=', item_end - p)) == NULL)
			eq = item_end;
		if (!irc_tag_key_valid(p, eq - p))
			return IRC_PARSE_BAD_TAGS;

		t = &m->tags[m->ntags++];
		t->key = xstrndup(p, eq - p);
		if (eq != item_end) {
			t->value = irc_tag_unescape_n(eq + 1,
			    item_end - eq - 1);
			if (!utf8_valid(t->value, strlen(t->value)))
				return IRC_PARSE_BAD_UTF8;
		}
		if (item_end == end)
			break;
	}
	if (m->ntags == 0)
		return IRC_PARSE_BAD_TAGS;
	return IRC_PARSE_OK;
}

/*
 * Parse the params after the command, from p to end. Runs of spaces
 * separate params; a param starting with ':' takes the rest of the line.
 * Past IRC_MAX_PARAMS - 1 middle params, the 15th takes the rest of the
 * line (less trailing spaces) as most servers do; if that rest contains a
 * space, m->trailing is set, so that serializing gives the same struct.
 * Serializing then adds a ':', so room (the bytes left under
 * IRC_BODY_MAX) must allow it: returns -1 if not, else 0.
 */
static int
irc_msg_parse_params(const char *p, const char *end, struct irc_msg *m,
    size_t room)
{
	const char	*q;

	for (;;) {
		while (p < end && *p == ' ')
			p++;
		if (p == end)
			break;
		if (*p == ':') {
			m->params[m->nparams++] = xstrndup(p + 1, end - p - 1);
			m->trailing = 1;
			break;
		}
		if (m->nparams == IRC_MAX_PARAMS - 1) {
			q = end;
			while (q > p && q[-1] == ' ')
				q--;
			m->params[m->nparams++] = xstrndup(p, q - p);
			m->trailing = memchr(p, ' ', q - p) != NULL;
			if (m->trailing && room == 0)
				return -1;
			break;
		}
		if ((q = memchr(p, ' ', end - p)) == NULL)
			q = end;
		m->params[m->nparams++] = xstrndup(p, q - p);
		p = q;
	}
	return 0;
}

/*
 * Parse one line (without CR/LF) into m, with tagmax the most tag data
 * (between '@' and the space) allowed. On error m is left empty, so
 * irc_msg_free() is always safe and never needed after an error.
 *
 * Checks run in this order: NUL/CR/LF anywhere, empty line, tag length,
 * tag syntax and UTF-8, length of the rest (at most IRC_BODY_MAX bytes,
 * counted from just after the tags' space), UTF-8 of the rest, command.
 * A line with more than 15 params whose swallowed rest needs a ':' to
 * serialize must fit in IRC_BODY_MAX - 1 bytes (see parse_params).
 * An empty source (": CMD") counts as IRC_PARSE_NO_COMMAND.
 */
static enum irc_parse_err
irc_msg_parse_limit(const char *line, size_t len, struct irc_msg *m,
    size_t tagmax)
{
	const char		*p, *end, *sp, *body;
	enum irc_parse_err	 err;

	memset(m, 0, sizeof *m);
	if (memchr(line, '\0', len) != NULL ||
	    memchr(line, '\r', len) != NULL ||
	    memchr(line, '\n', len) != NULL)
		return IRC_PARSE_NUL;

	p = line;
	end = line + len;
	while (p < end && *p == ' ')
		p++;
	if (p == end)
		return IRC_PARSE_EMPTY;

	if (*p == '@') {
		if ((sp = memchr(p, ' ', end - p)) == NULL)
			sp = end;
		if ((size_t)(sp - p - 1) > tagmax)
			return IRC_PARSE_TAGS_TOO_LONG;
		if (sp == end)
			return IRC_PARSE_NO_COMMAND;
		if ((err = irc_msg_parse_tags(p + 1, sp - p - 1, m)) != 0)
			goto fail;
		p = sp + 1;
	}

	body = p;
	if ((size_t)(end - p) > IRC_BODY_MAX) {
		err = IRC_PARSE_LINE_TOO_LONG;
		goto fail;
	}
	if (!utf8_valid(p, end - p)) {
		err = IRC_PARSE_BAD_UTF8;
		goto fail;
	}

	err = IRC_PARSE_NO_COMMAND;
	while (p < end && *p == ' ')
		p++;
	if (p < end && *p == ':') {
		if ((sp = memchr(p, ' ', end - p)) == NULL || sp == p + 1)
			goto fail;
		m->source = xstrndup(p + 1, sp - p - 1);
		for (p = sp; p < end && *p == ' '; p++)
			/* nothing */;
	}
	if (p == end)
		goto fail;
	if ((sp = memchr(p, ' ', end - p)) == NULL)
		sp = end;
	m->command = xstrndup(p, sp - p);

	if (irc_msg_parse_params(sp, end, m,
	    IRC_BODY_MAX - (size_t)(end - body)) != 0) {
		err = IRC_PARSE_LINE_TOO_LONG;
		goto fail;
	}
	return IRC_PARSE_OK;

fail:
	irc_msg_free(m);
	return err;
}

/*
 * Parse a line under the general IRCv3 limit: the tag section, '@' and
 * trailing space included, may be IRC_TAGS_MAX bytes.
 */
enum irc_parse_err
irc_msg_parse(const char *line, size_t len, struct irc_msg *m)
{
	return irc_msg_parse_limit(line, len, m, IRC_TAGS_MAX - 2);
}

/*
 * Parse a line read from a client: its tag data (between '@' and the
 * space) may be only IRC_CLIENT_TAGS_MAX bytes, leaving room for the
 * server's own tags when relaying.
 */
enum irc_parse_err
irc_msg_parse_client(const char *line, size_t len, struct irc_msg *m)
{
	return irc_msg_parse_limit(line, len, m, IRC_CLIENT_TAGS_MAX);
}

/* Free everything a parsed message owns and clear it. NULL is fine. */
void
irc_msg_free(struct irc_msg *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->ntags; i++) {
		free(m->tags[i].key);
		free(m->tags[i].value);
	}
	free(m->tags);
	free(m->source);
	free(m->command);
	for (i = 0; i < m->nparams; i++)
		free(m->params[i]);
	memset(m, 0, sizeof *m);
}

/*
 * Look a tag up by exact key (the last one wins if repeated). Returns its
 * value, "" for a tag without value (IRCv3 treats both alike), NULL if the
 * tag is absent. If present is not NULL it is set to 1 or 0. The result
 * points into m.
 */
const char *
irc_msg_tag(const struct irc_msg *m, const char *key, int *present)
{
	size_t	i;

	for (i = m->ntags; i > 0; i--) {
		if (strcmp(m->tags[i - 1].key, key) != 0)
			continue;
		if (present != NULL)
			*present = 1;
		return m->tags[i - 1].value != NULL ?
		    m->tags[i - 1].value : "";
	}
	if (present != NULL)
		*present = 0;
	return NULL;
}

/* Describe a parse error, for logs. */
const char *
irc_parse_strerror(enum irc_parse_err err)
{
	switch (err) {
	case IRC_PARSE_OK:
		return "ok";
	case IRC_PARSE_EMPTY:
		return "empty line";
	case IRC_PARSE_TAGS_TOO_LONG:
		return "tags too long";
	case IRC_PARSE_LINE_TOO_LONG:
		return "line too long";
	case IRC_PARSE_NO_COMMAND:
		return "no command";
	case IRC_PARSE_BAD_TAGS:
		return "malformed tags";
	case IRC_PARSE_BAD_UTF8:
		return "invalid UTF-8";
	case IRC_PARSE_NUL:
		return "NUL, CR or LF in line";
	}
	return "unknown error";
}

static void
irc_wbuf_putc(struct irc_wbuf *wb, char c)
{
	if (wb->len + 1 < wb->size)
		wb->buf[wb->len] = c;
	wb->len++;
}

static void
irc_wbuf_puts(struct irc_wbuf *wb, const char *s)
{
	for (; *s != '\0'; s++)
		irc_wbuf_putc(wb, *s);
}

/* Does the last param need a ':' in front to survive a round trip? */
static int
irc_msg_needs_colon(const struct irc_msg *m)
{
	const char	*last;

	last = m->params[m->nparams - 1];
	return m->trailing || *last == '\0' || *last == ':' ||
	    strchr(last, ' ') != NULL;
}

/*
 * Write m as a wire line without CR/LF into buf, truncating like
 * snprintf; buf is NUL-terminated whenever buflen > 0. Returns the length
 * the whole line needs, excluding the NUL. Length limits are the caller's
 * business. Only the last param may be empty, hold spaces or start with
 * ':'; middle params breaking this rule are written as they are.
 */
size_t
irc_msg_serialize(const struct irc_msg *m, char *buf, size_t buflen)
{
	struct irc_wbuf	 wb = { buf, buflen, 0 };
	const char	*p;
	size_t		 i;
	int		 e;

	for (i = 0; i < m->ntags; i++) {
		irc_wbuf_putc(&wb, i == 0 ? '@' : ';');
		irc_wbuf_puts(&wb, m->tags[i].key);
		if (m->tags[i].value == NULL)
			continue;
		irc_wbuf_putc(&wb, '=');
		for (p = m->tags[i].value; *p != '\0'; p++) {
			if ((e = irc_tag_escape_char((unsigned char)*p)) != 0) {
				irc_wbuf_putc(&wb, '\\');
				irc_wbuf_putc(&wb, (char)e);
			} else
				irc_wbuf_putc(&wb, *p);
		}
	}
	if (m->ntags > 0)
		irc_wbuf_putc(&wb, ' ');

	if (m->source != NULL) {
		irc_wbuf_putc(&wb, ':');
		irc_wbuf_puts(&wb, m->source);
		irc_wbuf_putc(&wb, ' ');
	}
	if (m->command != NULL)
		irc_wbuf_puts(&wb, m->command);

	for (i = 0; i < m->nparams; i++) {
		irc_wbuf_putc(&wb, ' ');
		if (i == m->nparams - 1 && irc_msg_needs_colon(m))
			irc_wbuf_putc(&wb, ':');
		irc_wbuf_puts(&wb, m->params[i]);
	}

	if (buflen > 0)
		buf[wb.len < buflen ? wb.len : buflen - 1] = '\0';
	return wb.len;
}
