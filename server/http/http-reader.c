/*
 * http-reader.c -- the web reader (issue 16, part 1): the groups, a
 * group's threads newest first, a thread as a tree, one article.
 *
 * The same rules as NNTP and the feeds, through the same functions:
 * the reader's level (membership_reader_level(); a signed-in member's
 * comes with the session), a group listed only if
 * membership_can_list() says so and read only at its level for this
 * reader (store_news_group_get_as(): a private group's access list
 * lowers it for those on it), articles only as the store's "_as"
 * queries give them (status ok, level within reach), hidden and
 * cancelled ones as tombstones (store_news_feed_gone_thread(), only
 * inside a thread the reader may see), an erased member's articles as
 * the erasure left them (pseudonymised, or emptied: shown as removed).
 * A private group is 404 to everyone off its list; a members-only one
 * sends a visitor to sign in.  Pages of groups that are not public say
 * noindex and are never kept by shared caches.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "account.h"
#include "article.h"
#include "feed.h"
#include "forum.h"
#include "http-int.h"
#include "i18n.h"
#include "lang.h"
#include "membership.h"
#include "mime-words.h"
#include "store.h"
#include "store-news.h"
#include "store-web.h"
#include "tz.h"
#include "xmalloc.h"

#define THREADS_PER_PAGE	20
#define TREE_DEPTH		8	/* deeper replies hang at this depth */

/* The level this reader reads at: -1 when they may read nothing. */
static int
reader_level(struct http_req *hr)
{
	if (hr->account[0] != '\0')
		return hr->level;
	return membership_reader_level(hr->srv, NULL);
}

/* Not allowed here: a visitor is sent to sign in, a member told 404. */
static int
refuse(struct http_req *hr, int members_only)
{
	if (hr->account[0] == '\0' && members_only)
		return HTTP_AUTH_NEEDED;
	return HTTP_NOT_FOUND;
}

struct group_view {
	int		 found;
	int64_t		 id;
	int64_t		 high;
	int64_t		 count;
	int		 level;
	int		 visibility;
	int		 status;
	char		 name[256];
	char		 description[512];
};

static int
group_view_cb(const struct news_group *g, void *arg)
{
	struct group_view	*gv = arg;

	gv->found = 1;
	gv->id = g->id;
	gv->high = g->high;
	gv->count = g->count;
	gv->level = g->level;
	gv->visibility = g->visibility;
	gv->status = g->status;
	snprintf(gv->name, sizeof gv->name, "%s", g->name);
	snprintf(gv->description, sizeof gv->description, "%s",
	    g->description != NULL ? g->description : "");
	return 0;
}

/*
 * May this reader read group NAME?  0 with GV filled, else the
 * generator's answer (404, or sign in for a members-only group).
 */
static int
open_group(struct http_req *hr, const char *name, struct group_view *gv)
{
	int	level = reader_level(hr);

	memset(gv, 0, sizeof *gv);
	if (store_news_group_get_as(hr->srv->store, name, hr->account_id,
	    group_view_cb, gv) != STORE_OK || !gv->found)
		return HTTP_NOT_FOUND;
	if (!membership_can_list(hr->srv, hr->account[0] != '\0' ? level :
	    NG_PUBLIC, gv->name, gv->level) || gv->level > level)
		return refuse(hr, gv->visibility == NG_MEMBERS ||
		    (gv->visibility == NG_PUBLIC && level < 0));
	if (gv->visibility != NG_PUBLIC)
		hr->noindex = 1;
	return 0;
}

/* "/groups/NAME" (xmalloc'd). */
static char *
group_path(const char *name)
{
	size_t	 n = strlen(name);
	char	*out = xmalloc(n * 3 + 9);

	memcpy(out, "/groups/", 8);
	if (http_segment_encode(name, n, out + 8, n * 3 + 1) < 0)
		out[8] = '\0';
	return out;
}

/* "/threads/ID" (xmalloc'd). */
static char *
thread_path(const char *msgid)
{
	char	*a = http_article_path(msgid), *t;

	/* "/articles/" -> "/threads/" */
	xasprintf(&t, "/threads/%s", a + 10);
	free(a);
	return t;
}

/* The Message-ID a reader route names: "ID" or "<ID>".  NULL if bad. */
static char *
arg_msgid(struct http_req *hr)
{
	char	*m;

	if (hr->arg[0] == '<')
		m = xstrdup(hr->arg);
	else
		xasprintf(&m, "<%s>", hr->arg);
	if (!msgid_valid(m)) {
		free(m);
		return NULL;
	}
	return m;
}

/* Local time, with a machine-readable <time>. */
static int
write_time(xmlTextWriterPtr w, time_t t)
{
	char	iso[40], when[64];

	feed_time_rfc3339(t, iso, sizeof iso);
	tz_when(t, when, sizeof when);
	if (html_el(w, "time") != 0 || html_attr(w, "datetime", iso) != 0 ||
	    html_text(w, when) != 0 || html_end(w) != 0)
		return -1;
	return 0;
}

/* A subject without its "Re: " prefixes. */
static const char *
bare_subject(const char *s)
{
	while (strncasecmp(s, "Re:", 3) == 0 || strncasecmp(s, "Re: ", 4) ==
	    0) {
		s += 3;
		while (*s == ' ')
			s++;
	}
	return s;
}

/* The group list */

struct groups_ctx {
	struct http_req		*hr;
	xmlTextWriterPtr	 w;
	int			 level;
	int			 shown;
	int			 rc;
};

/*
 * Articles of group G new to this member: above the floor "mark all
 * read" set, in threads they have not opened since (store-web.c).
 */
static int64_t
unread_of(struct http_req *hr, const struct news_group *g)
{
	int64_t	floor = 0, n = 0;

	if (store_web_read_get(hr->srv->store, hr->account_id, g->id,
	    &floor) != STORE_OK || floor >= g->high)
		return 0;
	if (store_web_unread(hr->srv->store, hr->account_id, g->id, floor,
	    &n) != STORE_OK)
		return 0;
	return n;
}

static int
groups_row(const struct news_group *g, void *arg)
{
	struct groups_ctx	*gc = arg;
	struct http_req		*hr = gc->hr;
	xmlTextWriterPtr	 w = gc->w;
	const char		*L = hr->lang;
	char			*path, *s;

	if (gc->rc != 0)
		return 1;
	/* The rule of every door, and readable here. */
	if (!membership_can_list(hr->srv, hr->account[0] != '\0' ?
	    gc->level : NG_PUBLIC, g->name, g->level) || g->level > gc->level)
		return 0;
	path = group_path(g->name);
	if (html_el(w, "li") != 0 || html_el(w, "h2") != 0 ||
	    html_link(w, path, g->name) != 0 || html_end(w) != 0) {
		free(path);
		goto fail;
	}
	free(path);
	if (g->description != NULL && *g->description != '\0' &&
	    html_wrap(w, "p", i18n(L, g->description)) != 0)
		goto fail;
	if (html_el(w, "p") != 0 || html_attr(w, "class", "meta") != 0)
		goto fail;
	xasprintf(&s, i18n_n(L, "%lld message", "%lld messages",
	    (unsigned long)g->count), (long long)g->count);
	if (html_text(w, s) != 0) {
		free(s);
		goto fail;
	}
	free(s);
	if (g->status == NG_MODERATED && html_text(w, i18n(L, " \u00b7 "
	    "moderated")) != 0)
		goto fail;
	if (g->status == NG_READONLY && html_text(w, i18n(L, " \u00b7 "
	    "announcements")) != 0)
		goto fail;
	if (g->visibility == NG_MEMBERS && html_text(w, i18n(L, " \u00b7 "
	    "members only")) != 0)
		goto fail;
	if (g->visibility == NG_PRIVATE && html_text(w, i18n(L, " \u00b7 "
	    "private")) != 0)
		goto fail;
	if (hr->account[0] != '\0') {
		int64_t	n = unread_of(hr, g);

		if (n > 0) {
			xasprintf(&s, i18n_n(L, "%lld new", "%lld new",
			    (unsigned long)n), (long long)n);
			if (html_text(w, " \u00b7 ") != 0 ||
			    html_el(w, "span") != 0 ||
			    html_attr(w, "class", "unread") != 0 ||
			    html_text(w, s) != 0 || html_end(w) != 0) {
				free(s);
				goto fail;
			}
			free(s);
		}
	}
	if (html_end(w) != 0 || html_end(w) != 0)
		goto fail;
	gc->shown++;
	return 0;
fail:
	gc->rc = -1;
	return 1;
}

int
gen_groups(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct groups_ctx	 gc;
	struct page		 p;
	const char		*L;

	memset(&gc, 0, sizeof gc);
	gc.level = reader_level(hr);
	if (gc.level < 0)
		return HTTP_AUTH_NEEDED;
	/* The unread counts read the thread index: caught up first. */
	(void)forum_index_sync(hr->srv);
	if (page_open(&p, hr, i18n(hr->lang, "Groups")) != 0)
		return -1;
	L = p.L;
	gc.hr = hr;
	gc.w = p.w;
	if (html_wrap(p.w, "h1", i18n(L, "Groups")) != 0 ||
	    html_el(p.w, "ul") != 0 || html_attr(p.w, "class", "groups") != 0)
		goto fail;
	if (store_news_group_list_as(hr->srv->store, 0, hr->account_id,
	    groups_row, &gc) == STORE_ERROR || gc.rc != 0)
		goto fail;
	if (html_end(p.w) != 0)
		goto fail;
	if (hr->account[0] == '\0' && (html_el(p.w, "p") != 0 ||
	    html_text(p.w, i18n(L, "Some groups are for members only: ")) !=
	    0 || html_link(p.w, "/signin", i18n(L, "sign in")) != 0 ||
	    html_text(p.w, i18n(L, " to see them.")) != 0 ||
	    html_end(p.w) != 0))
		goto fail;
	*lastmod = hr->srv->started;
	return page_close(&p, out, ctype);
fail:
	page_abort(&p);
	return -1;
}

/* A group's threads */

/*
 * One thread of the page: from store_web_threads(), named by its first
 * article (or its oldest in the group) read after.
 */
struct thread_row {
	char		*root;		/* the thread's first Message-ID */
	char		*subject;	/* decoded */
	char		*starter;	/* who began it, when seen */
	int		 have_root;
	int64_t		 count;
	int64_t		 unread;	/* new to this member */
	time_t		 last;
	int64_t		 head_num;	/* the article that names it */
};

struct threads_ctx {
	struct thread_row	*t;
	size_t			 n;
};

/* Field I (0-based) of the TAB-separated overview OV, xmalloc'd. */
static char *
ov_field(const char *ov, int i)
{
	const char	*p = ov, *e;

	while (i-- > 0) {
		if ((p = strchr(p, '\t')) == NULL)
			return xstrdup("");
		p++;
	}
	e = strchr(p, '\t');
	return e != NULL ? xstrndup(p, (size_t)(e - p)) : xstrdup(p);
}

/* The first Message-ID in a References value (xmalloc'd), or NULL. */
static char *
first_reference(const char *refs)
{
	const char	*lt, *gt;

	if ((lt = strchr(refs, '<')) == NULL || (gt = strchr(lt, '>')) ==
	    NULL)
		return NULL;
	return xstrndup(lt, (size_t)(gt - lt + 1));
}

static int
threads_row(const struct web_thread_row *r, void *arg)
{
	struct threads_ctx	*tc = arg;
	struct thread_row	*t;

	tc->t = xreallocarray(tc->t, tc->n + 1, sizeof *tc->t);
	t = &tc->t[tc->n++];
	memset(t, 0, sizeof *t);
	t->root = xstrdup(r->root);
	t->have_root = r->have_root;
	t->count = r->count;
	t->last = (time_t)r->last;
	t->head_num = r->head_num;
	return 0;
}

/* The subject and starter of a thread, from the article naming it. */
static int
thread_head(const struct news_art *a, void *arg)
{
	struct thread_row	*t = arg;
	char			*subj, *from;

	if (a->overview == NULL)
		return 0;
	subj = ov_field(a->overview, 0);
	t->subject = mime_words_decode(subj);
	free(subj);
	from = ov_field(a->overview, 1);
	subj = mime_words_decode(from);
	t->starter = http_from_name(subj);
	free(subj);
	free(from);
	return 1;
}

static void
threads_free(struct threads_ctx *tc)
{
	size_t	i;

	for (i = 0; i < tc->n; i++) {
		free(tc->t[i].root);
		free(tc->t[i].subject);
		free(tc->t[i].starter);
	}
	free(tc->t);
}

static int
pager(xmlTextWriterPtr w, const char *L, const char *path, int64_t page,
    int64_t pages)
{
	char	*u, *s;

	if (page <= 1 && pages <= 1)
		return 0;
	if (html_el(w, "nav") != 0 || html_attr(w, "class", "pager") != 0 ||
	    html_attr(w, "aria-label", i18n(L, "Pages")) != 0)
		return -1;
	if (page > 1) {
		if (page == 2)
			u = xstrdup(path);
		else
			xasprintf(&u, "%s?page=%lld", path, (long long)page -
			    1);
		if (html_link(w, u, i18n(L, "\u2190 Newer threads")) != 0) {
			free(u);
			return -1;
		}
		free(u);
	}
	xasprintf(&s, i18n(L, "Page %lld of %lld"), (long long)page,
	    (long long)pages);
	if (html_el(w, "span") != 0 || html_attr(w, "class", "page") != 0 ||
	    html_text(w, s) != 0 || html_end(w) != 0) {
		free(s);
		return -1;
	}
	free(s);
	if (page < pages) {
		xasprintf(&u, "%s?page=%lld", path, (long long)page + 1);
		if (html_link(w, u, i18n(L, "Older threads \u2192")) != 0) {
			free(u);
			return -1;
		}
		free(u);
	}
	return html_end(w);
}

/*
 * POST /groups/NAME: "mark all read" -- every article there now is
 * read (web_group_read's floor); back to the group.
 */
static int
mark_group_read(struct http_req *hr, const struct group_view *gv)
{
	char	*path;

	if (hr->account[0] == '\0')
		return HTTP_AUTH_NEEDED;
	if (gv->high > 0 && store_web_read_set(hr->srv->store,
	    hr->account_id, gv->id, gv->high) != STORE_OK)
		return -1;
	path = group_path(gv->name);
	http_redirect(hr, 303, path);
	free(path);
	return HTTP_SENT;
}

/*
 * GET /groups/NAME[?page=N]: every thread of the group, newest
 * activity first, THREADS_PER_PAGE a page (store_web_threads(): one
 * page of the group's threads from an index the triggers of migration
 * 22 keep; only the headers of the threads shown are read).  A
 * member sees which threads have new messages and a "mark all read"
 * form; reading is opening a thread (gen_thread()).
 */
int
gen_group(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct group_view	 gv;
	struct threads_ctx	 tc;
	struct page		 p;
	const char		*L;
	char			*path, *u, *s;
	int64_t			 page = hr->page > 0 ? hr->page : 1;
	int64_t			 floor = 0, pages, total, newest;
	size_t			 i;
	int			 rc;

	if ((rc = open_group(hr, hr->arg, &gv)) != 0)
		return rc;
	/* Everything stored so far in the index the page reads. */
	(void)forum_index_sync(hr->srv);
	if (hr->form != NULL)
		return mark_group_read(hr, &gv);
	/* An offset past any group (and past int64_t): none. */
	if (page > INT64_MAX / THREADS_PER_PAGE)
		return HTTP_NOT_FOUND;
	if (hr->account[0] != '\0' && store_web_read_get(hr->srv->store,
	    hr->account_id, gv.id, &floor) != STORE_OK)
		return -1;
	memset(&tc, 0, sizeof tc);
	if (store_web_threads_total(hr->srv->store, gv.id, &total,
	    &newest) != STORE_OK || store_web_threads(hr->srv->store, gv.id,
	    THREADS_PER_PAGE, (page - 1) * THREADS_PER_PAGE, threads_row,
	    &tc) == STORE_ERROR) {
		threads_free(&tc);
		return -1;
	}
	if (page > 1 && tc.n == 0) {
		threads_free(&tc);
		return HTTP_NOT_FOUND;
	}
	for (i = 0; i < tc.n; i++)
		if (store_news_range(hr->srv->store, gv.id, tc.t[i].head_num,
		    tc.t[i].head_num, 1, STORE_NNTP_HEADER, thread_head,
		    &tc.t[i]) == STORE_ERROR || (hr->account[0] != '\0' &&
		    store_web_thread_unread(hr->srv->store, hr->account_id,
		    gv.id, tc.t[i].root, floor, &tc.t[i].unread) !=
		    STORE_OK)) {
			threads_free(&tc);
			return -1;
		}
	pages = (total + THREADS_PER_PAGE - 1) / THREADS_PER_PAGE;
	if (page_open(&p, hr, gv.name) != 0) {
		threads_free(&tc);
		return -1;
	}
	L = p.L;
	path = group_path(gv.name);
	if (html_wrap(p.w, "h1", gv.name) != 0 || (gv.description[0] != '\0' &&
	    html_wrap(p.w, "p", i18n(L, gv.description)) != 0))
		goto fail;
	/* A new story (http-post.c), where members may write. */
	if (gv.status != NG_READONLY && strcmp(gv.name,
	    hr->srv->cf->report_group) != 0 &&
	    http_write_new_story(hr, p.w, gv.name) != 0)
		goto fail;
	if (gv.visibility == NG_PUBLIC) {
		xasprintf(&u, "/feeds/groups/%s.atom", path + 8);
		rc = html_el(p.w, "p") != 0 || html_attr(p.w, "class",
		    "meta") != 0 || html_link(p.w, u, i18n(L, "Atom feed")) !=
		    0 || html_end(p.w) != 0;
		free(u);
		if (rc)
			goto fail;
	}
	if (tc.n == 0 && html_wrap(p.w, "p", i18n(L, "No messages here "
	    "yet.")) != 0)
		goto fail;
	if (tc.n > 0 && (html_wrap(p.w, "h2", i18n(L, "Threads")) != 0 ||
	    html_el(p.w, "ul") != 0 || html_attr(p.w, "class", "threads") !=
	    0))
		goto fail;
	for (i = 0; i < tc.n; i++) {
		struct thread_row	*t = &tc.t[i];
		const char		*subj = t->subject != NULL ?
					    bare_subject(t->subject) : "";

		u = thread_path(t->root);
		rc = html_el(p.w, "li") != 0 || (hr->account[0] != '\0' &&
		    t->unread > 0 && html_attr(p.w, "class", "new") != 0) ||
		    html_el(p.w, "a") != 0 ||
		    html_attr(p.w, "href", u) != 0 ||
		    html_text(p.w, *subj != '\0' ? subj :
		    i18n(L, "(no subject)")) != 0 || html_end(p.w) != 0;
		free(u);
		if (rc || html_el(p.w, "p") != 0 ||
		    html_attr(p.w, "class", "meta") != 0)
			goto fail;
		if (t->have_root && t->starter != NULL) {
			xasprintf(&s, i18n(L, "by %s"), t->starter);
			rc = html_text(p.w, s) != 0 || html_text(p.w,
			    " \u00b7 ") != 0;
			free(s);
			if (rc)
				goto fail;
		}
		xasprintf(&s, i18n_n(L, "%lld message", "%lld messages",
		    (unsigned long)t->count), (long long)t->count);
		rc = html_text(p.w, s) != 0 || html_text(p.w, " \u00b7 ") !=
		    0 || html_text(p.w, i18n(L, "last ")) != 0 ||
		    write_time(p.w, t->last) != 0;
		free(s);
		if (rc)
			goto fail;
		if (hr->account[0] != '\0' && t->unread > 0) {
			xasprintf(&s, i18n_n(L, "%lld new", "%lld new",
			    (unsigned long)t->unread), (long long)t->unread);
			rc = html_text(p.w, " \u00b7 ") != 0 ||
			    html_el(p.w, "span") != 0 ||
			    html_attr(p.w, "class", "unread") != 0 ||
			    html_text(p.w, s) != 0 || html_end(p.w) != 0;
			free(s);
			if (rc)
				goto fail;
		}
		if (html_end(p.w) != 0 || html_end(p.w) != 0)
			goto fail;
	}
	if (tc.n > 0 && html_end(p.w) != 0)
		goto fail;
	if (pager(p.w, L, path, page, pages) != 0)
		goto fail;
	/* Reading is opening a thread; all at once only when asked. */
	if (hr->account[0] != '\0' && tc.n > 0 &&
	    (http_form_open(hr, p.w, path, "markread") != 0 ||
	    html_el(p.w, "button") != 0 || html_attr(p.w, "type", "submit") !=
	    0 || html_text(p.w, i18n(L, "Mark all read")) != 0 ||
	    html_end(p.w) != 0 || html_end(p.w) != 0))
		goto fail;
	*lastmod = newest > 0 ? (time_t)newest : hr->srv->started;
	free(path);
	threads_free(&tc);
	return page_close(&p, out, ctype);
fail:
	free(path);
	threads_free(&tc);
	page_abort(&p);
	return -1;
}

/* Articles: a thread, one article */

struct wart {
	char		*msgid;
	char		*subject;
	char		*author;
	char		*badge;		/* a verified doctor's, or NULL */
	char		*parent_ref;	/* last References entry, or NULL */
	char		*refs;		/* the References value, or NULL */
	char		*body;
	size_t		 body_len;
	char		*xref;
	time_t		 posted;
	int		 gone;		/* hidden or cancelled: a tombstone */
	int		 hidden;	/* ... hidden by a moderator */
	int		 erased;	/* its author erased it with them */
	ssize_t		 parent;	/* index in the view, or -1 */
	int		 depth;
};

struct wview {
	struct http_req	*hr;
	struct wart	*a;
	size_t		 n;
	time_t		 newest;
	ssize_t		 root;		/* the thread's own article, or -1 */
	const char	*thread;	/* the thread's Message-ID */
};

static struct wart *
wart_new(struct wview *v)
{
	struct wart	*a;

	v->a = xreallocarray(v->a, v->n + 1, sizeof *v->a);
	a = &v->a[v->n++];
	memset(a, 0, sizeof *a);
	a->parent = -1;
	return a;
}

static void
wview_free(struct wview *v)
{
	size_t	i;

	for (i = 0; i < v->n; i++) {
		free(v->a[i].msgid);
		free(v->a[i].subject);
		free(v->a[i].author);
		free(v->a[i].badge);
		free(v->a[i].parent_ref);
		free(v->a[i].refs);
		free(v->a[i].body);
		free(v->a[i].xref);
	}
	free(v->a);
}

/*
 * The badge of a verified doctor's article (the server writes
 * X-Hearth-Verified; a member cannot), in the page's language.
 */
static char *
badge_of(struct http_req *hr, const char *account)
{
	struct account	a;
	char		badge[200];

	if (account != NULL && store_account_get(hr->srv->store, account, &a,
	    NULL) == STORE_OK) {
		doctor_badge(hr->lang, strcmp(a.role, "doctor") == 0 ?
		    a.specialty : NULL, badge, sizeof badge);
		account_clear(&a);
	} else
		doctor_badge(hr->lang, NULL, badge, sizeof badge);
	return xstrdup(badge);
}

/* One stored article (a feed row: text and author's name) into V. */
static int
wart_row(const struct news_art *na, void *arg)
{
	struct wview	*v = arg;
	struct wart	*a = wart_new(v);
	struct article	 art;
	char		 why[128], *dec;
	const char	*h;

	a->msgid = xstrdup(na->msgid);
	a->posted = (time_t)na->posted;
	a->xref = xstrdup(na->xref != NULL ? na->xref : "");
	if (a->posted > v->newest)
		v->newest = a->posted;
	if (na->len == 0 || article_parse(na->text, na->len, &art, why,
	    sizeof why) != 0) {
		/* Emptied by an erasure: shown as removed. */
		a->erased = 1;
		return 0;
	}
	dec = mime_words_decode((h = article_header_get(&art, "Subject")) !=
	    NULL ? h : "");
	a->subject = dec;
	if (na->author_name != NULL)
		a->author = xstrdup(na->author_name);
	else {
		dec = mime_words_decode((h = article_header_get(&art,
		    "From")) != NULL ? h : "");
		a->author = http_from_name(dec);
		free(dec);
	}
	if (article_header_get(&art, "X-Hearth-Verified") != NULL)
		a->badge = badge_of(v->hr, na->author_name);
	if ((h = article_header_get(&art, "References")) != NULL) {
		a->refs = xstrdup(h);
		a->parent_ref = http_last_reference(h);
	}
	a->body = mime_body_utf8(article_header_get(&art, "Content-Type"),
	    article_header_get(&art, "Content-Transfer-Encoding"),
	    na->text + na->header_len, na->len - na->header_len, &a->body_len);
	article_free(&art);
	return 0;
}

/*
 * A hidden or cancelled article of the thread ROOT_OF(V) as a
 * tombstone, hung by its References where it was (its header is read
 * for that alone; its words never leave the store).  One that only
 * mentions the thread elsewhere in its header is not in it.
 */
static int
gone_row(const char *msgid, int64_t changed, int hidden, const char *hdr,
    size_t len, void *arg)
{
	struct wview	*v = arg;
	struct wart	*a;
	struct article	 art;
	char		 why[128];
	const char	*h;
	char		*refs = NULL;
	size_t		 i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->a[i].msgid, msgid) == 0)
			return 0;
	if (hdr != NULL && len > 0 && article_parse(hdr, len, &art, why,
	    sizeof why) == 0) {
		if ((h = article_header_get(&art, "References")) != NULL)
			refs = xstrdup(h);
		article_free(&art);
	}
	if (strcmp(msgid, v->thread) != 0 && (refs == NULL ||
	    strstr(refs, v->thread) == NULL)) {
		free(refs);
		return 0;
	}
	a = wart_new(v);
	a->msgid = xstrdup(msgid);
	a->gone = 1;
	a->hidden = hidden;
	a->refs = refs;
	a->posted = (time_t)changed;
	return 0;
}

/*
 * Write article A: its heading (a link to its own page unless ALONE),
 * who and when (with the doctor's badge), and its words; a tombstone
 * for one hidden, cancelled or erased.
 */
static int
write_article(struct http_req *hr, xmlTextWriterPtr w, const struct wart *a,
    int alone)
{
	const char	*L = hr->lang;
	char		*u;
	int		 rc;

	if (a->gone || a->erased) {
		return html_el(w, "article") != 0 ||
		    html_attr(w, "class", "post gone") != 0 ||
		    html_wrap(w, "p", a->hidden ? i18n(L, "Message hidden by "
		    "a moderator.") : a->gone ? i18n(L, "This message was "
		    "removed by the moderators or withdrawn by its author.") :
		    i18n(L, "This message was removed together with its "
		    "author's account.")) != 0 || html_end(w) != 0 ? -1 : 0;
	}
	if (html_el(w, "article") != 0 || html_attr(w, "class", "post") != 0)
		return -1;
	if (!alone) {
		u = http_article_path(a->msgid);
		rc = html_el(w, "h3") != 0 || html_link(w, u,
		    *a->subject != '\0' ? a->subject : i18n(L,
		    "(no subject)")) != 0 || html_end(w) != 0;
		free(u);
		if (rc)
			return -1;
	}
	if (html_el(w, "p") != 0 || html_attr(w, "class", "meta") != 0 ||
	    html_el(w, "span") != 0 || html_attr(w, "class", "author") != 0 ||
	    html_text(w, a->author) != 0 || html_end(w) != 0)
		return -1;
	if (a->badge != NULL && (html_el(w, "span") != 0 ||
	    html_attr(w, "class", "badge") != 0 ||
	    html_text(w, a->badge) != 0 || html_end(w) != 0))
		return -1;
	if (html_text(w, " \u00b7 ") != 0 || write_time(w, a->posted) != 0 ||
	    html_end(w) != 0)
		return -1;
	if (html_el(w, "div") != 0 || html_attr(w, "class", "body") != 0 ||
	    html_text(w, a->body != NULL ? a->body : "") != 0 ||
	    html_end(w) != 0)
		return -1;
	/* Reply and report (http-post.c). */
	if (http_write_actions(hr, w, a->msgid) != 0)
		return -1;
	return html_end(w);
}

static ssize_t
find_msgid(const struct wview *v, const char *msgid)
{
	size_t	i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->a[i].msgid, msgid) == 0)
			return (ssize_t)i;
	return -1;
}

/*
 * Hang every article under the nearest of its References present in
 * the view (a hidden parent as its tombstone), at most TREE_DEPTH deep.
 */
static void
build_tree(struct wview *v)
{
	size_t	 i;

	for (i = 0; i < v->n; i++) {
		struct wart	*a = &v->a[i];
		const char	*p, *lt, *gt;
		ssize_t		 best = -1;

		if (a->refs == NULL)
			continue;
		/* The last reference that is here wins. */
		for (p = a->refs; (lt = strchr(p, '<')) != NULL &&
		    (gt = strchr(lt, '>')) != NULL; p = gt + 1) {
			char	*m = xstrndup(lt, (size_t)(gt - lt + 1));
			ssize_t	 k = find_msgid(v, m);

			free(m);
			if (k >= 0 && (size_t)k != i)
				best = k;
		}
		a->parent = best;
	}
	/* Forged References may make a cycle: break it where it is seen. */
	for (i = 0; i < v->n; i++) {
		ssize_t	k = v->a[i].parent;
		size_t	d = 0;

		while (k >= 0 && d <= v->n) {
			d++;
			k = v->a[k].parent;
		}
		if (d > v->n)
			v->a[i].parent = -1;
	}
	/* Depths, along the parents as they now stand. */
	for (i = 0; i < v->n; i++) {
		ssize_t	k = v->a[i].parent;
		int	d = 0;

		while (k >= 0) {
			d++;
			k = v->a[k].parent;
		}
		v->a[i].depth = d;
	}
	/*
	 * Deeper than TREE_DEPTH: hang under the ancestor at TREE_DEPTH - 1
	 * (found along the unchanged parents).
	 */
	{
		ssize_t	*orig = xcalloc(v->n + 1, sizeof *orig);
		int	 up;

		for (i = 0; i < v->n; i++)
			orig[i] = v->a[i].parent;
		for (i = 0; i < v->n; i++) {
			ssize_t	k = orig[i];

			if (v->a[i].depth <= TREE_DEPTH)
				continue;
			for (up = v->a[i].depth - TREE_DEPTH; up > 0 && k >= 0;
			    up--)
				k = orig[k];
			v->a[i].parent = k;
			v->a[i].depth = TREE_DEPTH;
		}
		free(orig);
	}
}

/* Write the children of PARENT (-1: the tops) as a nested list. */
static int
write_tree(struct http_req *hr, xmlTextWriterPtr w, struct wview *v,
    ssize_t parent)
{
	size_t	i;
	int	opened = 0;

	for (i = 0; i < v->n; i++) {
		if (v->a[i].parent != parent)
			continue;
		if (!opened) {
			if (html_el(w, "ul") != 0 || html_attr(w, "class",
			    "tree") != 0)
				return -1;
			opened = 1;
		}
		if (html_el(w, "li") != 0 ||
		    write_article(hr, w, &v->a[i], 0) != 0 ||
		    write_tree(hr, w, v, (ssize_t)i) != 0 || html_end(w) != 0)
			return -1;
	}
	return opened ? html_end(w) : 0;
}

/* The groups of an Xref value the reader may read, as links. */
static int
write_groups(struct http_req *hr, xmlTextWriterPtr w, const char *xref)
{
	char		*copy = xstrdup(xref), *tok, *save = NULL, *colon;
	struct group_view gv;
	int		 n = 0, rc = 0;

	for (tok = strtok_r(copy, " ", &save); tok != NULL && rc == 0;
	    tok = strtok_r(NULL, " ", &save)) {
		if ((colon = strchr(tok, ':')) == NULL)
			continue;
		*colon = '\0';
		if (open_group(hr, tok, &gv) != 0)
			continue;
		{
			char	*u = group_path(gv.name);

			rc = (n++ > 0 && html_text(w, ", ") != 0) ||
			    html_link(w, u, gv.name) != 0;
			free(u);
		}
	}
	free(copy);
	return rc ? -1 : n;
}

int
gen_thread(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct wview	 v;
	struct page	 p;
	char		*msgid;
	const char	*title;
	ssize_t		 root;
	int		 level = reader_level(hr), n;

	if ((msgid = arg_msgid(hr)) == NULL)
		return HTTP_NOT_FOUND;
	if (level < 0) {
		free(msgid);
		return HTTP_AUTH_NEEDED;
	}
	(void)forum_index_sync(hr->srv);
	memset(&v, 0, sizeof v);
	v.hr = hr;
	http_page_lang(hr);
	store_news_feed_thread_as(hr->srv->store, msgid, level,
	    hr->account_id, wart_row, &v);
	if (v.n == 0) {
		/* Nothing this reader may see: as if there were no thread. */
		free(msgid);
		wview_free(&v);
		return HTTP_NOT_FOUND;
	}
	/* A member opened the thread: what is in it now is read. */
	if (hr->account[0] != '\0')
		(void)store_web_thread_read(hr->srv->store, hr->account_id,
		    msgid);
	/* Tombstones only inside a thread the reader sees (as the feeds). */
	v.thread = msgid;
	store_web_gone_thread(hr->srv->store, msgid, gone_row, &v);
	/* Not public if any of its groups is not (a quick rule: levels). */
	root = find_msgid(&v, msgid);
	v.root = root;
	build_tree(&v);
	title = root >= 0 && v.a[root].subject != NULL &&
	    *v.a[root].subject != '\0' ? v.a[root].subject :
	    i18n(hr->lang, "Thread");
	{
		size_t	i;

		for (i = 0; i < v.n; i++) {
			struct group_view	gv;
			char			*c = xstrdup(v.a[i].xref ?
						    v.a[i].xref : ""), *s;

			char			*save = NULL;

			/* Every group named must be public, else noindex. */
			for (s = strtok_r(c, " ", &save); s != NULL;
			    s = strtok_r(NULL, " ", &save)) {
				char	*colon = strchr(s, ':');

				if (colon != NULL)
					*colon = '\0';
				memset(&gv, 0, sizeof gv);
				if (store_news_group_get_as(hr->srv->store, s,
				    hr->account_id, group_view_cb, &gv) ==
				    STORE_OK && gv.found &&
				    gv.visibility != NG_PUBLIC)
					hr->noindex = 1;
			}
			free(c);
		}
	}
	if (page_open(&p, hr, title) != 0) {
		free(msgid);
		wview_free(&v);
		return -1;
	}
	if (html_wrap(p.w, "h1", title) != 0)
		goto fail;
	if (root >= 0 && v.a[root].xref != NULL) {
		if (html_el(p.w, "p") != 0 || html_attr(p.w, "class", "meta") !=
		    0 || html_text(p.w, i18n(p.L, "In: ")) != 0 ||
		    (n = write_groups(hr, p.w, v.a[root].xref)) < 0 ||
		    html_end(p.w) != 0)
			goto fail;
	}
	if (write_tree(hr, p.w, &v, -1) != 0)
		goto fail;
	*lastmod = v.newest > 0 ? v.newest : hr->srv->started;
	free(msgid);
	wview_free(&v);
	return page_close(&p, out, ctype);
fail:
	free(msgid);
	wview_free(&v);
	page_abort(&p);
	return -1;
}

struct one_art {
	int		 found;
	int		 status;
	int		 level;
	char		*xref;
};

static int
one_art_cb(const struct news_art *a, void *arg)
{
	struct one_art	*o = arg;

	o->found = 1;
	o->status = a->status;
	o->level = a->level;
	o->xref = xstrdup(a->xref != NULL ? a->xref : "");
	return 0;
}

/* Does XREF name a group this reader may read? */
static int
xref_readable(struct http_req *hr, const char *xref)
{
	char		*c = xstrdup(xref), *s, *save = NULL, *colon;
	struct group_view gv;
	int		 ok = 0;

	for (s = strtok_r(c, " ", &save); s != NULL && !ok;
	    s = strtok_r(NULL, " ", &save)) {
		if ((colon = strchr(s, ':')) != NULL)
			*colon = '\0';
		ok = open_group(hr, s, &gv) == 0;
	}
	free(c);
	return ok;
}

int
gen_article(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct wview	 v;
	struct one_art	 o;
	struct page	 p;
	struct wart	*a;
	char		*msgid, *u;
	ssize_t		 k;
	int		 level = reader_level(hr), rc, noindex;

	if ((msgid = arg_msgid(hr)) == NULL)
		return HTTP_NOT_FOUND;
	if (level < 0) {
		free(msgid);
		return HTTP_AUTH_NEEDED;
	}
	memset(&o, 0, sizeof o);
	if (store_news_by_msgid_as(hr->srv->store, msgid, hr->account_id, 0,
	    one_art_cb, &o) != STORE_OK || !o.found ||
	    (o.status != ART_OK && o.status != ART_HIDDEN &&
	    o.status != ART_CANCELLED)) {
		free(o.xref);
		free(msgid);
		return HTTP_NOT_FOUND;
	}
	if (o.status != ART_OK) {
		/*
		 * Gone: a tombstone for whoever may read one of its groups
		 * (Xref stays), nothing for anyone else.
		 */
		rc = xref_readable(hr, o.xref);
		noindex = hr->noindex;
		free(o.xref);
		free(msgid);
		if (!rc)
			return HTTP_NOT_FOUND;
		hr->noindex = noindex;
		if (page_open(&p, hr, i18n(hr->lang, "Message removed")) !=
		    0)
			return -1;
		if (html_wrap(p.w, "h1", i18n(p.L, "Message removed")) != 0 ||
		    html_wrap(p.w, "p", o.status == ART_HIDDEN ? i18n(p.L,
		    "Message hidden by a moderator.") : i18n(p.L, "This "
		    "message was removed by the moderators or withdrawn by "
		    "its author.")) != 0) {
			page_abort(&p);
			return -1;
		}
		*lastmod = hr->srv->started;
		return page_close(&p, out, ctype);
	}
	free(o.xref);
	if (o.level > level) {
		/* As NNTP: an article the reader may not read is not there. */
		free(msgid);
		return HTTP_NOT_FOUND;
	}
	/* Its row as the thread query gives it: text and author's name. */
	memset(&v, 0, sizeof v);
	v.hr = hr;
	http_page_lang(hr);
	store_news_feed_thread_as(hr->srv->store, msgid, level,
	    hr->account_id, wart_row, &v);
	if ((k = find_msgid(&v, msgid)) < 0) {
		free(msgid);
		wview_free(&v);
		return HTTP_NOT_FOUND;
	}
	a = &v.a[k];
	if (!xref_readable(hr, a->xref)) {
		free(msgid);
		wview_free(&v);
		return HTTP_NOT_FOUND;
	}
	if (page_open(&p, hr, a->subject != NULL && *a->subject != '\0' ?
	    a->subject : i18n(hr->lang, "(no subject)")) != 0) {
		free(msgid);
		wview_free(&v);
		return -1;
	}
	if (html_wrap(p.w, "h1", a->subject != NULL && *a->subject != '\0' ?
	    a->subject : i18n(p.L, "(no subject)")) != 0)
		goto fail;
	if (!a->erased && (html_el(p.w, "p") != 0 ||
	    html_attr(p.w, "class", "meta") != 0 ||
	    html_text(p.w, i18n(p.L, "In: ")) != 0 ||
	    write_groups(hr, p.w, a->xref) < 0 || html_end(p.w) != 0))
		goto fail;
	if (write_article(hr, p.w, a, 1) != 0)
		goto fail;
	if (html_el(p.w, "p") != 0)
		goto fail;
	{
		char	*root = a->refs != NULL ? first_reference(a->refs) :
			    NULL;

		u = thread_path(root != NULL ? root : a->msgid);
		free(root);
	}
	rc = html_link(p.w, u, i18n(p.L, "The whole thread")) != 0;
	free(u);
	if (rc)
		goto fail;
	if (a->parent_ref != NULL) {
		u = http_article_path(a->parent_ref);
		rc = html_text(p.w, " \u00b7 ") != 0 || html_link(p.w, u,
		    i18n(p.L, "In reply to")) != 0;
		free(u);
		if (rc)
			goto fail;
	}
	u = http_news_url(a->msgid);
	rc = html_text(p.w, " \u00b7 ") != 0 || html_link(p.w, u,
	    i18n(p.L, "Open in a newsreader")) != 0 || html_end(p.w) != 0;
	free(u);
	if (rc)
		goto fail;
	*lastmod = a->posted;
	free(msgid);
	wview_free(&v);
	return page_close(&p, out, ctype);
fail:
	free(msgid);
	wview_free(&v);
	page_abort(&p);
	return -1;
}
