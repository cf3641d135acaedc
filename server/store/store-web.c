/*
 * store-web.c -- SQL of the web door (see store-web.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
