/*
 * irc-msg.h -- parse and serialize IRC protocol lines, IRCv3 tags included.
 *
 * Pure module: bytes in, struct out. No I/O, no libevent. The line given
 * to irc_msg_parse() has already been split by conn.c and carries no CR/LF.
 */
#ifndef HEARTH_IRC_MSG_H
#define HEARTH_IRC_MSG_H

#include <stddef.h>

#define IRC_MAX_PARAMS		15
#define IRC_LINE_MAX		512	/* incl. CRLF, excluding tags */
#define IRC_BODY_MAX		(IRC_LINE_MAX - 2) /* what parse accepts */
#define IRC_TAGS_MAX		8191	/* incl. '@' and the trailing space */
#define IRC_CLIENT_TAGS_MAX	4094	/* tag data a client may send */

struct irc_tag {
	char	*key;
	char	*value;		/* unescaped; NULL when absent ("key") */
};

/*
 * Every string is xmalloc'd and owned by the struct; irc_msg_free()
 * releases them all.
 */
struct irc_msg {
	struct irc_tag	*tags;
	size_t		 ntags;
	char		*source;	/* without ':' or NULL */
	char		*command;	/* as given, case not folded */
	char		*params[IRC_MAX_PARAMS];
	size_t		 nparams;
	int		 trailing;	/* last param was introduced with ':' */
};

enum irc_parse_err {
	IRC_PARSE_OK = 0,
	IRC_PARSE_EMPTY,
	IRC_PARSE_TAGS_TOO_LONG,
	IRC_PARSE_LINE_TOO_LONG,
	IRC_PARSE_NO_COMMAND,
	IRC_PARSE_BAD_TAGS,
	IRC_PARSE_BAD_UTF8,
	IRC_PARSE_NUL		/* NUL, or a stray CR/LF, inside the line */
};

enum irc_parse_err	 irc_msg_parse(const char *, size_t, struct irc_msg *);
enum irc_parse_err	 irc_msg_parse_client(const char *, size_t,
			    struct irc_msg *);
void			 irc_msg_free(struct irc_msg *);
const char		*irc_msg_tag(const struct irc_msg *, const char *,
			    int *);
const char		*irc_parse_strerror(enum irc_parse_err);

char			*irc_tag_escape(const char *);
char			*irc_tag_unescape(const char *);

size_t			 irc_msg_serialize(const struct irc_msg *, char *,
			    size_t);

#endif
