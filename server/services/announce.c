/*
 * announce.c -- articles the server itself posts (event announcements),
 * stored like any other and committed before return.  A service: the
 * article reaches readers through the news store, whatever their door.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <openssl/rand.h>

#include "article.h"
#include "log.h"
#include "mime-words.h"
#include "announce.h"
#include "notify.h"
#include "nntp-util.h"
#include "store-news.h"
#include "xmalloc.h"

struct sys_group {
	int	found;
	int64_t	id;
};

static int
sys_group_cb(const struct news_group *g, void *arg)
{
	struct sys_group	*sg = arg;

	sg->found = 1;
	sg->id = g->id;
	return 0;
}

/*
 * Post SUBJECT/BODY (UTF-8, LF line ends) to GROUP as the server.  The
 * Message-ID goes to MSGID (MSGIDLEN bytes).  0, or -1 after logging.
 */
int
announce_post(struct server *srv, const char *group, const char *subject,
    const char *body, char *msgid, size_t msgidlen)
{
	struct sys_group	 sg = { 0, 0 };
	struct news_post	 np;
	struct article		 a;
	struct evbuffer		*b;
	unsigned char		 r[8];
	char			 date[64], why[128], *text, *subj;
	const char		*p;
	size_t			 len;
	time_t			 now = time(NULL);
	struct tm		 tm;
	int64_t			 num;
	int			 rc;

	if (store_news_group_get(srv->store, group, sys_group_cb, &sg) !=
	    STORE_OK || !sg.found) {
		log_warnx("announce: no group %s", group);
		return -1;
	}
	if (RAND_bytes(r, sizeof r) != 1)
		return -1;
	snprintf(msgid, msgidlen, "<%llx.%02x%02x%02x%02x%02x%02x%02x%02x."
	    "event@%s>", (long long)now, r[0], r[1], r[2], r[3], r[4], r[5],
	    r[6], r[7], srv->cf->server_name);
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	/* Headers are ASCII: the Subject in RFC 2047 words, folded. */
	subj = mime_header("Subject", subject);
	b = evbuffer_new();
	/* Injected here: RFC 5537 §3.2.1's ".POSTED" after our identity. */
	evbuffer_add_printf(b, "Path: %s!.POSTED!not-for-mail\r\n"
	    "From: Hearth <events@%s>\r\nNewsgroups: %s\r\n%s"
	    "Message-ID: %s\r\nDate: %s\r\nInjection-Date: %s\r\n"
	    "Injection-Info: %s\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n",
	    config_path_identity(srv->cf),
	    srv->cf->server_name, group, subj, msgid, date, date,
	    srv->cf->server_name);
	free(subj);
	for (p = body; *p != '\0'; p++) {
		if (*p == '\n')
			evbuffer_add(b, "\r\n", 2);
		else if (*p != '\r')
			evbuffer_add(b, p, 1);
	}
	if (p > body && p[-1] != '\n')
		evbuffer_add(b, "\r\n", 2);
	len = evbuffer_get_length(b);
	text = xmalloc(len + 1);
	evbuffer_remove(b, text, len);
	evbuffer_free(b);
	if (article_parse(text, len, &a, why, sizeof why) != 0) {
		log_warnx("announce: %s", why);
		free(text);
		return -1;
	}
	memset(&np, 0, sizeof np);
	np.msgid = msgid;
	np.text = text;
	np.len = len;
	np.header_len = a.header_len;
	np.lines = (int64_t)a.lines;
	np.posted = (int64_t)now;
	np.groups = &sg.id;
	np.ngroups = 1;
	np.actor = "hearth";
	np.nums = &num;
	rc = store_news_post(srv->store, &np);
	article_free(&a);
	free(text);
	if (rc != STORE_OK) {
		log_warnx("announce: storing the article failed");
		return -1;
	}
	notify_content_changed(srv);
	log_info("announce: posted %s to %s", msgid, group);
	return 0;
}
