/*
 * store-web.c -- SQL of the web door (see store-web.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "log.h"
#include "store-int.h"
#include "store-web.h"
#include "xmalloc.h"

enum {
	WB_PUT,
	WB_GET,
	WB_TOUCH,
	WB_DEL,
	WB_DEL_ACCOUNT,
	WB_EXPIRE,
	WB_COUNT_ACCOUNT,
	WB_READ_GET,
	WB_READ_SET,
	WB_THREADS,
	WB_THREADS_TOTAL,
	WB_THREAD_UNREAD,
	WB_UNREAD,
	WB_THREAD_READ,
	WB_GONE_THREAD,
	WB_TZ_GET,
	WB_TZ_SET,
	WB_IDX_DONE,
	WB_IDX_NEXT,
	WB_IDX_ADD,
	WB_IDX_SET,
	WB_IDX_NUMBERED,
	WB_COUNT
};

static const struct store_sql web_sql[] = {
	{ WB_PUT, "INSERT INTO web_sessions (hash, account_id, created, "
	  "last_seen, expires) VALUES (?1, ?2, ?3, ?3, ?4)" },
	{ WB_GET, "SELECT a.id, a.name, a.role, s.created, s.last_seen, "
	  "s.expires FROM web_sessions s JOIN accounts a ON a.id = "
	  "s.account_id WHERE s.hash = ?1 AND s.expires > ?2 AND a.status = "
	  "'active'" },
	{ WB_TOUCH, "UPDATE web_sessions SET last_seen = ?2, expires = ?3 "
	  "WHERE hash = ?1" },
	{ WB_DEL, "DELETE FROM web_sessions WHERE hash = ?1" },
	{ WB_DEL_ACCOUNT, "DELETE FROM web_sessions WHERE account_id = "
	  "(SELECT id FROM accounts WHERE name_fold = lower(?1))" },
	{ WB_EXPIRE, "DELETE FROM web_sessions WHERE expires <= ?1" },
	{ WB_COUNT_ACCOUNT, "SELECT count(*) FROM web_sessions WHERE "
	  "account_id = ?1" },
	{ WB_READ_GET, "SELECT last_read FROM web_group_read WHERE "
	  "account_id = ?1 AND group_id = ?2" },
	{ WB_READ_SET, "INSERT INTO web_group_read (account_id, group_id, "
	  "last_read) VALUES (?1, ?2, ?3) ON CONFLICT (account_id, group_id) "
	  "DO UPDATE SET last_read = max(last_read, excluded.last_read)" },
	/*
	 * A group's threads (migration 22's group_threads), newest
	 * activity first, one page, from the index.
	 */
	{ WB_THREADS, "SELECT root, count, last, last_num, head_num, "
	  "have_root FROM group_threads WHERE group_id = ?1 "
	  "ORDER BY last DESC, last_num DESC LIMIT ?2 OFFSET ?3" },
	/* How many threads, and the newest time. */
	{ WB_THREADS_TOTAL, "SELECT count(*), coalesce(max(last), 0) FROM "
	  "group_threads WHERE group_id = ?1" },
	/*
	 * Articles of thread ?3 in group ?2 new to account ?1: above the
	 * floor ?4 and above what they read of it.  CROSS JOIN: the
	 * thread's articles first (by root), not the group's range.
	 */
	{ WB_THREAD_UNREAD, "SELECT count(*) FROM article_threads t "
	  "CROSS JOIN group_articles ga ON ga.article_id = t.article_id AND "
	  "ga.group_id = ?2 WHERE t.root = ?3 AND ga.num > max(?4, "
	  "coalesce((SELECT last_num FROM web_thread_read WHERE "
	  "account_id = ?1 AND group_id = ?2 AND root = ?3), 0))" },
	/*
	 * Articles of group ?2 new to account ?1 above the floor ?3: all
	 * above it, less those in threads they opened, up to where they
	 * read each (an index count, and the threads they read).
	 */
	{ WB_UNREAD, "SELECT (SELECT count(*) FROM group_articles WHERE "
	  "group_id = ?2 AND num > ?3) - (SELECT count(*) FROM "
	  "web_thread_read r CROSS JOIN article_threads t ON t.root = "
	  "r.root CROSS JOIN group_articles ga ON ga.article_id = t.article_id AND "
	  "ga.group_id = r.group_id WHERE r.account_id = ?1 AND "
	  "r.group_id = ?2 AND ga.num > ?3 AND ga.num <= r.last_num)" },
	/*
	 * Account ?1 opened thread ?2: in every group it is in, read up
	 * to its highest number there (never back).
	 */
	{ WB_THREAD_READ, "INSERT INTO web_thread_read (account_id, "
	  "group_id, root, last_num) SELECT ?1, ga.group_id, ?2, "
	  "max(ga.num) FROM article_threads t CROSS JOIN group_articles "
	  "ga ON ga.article_id = t.article_id WHERE t.root = ?2 "
	  "GROUP BY ga.group_id "
	  "ON CONFLICT (account_id, group_id, root) DO UPDATE SET "
	  "last_num = max(last_num, excluded.last_num)" },
	/*
	 * The hidden and cancelled articles of thread ?1 (its first or
	 * one that names it in References), with their References value
	 * to hang them where they were; never their words.
	 */
	{ WB_GONE_THREAD, "SELECT a.msgid, a.status_changed, a.status, "
	  "substr(a.text, 1, a.header_len) FROM articles a "
	  "WHERE a.status IN ('hidden', 'cancelled') AND (a.msgid = ?1 OR "
	  "a.id IN (SELECT article_id FROM article_threads WHERE root = ?1) "
	  "OR instr(substr(a.text, 1, a.header_len), ?1) > 0) "
	  "ORDER BY a.status_changed DESC LIMIT 500" },
	/* A member's time zone (migration 22; NULL: the server's). */
	{ WB_TZ_GET, "SELECT coalesce(timezone, '') FROM accounts "
	  "WHERE id = ?1" },
	{ WB_TZ_SET, "UPDATE accounts SET timezone = ?2 WHERE id = ?1" },
	/*
	 * The thread index's catch-up (store_web_index_catch_up()): how
	 * far it is, and the next articles' headers past that.
	 */
	{ WB_IDX_DONE, "SELECT done, (SELECT coalesce(max(id), 0) FROM "
	  "articles) FROM thread_index" },
	{ WB_IDX_NEXT, "SELECT id, msgid, posted, bytes, substr(text, 1, "
	  "header_len) FROM articles WHERE id > ?1 ORDER BY id LIMIT ?2" },
	{ WB_IDX_ADD, "INSERT OR IGNORE INTO article_threads (article_id, "
	  "root, posted, is_root) VALUES (?1, ?2, ?3, ?4)" },
	{ WB_IDX_SET, "UPDATE thread_index SET done = ?1" },
	/*
	 * Indexed article ?1's numbers added to its threads' rows (each
	 * of its groups): once when it is indexed, and when it is given
	 * numbers later (approved, unhidden).  Nothing for an article not
	 * indexed yet (the catch-up adds them) or erased.
	 */
	{ WB_IDX_NUMBERED, "INSERT INTO group_threads (group_id, root, "
	  "count, last, last_num, head_num, have_root) SELECT ga.group_id, "
	  "t.root, 1, t.posted, ga.num, ga.num, t.is_root FROM "
	  "article_threads t JOIN group_articles ga ON ga.article_id = "
	  "t.article_id WHERE t.article_id = ?1 AND t.root IS NOT NULL "
	  "ON CONFLICT (group_id, root) DO UPDATE SET count = count + 1, "
	  "last = max(last, excluded.last), "
	  "last_num = max(last_num, excluded.last_num), "
	  "head_num = CASE WHEN excluded.have_root > have_root THEN "
	  "excluded.head_num WHEN have_root > excluded.have_root THEN "
	  "head_num ELSE min(head_num, excluded.head_num) END, "
	  "have_root = max(have_root, excluded.have_root)" },
};

int
store_web_prepare(struct store *st)
{
	st->web = xcalloc(WB_COUNT, sizeof *st->web);
	return store_prepare(st, web_sql, sizeof web_sql / sizeof web_sql[0],
	    st->web);
}

void
store_web_finalize(struct store *st)
{
	if (st->web == NULL)
		return;
	store_finalize(st->web, WB_COUNT);
	free(st->web);
	st->web = NULL;
}

int
store_websession_put(struct store *st, const char *hash, int64_t account_id,
    int64_t now, int64_t expires)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_PUT]);

	sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, account_id);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_int64(s, 4, expires);
	return store_step_done(st, s, "websession put");
}

int
store_websession_get(struct store *st, const char *hash, int64_t now,
    struct web_session_row *r)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_GET]);
	int		 rc;

	sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		memset(r, 0, sizeof *r);
		r->account_id = sqlite3_column_int64(s, 0);
		snprintf(r->account, sizeof r->account, "%s",
		    (const char *)sqlite3_column_text(s, 1));
		snprintf(r->role, sizeof r->role, "%s",
		    (const char *)sqlite3_column_text(s, 2));
		r->created = sqlite3_column_int64(s, 3);
		r->last_seen = sqlite3_column_int64(s, 4);
		r->expires = sqlite3_column_int64(s, 5);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	store_log_error(st, "websession get");
	return STORE_ERROR;
}

int
store_websession_touch(struct store *st, const char *hash, int64_t now,
    int64_t expires)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_TOUCH]);

	sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, expires);
	return store_step_done(st, s, "websession touch");
}

int
store_websession_del(struct store *st, const char *hash)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_DEL]);

	sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
	return store_step_done(st, s, "websession del");
}

int
store_websession_del_account(struct store *st, const char *account)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_DEL_ACCOUNT]);

	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	return store_step_done(st, s, "websession del account");
}

int
store_websession_expire(struct store *st, int64_t now)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_EXPIRE]);

	sqlite3_bind_int64(s, 1, now);
	return store_step_done(st, s, "websession expire");
}

/* Step S for one integer into *OUT (no row: 0). */
static int
one_int(struct store *st, sqlite3_stmt *s, int64_t *out, const char *what)
{
	int	rc = sqlite3_step(s);

	*out = 0;
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_log_error(st, what);
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_websession_count(struct store *st, int64_t account_id, int64_t *n)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_COUNT_ACCOUNT]);

	sqlite3_bind_int64(s, 1, account_id);
	return one_int(st, s, n, "websession count");
}

int
store_web_read_get(struct store *st, int64_t account_id, int64_t group_id,
    int64_t *last)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_READ_GET]);

	sqlite3_bind_int64(s, 1, account_id);
	sqlite3_bind_int64(s, 2, group_id);
	return one_int(st, s, last, "web read get");
}

int
store_web_read_set(struct store *st, int64_t account_id, int64_t group_id,
    int64_t last)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_READ_SET]);

	sqlite3_bind_int64(s, 1, account_id);
	sqlite3_bind_int64(s, 2, group_id);
	sqlite3_bind_int64(s, 3, last);
	return store_step_done(st, s, "web read set");
}

int
store_web_threads(struct store *st, int64_t group_id, int64_t limit,
    int64_t offset, store_web_thread_cb cb, void *arg)
{
	sqlite3_stmt		*s = store_reset(st->web[WB_THREADS]);
	struct web_thread_row	 t;
	int			 rc, n = 0;

	sqlite3_bind_int64(s, 1, group_id);
	sqlite3_bind_int64(s, 2, limit);
	sqlite3_bind_int64(s, 3, offset);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&t, 0, sizeof t);
		t.root = (const char *)sqlite3_column_text(s, 0);
		t.count = sqlite3_column_int64(s, 1);
		t.last = sqlite3_column_int64(s, 2);
		t.last_num = sqlite3_column_int64(s, 3);
		t.head_num = sqlite3_column_int64(s, 4);
		t.have_root = sqlite3_column_int(s, 5);
		n++;
		if (cb(&t, arg) != 0)
			break;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_log_error(st, "web threads");
		return STORE_ERROR;
	}
	return n;
}

int
store_web_threads_total(struct store *st, int64_t group_id, int64_t *total,
    int64_t *newest)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_THREADS_TOTAL]);
	int		 rc;

	*total = *newest = 0;
	sqlite3_bind_int64(s, 1, group_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*total = sqlite3_column_int64(s, 0);
		*newest = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_log_error(st, "web threads total");
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_web_thread_unread(struct store *st, int64_t account_id,
    int64_t group_id, const char *root, int64_t floor, int64_t *n)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_THREAD_UNREAD]);

	sqlite3_bind_int64(s, 1, account_id);
	sqlite3_bind_int64(s, 2, group_id);
	sqlite3_bind_text(s, 3, root, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, floor);
	return one_int(st, s, n, "web thread unread");
}

int
store_web_unread(struct store *st, int64_t account_id, int64_t group_id,
    int64_t floor, int64_t *n)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_UNREAD]);

	sqlite3_bind_int64(s, 1, account_id);
	sqlite3_bind_int64(s, 2, group_id);
	sqlite3_bind_int64(s, 3, floor);
	return one_int(st, s, n, "web unread");
}

int
store_web_thread_read(struct store *st, int64_t account_id,
    const char *root)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_THREAD_READ]);

	sqlite3_bind_int64(s, 1, account_id);
	sqlite3_bind_text(s, 2, root, -1, SQLITE_STATIC);
	return store_step_done(st, s, "web thread read");
}

int
store_web_gone_thread(struct store *st, const char *root,
    store_web_gone_cb cb, void *arg)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_GONE_THREAD]);
	const char	*status;
	int		 rc, n = 0;

	sqlite3_bind_text(s, 1, root, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		status = (const char *)sqlite3_column_text(s, 2);
		n++;
		if (cb((const char *)sqlite3_column_text(s, 0),
		    sqlite3_column_int64(s, 1), strcmp(status, "hidden") == 0,
		    (const char *)sqlite3_column_blob(s, 3),
		    (size_t)sqlite3_column_bytes(s, 3), arg) != 0)
			break;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_log_error(st, "web gone thread");
		return STORE_ERROR;
	}
	return n;
}

int
store_account_tz_get(struct store *st, int64_t account_id, char *buf,
    size_t len)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_TZ_GET]);
	int		 rc;

	buf[0] = '\0';
	sqlite3_bind_int64(s, 1, account_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(s,
		    0));
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	store_log_error(st, "account tz get");
	return STORE_ERROR;
}

int
store_account_tz_set(struct store *st, int64_t account_id, const char *zone)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_TZ_SET]);

	sqlite3_bind_int64(s, 1, account_id);
	if (zone != NULL)
		sqlite3_bind_text(s, 2, zone, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 2);
	if (store_step_done(st, s, "account tz set") != STORE_OK)
		return STORE_ERROR;
	return sqlite3_changes(st->db) > 0 ? STORE_OK : STORE_NOTFOUND;
}

int
store_web_index_behind(struct store *st, int64_t *done, int64_t *top)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_IDX_DONE]);
	int		 rc;

	*done = *top = 0;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*done = sqlite3_column_int64(s, 0);
		*top = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_log_error(st, "thread index done");
		return STORE_ERROR;
	}
	return *top > *done;
}

/*
 * Index the articles past thread_index.done, LIMIT of them at most:
 * each one's thread from its header (article_first_reference(); the
 * rule of migration 23's THREAD_ROW), its row in article_threads and
 * its numbers in group_threads, then the mark moved.  The caller
 * holds the transaction.  The number indexed, or STORE_ERROR.
 */
int
store_web_index_catch_up(struct store *st, int limit)
{
	sqlite3_stmt	*s, *add;
	int64_t		 done, top, id = 0;
	const char	*hdr, *msgid;
	char		 ref[512];
	int		 rc, n = 0, has_ref;

	if ((rc = store_web_index_behind(st, &done, &top)) <= 0)
		return rc;
	s = store_reset(st->web[WB_IDX_NEXT]);
	sqlite3_bind_int64(s, 1, done);
	sqlite3_bind_int(s, 2, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		msgid = (const char *)sqlite3_column_text(s, 1);
		hdr = (const char *)sqlite3_column_blob(s, 4);
		has_ref = hdr != NULL && article_first_reference(hdr,
		    (size_t)sqlite3_column_bytes(s, 4), ref, sizeof ref);
		add = store_reset(st->web[WB_IDX_ADD]);
		sqlite3_bind_int64(add, 1, id);
		if (sqlite3_column_int64(s, 3) == 0)
			sqlite3_bind_null(add, 2);	/* erased */
		else
			sqlite3_bind_text(add, 2, has_ref ? ref : msgid, -1,
			    SQLITE_TRANSIENT);
		sqlite3_bind_int64(add, 3, sqlite3_column_int64(s, 2));
		sqlite3_bind_int(add, 4, !has_ref);
		if (store_step_done(st, add, "thread index add") !=
		    STORE_OK || store_web_index_numbered(st, id) !=
		    STORE_OK) {
			sqlite3_reset(s);
			return STORE_ERROR;
		}
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, "thread index next");
		return STORE_ERROR;
	}
	if (n > 0) {
		s = store_reset(st->web[WB_IDX_SET]);
		sqlite3_bind_int64(s, 1, id);
		if (store_step_done(st, s, "thread index set") != STORE_OK)
			return STORE_ERROR;
	}
	return n;
}

int
store_web_index_numbered(struct store *st, int64_t article_id)
{
	sqlite3_stmt	*s = store_reset(st->web[WB_IDX_NUMBERED]);

	sqlite3_bind_int64(s, 1, article_id);
	return store_step_done(st, s, "thread index numbered");
}
