/*
 * admin-protocol.h -- the admin socket protocol, shared by hearthd and
 * hearthmod.
 *
 * A line protocol in the style of NNTP.  On connect the server says
 * "200 hearthd admin ready".  The client sends one request a line: words
 * separated by single spaces, each word percent-encoded (every byte
 * outside A-Z a-z 0-9 and "-._~:/#+@=," is written %XX), so a password
 * or a description may hold any byte.  Each request gets one reply:
 *	2xx text		success
 *	210 text, then data lines ending with "." (dot-stuffed)
 *	4xx text		the request was wrong (unknown, bad arguments,
 *				not found, exists)
 *	5xx text		the server failed
 *
 * Over TLS (the "admins" listener) the server says "201 ... authenticate"
 * and only "auth NAME PASSWORD" of a moderator or admin account unlocks
 * the other commands (281 on success, 481 on failure, 480 before it,
 * 402 for an admin-only command run by a moderator).  List replies (210)
 * carry a "#"-prefixed header line of column names, then tab-separated
 * rows; a tab, newline, CR or backslash inside a value is written \t,
 * \n, \r or \\.
 */
#ifndef HEARTH_ADMIN_PROTOCOL_H
#define HEARTH_ADMIN_PROTOCOL_H

#include <stddef.h>

#define ADMIN_GREETING		"200 hearthd admin ready"
#define ADMIN_GREETING_REMOTE	"201 hearthd admin ready, authenticate with auth"
#define ADMIN_MAX_LINE		4096
#define ADMIN_MAX_WORDS		16

/* Percent-encode S into a new string (xmalloc'd). */
char	*admin_encode(const char *s);
/* Decode in place; returns -1 on a malformed escape or a NUL byte. */
int	 admin_decode(char *s);
/*
 * Split LINE in place into at most ADMIN_MAX_WORDS decoded words.
 * Returns the count, or -1 when a word is malformed or there are too many.
 */
int	 admin_split(char *line, char **words, int max);

#endif
