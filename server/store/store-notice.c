/*
 * store-notice.c -- SQL of member notices (see store-notice.h).
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store-int.h"
#include "store-notice.h"
#include "xmalloc.h"

#define ISO(col) "strftime('%Y-%m-%dT%H:%M:%SZ', " col ", 'unixepoch')"

enum {
	N_ADD,
	N_STATS,
	N_GET,
	N_RANGE,
	N_PREV,
	N_NEXT,
	N_LIST,
	N_COUNT
};

static const struct store_sql notice_sql[] = {
	{ N_ADD, "INSERT INTO notices (account_id, kind, subject, body, "
	  "created) SELECT id, ?2, ?3, ?4, ?5 FROM accounts WHERE "
	  "name_fold = lower(?1)" },
	{ N_STATS, "SELECT count(*), coalesce(min(id), 0), "
	  "coalesce(max(id), 0) FROM notices WHERE account_id = ?1" },
	{ N_GET, "SELECT id, kind, subject, body, created FROM notices "
	  "WHERE id = ?2 AND account_id = ?1" },
	{ N_RANGE, "SELECT id, kind, subject, body, created FROM notices "
	  "WHERE account_id = ?1 AND id BETWEEN ?2 AND ?3 ORDER BY id "
	  "LIMIT ?4" },
	{ N_PREV, "SELECT max(id) FROM notices WHERE account_id = ?1 AND "
	  "id < ?2" },
	{ N_NEXT, "SELECT min(id) FROM notices WHERE account_id = ?1 AND "
	  "id > ?2" },
	{ N_LIST, "SELECT id AS id, kind AS kind, subject AS subject, "
	  "body AS body, " ISO("created") " AS created FROM notices WHERE "
	  "account_id = ?1 ORDER BY id" },
};

int
store_notice_prepare(struct store *st)
{
	st->notices = xcalloc(N_COUNT, sizeof *st->notices);
	return store_prepare(st, notice_sql, sizeof notice_sql /
	    sizeof notice_sql[0], st->notices);
}

void
store_notice_finalize(struct store *st)
{
	if (st->notices == NULL)
		return;
	store_finalize(st->notices, N_COUNT);
	free(st->notices);
	st->notices = NULL;
}

int
store_notice_add(struct store *st, const char *account, const char *kind,
    const char *subject, const char *body, int64_t created, int64_t *id)
{
	sqlite3_stmt	*s = store_reset(st->notices[N_ADD]);
	int		 rc;

	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, body, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, created);
	if ((rc = store_step_changes(st, s, "notice add")) != STORE_OK)
		return rc;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	return STORE_OK;
}

int
store_notice_stats(struct store *st, int64_t account_id, int64_t *count,
    int64_t *low, int64_t *high)
{
	sqlite3_stmt	*s = store_reset(st->notices[N_STATS]);
	int		 rc;

	sqlite3_bind_int64(s, 1, account_id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*count = sqlite3_column_int64(s, 0);
		*low = sqlite3_column_int64(s, 1);
		*high = sqlite3_column_int64(s, 2);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		store_log_error(st, "notice stats");
		return STORE_ERROR;
	}
	return STORE_OK;
}

struct notice_copy {
	int64_t	 id, created;
	char	*kind, *subject, *body;
};

/*
 * Step S and hand each row to CB, after collecting them all: the
 * callback may run other statements.  The number handed over, or
 * STORE_ERROR.
 */
static int
notice_rows(struct store *st, sqlite3_stmt *s, store_notice_cb cb,
    void *arg, const char *what)
{
	struct notice_copy	*v = NULL;
	struct notice_row	 r;
	size_t			 n = 0, i;
	int			 rc, stop = 0, handed = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n].id = sqlite3_column_int64(s, 0);
		v[n].kind = store_col_text(s, 1);
		v[n].subject = store_col_text(s, 2);
		v[n].body = store_col_text(s, 3);
		v[n].created = sqlite3_column_int64(s, 4);
		n++;
	}
	sqlite3_reset(s);
	for (i = 0; i < n; i++) {
		if (rc == SQLITE_DONE && !stop) {
			r.id = v[i].id;
			r.kind = v[i].kind != NULL ? v[i].kind : "";
			r.subject = v[i].subject != NULL ? v[i].subject : "";
			r.body = v[i].body != NULL ? v[i].body : "";
			r.created = v[i].created;
			handed++;
			stop = cb(&r, arg) != 0;
		}
		free(v[i].kind);
		free(v[i].subject);
		free(v[i].body);
	}
	free(v);
	if (rc != SQLITE_DONE) {
		store_log_error(st, what);
		return STORE_ERROR;
	}
	return handed;
}

int
store_notice_get(struct store *st, int64_t account_id, int64_t id,
    store_notice_cb cb, void *arg)
{
	sqlite3_stmt	*s = store_reset(st->notices[N_GET]);
	int		 n;

	sqlite3_bind_int64(s, 1, account_id);
	sqlite3_bind_int64(s, 2, id);
	n = notice_rows(st, s, cb, arg, "notice get");
	if (n < 0)
		return STORE_ERROR;
	return n > 0 ? STORE_OK : STORE_NOTFOUND;
}

int
store_notice_range(struct store *st, int64_t account_id, int64_t lo,
    int64_t hi, int limit, store_notice_cb cb, void *arg)
{
	sqlite3_stmt	*s = store_reset(st->notices[N_RANGE]);

	sqlite3_bind_int64(s, 1, account_id);
	sqlite3_bind_int64(s, 2, lo);
	sqlite3_bind_int64(s, 3, hi);
	sqlite3_bind_int(s, 4, limit);
	return notice_rows(st, s, cb, arg, "notice range");
}

static int64_t
one_id(struct store *st, int which, int64_t account_id, int64_t id)
{
	sqlite3_stmt	*s = store_reset(st->notices[which]);
	int64_t		 v = 0;

	sqlite3_bind_int64(s, 1, account_id);
	sqlite3_bind_int64(s, 2, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return v;
}

int64_t
store_notice_prev(struct store *st, int64_t account_id, int64_t id)
{
	return one_id(st, N_PREV, account_id, id);
}

int64_t
store_notice_next(struct store *st, int64_t account_id, int64_t id)
{
	return one_id(st, N_NEXT, account_id, id);
}

int
store_notice_list(struct store *st, int64_t account_id, store_row_cb cb,
    void *arg)
{
	sqlite3_stmt	*s = store_reset(st->notices[N_LIST]);

	sqlite3_bind_int64(s, 1, account_id);
	return store_rows(st, s, cb, arg, "notice list");
}
