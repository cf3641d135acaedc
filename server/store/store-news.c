/*
 * store-news.c -- the news part of the database: groups with their
 * numbers, articles, overview data and the moderation queue.
 *
 * Reading commands are index lookups: ARTICLE n is one probe of the
 * (group_id, num) primary key of group_articles and one of articles by
 * rowid; OVER a..b walks that key in order.  A post is one transaction:
 * the article row, one number per group (groups.high + 1, never reused)
 * and, for Supersedes, the cancel of the old article.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "nntp-util.h"
#include "store-int.h"
#include "store-news.h"
#include "store-web.h"
#include "xmalloc.h"

enum {
	N_GROUP_GET,
	N_GROUP_RULES,
	N_GROUP_LIST,
	N_NUM_NEXT,
	N_NUM_PREV,
	N_BY_NUM,
	N_BY_MSGID,
	N_RANGE,
	N_RANGE_HDR,
	N_NUMS,
	N_NEWNEWS,
	N_ART_INSERT,
	N_ART_REPLACE,
	N_ART_STATUS,
	N_GROUP_BUMP,
	N_GROUP_HIGH,
	N_ART_XREF,
	N_GA_INSERT,
	N_GROUP_UNCOUNT,
	N_GA_DELETE,
	N_HOLD_INSERT,
	N_HOLD_GET,
	N_HOLD_DELETE,
	N_ID_BY_MSGID,
	N_HIDE_SAVE,
	N_HIDE_RESTORE,
	N_HIDE_FORGET,
	N_GROUP_RECOUNT,
	N_FEED_GROUP,
	N_FEED_THREAD,
	N_FEED_AUTHOR,
	N_FEED_GONE_GROUP,
	N_FEED_GONE_THREAD,
	N_BY_AUTHOR_ALL,
	N_REWRITE,
	N_WIPE,
	N_COUNT
};

/*
 * The access level group G needs from the reader whose account id is
 * bound to ?9 (NULL or 0: anonymous): public 0, members 1, private 2,
 * but 1 for an account on the private group's access list.
 */
#define GROUP_LEVEL(g) \
	"(CASE " g ".visibility WHEN 'public' THEN 0 WHEN 'members' THEN 1 " \
	"ELSE 2 - EXISTS (SELECT 1 FROM group_access x WHERE " \
	"x.group_id = " g ".id AND x.account_id = ?9) END) "

#define GROUP_COLS \
	"g.id, g.name, g.description, g.status, g.visibility, g.created, " \
	"g.high, g.count, " \
	"(SELECT min(num) FROM group_articles WHERE group_id = g.id), " \
	GROUP_LEVEL("g")

/* Access level an article needs: the most open of its groups. */
#define LEVEL_COL \
	"(SELECT min(" GROUP_LEVEL("g") ") FROM group_articles ga2 " \
	"JOIN groups g ON g.id = ga2.group_id WHERE ga2.article_id = a.id) "

/* Feed rows: the common columns, the text, then the author's name. */
#define FEED_COLS \
	"a.id, 0, a.author_id, a.posted, a.msgid, NULL, a.bytes, " \
	"a.lines, a.status, 0, a.header_len, a.xref, a.text, " \
	"(SELECT name FROM accounts WHERE id = a.author_id) "

static const struct store_sql nntp_sql[] = {
	{ N_GROUP_GET, "SELECT " GROUP_COLS "FROM groups g WHERE g.name = ?1" },
	/* For posting: no low number (a min() over the group's rows). */
	{ N_GROUP_RULES, "SELECT g.id, g.name, NULL, g.status, g.visibility, "
	  "g.created, g.high, 0, NULL, " GROUP_LEVEL("g")
	  "FROM groups g WHERE g.name = ?1" },
	{ N_GROUP_LIST, "SELECT " GROUP_COLS "FROM groups g "
	  "WHERE g.created >= ?1 ORDER BY g.name" },
	{ N_NUM_NEXT, "SELECT num FROM group_articles WHERE group_id = ?1 "
	  "AND num > ?2 ORDER BY num LIMIT 1" },
	{ N_NUM_PREV, "SELECT num FROM group_articles WHERE group_id = ?1 "
	  "AND num < ?2 ORDER BY num DESC LIMIT 1" },
	/* Columns 0-11 as in art_from_row(); the text comes last. */
	{ N_BY_NUM, "SELECT a.id, ga.num, a.author_id, a.posted, a.msgid, "
	  "NULL, a.bytes, a.lines, a.status, 0, a.header_len, a.xref, a.text "
	  "FROM group_articles ga JOIN articles a ON a.id = ga.article_id "
	  "WHERE ga.group_id = ?1 AND ga.num = ?2" },
	{ N_BY_MSGID, "SELECT a.id, 0, a.author_id, a.posted, a.msgid, "
	  "NULL, a.bytes, a.lines, a.status, " LEVEL_COL ", "
	  "a.header_len, a.xref, a.text FROM articles a WHERE a.msgid = ?1" },
	{ N_RANGE, "SELECT a.id, ga.num, a.author_id, a.posted, a.msgid, "
	  "NULL, a.bytes, a.lines, a.status, 0, a.header_len, a.xref, a.text "
	  "FROM group_articles ga JOIN articles a ON a.id = ga.article_id "
	  "WHERE ga.group_id = ?1 AND ga.num BETWEEN ?2 AND ?3 "
	  "ORDER BY ga.num LIMIT ?4" },
	{ N_RANGE_HDR, "SELECT a.id, ga.num, a.author_id, a.posted, "
	  "a.msgid, NULL, a.bytes, a.lines, a.status, 0, a.header_len, "
	  "a.xref, substr(a.text, 1, a.header_len) "
	  "FROM group_articles ga JOIN articles a ON a.id = ga.article_id "
	  "WHERE ga.group_id = ?1 AND ga.num BETWEEN ?2 AND ?3 "
	  "ORDER BY ga.num LIMIT ?4" },
	{ N_NUMS, "SELECT num FROM group_articles WHERE group_id = ?1 AND "
	  "num BETWEEN ?2 AND ?3 ORDER BY num LIMIT ?4" },
	{ N_NEWNEWS, "SELECT a.id, a.msgid, g.name, " GROUP_LEVEL("g")
	  "FROM articles a JOIN group_articles ga ON ga.article_id = a.id "
	  "JOIN groups g ON g.id = ga.group_id "
	  "WHERE a.posted >= ?1 AND a.id > ?2 AND a.status = 'ok' "
	  "ORDER BY a.id LIMIT ?3" },
	{ N_ART_INSERT, "INSERT INTO articles (msgid, posted, author_id, "
	  "status, header_len, bytes, lines, text, xref) "
	  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, coalesce(?9, ''))" },
	{ N_ART_REPLACE, "UPDATE articles SET status = 'ok', posted = ?2, "
	  "header_len = ?3, bytes = ?4, lines = ?5, text = ?6 WHERE id = ?1" },
	{ N_ART_STATUS, "UPDATE articles SET status = ?2, status_changed = "
	  "CAST(strftime('%s', 'now') AS INTEGER) WHERE id = ?1" },
	/*
	 * Two statements, not one with RETURNING: SQLite runs RETURNING
	 * through a temporary table, which cost more than the SELECT.
	 */
	{ N_GROUP_BUMP, "UPDATE groups SET high = high + 1, "
	  "count = count + 1 WHERE id = ?1" },
	{ N_GROUP_HIGH, "SELECT high, name FROM groups WHERE id = ?1" },
	{ N_ART_XREF, "UPDATE articles SET xref = ?2 WHERE id = ?1" },
	{ N_GA_INSERT, "INSERT INTO group_articles (group_id, num, "
	  "article_id) VALUES (?1, ?2, ?3)" },
	{ N_GROUP_UNCOUNT, "UPDATE groups SET count = count - 1 WHERE id IN "
	  "(SELECT group_id FROM group_articles WHERE article_id = ?1)" },
	{ N_GA_DELETE, "DELETE FROM group_articles WHERE article_id = ?1" },
	{ N_HOLD_INSERT, "INSERT INTO holds (article_id, groups, reason, "
	  "created) VALUES (?1, ?2, ?3, ?4)" },
	{ N_HOLD_GET, "SELECT groups FROM holds WHERE article_id = ?1" },
	{ N_HOLD_DELETE, "DELETE FROM holds WHERE article_id = ?1" },
	{ N_ID_BY_MSGID, "SELECT id, status FROM articles WHERE msgid = ?1" },
	{ N_HIDE_SAVE, "INSERT INTO hidden_numbers (article_id, group_id, num) "
	  "SELECT article_id, group_id, num FROM group_articles "
	  "WHERE article_id = ?1" },
	{ N_HIDE_RESTORE, "INSERT INTO group_articles (group_id, num, "
	  "article_id) SELECT group_id, num, article_id FROM hidden_numbers "
	  "WHERE article_id = ?1" },
	{ N_HIDE_FORGET, "DELETE FROM hidden_numbers WHERE article_id = ?1" },
	{ N_GROUP_RECOUNT, "UPDATE groups SET count = (SELECT count(*) FROM "
	  "group_articles ga WHERE ga.group_id = groups.id) WHERE id IN "
	  "(SELECT group_id FROM group_articles WHERE article_id = ?1)" },
	{ N_FEED_GROUP, "SELECT " FEED_COLS "FROM group_articles ga "
	  "JOIN articles a ON a.id = ga.article_id WHERE ga.group_id = ?1 "
	  "AND (?2 = 0 OR ga.num < ?2) AND a.status = 'ok' "
	  "ORDER BY ga.num DESC LIMIT ?3" },
	{ N_FEED_THREAD, "SELECT " FEED_COLS "FROM articles a "
	  "WHERE a.status = 'ok' AND (a.msgid = ?1 OR "
	  "instr(substr(a.text, 1, a.header_len), ?1) > 0) AND "
	  LEVEL_COL " <= ?8 "
	  "ORDER BY a.posted, a.id LIMIT 500" },
	{ N_FEED_AUTHOR, "SELECT " FEED_COLS "FROM articles a "
	  "WHERE a.author_id = ?1 AND a.status = 'ok' AND " LEVEL_COL " = 0 "
	  "ORDER BY a.posted DESC, a.id DESC LIMIT ?2" },
	{ N_FEED_GONE_GROUP, "SELECT a.msgid, a.status_changed FROM articles a "
	  "WHERE a.status IN ('hidden', 'cancelled') AND (a.xref LIKE "
	  "?1 || ':%' OR a.xref LIKE '% ' || ?1 || ':%') "
	  "ORDER BY a.status_changed DESC LIMIT ?2" },
	{ N_REWRITE, "UPDATE articles SET text = ?2, header_len = ?3, "
	  "bytes = ?4, lines = ?5, author_id = NULL "
	  "WHERE id = ?1" },
	{ N_WIPE, "UPDATE articles SET text = X'', header_len = 0, bytes = 0, "
	  "lines = 0, author_id = NULL WHERE id = ?1" },
	{ N_BY_AUTHOR_ALL, "SELECT " FEED_COLS "FROM articles a "
	  "WHERE a.author_id = ?1 ORDER BY a.posted, a.id" },
	{ N_FEED_GONE_THREAD, "SELECT a.msgid, a.status_changed FROM articles "
	  "a WHERE a.status IN ('hidden', 'cancelled') AND (a.msgid = ?1 OR "
	  "instr(substr(a.text, 1, a.header_len), ?1) > 0) "
	  "ORDER BY a.status_changed DESC LIMIT 500" },
};

static const char *const art_status_names[] = {
	"ok", "held", "cancelled", "rejected", "hidden"
};

int
store_news_prepare(struct store *st)
{
	st->nntp = xcalloc(N_COUNT, sizeof *st->nntp);
	return store_prepare(st, nntp_sql, sizeof nntp_sql /
	    sizeof nntp_sql[0], st->nntp);
}

void
store_news_finalize(struct store *st)
{
	if (st->nntp == NULL)
		return;
	store_finalize(st->nntp, N_COUNT);
	free(st->nntp);
	st->nntp = NULL;
}

static int
group_status(const char *s)
{
	if (s != NULL && strcmp(s, "moderated") == 0)
		return NG_MODERATED;
	if (s != NULL && strcmp(s, "readonly") == 0)
		return NG_READONLY;
	return NG_OPEN;
}

static int
group_visibility(const char *s)
{
	if (s != NULL && strcmp(s, "members") == 0)
		return NG_MEMBERS;
	if (s != NULL && strcmp(s, "private") == 0)
		return NG_PRIVATE;
	return NG_PUBLIC;
}

static void
group_from_row(sqlite3_stmt *s, struct news_group *g)
{
	g->id = sqlite3_column_int64(s, 0);
	g->name = (const char *)sqlite3_column_text(s, 1);
	g->description = (const char *)sqlite3_column_text(s, 2);
	g->status = group_status((const char *)sqlite3_column_text(s, 3));
	g->visibility = group_visibility((const char *)
	    sqlite3_column_text(s, 4));
	g->created = sqlite3_column_int64(s, 5);
	g->high = sqlite3_column_int64(s, 6);
	g->count = sqlite3_column_int64(s, 7);
	g->level = sqlite3_column_int(s, 9);
	if (sqlite3_column_type(s, 8) == SQLITE_NULL || g->count == 0) {
		g->low = g->high + 1;
		g->count = 0;
	} else
		g->low = sqlite3_column_int64(s, 8);
	if (g->description == NULL)
		g->description = "";
}

static int	group_get(struct store *, int, const char *, int64_t,
		    store_news_group_cb, void *);

int
store_news_group_get(struct store *st, const char *name,
    store_news_group_cb cb, void *arg)
{
	return store_news_group_get_as(st, name, 0, cb, arg);
}

int
store_news_group_get_as(struct store *st, const char *name, int64_t viewer,
    store_news_group_cb cb, void *arg)
{
	return group_get(st, N_GROUP_GET, name, viewer, cb, arg);
}

int
store_news_group_rules(struct store *st, const char *name, int64_t viewer,
    store_news_group_cb cb, void *arg)
{
	return group_get(st, N_GROUP_RULES, name, viewer, cb, arg);
}

static int
group_get(struct store *st, int which, const char *name, int64_t viewer,
    store_news_group_cb cb, void *arg)
{
	sqlite3_stmt		*s = store_reset(st->nntp[which]);
	struct news_group	 g;
	int			 rc;

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 9, viewer);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		group_from_row(s, &g);
		cb(&g, arg);
		sqlite3_reset(s);
		return STORE_OK;
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	store_log_error(st, "group get");
	return STORE_ERROR;
}

int
store_news_group_list_as(struct store *st, int64_t since, int64_t viewer,
    store_news_group_cb cb, void *arg)
{
	sqlite3_stmt		*s = store_reset(st->nntp[N_GROUP_LIST]);
	struct news_group	 g;
	int			 rc;

	sqlite3_bind_int64(s, 1, since);
	sqlite3_bind_int64(s, 9, viewer);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		group_from_row(s, &g);
		if (cb(&g, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, "group list");
		return STORE_ERROR;
	}
	return STORE_OK;
}

static int64_t
num_step(struct store *st, int which, int64_t group, int64_t num)
{
	sqlite3_stmt	*s = store_reset(st->nntp[which]);
	int64_t		 n = 0;
	int		 rc;

	sqlite3_bind_int64(s, 1, group);
	sqlite3_bind_int64(s, 2, num);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		store_log_error(st, "article number");
	sqlite3_reset(s);
	return n;
}

int64_t
store_news_num_next(struct store *st, int64_t group, int64_t num)
{
	return num_step(st, N_NUM_NEXT, group, num);
}

int64_t
store_news_num_prev(struct store *st, int64_t group, int64_t num)
{
	return num_step(st, N_NUM_PREV, group, num);
}

static int
art_status(const char *s)
{
	int	i;

	for (i = 0; i < 5; i++)
		if (s != NULL && strcmp(s, art_status_names[i]) == 0)
			return i;
	return ART_REJECTED;
}

/*
 * Fill A from a row in the common column order; text (or the header
 * block) at column 12.  The overview is read from the header block into
 * the store's scratch buffer: it is valid until the next row.
 */
static void
art_from_row(struct store *st, sqlite3_stmt *s, int flags,
    struct news_art *a)
{
	const char	*hdr;
	size_t		 hlen;

	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(s, 0);
	a->num = sqlite3_column_int64(s, 1);
	a->author_id = sqlite3_column_int64(s, 2);
	a->posted = sqlite3_column_int64(s, 3);
	a->msgid = (const char *)sqlite3_column_text(s, 4);
	a->bytes = sqlite3_column_int64(s, 6);
	a->lines = sqlite3_column_int64(s, 7);
	a->status = art_status((const char *)sqlite3_column_text(s, 8));
	/* An article in no group (held) is for moderators only. */
	a->level = sqlite3_column_type(s, 9) == SQLITE_NULL ? NG_PRIVATE :
	    sqlite3_column_int(s, 9);
	a->header_len = (size_t)sqlite3_column_int64(s, 10);
	a->xref = (const char *)sqlite3_column_text(s, 11);
	if (a->xref == NULL)
		a->xref = "";
	if (flags & (STORE_NNTP_TEXT | STORE_NNTP_HEADER)) {
		a->text = sqlite3_column_blob(s, 12);
		a->len = (size_t)sqlite3_column_bytes(s, 12);
		if (a->text == NULL)
			a->text = "";
	}
	if (a->msgid == NULL)
		a->msgid = "";
	hdr = sqlite3_column_blob(s, 12);
	hlen = (size_t)sqlite3_column_bytes(s, 12);
	if (hdr == NULL)
		hdr = "";
	if (hlen > a->header_len)
		hlen = a->header_len;
	a->overview = nntp_overview_header(hdr, hlen, a->msgid, &st->ovbuf,
	    &st->ovcap);
}

static int
art_one(struct store *st, sqlite3_stmt *s, int flags, store_news_art_cb cb,
    void *arg, const char *what)
{
	struct news_art	a;
	int		rc;

	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		art_from_row(st, s, flags, &a);
		cb(&a, arg);
		sqlite3_reset(s);
		return STORE_OK;
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	store_log_error(st, what);
	return STORE_ERROR;
}

int
store_news_by_num(struct store *st, int64_t group, int64_t num, int flags,
    store_news_art_cb cb, void *arg)
{
	sqlite3_stmt	*s = store_reset(st->nntp[N_BY_NUM]);

	sqlite3_bind_int64(s, 1, group);
	sqlite3_bind_int64(s, 2, num);
	return art_one(st, s, flags, cb, arg, "article by number");
}

int
store_news_by_msgid(struct store *st, const char *msgid, int flags,
    store_news_art_cb cb, void *arg)
{
	return store_news_by_msgid_as(st, msgid, 0, flags, cb, arg);
}

int
store_news_by_msgid_as(struct store *st, const char *msgid, int64_t viewer,
    int flags, store_news_art_cb cb, void *arg)
{
	sqlite3_stmt	*s = store_reset(st->nntp[N_BY_MSGID]);

	sqlite3_bind_text(s, 1, msgid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 9, viewer);
	return art_one(st, s, flags, cb, arg, "article by message-id");
}

int
store_news_range(struct store *st, int64_t group, int64_t lo, int64_t hi,
    int limit, int flags, store_news_art_cb cb, void *arg)
{
	sqlite3_stmt	*s;
	struct news_art	 a;
	int		 rc, n = 0;

	s = store_reset(st->nntp[(flags & STORE_NNTP_HEADER) ? N_RANGE_HDR :
	    N_RANGE]);
	sqlite3_bind_int64(s, 1, group);
	sqlite3_bind_int64(s, 2, lo);
	sqlite3_bind_int64(s, 3, hi);
	sqlite3_bind_int(s, 4, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		art_from_row(st, s, flags, &a);
		if (cb(&a, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, "article range");
		return STORE_ERROR;
	}
	return n;
}

int
store_news_nums(struct store *st, int64_t group, int64_t lo, int64_t hi,
    int limit, store_news_num_cb cb, void *arg)
{
	sqlite3_stmt	*s = store_reset(st->nntp[N_NUMS]);
	int		 rc, n = 0;

	sqlite3_bind_int64(s, 1, group);
	sqlite3_bind_int64(s, 2, lo);
	sqlite3_bind_int64(s, 3, hi);
	sqlite3_bind_int(s, 4, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		if (cb(sqlite3_column_int64(s, 0), arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, "article numbers");
		return STORE_ERROR;
	}
	return n;
}

int
store_news_newnews_as(struct store *st, int64_t since, int64_t after,
    int64_t viewer, int limit, store_news_art_cb cb, void *arg)
{
	sqlite3_stmt	*s = store_reset(st->nntp[N_NEWNEWS]);
	struct news_art	 a;
	int		 rc, n = 0;

	sqlite3_bind_int64(s, 1, since);
	sqlite3_bind_int64(s, 2, after);
	sqlite3_bind_int(s, 3, limit);
	sqlite3_bind_int64(s, 9, viewer);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		memset(&a, 0, sizeof a);
		a.id = sqlite3_column_int64(s, 0);
		a.msgid = (const char *)sqlite3_column_text(s, 1);
		a.overview = (const char *)sqlite3_column_text(s, 2);
		a.level = sqlite3_column_int(s, 3);
		if (cb(&a, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, "newnews");
		return STORE_ERROR;
	}
	return n;
}

static int
exec_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int	rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, what);
		return -1;
	}
	return 0;
}

/*
 * Take the next number in GROUP (its high and count bumped); the
 * number, or -1.  Adds "group:num" to the Xref list *XREF (xmalloc'd,
 * caller frees).
 */
static int64_t
group_bump(struct store *st, int64_t group, char **xref)
{
	sqlite3_stmt	*s = store_reset(st->nntp[N_GROUP_BUMP]);
	int64_t		 num;
	char		*t;

	sqlite3_bind_int64(s, 1, group);
	if (exec_done(st, s, "group bump") != 0)
		return -1;
	s = store_reset(st->nntp[N_GROUP_HIGH]);
	sqlite3_bind_int64(s, 1, group);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		store_log_error(st, "group bump");
		return -1;
	}
	num = sqlite3_column_int64(s, 0);
	xasprintf(&t, "%s%s%s:%lld", *xref != NULL ? *xref : "",
	    *xref != NULL ? " " : "", sqlite3_column_text(s, 1),
	    (long long)num);
	free(*xref);
	*xref = t;
	sqlite3_reset(s);
	return num;
}

/* List article ID as NUM in GROUP. */
static int
group_list(struct store *st, int64_t group, int64_t num, int64_t id)
{
	sqlite3_stmt	*s = store_reset(st->nntp[N_GA_INSERT]);

	sqlite3_bind_int64(s, 1, group);
	sqlite3_bind_int64(s, 2, num);
	sqlite3_bind_int64(s, 3, id);
	return exec_done(st, s, "group article insert");
}

/*
 * The next number in GROUP for article ID (the group's high and count
 * bumped, the article listed); -1 on error.  Appends "group:num" to
 * the Xref list *XREF (xmalloc'd, caller frees).
 */
static int64_t
number_in(struct store *st, int64_t group, int64_t id, char **xref)
{
	int64_t	num;

	if ((num = group_bump(st, group, xref)) < 0 ||
	    group_list(st, group, num, id) != 0)
		return -1;
	return num;
}

static int
save_xref(struct store *st, int64_t id, const char *xref)
{
	sqlite3_stmt	*s = store_reset(st->nntp[N_ART_XREF]);

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, xref != NULL ? xref : "", -1, SQLITE_STATIC);
	return exec_done(st, s, "article xref");
}

/* Remove article ID from its groups and set its status; no commit. */
static int
unlist(struct store *st, int64_t id, int status)
{
	sqlite3_stmt	*s;

	s = store_reset(st->nntp[N_GROUP_UNCOUNT]);
	sqlite3_bind_int64(s, 1, id);
	if (exec_done(st, s, "group uncount") != 0)
		return -1;
	s = store_reset(st->nntp[N_GA_DELETE]);
	sqlite3_bind_int64(s, 1, id);
	if (exec_done(st, s, "group article delete") != 0)
		return -1;
	s = store_reset(st->nntp[N_ART_STATUS]);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, art_status_names[status], -1, SQLITE_STATIC);
	return exec_done(st, s, "article status");
}

static char *
group_list_text(const int64_t *groups, size_t n)
{
	char	*out = xstrdup(""), *t;
	size_t	 i;

	for (i = 0; i < n; i++) {
		xasprintf(&t, "%s%s%lld", out, i > 0 ? "," : "",
		    (long long)groups[i]);
		free(out);
		out = t;
	}
	return out;
}

int
store_news_post(struct store *st, const struct news_post *p)
{
	sqlite3_stmt	*s;
	int64_t		 id, num, *nums = p->nums;
	char		*gl, *xref = NULL;
	size_t		 i;
	int		 rc;

	if (store_begin(st) != STORE_OK)
		return STORE_ERROR;
	if (p->replace_id != 0) {
		/* A moderator's repost approves the held article. */
		id = p->replace_id;
		s = store_reset(st->nntp[N_ART_REPLACE]);
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, p->posted);
		sqlite3_bind_int64(s, 3, (sqlite3_int64)p->header_len);
		sqlite3_bind_int64(s, 4, (sqlite3_int64)p->len);
		sqlite3_bind_int64(s, 5, p->lines);
		sqlite3_bind_blob(s, 6, p->text, (int)p->len, SQLITE_STATIC);
		if (exec_done(st, s, "article replace") != 0)
			goto fail;
		s = store_reset(st->nntp[N_HOLD_DELETE]);
		sqlite3_bind_int64(s, 1, id);
		if (exec_done(st, s, "hold delete") != 0 ||
		    store_audit(st, p->actor, "approve", p->msgid,
		    "Approved: repost") != STORE_OK)
			goto fail;
	} else {
		/*
		 * A new article listed in its groups: the numbers are
		 * taken first, so the row is inserted with its Xref
		 * (not rewritten, 1.5 KB of text and all, by a second
		 * statement); a failed insert rolls them back.
		 */
		if (!p->hold) {
			nums = p->nums != NULL ? p->nums :
			    xcalloc(p->ngroups > 0 ? p->ngroups : 1,
			    sizeof *nums);
			for (i = 0; i < p->ngroups; i++)
				if ((nums[i] = group_bump(st, p->groups[i],
				    &xref)) < 0)
					goto fail;
		}
		s = store_reset(st->nntp[N_ART_INSERT]);
		sqlite3_bind_text(s, 1, p->msgid, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, p->posted);
		if (p->author_id != 0)
			sqlite3_bind_int64(s, 3, p->author_id);
		sqlite3_bind_text(s, 4, p->hold ? "held" : "ok", -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(s, 5, (sqlite3_int64)p->header_len);
		sqlite3_bind_int64(s, 6, (sqlite3_int64)p->len);
		sqlite3_bind_int64(s, 7, p->lines);
		sqlite3_bind_blob(s, 8, p->text, (int)p->len, SQLITE_STATIC);
		if (xref != NULL)
			sqlite3_bind_text(s, 9, xref, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc == SQLITE_CONSTRAINT_UNIQUE) {
			store_rollback(st);
			if (nums != p->nums)
				free(nums);
			free(xref);
			return STORE_EXISTS;
		}
		if (rc != SQLITE_DONE) {
			store_log_error(st, "article insert");
			goto fail;
		}
		id = sqlite3_last_insert_rowid(st->db);
	}
	if (p->hold) {
		gl = group_list_text(p->groups, p->ngroups);
		s = store_reset(st->nntp[N_HOLD_INSERT]);
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, gl, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, p->hold_reason != NULL ?
		    p->hold_reason : "moderated", -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, p->posted);
		rc = exec_done(st, s, "hold insert");
		free(gl);
		if (rc != 0)
			goto fail;
	} else if (p->replace_id == 0) {
		/* Numbered above: only listed here. */
		for (i = 0; i < p->ngroups; i++)
			if (group_list(st, p->groups[i], nums[i], id) != 0)
				goto fail;
	} else {
		for (i = 0; i < p->ngroups; i++) {
			if ((num = number_in(st, p->groups[i], id, &xref)) < 0)
				goto fail;
			if (p->nums != NULL)
				p->nums[i] = num;
		}
		if (save_xref(st, id, xref) != 0 ||
		    store_web_index_numbered(st, id) != STORE_OK)
			goto fail;
	}
	if (p->cancel_id != 0) {
		if (unlist(st, p->cancel_id, ART_CANCELLED) != 0 ||
		    store_audit(st, p->actor, "supersede", p->msgid,
		    "Supersedes") != STORE_OK)
			goto fail;
	}
	if (store_commit(st) != STORE_OK)
		goto fail;
	if (nums != p->nums)
		free(nums);
	free(xref);
	return STORE_OK;
fail:
	if (nums != p->nums)
		free(nums);
	free(xref);
	store_rollback(st);
	return STORE_ERROR;
}

int
store_news_cancel(struct store *st, int64_t id, const char *actor,
    const char *reason)
{
	char	target[32];

	snprintf(target, sizeof target, "article:%lld", (long long)id);
	if (store_begin(st) != STORE_OK)
		return STORE_ERROR;
	if (unlist(st, id, ART_CANCELLED) != 0 ||
	    store_audit(st, actor, "cancel", target, reason) != STORE_OK ||
	    store_commit(st) != STORE_OK) {
		store_rollback(st);
		return STORE_ERROR;
	}
	return STORE_OK;
}

/* The id and status of the article MSGID; STORE_NOTFOUND if none. */
static int
id_by_msgid(struct store *st, const char *msgid, int64_t *id, int *status)
{
	sqlite3_stmt	*s = store_reset(st->nntp[N_ID_BY_MSGID]);
	int		 rc;

	sqlite3_bind_text(s, 1, msgid, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		*status = art_status((const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

/*
 * The id of article MSGID when it is in state WANT; STORE_NOTFOUND when
 * there is no such article or it is in another state.
 */
static int
id_in_state(struct store *st, const char *msgid, int want, int64_t *id)
{
	int	status, rc;

	if ((rc = id_by_msgid(st, msgid, id, &status)) != STORE_OK)
		return rc;
	return status == want ? STORE_OK : STORE_NOTFOUND;
}

/* Set the status of article ID (no commit); 0 or -1. */
static int
set_status(struct store *st, int64_t id, const char *status)
{
	sqlite3_stmt	*s = store_reset(st->nntp[N_ART_STATUS]);

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, status, -1, SQLITE_STATIC);
	return exec_done(st, s, "article status");
}

int
store_news_approve(struct store *st, int64_t id, const char *actor)
{
	sqlite3_stmt	*s;
	char		*groups = NULL, *p, *end, target[32], *xref = NULL;
	long long	 g;

	if (store_begin(st) != STORE_OK)
		return STORE_ERROR;
	s = store_reset(st->nntp[N_HOLD_GET]);
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		store_rollback(st);
		return STORE_NOTFOUND;
	}
	groups = store_col_text(s, 0);
	sqlite3_reset(s);
	for (p = groups; p != NULL && *p != '\0'; p = end) {
		g = strtoll(p, &end, 10);
		if (end == p || number_in(st, g, id, &xref) < 0)
			goto fail;
		if (*end == ',')
			end++;
	}
	if (save_xref(st, id, xref) != 0 ||
	    store_web_index_numbered(st, id) != STORE_OK)
		goto fail;
	if (set_status(st, id, "ok") != 0)
		goto fail;
	s = store_reset(st->nntp[N_HOLD_DELETE]);
	sqlite3_bind_int64(s, 1, id);
	snprintf(target, sizeof target, "article:%lld", (long long)id);
	if (exec_done(st, s, "hold delete") != 0 ||
	    store_audit(st, actor, "approve", target, NULL) != STORE_OK ||
	    store_commit(st) != STORE_OK)
		goto fail;
	free(groups);
	free(xref);
	return STORE_OK;
fail:
	free(groups);
	free(xref);
	store_rollback(st);
	return STORE_ERROR;
}


static int
run_id(struct store *st, int which, int64_t id, const char *what)
{
	sqlite3_stmt	*s = store_reset(st->nntp[which]);

	sqlite3_bind_int64(s, 1, id);
	return exec_done(st, s, what);
}

int
store_news_hide(struct store *st, const char *msgid)
{
	int64_t	id;
	int	rc;

	if ((rc = id_in_state(st, msgid, ART_OK, &id)) != STORE_OK)
		return rc;
	if (store_begin(st) != STORE_OK)
		return STORE_ERROR;
	if (run_id(st, N_HIDE_SAVE, id, "hide save") != 0 ||
	    unlist(st, id, ART_HIDDEN) != 0 || store_commit(st) != STORE_OK) {
		store_rollback(st);
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_news_unhide(struct store *st, const char *msgid)
{
	int64_t	id;
	int	rc;

	if ((rc = id_in_state(st, msgid, ART_HIDDEN, &id)) != STORE_OK)
		return rc;
	if (store_begin(st) != STORE_OK)
		return STORE_ERROR;
	if (run_id(st, N_HIDE_RESTORE, id, "unhide restore") != 0 ||
	    store_web_index_numbered(st, id) != STORE_OK ||
	    run_id(st, N_HIDE_FORGET, id, "unhide forget") != 0 ||
	    run_id(st, N_GROUP_RECOUNT, id, "unhide recount") != 0 ||
	    set_status(st, id, "ok") != 0 || store_commit(st) != STORE_OK) {
		store_rollback(st);
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_news_reject(struct store *st, const char *msgid)
{
	int64_t	id;
	int	rc;

	if ((rc = id_in_state(st, msgid, ART_HELD, &id)) != STORE_OK)
		return rc;
	if (store_begin(st) != STORE_OK)
		return STORE_ERROR;
	if (set_status(st, id, "rejected") != 0 ||
	    run_id(st, N_HOLD_DELETE, id, "hold delete") != 0 ||
	    store_commit(st) != STORE_OK) {
		store_rollback(st);
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_news_approve_msgid(struct store *st, const char *msgid,
    const char *actor)
{
	int64_t	id;
	int	rc;

	if ((rc = id_in_state(st, msgid, ART_HELD, &id)) != STORE_OK)
		return rc;
	return store_news_approve(st, id, actor);
}

static int
feed_rows(struct store *st, sqlite3_stmt *s, store_news_art_cb cb, void *arg)
{
	struct news_art	a;
	int		rc, n = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		art_from_row(st, s, STORE_NNTP_TEXT, &a);
		a.author_name = (const char *)sqlite3_column_text(s, 13);
		n++;
		if (cb(&a, arg) != 0)
			break;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_log_error(st, "feed");
		return STORE_ERROR;
	}
	return n;
}

static int
gone_rows(struct store *st, sqlite3_stmt *s, store_news_art_cb cb, void *arg)
{
	struct news_art	a;
	int		rc, n = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&a, 0, sizeof a);
		a.msgid = (const char *)sqlite3_column_text(s, 0);
		a.changed = sqlite3_column_int64(s, 1);
		a.status = ART_HIDDEN;
		n++;
		if (cb(&a, arg) != 0)
			break;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_log_error(st, "feed tombstones");
		return STORE_ERROR;
	}
	return n;
}

int
store_news_feed_group(struct store *st, int64_t group, int64_t before,
    int limit, store_news_art_cb cb, void *arg)
{
	sqlite3_stmt	*s = store_reset(st->nntp[N_FEED_GROUP]);

	sqlite3_bind_int64(s, 1, group);
	sqlite3_bind_int64(s, 2, before);
	sqlite3_bind_int(s, 3, limit);
	return feed_rows(st, s, cb, arg);
}

int
store_news_feed_thread_as(struct store *st, const char *msgid, int level,
    int64_t viewer, store_news_art_cb cb, void *arg)
{
	sqlite3_stmt	*s = store_reset(st->nntp[N_FEED_THREAD]);

	sqlite3_bind_text(s, 1, msgid, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 8, level);
	sqlite3_bind_int64(s, 9, viewer);
	return feed_rows(st, s, cb, arg);
}

int
store_news_feed_author(struct store *st, int64_t account, int limit,
    store_news_art_cb cb, void *arg)
{
	sqlite3_stmt	*s = store_reset(st->nntp[N_FEED_AUTHOR]);

	sqlite3_bind_int64(s, 1, account);
	sqlite3_bind_int(s, 2, limit);
	return feed_rows(st, s, cb, arg);
}

int
store_news_feed_gone_group(struct store *st, const char *group, int limit,
    store_news_art_cb cb, void *arg)
{
	sqlite3_stmt	*s = store_reset(st->nntp[N_FEED_GONE_GROUP]);

	sqlite3_bind_text(s, 1, group, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, limit);
	return gone_rows(st, s, cb, arg);
}

int
store_news_feed_gone_thread(struct store *st, const char *msgid,
    store_news_art_cb cb, void *arg)
{
	sqlite3_stmt	*s = store_reset(st->nntp[N_FEED_GONE_THREAD]);

	sqlite3_bind_text(s, 1, msgid, -1, SQLITE_STATIC);
	return gone_rows(st, s, cb, arg);
}

/* Every article an account wrote, whatever its state (member export). */
int
store_news_by_author_all(struct store *st, int64_t account,
    store_news_art_cb cb, void *arg)
{
	sqlite3_stmt	*s = store_reset(st->nntp[N_BY_AUTHOR_ALL]);

	sqlite3_bind_int64(s, 1, account);
	return feed_rows(st, s, cb, arg);
}

/* Replace the stored text of article ID (pseudonymised); no commit. */
int
store_news_rewrite(struct store *st, int64_t id, const char *text,
    size_t len, size_t header_len, int64_t lines)
{
	sqlite3_stmt	*s = store_reset(st->nntp[N_REWRITE]);

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_blob(s, 2, text, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)header_len);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)len);
	sqlite3_bind_int64(s, 5, lines);
	return exec_done(st, s, "article rewrite") == 0 ? STORE_OK :
	    STORE_ERROR;
}

/*
 * Remove article ID for good: out of every group (its numbers are not
 * reused), its text and overview emptied; the Message-ID stays so feeds
 * can show a tombstone.  No commit.
 */
int
store_news_wipe(struct store *st, int64_t id)
{
	sqlite3_stmt	*s;

	if (run_id(st, N_HIDE_FORGET, id, "wipe hidden") != 0 ||
	    run_id(st, N_HOLD_DELETE, id, "wipe hold") != 0 ||
	    unlist(st, id, ART_CANCELLED) != 0)
		return STORE_ERROR;
	s = store_reset(st->nntp[N_WIPE]);
	sqlite3_bind_int64(s, 1, id);
	return exec_done(st, s, "article wipe") == 0 ? STORE_OK : STORE_ERROR;
}
