/*
 * feed.h -- Atom 1.0, RSS 2.0 and HTML, written with libxml2's
 * xmlTextWriter only (never by string concatenation).
 *
 * Text from members is cleaned before it reaches the writer: CR LF and a
 * lone CR become LF (an article's line ends would be written &#13;),
 * invalid UTF-8 and characters XML 1.0 forbids become U+FFFD, and bidirectional
 * override controls are shown as visible "[U+202E]" marks, so hostile
 * subjects cannot reorder what a reader sees.  The writer escapes the rest.
 */
#ifndef HEARTH_FEED_H
#define HEARTH_FEED_H

#include <stddef.h>
#include <time.h>

#include <event2/buffer.h>
#include <libxml/xmlwriter.h>

struct feed_entry {
	const char	*id;		/* stable: tag: URI or news: URL */
	const char	*title;
	const char	*author;	/* pseudonym (account name) */
	const char	*author_role;	/* e.g. "verified doctor (oncology)" */
	time_t		 published;
	time_t		 updated;
	const char	*content;	/* plain text */
	size_t		 content_len;
	const char	*link;		/* the page (or news: URL) */
	const char	*link2;		/* a second, related link, or NULL */
	const char	*in_reply_to;	/* id of the parent (RFC 4685) */
	int		 deleted;	/* RFC 6721 tombstone */
	time_t		 deleted_when;
};

struct feed_meta {
	const char	*id;
	const char	*title;
	const char	*subtitle;
	const char	*self_url;	/* this document */
	const char	*alt_url;	/* human page, or NULL */
	const char	*next_url;	/* RFC 5005 older page, or NULL */
	const char	*prev_url;	/* RFC 5005 newer page, or NULL */
	const char	*author;	/* feed-level author */
	time_t		 updated;
};

/* An xmalloc'd copy of S (LEN bytes) safe to write as XML text. */
char	*feed_clean_text(const char *s, size_t len);
/* Write a complete document into OUT.  0, or -1 on a writer error. */
int	 feed_write_atom(const struct feed_meta *, const struct feed_entry *,
	    size_t n, struct evbuffer *out);
int	 feed_write_rss(const struct feed_meta *, const struct feed_entry *,
	    size_t n, struct evbuffer *out);
/* RFC 3339 UTC time ("2026-11-22T12:00:00Z") into BUF. */
void	 feed_time_rfc3339(time_t, char *buf, size_t len);
/* RFC 822 time for RSS ("Sun, 22 Nov 2026 12:00:00 +0000"). */
void	 feed_time_rfc822(time_t, char *buf, size_t len);

/*
 * Writer helpers for pages: each cleans its text first.  The buffer
 * writer collects into an xmlBuffer that feed_writer_finish() appends to
 * OUT and frees.
 */
xmlTextWriterPtr feed_writer_new(xmlBufferPtr *buf);
int	 feed_writer_finish(xmlTextWriterPtr, xmlBufferPtr, struct evbuffer *);
int	 feed_text_element(xmlTextWriterPtr, const char *name,
	    const char *text);
int	 feed_text(xmlTextWriterPtr, const char *text);
int	 feed_attr(xmlTextWriterPtr, const char *name, const char *value);

#endif
