/*
 * http-target.h -- the request-target of an HTTP request, parsed into
 * the route it names (pure: bytes in, struct out; no libevent).
 *
 * Accepted forms (RFC 9112 §3.2): origin-form "/a/b?q" and absolute-form
 * "http[s]://authority/a/b?q"; a fragment is refused.  The path is split
 * into segments on '/' before percent-decoding, so "%2F" inside a
 * segment stays part of it (message-ids may hold '/').  A segment that
 * decodes to "." or "..", a NUL, a control character or a malformed
 * escape makes the target bad: nothing can name a file or a route it
 * does not spell out.  Routes are either exact paths or a prefix plus
 * exactly one non-empty segment (the argument).
 *
 * The query is a list of key=value pairs separated by '&'; only
 * "before" (a positive article number, for feed paging, RFC 5005) and
 * "page" (a positive page number of the web reader) mean something;
 * other keys are ignored, as feed readers add their own.
 */
#ifndef HEARTH_HTTP_TARGET_H
#define HEARTH_HTTP_TARGET_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_TARGET_MAX		2048	/* longer targets: 414 */

enum http_route_id {
	HTTP_R_LANDING,		/* / */
	HTTP_R_HEALTHZ,		/* /healthz */
	HTTP_R_EVENTS_ATOM,	/* /feeds/events.atom */
	HTTP_R_EVENTS_ICS,	/* /events.ics */
	HTTP_R_GROUP_FEED,	/* /feeds/groups/NAME.atom|rss */
	HTTP_R_THREAD_FEED,	/* /feeds/threads/MSGID.atom */
	HTTP_R_DOCTOR_FEED,	/* /feeds/doctors/NAME.atom */
	HTTP_R_ME_JSON,		/* /me/export.json */
	HTTP_R_ME_MBOX,		/* /me/articles.mbox */
	HTTP_R_STYLE,		/* /style.css */
	HTTP_R_ROBOTS,		/* /robots.txt */
	HTTP_R_SIGNIN,		/* /signin */
	HTTP_R_SIGNOUT,		/* /signout */
	HTTP_R_SIGNUP,		/* /signup */
	HTTP_R_ACCOUNT,		/* /account: a member's settings */
	HTTP_R_PASSWORD,	/* /account/password (POST) */
	HTTP_R_LANGUAGE,	/* /account/language (POST) */
	HTTP_R_TIMEZONE,	/* /account/timezone (POST) */
	HTTP_R_EXPORT,		/* /account/export (POST) */
	HTTP_R_ERASE,		/* /account/erase (POST) */
	HTTP_R_POST,		/* /post/GROUP: a new story */
	HTTP_R_REPLY,		/* /reply/MSGID */
	HTTP_R_REPORT,		/* /report/MSGID */
	HTTP_R_GROUPS,		/* /groups: the web reader's group list */
	HTTP_R_GROUP,		/* /groups/NAME: a group's threads */
	HTTP_R_THREAD,		/* /threads/MSGID: a thread as a tree */
	HTTP_R_ARTICLE,		/* /articles/MSGID: one article */
	HTTP_R_CLIENTS,		/* /clients: settings for newsreaders and
				   IRC clients */
	HTTP_R_CHAT_JS,		/* /chat.js: the web chat's script */
	HTTP_R_CHAT_CSS,	/* /chat.css: its stylesheet */
	HTTP_R_CHAT,		/* /chat: the rooms */
	HTTP_R_CHAT_TOKEN,	/* /chat/token: a one-time chat token (POST;
				   before /chat/ROOM) */
	HTTP_R_CHAT_ROOM,	/* /chat/ROOM: the chat page of #ROOM */
	HTTP_R_COUNT
};

enum http_target_rc {
	HTTP_TARGET_OK = 0,
	HTTP_TARGET_BAD,	/* 400: malformed */
	HTTP_TARGET_TOO_LONG,	/* 414 */
	HTTP_TARGET_NOT_FOUND	/* 404: well formed, no such route */
};

struct http_target {
	enum http_route_id	 route;
	char			 arg[HTTP_TARGET_MAX + 1]; /* decoded; "" for
							      exact routes */
	size_t			 arg_len;	/* never holds a NUL */
	int64_t			 before;	/* 0: absent, else > 0 */
	int64_t			 page;		/* 0: absent, else > 0 */
};

/* The path of route R ("/feeds/groups/" for a prefix route). */
const char	*http_route_path(enum http_route_id r);
/* 1 when route R takes an argument segment. */
int		 http_route_has_arg(enum http_route_id r);
/*
 * Parse the request-target S (LEN bytes, need not be NUL-terminated)
 * into T.  Returns an http_target_rc; T is filled only on
 * HTTP_TARGET_OK.
 */
int	 http_target_parse(const char *s, size_t len, struct http_target *t);
/*
 * Percent-encode the LEN bytes of IN as one path segment into OUT (room
 * for SIZE bytes, NUL-terminated): unreserved characters and the
 * sub-delims, ':' and '@' stay, everything else becomes %XX.  Returns the
 * length, or -1 when OUT is too small.
 */
int	 http_segment_encode(const char *in, size_t len, char *out,
	    size_t size);

#endif
