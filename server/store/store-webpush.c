/*
 * store-webpush.c -- SQL of Web Push subscriptions (see store-webpush.h).
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store-int.h"
#include "store-webpush.h"
#include "xmalloc.h"

enum {
	W_PUT,
	W_COUNT_OTHERS,
	W_DEL,
	W_SUBS,
	W_LIST,
	W_EXPIRE,
	W_COUNT
};

static const struct store_sql webpush_sql[] = {
	{ W_PUT, "INSERT INTO webpush_subs (account_id, endpoint, p256dh, "
	  "auth, created) SELECT id, ?2, ?3, ?4, ?5 FROM accounts WHERE "
	  "name_fold = lower(?1) ON CONFLICT (account_id, endpoint) DO "
	  "UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth, "
	  "created = excluded.created" },
	{ W_COUNT_OTHERS, "SELECT count(*) FROM webpush_subs WHERE "
	  "account_id = (SELECT id FROM accounts WHERE name_fold = "
	  "lower(?1)) AND endpoint <> ?2" },
	{ W_DEL, "DELETE FROM webpush_subs WHERE account_id = (SELECT id "
	  "FROM accounts WHERE name_fold = lower(?1)) AND endpoint = ?2" },
	{ W_SUBS, "SELECT endpoint, p256dh, auth FROM webpush_subs WHERE "
	  "account_id = (SELECT id FROM accounts WHERE name_fold = "
	  "lower(?1)) ORDER BY created LIMIT ?2" },
	{ W_LIST, "SELECT endpoint AS endpoint, strftime('%Y-%m-%dT%H:%M:"
	  "%SZ', created, 'unixepoch') AS created FROM webpush_subs WHERE "
	  "account_id = ?1 ORDER BY created" },
	{ W_EXPIRE, "DELETE FROM webpush_subs WHERE account_id = (SELECT "
	  "id FROM accounts WHERE name_fold = lower(?1)) AND created < ?2" },
};

int
store_webpush_prepare(struct store *st)
{
	st->webpush = xcalloc(W_COUNT, sizeof *st->webpush);
	return store_prepare(st, webpush_sql, sizeof webpush_sql /
	    sizeof webpush_sql[0], st->webpush);
}

void
store_webpush_finalize(struct store *st)
{
	if (st->webpush == NULL)
		return;
	store_finalize(st->webpush, W_COUNT);
	free(st->webpush);
	st->webpush = NULL;
}

int
store_webpush_put(struct store *st, const char *account,
    const char *endpoint, const char *p256dh, const char *auth,
    int64_t created)
{
	sqlite3_stmt	*s = store_reset(st->webpush[W_PUT]);

	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, endpoint, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, p256dh, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, auth, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, created);
	return store_step_changes(st, s, "webpush put");
}

int
store_webpush_count_others(struct store *st, const char *account,
    const char *endpoint, int64_t *count)
{
	sqlite3_stmt	*s = store_reset(st->webpush[W_COUNT_OTHERS]);
	int		 rc;

	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, endpoint, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*count = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		store_log_error(st, "webpush count");
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_webpush_del(struct store *st, const char *account,
    const char *endpoint)
{
	sqlite3_stmt	*s = store_reset(st->webpush[W_DEL]);

	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, endpoint, -1, SQLITE_STATIC);
	return store_step_done(st, s, "webpush del");
}

int
store_webpush_subs(struct store *st, const char *account, int max,
    struct webpush_sub **subs)
{
	sqlite3_stmt		*s = store_reset(st->webpush[W_SUBS]);
	struct webpush_sub	*v = NULL;
	int			 n = 0, rc;

	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n].endpoint = store_col_text(s, 0);
		v[n].p256dh = store_col_text(s, 1);
		v[n].auth = store_col_text(s, 2);
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_webpush_free(v, n);
		store_log_error(st, "webpush subs");
		return STORE_ERROR;
	}
	*subs = v;
	return n;
}

void
store_webpush_free(struct webpush_sub *v, int n)
{
	int	i;

	for (i = 0; i < n; i++) {
		free(v[i].endpoint);
		free(v[i].p256dh);
		free(v[i].auth);
	}
	free(v);
}

int
store_webpush_expire(struct store *st, const char *account, int64_t before)
{
	sqlite3_stmt	*s = store_reset(st->webpush[W_EXPIRE]);

	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, before);
	return store_step_done(st, s, "webpush expire");
}

int
store_webpush_list(struct store *st, int64_t account_id, store_row_cb cb,
    void *arg)
{
	sqlite3_stmt	*s = store_reset(st->webpush[W_LIST]);

	sqlite3_bind_int64(s, 1, account_id);
	return store_rows(st, s, cb, arg, "webpush list");
}
